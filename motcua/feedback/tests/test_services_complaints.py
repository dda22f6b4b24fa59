"""complaint_submit and the office's steps: codes, deadlines, scope, states, the log."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.core.errors import InvalidInput, InvalidTransition, NotFound, PermissionDenied
from motcua.feedback import services as svc
from motcua.feedback.models import Complaint, ComplaintEvent
from motcua.feedback.proofs import follow_token, proof_for
from motcua.feedback.tests.helpers import PHONE_DIGITS, SENDER, SENDER_DIGITS, delivered, submit
from motcua.organization.models import Agency, Site
from motcua.public.selectors import NOT_FOUND_MESSAGE
from motcua.worktime.models import CalendarOverride

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def test_a_complaint_gets_a_daily_code_and_its_three_deadlines(people, clock):
    clock.set(2026, 3, 10, 9, 30)  # Tuesday
    first = submit(site_code="CN01")
    second = submit(kind="suggestion", subject="Thêm ghế chờ", site_code="CN01")
    assert (first.code, second.code) == ("PAKN-260310-0001", "PAKN-260310-0002")
    assert first.status == "received" and first.kind == "complaint"
    assert first.site == Site.objects.get(code="CN01") and first.agency is None
    assert first.received_at == hanoi(2026, 3, 10, 9, 30)
    assert first.refuse_due_at == hanoi(2026, 3, 12, 9, 30)
    assert first.info_due_at == hanoi(2026, 3, 17, 9, 30)
    assert first.answer_due_at == hanoi(2026, 3, 31, 9, 30)
    assert first.publish_due_at is None
    assert first.sender_phone == "0912 345 678"
    clock.set(2026, 3, 11, 8, 0)
    assert submit().code == "PAKN-260311-0001"  # the counter starts again each day


def test_the_codes_day_is_hanoi_s_day(people, clock):
    clock.set(2026, 3, 11, 6, 30)  # 23:30 UTC the day before
    assert submit().code == "PAKN-260311-0001"


def test_deadlines_skip_a_weekend_and_the_holidays_of_the_calendar(people, clock):
    clock.set(2026, 4, 29, 14, 0)  # Wednesday; 30 April and 1 May are holidays
    complaint = submit()
    assert complaint.refuse_due_at == hanoi(2026, 5, 5, 14, 0)  # Tuesday


def test_an_administrator_s_day_off_counts_at_once(people, clock):
    CalendarOverride.objects.create(
        date=date(2026, 3, 16), kind="day_off", note="Nghỉ", legal_basis="Quyết định 1/QĐ"
    )
    clock.set(2026, 3, 13, 10, 0)  # Friday; Monday is made a day off
    assert submit().refuse_due_at == hanoi(2026, 3, 18, 10, 0)  # Wednesday


def test_a_complaint_about_a_dossier_concerns_its_site_and_agency(people, clock):
    dossier = delivered(people, clock)
    complaint = submit(dossier_code=dossier.code.lower(), verifier=PHONE_DIGITS)
    assert complaint.dossier == dossier
    assert complaint.site == dossier.receiving_site
    assert complaint.agency == Agency.objects.get(code="SO-TP")


def test_a_dossier_reference_needs_its_verifier(people, clock):
    dossier = delivered(people, clock)
    with pytest.raises(InvalidInput) as caught:
        submit(dossier_code=dossier.code)
    assert caught.value.field == "verifier"
    with pytest.raises(NotFound) as wrong:
        submit(dossier_code=dossier.code, verifier="0000")
    with pytest.raises(NotFound) as unknown:
        submit(dossier_code="000.01.HC.H26-260310-9999", verifier=PHONE_DIGITS)
    assert wrong.value.detail == unknown.value.detail == str(NOT_FOUND_MESSAGE)
    assert wrong.value.field == "dossier_code"
    assert not Complaint.objects.exists()


def test_the_lookup_proof_replaces_the_verifier(people, clock):
    dossier = delivered(people, clock)
    complaint = submit(dossier_code=dossier.code, proof=proof_for(dossier.code))
    assert complaint.dossier == dossier


def test_every_wrong_field_is_named(people, clock):
    with pytest.raises(InvalidInput) as caught:
        svc.complaint_submit(
            kind="praise", subject="", content=" ", sender_name="", sender_phone="12",
            sender_email="not-an-address", site_code="XX",
        )  # fmt: skip
    fields = {e["field"] for e in caught.value.extra["errors"]}
    assert fields == {"kind", "subject", "content", "sender_name", "sender_phone", "sender_email",
                      "site"}  # fmt: skip


def test_a_phone_is_required_to_follow_the_answer(people, clock):
    with pytest.raises(InvalidInput) as caught:
        submit(sender_phone="")
    assert caught.value.field == "sender_phone"


def test_the_submission_is_logged(people, clock):
    complaint = submit()
    (event,) = complaint.events.all()
    assert (event.action, event.from_status, event.to_status) == ("submit", "", "received")
    assert event.actor is None


# -- the office's steps --------------------------------------------------------------------------


@pytest.fixture
def site_complaint(people, clock):
    clock.set(2026, 3, 10, 9, 30)
    return submit(site_code="CN01")


def test_the_site_s_officer_handles_answers_and_publishes(people, clock, site_complaint):
    officer = people["officer_cn01"]
    clock.set(2026, 3, 11, 10, 0)
    accepted = svc.complaint_accept(complaint=site_complaint.code, actor=officer)
    assert accepted.status == "in_handling" and accepted.handled_by == officer
    clock.set(2026, 3, 13, 15, 0)  # Friday
    answered = svc.complaint_answer(complaint=accepted, actor=officer, answer="Đã bổ sung quầy.")
    assert answered.status == "answered" and answered.answer == "Đã bổ sung quầy."
    assert answered.answered_at == clock.moment
    assert answered.publish_due_at == hanoi(2026, 3, 17, 15, 0)  # two working days, Tuesday
    clock.set(2026, 3, 16, 9, 0)
    published = svc.complaint_publish(complaint=answered, actor=officer,
                                      public_subject="Thời gian chờ tại quầy")  # fmt: skip
    assert published.status == "published" and published.published_at == clock.moment
    assert published.public_subject == "Thời gian chờ tại quầy"
    log = list(published.events.values_list("action", "from_status", "to_status", "on_time"))
    assert log == [
        ("submit", "", "received", None),
        ("accept", "received", "in_handling", None),
        ("answer", "in_handling", "answered", True),
        ("publish", "answered", "published", True),
    ]
    assert published.events.filter(action="accept").get().actor_name == "Lê Thu Trang"


def test_the_published_subject_defaults_to_the_sender_s(people, clock, site_complaint):
    officer = people["officer_cn01"]
    svc.complaint_accept(complaint=site_complaint, actor=officer)
    svc.complaint_answer(complaint=site_complaint, actor=officer, answer="Trả lời")
    assert svc.complaint_publish(complaint=site_complaint, actor=officer).public_subject == (
        site_complaint.subject
    )


def test_a_refusal_needs_a_reason_and_is_late_after_two_working_days(people, clock, site_complaint):
    director = people["director_cn01"]
    with pytest.raises(InvalidInput) as caught:
        svc.complaint_refuse(complaint=site_complaint, actor=director, reason=" ")
    assert caught.value.field == "reason"
    clock.set(2026, 3, 12, 10, 0)  # half an hour past the refusal deadline
    refused = svc.complaint_refuse(complaint=site_complaint, actor=director, reason="Trùng lặp")
    assert refused.status == "refused" and refused.refusal_reason == "Trùng lặp"
    assert refused.events.get(action="refuse").on_time is False


def test_a_request_for_information_pauses_the_answer_until_the_sender_replies(
    people, clock, site_complaint
):
    officer = people["officer_cn01"]
    clock.set(2026, 3, 11, 11, 0)  # Wednesday
    asked = svc.complaint_request_info(complaint=site_complaint, actor=officer,
                                       message="Cho biết ngày và giờ đến quầy.")  # fmt: skip
    assert asked.status == "info_requested" and asked.paused_at == clock.moment
    assert asked.events.get(action="request_info").on_time is True
    clock.set(2026, 3, 16, 11, 0)  # Monday: three working days later
    with pytest.raises(NotFound):
        svc.complaint_add_info(code=asked.code, verifier="0000", content="Sáng 9/3.")
    replied = svc.complaint_add_info(code=asked.code.lower(), verifier=SENDER_DIGITS,
                                     content="Sáng thứ Hai 9/3, khoảng 8 giờ.")  # fmt: skip
    assert replied.status == "received" and replied.paused_at is None
    assert replied.answer_due_at == hanoi(2026, 4, 3, 9, 30)  # 31/03 + 3 working days
    event = replied.events.get(action="add_info")
    assert event.note == "Sáng thứ Hai 9/3, khoảng 8 giờ." and event.actor is None


def test_starting_without_the_reply_ends_the_wait(people, clock, site_complaint):
    officer = people["officer_cn01"]
    clock.set(2026, 3, 11, 11, 0)
    svc.complaint_request_info(complaint=site_complaint, actor=officer, message="Ngày nào?")
    clock.set(2026, 3, 12, 11, 0)  # one working day later, the sender called instead
    accepted = svc.complaint_accept(complaint=site_complaint, actor=officer, note="Đã gọi điện")
    assert accepted.paused_at is None
    assert accepted.answer_due_at == hanoi(2026, 4, 1, 9, 30)


def test_the_sender_may_reply_with_the_follow_token(people, clock, site_complaint):
    svc.complaint_request_info(complaint=site_complaint, actor=people["officer_cn01"], message="?")
    replied = svc.complaint_add_info(code=site_complaint.code, content="Đây",
                                     proof=follow_token(site_complaint.code))  # fmt: skip
    assert replied.status == "received"
    with pytest.raises(NotFound):
        svc.complaint_add_info(code=site_complaint.code, content="Đây",
                               proof=follow_token("PAKN-260310-0999"))  # fmt: skip


def test_adding_information_unasked_is_refused(people, clock, site_complaint):
    with pytest.raises(InvalidTransition):
        svc.complaint_add_info(code=site_complaint.code, verifier=SENDER_DIGITS, content="Thêm")


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        (svc.complaint_answer, {"answer": "Trả lời"}),
        (svc.complaint_publish, {}),
    ],
)
def test_steps_out_of_order_are_refused_with_the_allowed_ones(
    people, clock, site_complaint, action, kwargs
):
    with pytest.raises(InvalidTransition) as caught:
        action(complaint=site_complaint, actor=people["officer_cn01"], **kwargs)
    assert caught.value.extra["allowed_actions"] == ["accept", "request_info", "refuse"]
    assert Complaint.objects.get().status == "received"


def test_a_closed_complaint_takes_no_more_steps(people, clock, site_complaint):
    officer = people["officer_cn01"]
    svc.complaint_refuse(complaint=site_complaint, actor=officer, reason="Không thuộc thẩm quyền")
    with pytest.raises(InvalidTransition):
        svc.complaint_accept(complaint=site_complaint, actor=officer)
    with pytest.raises(InvalidTransition):
        svc.complaint_request_info(complaint=site_complaint, actor=officer, message="?")
    assert ComplaintEvent.objects.count() == 2


def test_a_step_dated_before_receipt_is_refused(people, clock, site_complaint):
    with pytest.raises(InvalidInput):
        svc.complaint_accept(complaint=site_complaint, actor=people["officer_cn01"],
                             at=hanoi(2026, 3, 9, 9, 0))  # fmt: skip


# -- who may handle ------------------------------------------------------------------------------


def test_staff_elsewhere_do_not_even_see_a_site_complaint(people, clock, site_complaint):
    for someone in ("officer_cn07", "specialist_tp", "leader"):
        with pytest.raises(NotFound):
            svc.complaint_accept(complaint=site_complaint, actor=people[someone])


def test_the_inspector_reads_but_does_not_handle(people, clock, site_complaint):
    with pytest.raises(PermissionDenied):
        svc.complaint_accept(complaint=site_complaint, actor=people["inspector"])


def test_the_center_director_handles_any_complaint(people, clock, site_complaint):
    general = submit()  # about the Center as a whole
    director = people["center_director"]
    assert svc.complaint_accept(complaint=general, actor=director).status == "in_handling"
    assert svc.complaint_accept(complaint=site_complaint, actor=director).status == "in_handling"


def test_only_the_center_director_handles_a_complaint_about_the_whole_center(people, clock):
    general = submit()
    for someone in ("officer_cn01", "director_cn01", "leader_tp"):
        with pytest.raises(NotFound):
            svc.complaint_accept(complaint=general, actor=people[someone])


def test_a_dossier_complaint_is_handled_by_its_agency_or_its_site(people, clock):
    dossier = delivered(people, clock)
    one = submit(dossier_code=dossier.code, verifier=PHONE_DIGITS)
    two = submit(dossier_code=dossier.code, verifier=PHONE_DIGITS)
    assert (
        svc.complaint_accept(complaint=one, actor=people["specialist_tp"]).status == "in_handling"
    )
    assert svc.complaint_accept(complaint=two, actor=people["officer_cn01"]).status == "in_handling"
    with pytest.raises(NotFound):
        svc.complaint_answer(complaint=one, actor=people["specialist"], answer="x")  # Ba Vì


def test_a_branch_director_handles_the_complaints_of_the_branch(people, clock, site_complaint):
    refused = svc.complaint_refuse(
        complaint=site_complaint, actor=people["director_cn01"], reason="Trùng"
    )
    assert refused.handled_by == people["director_cn01"]


def test_the_sender_data_stays_as_given(people, clock, site_complaint):
    assert site_complaint.sender_name == SENDER["sender_name"]
    assert site_complaint.sender_email == SENDER["sender_email"]
