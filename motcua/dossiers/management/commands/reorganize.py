"""``motcua reorganize``: hand over the dossiers in flight of agencies that cease.

    motcua reorganize --agency UBND-D-003 --on 2025-07-01            # show who takes over what
    motcua reorganize --agency UBND-D-003 --on 2025-07-01 --apply    # record and apply
    motcua reorganize --kind district_committee --on 2025-07-01 --apply   # every district

The same services as the Center director's page (docs/decisions/0008-succession.md).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.dossiers import succession
from motcua.dossiers.models import Reorganization
from motcua.dossiers.services import competence
from motcua.organization.choices import AgencyKind
from motcua.organization.models import Agency


def _pair(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise CommandError(f"expected KEY=AGENCY_CODE, got {text!r}")
    return key.strip(), value.strip()


class Command(BaseCommand):
    help = "Show, or with --apply record and apply, the handover of a ceasing agency's dossiers."

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[], help="Ceasing agency code.")
        parser.add_argument(
            "--kind", choices=AgencyKind.values, help="Every agency of this kind ceasing then."
        )
        parser.add_argument(
            "--on", type=date.fromisoformat, required=True,
            help="The day the successors take over (the agency's last day + 1).",
        )  # fmt: skip
        parser.add_argument("--successor", default="", help="One successor for everything.")
        parser.add_argument(
            "--procedure", action="append", default=[], metavar="CODE=AGENCY",
            help="The successor for one procedure's dossiers.",
        )  # fmt: skip
        parser.add_argument(
            "--set", action="append", default=[], metavar="DOSSIER=AGENCY",
            help="The successor of one dossier (an adjustment).",
        )  # fmt: skip
        parser.add_argument("--decision", default="", help="Decision number.")
        parser.add_argument("--legal-basis", default="")
        parser.add_argument(
            "--at", type=datetime.fromisoformat, help="When the handover happens (default now)."
        )
        parser.add_argument("--apply", action="store_true", help="Apply (default: only show).")

    def handle(self, *args, **options):
        on: date = options["on"]
        codes = list(options["agency"])
        if options["kind"]:
            codes += list(
                Agency.objects.filter(kind=options["kind"], valid_to=on - timedelta(days=1))
                .order_by("code")
                .values_list("code", flat=True)
            )
        if not codes:
            raise CommandError("name an agency (--agency) or a kind (--kind)")
        per_procedure = dict(_pair(p) for p in options["procedure"])
        overrides = dict(_pair(s) for s in options["set"])
        at = options["at"]
        if at is not None and at.tzinfo is None:
            from django.utils import timezone

            at = timezone.make_aware(at)
        total = stranded = 0
        for code in codes:
            try:
                total, stranded = self._one(code, on, options, per_procedure, overrides, at,
                                            total, stranded)  # fmt: skip
            except DomainError as exc:
                raise CommandError(f"{code}: {exc.detail}") from exc
        verb = "moved" if options["apply"] else "to move"
        self.stdout.write(f"{total} dossier(s) {verb}; {stranded} without a successor.")
        if stranded and not options["apply"]:
            raise CommandError("some dossiers have no successor: name one with --set")

    def _one(self, code, on, options, per_procedure, overrides, at, total, stranded):
        rule = succession.FIXED if options["successor"] else succession.TERRITORY
        decision = competence.reorganization_create(
            actor=None, agency_code=code, effective_on=on, rule=rule,
            successor_code=options["successor"], decision_number=options["decision"],
            legal_basis=options["legal_basis"], per_procedure=per_procedure,
        ) if options["apply"] else Reorganization.objects.filter(
            agency__code=code, effective_on=on
        ).first()  # fmt: skip
        if decision is None:
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise CommandError(f"no agency {code}")
            decision = Reorganization(
                agency=agency, effective_on=on, rule=rule,
                successor=Agency.objects.filter(code=options["successor"]).first(),
            )  # fmt: skip
        plan = competence.reorganization_plan(decision, per_procedure=per_procedure)
        self.stdout.write(f"{decision.agency.code} {decision.agency.name}: {len(plan)} in flight")
        for h in plan:
            chosen = overrides.get(h.dossier.code) or h.proposal.successor or "?"
            self.stdout.write(f"  {h.dossier.code}\t{chosen}\t{h.proposal.basis}")
            if chosen == "?":
                stranded += 1
        if options["apply"]:
            mine = {k: v for k, v in overrides.items() if k in {h.dossier.code for h in plan}}
            applied = competence.reorganization_apply(
                actor=None, reorganization=decision, overrides=mine, at=at
            )
            return total + len(applied.moved), stranded
        return total + len(plan), stranded
