"""Drive a dossier through the services to a given state, for tests of what follows."""

from __future__ import annotations

from datetime import date

from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.core import clock
from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import actor_for
from motcua.dossiers.services import lifecycle as svc
from motcua.organization.models import Agency, Site

APPLICANT = svc.ApplicantIn(
    name="Trần Thị Lan",
    id_number="001190012345",
    phone="0987654321",
    email="lan@example.invalid",
    address="Số 5 ngõ 12 phố Thụy Khuê, phường Tây Hồ, Hà Nội",
)


def justice_procedure(**fields):
    """Three working days at the Department of Justice, with a three-step process."""
    fields.setdefault("competent_agency", Agency.objects.get(code="SO-TP"))
    fields.setdefault("valid_from", date(2018, 1, 1))
    return ProcedureVersionFactory(**fields)


def actor(user):
    return actor_for(user, clock.today())


def receive(people, version, *, site="CN01", return_site="CN01", **kwargs) -> Dossier:
    officer = people["officer_cn01"] if site == "CN01" else people["officer_cn07"]
    dossier, _ = svc.dossier_create(
        actor=actor(officer),
        site=Site.objects.get(code=site),
        procedure_code=version.procedure.code,
        applicant=kwargs.pop("applicant", APPLICANT),
        return_method=kwargs.pop("return_method", "site"),
        return_site_code=return_site,
        **kwargs,
    )
    return dossier


def submit_online(version, *, site="CN01") -> Dossier:
    dossier, _ = svc.dossier_create(
        actor=None,
        site=Site.objects.get(code=site),
        procedure_code=version.procedure.code,
        applicant=APPLICANT,
        decision="submit",
        return_method="online",
    )
    return dossier


def advance(people, dossier: Dossier, status: str) -> Dossier:
    """Move a received dossier of the Department of Justice on to ``status``."""
    cn01 = Site.objects.get(code="CN01")
    officer, specialist = actor(people["officer_cn01"]), actor(people["specialist_tp"])
    code = dossier.code
    path = [
        Status.TRANSFERRED,
        Status.IN_PROGRESS,
        Status.AWAITING_SUPPLEMENT,
        Status.AWAITING_OBLIGATION,
        Status.RESULT_READY,
        Status.DELIVERED,
    ]
    if status == Status.RECEIVED:
        return dossier
    dossier = svc.dossier_transfer(actor=officer, code=code, site=cn01)
    if status == Status.TRANSFERRED:
        return dossier
    dossier = svc.dossier_accept(actor=specialist, code=code)
    if status == Status.IN_PROGRESS:
        return dossier
    if status == Status.AWAITING_SUPPLEMENT:
        return svc.dossier_request_supplement(
            actor=specialist,
            code=code,
            reason="Thiếu giấy tờ",
            items=[svc.SupplementItem("Tờ khai")],
        )
    if status == Status.AWAITING_OBLIGATION:
        return svc.dossier_require_obligation(actor=specialist, code=code, amount=500_000)
    # A leader signs (§2.4): the Department's leader completes, signing in the same act.
    dossier = svc.dossier_complete(actor=actor(people["leader_tp"]), code=code)
    if status == Status.RESULT_READY:
        return dossier
    assert status in path
    return svc.dossier_deliver(actor=officer, code=code, site=cn01, recipient_name="Trần Thị Lan")
