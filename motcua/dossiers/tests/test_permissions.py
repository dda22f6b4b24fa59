"""Every role × every action, allowed and denied (issue 3 §6), plus who sees which dossier.

The expected table is written out here by hand rather than derived from ACTION_ROLES, so that
a change of the rules has to change this test too.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from motcua.core.errors import PermissionDenied
from motcua.dossiers.choices import Action, Status
from motcua.dossiers.selectors import DossierFilters, dossier_list
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive, submit_online
from motcua.dossiers.tests.samples import pdf_bytes
from motcua.organization.models import Site

pytestmark = pytest.mark.django_db

PERSONAS = [
    "officer_cn01",  # receiving officer at the receiving and return site
    "officer_cn07",  # receiving officer elsewhere
    "specialist_tp",  # specialist of the competent agency
    "leader_tp",  # leader of the competent agency
    "specialist",  # specialist of another agency (xã Ba Vì)
    "director_cn01",  # director of the receiving branch
    "center_director",
    "inspector",
]

# action: (state it starts from, personas allowed)
TABLE = {
    Action.RECEIVE: (Status.SUBMITTED, {"officer_cn01"}),
    Action.GUIDE: (Status.SUBMITTED, {"officer_cn01"}),
    Action.REFUSE: (Status.SUBMITTED, {"officer_cn01"}),
    Action.ATTACH: (Status.RECEIVED, {"officer_cn01", "specialist_tp"}),
    Action.TRANSFER: (Status.RECEIVED, {"officer_cn01"}),
    Action.ACCEPT: (Status.TRANSFERRED, {"specialist_tp", "leader_tp"}),
    Action.ASSIGN: (Status.IN_PROGRESS, {"specialist_tp", "leader_tp"}),
    Action.HANDOVER: (Status.IN_PROGRESS, {"specialist_tp", "leader_tp"}),
    Action.REQUEST_SUPPLEMENT: (Status.IN_PROGRESS, {"officer_cn01", "specialist_tp", "leader_tp"}),
    Action.RECEIVE_SUPPLEMENT: (Status.AWAITING_SUPPLEMENT, {"officer_cn01"}),
    Action.REQUIRE_OBLIGATION: (Status.IN_PROGRESS, {"specialist_tp", "leader_tp"}),
    Action.FULFIL_OBLIGATION: (
        Status.AWAITING_OBLIGATION,
        {"officer_cn01", "specialist_tp", "leader_tp"},
    ),
    Action.EXTEND: (Status.IN_PROGRESS, {"leader_tp"}),
    Action.COMPLETE: (Status.IN_PROGRESS, {"specialist_tp", "leader_tp"}),
    Action.DELIVER: (Status.RESULT_READY, {"officer_cn01"}),
    Action.WITHDRAW: (Status.RECEIVED, {"officer_cn01"}),
    Action.STOP: (Status.IN_PROGRESS, {"leader_tp"}),
    Action.PAY: (Status.RECEIVED, {"officer_cn01"}),
}


def _attempt(action: str, persona: str, user, code: str, people):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    who = actor(user)
    here = Site.objects.get(code="CN07" if persona == "officer_cn07" else "CN01")
    common = {"actor": who, "code": code}
    calls = {
        Action.RECEIVE: lambda: svc.dossier_accept_online(site=here, **common),
        Action.GUIDE: lambda: svc.dossier_guide(
            site=here, reason="Thiếu", items=[svc.SupplementItem("Tờ khai")], **common
        ),
        Action.REFUSE: lambda: svc.dossier_refuse(
            site=here, reason="Không thuộc thẩm quyền", **common
        ),
        Action.ATTACH: lambda: svc.dossier_attach(
            site=here, order=1, file=SimpleUploadedFile("a.pdf", pdf_bytes("test")), **common
        ),
        Action.TRANSFER: lambda: svc.dossier_transfer(site=here, **common),
        Action.ACCEPT: lambda: svc.dossier_accept(**common),
        Action.ASSIGN: lambda: svc.dossier_assign(assignee="cv.sotp", **common),
        Action.HANDOVER: lambda: svc.dossier_handover(to="ld.sotp", **common),
        Action.REQUEST_SUPPLEMENT: lambda: svc.dossier_request_supplement(
            site=here if persona.startswith("officer") else None,
            reason="Thiếu",
            items=[svc.SupplementItem("Tờ khai")],
            **common,
        ),
        Action.RECEIVE_SUPPLEMENT: lambda: svc.dossier_receive_supplement(site=here, **common),
        Action.REQUIRE_OBLIGATION: lambda: svc.dossier_require_obligation(amount=1000, **common),
        Action.FULFIL_OBLIGATION: lambda: svc.dossier_fulfil_obligation(
            site=here if persona.startswith("officer") else None, **common
        ),
        Action.EXTEND: lambda: svc.dossier_extend(
            new_due_at=svc.Dossier.objects.get(code=code).due_at + timedelta(days=3),
            reason="Chờ xác minh",
            **common,
        ),
        Action.COMPLETE: lambda: svc.dossier_complete(**common),
        Action.DELIVER: lambda: svc.dossier_deliver(
            site=here, recipient_name="Trần Thị Lan", **common
        ),
        Action.WITHDRAW: lambda: svc.dossier_withdraw(site=here, reason="Không cần nữa", **common),
        Action.STOP: lambda: svc.dossier_stop(reason="Đối tượng không đủ điều kiện", **common),
        Action.PAY: lambda: svc.dossier_pay(site=here, amount=8000, method="cash", **common),
    }
    calls[action]()


@pytest.mark.parametrize("action", list(TABLE))
def test_each_role_may_do_exactly_what_the_table_says(action, people, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    start, allowed = TABLE[action]
    version = justice_procedure()
    if start == Status.SUBMITTED:
        dossier = submit_online(version)
    else:
        dossier = advance(people, receive(people, version), start)
    outcomes = {}
    for persona in PERSONAS:
        with transaction.atomic():
            try:
                _attempt(action, persona, people[persona], dossier.code, people)
                outcomes[persona] = True
            except PermissionDenied:
                outcomes[persona] = False
            transaction.set_rollback(True)
    assert {p for p, ok in outcomes.items() if ok} == allowed


def test_who_sees_which_dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    justice = justice_procedure()
    at_cn01 = receive(people, justice)
    at_cn07 = receive(people, justice, site="CN07", return_site="CN07")
    seen = {
        persona: set(
            dossier_list(actor=actor(people[persona]), filters=DossierFilters()).values_list(
                "code", flat=True
            )
        )
        for persona in PERSONAS
    }
    both = {at_cn01.code, at_cn07.code}
    assert seen["officer_cn01"] == {at_cn01.code}
    assert seen["officer_cn07"] == {at_cn07.code}
    assert seen["specialist_tp"] == both  # the competent agency sees wherever it was received
    assert seen["leader_tp"] == both
    assert seen["specialist"] == set()  # another agency
    assert seen["director_cn01"] == {at_cn01.code}
    assert seen["center_director"] == both
    assert seen["inspector"] == both


def test_an_officer_acts_only_at_sites_assigned_that_day(people, clock):
    from motcua.organization.services.staff import assignment_end

    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    dossier = receive(people, version)
    assignment = people["officer_cn01"].assignments.get()
    assignment_end(assignment=assignment, valid_to=clock.moment.date())
    clock.set(2026, 3, 11, 9, 0)
    with pytest.raises(PermissionDenied):
        svc.dossier_transfer(
            actor=actor(people["officer_cn01"]),
            code=dossier.code,
            site=Site.objects.get(code="CN01"),
        )
