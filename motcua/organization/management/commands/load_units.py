from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.organization.services.network import units_load


class Command(BaseCommand):
    help = (
        "Load a province's administrative units before and after the 2025 reorganization "
        "(vietnam-provinces), with the successions between them. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province",
            required=True,
            help="GSO province code of either period, e.g. 1 or 01 for Hà Nội.",
        )

    def handle(self, *args, province, **options):
        try:
            report = units_load(province_code=province)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        for what, n in report.created.items():
            self.stdout.write(f"{what}: {n} created, {report.updated.get(what, 0)} updated")
