from django.core.management.base import BaseCommand, CommandError

from motcua.organization.services.network import network_load


class Command(BaseCommand):
    help = (
        "Load Hanoi's units, agencies, network phases and sites from organization/data/. "
        "Creates what is missing and leaves existing rows alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Check the whole network against the phase rules after loading; "
            "fail listing the problems if there are any.",
        )

    def handle(self, *args, verify, **options):
        report = network_load(verify=verify)
        for what, n in report.created.items():
            self.stdout.write(f"{what}: {n} created")
        if report.problems:
            raise CommandError("\n".join(report.problems))
        if verify:
            self.stdout.write(self.style.SUCCESS("The network follows the rules of every phase."))
