"""A leader signs (one-stop-rules §2.4; decision 0009): submit, approve or send back, complete;
and the delegation of the signature, recorded and dated."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from motcua.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from motcua.dossiers.choices import Action, Status
from motcua.dossiers.errors import ApprovalRequired
from motcua.dossiers.forms import render_form
from motcua.dossiers.models import DossierEvent, Handover
from motcua.dossiers.services import approval
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.organization.models import Agency
from motcua.organization.services.delegation import delegation_create, delegation_end

pytestmark = pytest.mark.django_db

SPECIALIST_STEP, LEADER_STEP = 2, 3  # the factory's process: receive, appraise, sign


@pytest.fixture
def in_progress(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    svc.dossier_assign(actor=actor(people["leader_tp"]), code=dossier.code, assignee="cv.sotp")
    return dossier


def actions(dossier) -> list[str]:
    return list(
        DossierEvent.objects.filter(dossier=dossier)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def delegate(people, **fields):
    values = {
        "by": people["leader_tp"],
        "agency": Agency.objects.get(code="SO-TP"),
        "delegator": people["leader_tp"],
        "delegate": people["specialist_tp"],
        "valid_from": date(2026, 3, 1),
        "valid_to": date(2026, 3, 31),
        "decision_number": "12/UQ-STP",
    }
    return delegation_create(**(values | fields))


def test_a_specialist_cannot_issue_the_result_alone(people, in_progress):
    with pytest.raises(ApprovalRequired) as refused:
        svc.dossier_complete(actor=actor(people["specialist_tp"]), code=in_progress.code)
    assert "Sở Tư pháp" in refused.value.detail
    assert refused.value.status == 409


def test_submit_approve_then_the_specialist_issues_the_result(people, clock, in_progress):
    code, specialist, leader = in_progress.code, actor(people["specialist_tp"]), None
    clock.set(2026, 3, 10, 14, 0)
    submitted = approval.dossier_submit_for_approval(actor=specialist, code=code, to="ld.sotp")
    assert (submitted.step, submitted.custodian.username) == (LEADER_STEP, "ld.sotp")
    assert approval.approval_state(submitted) == "awaiting"
    with pytest.raises(ApprovalRequired):
        svc.dossier_complete(actor=specialist, code=code)

    clock.set(2026, 3, 11, 9, 0)
    leader = actor(people["leader_tp"])
    approved = approval.dossier_approve(actor=leader, code=code, note="Đồng ý")
    assert approval.approval_state(approved) == "approved"
    assert approved.custodian.username == "cv.sotp"  # back to the specialist, to issue it
    with pytest.raises(InvalidTransition):
        approval.dossier_approve(actor=leader, code=code)  # not twice

    clock.set(2026, 3, 11, 10, 0)
    done = svc.dossier_complete(actor=specialist, code=code)
    assert done.status == Status.RESULT_READY
    assert actions(done)[-3:] == ["submit_for_approval", "approve", "complete"]
    complete = DossierEvent.objects.get(dossier=done, action=Action.COMPLETE)
    assert complete.payload["approved_by"] == "ld.sotp"
    slip = list(Handover.objects.filter(dossier=done).order_by("given_at", "pk"))
    signature = [h for h in slip if h.step == LEADER_STEP]
    assert len(signature) == 1  # the approval's row stands for the leader's step
    assert (signature[0].giver.username, signature[0].on_behalf_of) == ("ld.sotp", None)
    assert signature[0].note == "Đồng ý"
    assert approval.signature_rows(done, slip) == {signature[0].pk}


def test_a_leader_still_signs_and_issues_in_one_act(people, in_progress):
    done = svc.dossier_complete(actor=actor(people["leader_tp"]), code=in_progress.code)
    complete = DossierEvent.objects.get(dossier=done, action=Action.COMPLETE)
    assert "approved_by" not in complete.payload and "on_behalf_of" not in complete.payload
    assert complete.actor.username == "ld.sotp"


def test_the_leader_sends_the_draft_back_with_a_reason(people, clock, in_progress):
    code, specialist, leader = in_progress.code, actor(people["specialist_tp"]), None
    approval.dossier_submit_for_approval(actor=specialist, code=code)
    leader = actor(people["leader_tp"])
    with pytest.raises(InvalidInput) as missing:
        approval.dossier_send_back(actor=leader, code=code, reason="  ")
    assert missing.value.field == "reason"
    clock.set(2026, 3, 10, 15, 0)
    back = approval.dossier_send_back(actor=leader, code=code, reason="Sửa căn cứ pháp lý")
    assert (back.step, back.custodian.username) == (SPECIALIST_STEP, "cv.sotp")
    assert approval.approval_state(back) == ""
    with pytest.raises(InvalidTransition):
        approval.dossier_approve(actor=leader, code=code)  # nothing awaits a signature now
    with pytest.raises(ApprovalRequired):
        svc.dossier_complete(actor=specialist, code=code)
    event = DossierEvent.objects.get(dossier=back, action=Action.SEND_BACK)
    assert event.payload["reason"] == "Sửa căn cứ pháp lý"
    returned = Handover.objects.get(pk=event.payload["handover"])
    assert returned.note == "Sửa căn cứ pháp lý"
    assert approval.signature_rows(back, [returned]) == set()  # a return is no signature
    approval.dossier_submit_for_approval(actor=specialist, code=code)
    approval.dossier_approve(actor=leader, code=code)
    assert svc.dossier_complete(actor=specialist, code=code).status == Status.RESULT_READY


def test_a_handover_to_the_leader_step_awaits_the_signature_too(people, in_progress):
    specialist = actor(people["specialist_tp"])
    svc.dossier_handover(actor=specialist, code=in_progress.code, to="ld.sotp")
    approved = approval.dossier_approve(actor=actor(people["leader_tp"]), code=in_progress.code)
    assert approval.approval_state(approved) == "approved"


def test_a_specialist_cannot_approve_nor_send_back(people, in_progress):
    specialist = actor(people["specialist_tp"])
    approval.dossier_submit_for_approval(actor=specialist, code=in_progress.code)
    with pytest.raises(PermissionDenied):
        approval.dossier_approve(actor=specialist, code=in_progress.code)
    with pytest.raises(PermissionDenied):
        approval.dossier_send_back(actor=specialist, code=in_progress.code, reason="x")


def test_a_supplement_request_after_the_approval_voids_it(people, in_progress):
    code, specialist = in_progress.code, actor(people["specialist_tp"])
    approval.dossier_submit_for_approval(actor=specialist, code=code)
    approval.dossier_approve(actor=actor(people["leader_tp"]), code=code)
    svc.dossier_request_supplement(
        actor=specialist, code=code, reason="Thiếu", items=[svc.SupplementItem("Tờ khai")]
    )
    svc.dossier_receive_supplement(
        actor=actor(people["officer_cn01"]), code=code, site=in_progress.receiving_site
    )
    with pytest.raises(ApprovalRequired):
        svc.dossier_complete(actor=specialist, code=code)


def test_submitting_to_someone_who_does_not_sign_is_refused(people, in_progress):
    with pytest.raises(InvalidInput) as refused:
        approval.dossier_submit_for_approval(
            actor=actor(people["specialist_tp"]), code=in_progress.code, to="cv.sotp"
        )
    assert refused.value.field == "to"


# -- delegation --------------------------------------------------------------------------------


def test_a_delegate_signs_on_behalf_of_the_leader(people, clock, in_progress):
    delegation = delegate(people)
    assert delegation.recorded_by == people["leader_tp"]
    specialist = actor(people["specialist_tp"])
    approval.dossier_submit_for_approval(actor=specialist, code=in_progress.code)
    clock.set(2026, 3, 11, 9, 0)
    approved = approval.dossier_approve(actor=specialist, code=in_progress.code)
    event = DossierEvent.objects.get(dossier=approved, action=Action.APPROVE)
    assert event.payload["on_behalf_of"] == "ld.sotp"
    row = Handover.objects.get(pk=event.payload["handover"])
    assert (row.giver.username, row.on_behalf_of.username) == ("cv.sotp", "ld.sotp")
    done = svc.dossier_complete(actor=specialist, code=in_progress.code)

    pdf = render_form(done, "control")
    text = " ".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert "Ký thay Vũ Thị Lan" in " ".join(text.split())


def test_a_delegate_signing_in_one_act_is_recorded_on_the_complete(people, in_progress):
    delegate(people)
    done = svc.dossier_complete(actor=actor(people["specialist_tp"]), code=in_progress.code)
    complete = DossierEvent.objects.get(dossier=done, action=Action.COMPLETE)
    assert complete.payload["on_behalf_of"] == "ld.sotp"
    row = Handover.objects.filter(dossier=done).order_by("-pk").first()
    assert row.on_behalf_of.username == "ld.sotp"


def test_a_delegation_counts_only_in_its_dates(people, clock, in_progress):
    delegate(people, valid_from=date(2026, 3, 12))
    approval.dossier_submit_for_approval(
        actor=actor(people["specialist_tp"]), code=in_progress.code
    )
    with pytest.raises(PermissionDenied):
        approval.dossier_approve(actor=actor(people["specialist_tp"]), code=in_progress.code)
    clock.set(2026, 3, 12, 9, 0)
    approval.dossier_approve(actor=actor(people["specialist_tp"]), code=in_progress.code)


def test_an_ended_delegation_no_longer_counts(people, clock, in_progress):
    delegation = delegate(people)
    delegation_end(by=people["leader_tp"], delegation=delegation, valid_to=date(2026, 3, 9))
    approval.dossier_submit_for_approval(
        actor=actor(people["specialist_tp"]), code=in_progress.code
    )
    with pytest.raises(PermissionDenied):
        approval.dossier_approve(actor=actor(people["specialist_tp"]), code=in_progress.code)
