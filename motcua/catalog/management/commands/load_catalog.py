from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import catalog_load
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Load Hanoi's common procedures from catalog/data/procedures.toml. Creates the "
        "sectors, procedures and versions that are missing and leaves existing ones alone. "
        "Load the network first (load_network): fixed competent agencies must exist."
    )

    def handle(self, *args, **options):
        try:
            report = catalog_load()
        except DomainError as exc:
            problems = exc.extra.get("problems") or [exc.detail]
            raise CommandError("\n".join(problems)) from exc
        for what, n in report.created.items():
            self.stdout.write(f"{what}: {n} created")
