"""``motcua check-continuity [--on DATE]``: list the open dossiers nobody can act on."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.core import clock
from motcua.dossiers.continuity import open_q, stranded_dossiers
from motcua.dossiers.models import Dossier


class Command(BaseCommand):
    help = (
        "List every open dossier whose holder (site or agency) has nobody able to act on the "
        "date (today by default); exit with an error when there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on", type=date.fromisoformat, default=None, help="The date, YYYY-MM-DD."
        )

    def handle(self, *args, on: date | None, **options):
        on = on or clock.today()
        found = stranded_dossiers(on=on)
        for item in found:
            d = item.dossier
            self.stdout.write(f"{d.code}\t{d.status}\t{item.holder}\t{item.reason}")
        checked = Dossier.objects.filter(open_q(on)).count()
        if found:
            raise CommandError(
                f"{len(found)} open dossier(s) stranded on {on.isoformat()} "
                f"({checked} open dossiers checked)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"No open dossier stranded on {on.isoformat()} ({checked} open dossiers checked)."
            )
        )
