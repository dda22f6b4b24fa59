"""``motcua verify_audit``: recompute every dossier's hash chain and report any break."""

from django.core.management.base import BaseCommand, CommandError

from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.models import Dossier, DossierEvent


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail of every dossier (or of the codes given)."

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="Dossier codes; all dossiers when omitted.")

    def handle(self, *args, codes, **options):
        ids = None
        if codes:
            ids = list(Dossier.objects.filter(code__in=codes).values_list("pk", flat=True))
            if len(ids) != len(set(codes)):
                raise CommandError("Unknown dossier code(s).")
        breaks = 0
        for found in chain_breaks(ids):
            breaks += 1
            self.stdout.write(self.style.ERROR(str(found)))
        events = (
            DossierEvent.objects.count()
            if ids is None
            else (DossierEvent.objects.filter(dossier_id__in=ids).count())
        )
        if breaks:
            raise CommandError(f"{breaks} break(s) in the audit trail ({events} events checked).")
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {events} events checked."))
