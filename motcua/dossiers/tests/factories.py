"""Factories for the dossiers app's tests. Add to them; do not remove.

:func:`make_dossier` builds a received dossier row directly, for tests of what reads dossiers
(forms, notifications, selectors). Tests of the lifecycle go through the services instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers.audit import event_append
from motcua.dossiers.choices import Action, Channel, ReturnMethod, Status
from motcua.dossiers.models import Dossier, DossierComponent, Regime
from motcua.dossiers.services.regimes import regimes_load
from motcua.organization.tests.factories import SiteFactory

_counter = iter(range(1, 10_000))


def regime(code: str = "2025") -> Regime:
    regimes_load()
    return Regime.objects.get(code=code)


def make_dossier(
    *,
    regime_code: str = "2025",
    version=None,
    site=None,
    status: str = Status.RECEIVED,
    submitted_at: datetime | None = None,
    **fields,
) -> Dossier:
    """A received dossier with its components and a ``receive`` event."""
    reg = regime(regime_code)
    version = version or ProcedureVersionFactory()
    site = site or SiteFactory(unit_id="000.01.HC.H26", code="CN01", name="Chi nhánh số 1")
    submitted_at = submitted_at or datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 09:30 in Hanoi
    n = next(_counter)
    values = {
        "code": f"{site.unit_id}-{submitted_at:%y%m%d}-{n:04d}",
        "status": status,
        "channel": Channel.IN_PERSON,
        "regime": reg,
        "forms": {
            f.kind: {"number": f.number, "title": f.title, "template": f.template_name}
            for f in reg.forms.all()
        },
        "procedure": version.procedure,
        "procedure_version": version,
        "time_limit": version.time_limit,
        "time_limit_unit": version.time_limit_unit,
        "applicant_kind": "individual",
        "applicant_name": "Nguyễn Thị Hằng",
        "applicant_id_number": "001190012345",
        "applicant_phone": "0912345678",
        "applicant_email": "hang@example.invalid",
        "applicant_address": "Số 12 phố Đội Cấn, phường Ba Đình, Hà Nội",
        "request": version.procedure.name,
        "receiving_site": site,
        "competent_agency": version.competent_agency,
        "return_method": ReturnMethod.SITE,
        "return_site": site,
        "submitted_at": submitted_at,
        "deemed_received_at": submitted_at,
        "due_at": submitted_at + timedelta(days=3),
        "original_due_at": submitted_at + timedelta(days=3),
        "custodian_site": site,
        "fee_due": version.fee,
    }
    values.update(fields)
    dossier = Dossier.objects.create(**values)
    for component in version.components.all():
        DossierComponent.objects.create(
            dossier=dossier,
            order=component.order,
            name=component.name,
            originals=1 if component.copy_kind == "original" else 0,
            copies=1 if component.copy_kind == "copy" else 0,
            certified_copies=1 if component.copy_kind == "certified_copy" else 0,
        )
    event_append(
        dossier=dossier,
        action=Action.RECEIVE,
        at=submitted_at,
        site=site,
        to_status=status,
        payload={"channel": dossier.channel},
    )
    return dossier
