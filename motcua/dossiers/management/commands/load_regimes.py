"""``motcua load_regimes``: the legal regimes and their official forms (missing rows only)."""

from django.core.management.base import BaseCommand

from motcua.dossiers.services.regimes import regimes_load


class Command(BaseCommand):
    help = "Load the one-stop regimes (2018, 2025) and their form templates."

    def handle(self, *args, **options):
        created = regimes_load()
        self.stdout.write(self.style.SUCCESS(f"Regimes and forms loaded: {created} new rows."))
