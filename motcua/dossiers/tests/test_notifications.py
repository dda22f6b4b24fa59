"""Notifying the applicant by e-mail and SMS after the dossier's transaction commits."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from motcua.dossiers import notifications
from motcua.dossiers.choices import ReturnMethod
from motcua.dossiers.models import Dossier, NotificationLog
from motcua.dossiers.notifications import (
    NOTIFY_MAX_ATTEMPTS,
    DeliveryStatus,
    NotificationEvent,
    notify_on_commit,
    retry_delay,
)
from motcua.dossiers.sms import (
    InvalidPhoneNumber,
    LocmemSmsBackend,
    LogSmsBackend,
    SmsBackend,
    SmsError,
    get_sms_backend,
    normalize_phone,
    sms_segments,
)
from motcua.dossiers.tasks import create_notifications, send_notification
from motcua.dossiers.tests.factories import make_dossier
from motcua.organization.tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

LOCMEM_SMS = "motcua.dossiers.sms.LocmemSmsBackend"
# The queued events (a one-time code is sent at once, by motcua.public.otp).
EVENTS = [e for e in NotificationEvent.values if e != NotificationEvent.ONE_TIME_CODE]
VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


class FlakySmsBackend(SmsBackend):
    """Refuses the first two messages it is given, then accepts."""

    calls = 0

    def send(self, *, to: str, text: str) -> str:
        type(self).calls += 1
        if type(self).calls <= 2:
            raise SmsError("gateway busy")
        return LocmemSmsBackend().send(to=to, text=text)


class BrokenSmsBackend(SmsBackend):
    def send(self, *, to: str, text: str) -> str:
        raise SmsError("gateway unreachable")


class BrokenMailer(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection closed")


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = LOCMEM_SMS
    settings.PUBLIC_BASE_URL = "https://dichvucong.hanoi.gov.vn"
    LocmemSmsBackend.outbox.clear()
    FlakySmsBackend.calls = 0


def _notify(capture, dossier: Dossier, event: str = NotificationEvent.RECEIVED) -> None:
    with capture(execute=True):
        notify_on_commit(dossier=dossier, event=event)


def _rows(dossier: Dossier) -> dict[str, NotificationLog]:
    return {row.channel: row for row in NotificationLog.objects.filter(dossier=dossier)}


def _snapshot(dossier: Dossier) -> dict:
    dossier.refresh_from_db()
    return {
        "status": dossier.status,
        "version": dossier.version,
        "due_at": dossier.due_at,
        "updated_at": dossier.updated_at,
    }


def test_receipt_is_mailed_and_texted_after_commit(django_capture_on_commit_callbacks):
    dossier = make_dossier()

    _notify(django_capture_on_commit_callbacks, dossier)

    [email] = mail.outbox
    assert email.to == ["hang@example.invalid"]
    assert email.subject == f"Hồ sơ {dossier.code}: đã tiếp nhận"
    assert "Kính gửi ông/bà Nguyễn Thị Hằng" in email.body
    assert "Thời gian hẹn trả kết quả: 09:30 13/03/2026" in email.body  # 02:30 UTC
    assert "Nơi nhận kết quả: Chi nhánh số 1" in email.body
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    [sms] = LocmemSmsBackend.outbox
    assert sms.to == "+84912345678"
    assert sms.text == (
        f"Hồ sơ {dossier.code} đã được tiếp nhận, hẹn trả 09:30 13/03/2026 tại Chi nhánh số 1. "
        "Tra cứu: dichvucong.hanoi.gov.vn"
    )
    rows = _rows(dossier)
    assert {row.status for row in rows.values()} == {DeliveryStatus.SENT}
    assert rows["email"].attempts == rows["sms"].attempts == 1
    assert rows["sms"].recipient == "+84912345678"
    assert rows["email"].body == email.body
    assert all(row.sent_at is not None for row in rows.values())


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_names_the_code_in_vietnamese_and_fits_two_sms(
    event, django_capture_on_commit_callbacks
):
    dossier = make_dossier()

    _notify(django_capture_on_commit_callbacks, dossier, event)

    [email] = mail.outbox
    [sms] = LocmemSmsBackend.outbox
    for text in (email.subject, email.body, sms.text):
        assert dossier.code in text
        assert VIETNAMESE_LETTERS & set(text.lower())
        assert "&#" not in text and "&amp;" not in text
    assert "dichvucong.hanoi.gov.vn" in sms.text
    assert sms_segments(sms.text) <= 2
    assert {row.event for row in NotificationLog.objects.all()} == {event}


def test_extension_gives_the_new_appointment(django_capture_on_commit_callbacks):
    dossier = make_dossier(due_at=datetime(2026, 3, 20, 9, 0, tzinfo=UTC))

    _notify(django_capture_on_commit_callbacks, dossier, NotificationEvent.EXTENDED)

    assert "Thời gian hẹn trả kết quả mới: 16:00 20/03/2026" in mail.outbox[0].body
    assert "hẹn lại 16:00 20/03/2026" in LocmemSmsBackend.outbox[0].text


def test_result_by_post_says_so_instead_of_a_site(django_capture_on_commit_callbacks):
    dossier = make_dossier(
        return_method=ReturnMethod.POST,
        return_site=None,
        return_address="Số 5 ngõ 12 phố Đội Cấn, Hà Nội",
    )

    _notify(django_capture_on_commit_callbacks, dossier, NotificationEvent.RESULT_READY)

    assert "bưu chính công đến địa chỉ: Số 5 ngõ 12 phố Đội Cấn" in mail.outbox[0].body
    assert "sẽ gửi qua bưu chính" in LocmemSmsBackend.outbox[0].text
    assert "Chi nhánh" not in LocmemSmsBackend.outbox[0].text


def test_a_long_site_name_is_shortened_to_keep_the_sms_in_two_segments(
    django_capture_on_commit_callbacks,
):
    site = SiteFactory(
        unit_id="000.07.HC.H26",
        code="CN07",
        name="Chi nhánh Hà Đông – Chương Mỹ – Quốc Oai – Thanh Oai – Ứng Hòa – Mỹ Đức",
    )
    dossier = make_dossier(site=site)

    _notify(django_capture_on_commit_callbacks, dossier)

    [sms] = LocmemSmsBackend.outbox
    assert sms_segments(sms.text) == 2
    assert "tại Chi nhánh Hà Đông" in sms.text
    assert "…. Tra cứu: dichvucong.hanoi.gov.vn" in sms.text
    assert site.name in mail.outbox[0].body  # the e-mail has room for all of it


def test_markup_in_names_is_sent_as_written(django_capture_on_commit_callbacks):
    site = SiteFactory(
        unit_id="000.02.HC.H26", code="CN02", name="Chi nhánh A & B", address="Số 1 <ngõ 3>"
    )
    dossier = make_dossier(site=site, applicant_name="Công ty <TNHH> Đức & Con")

    _notify(django_capture_on_commit_callbacks, dossier)

    assert "Kính gửi ông/bà Công ty <TNHH> Đức & Con," in mail.outbox[0].body
    assert "Nơi nhận kết quả: Chi nhánh A & B, Số 1 <ngõ 3>." in mail.outbox[0].body
    assert "tại Chi nhánh A & B." in LocmemSmsBackend.outbox[0].text


def test_no_email_row_when_the_applicant_gave_no_email(django_capture_on_commit_callbacks):
    dossier = make_dossier(applicant_email="")

    _notify(django_capture_on_commit_callbacks, dossier)

    assert mail.outbox == []
    assert list(_rows(dossier)) == ["sms"]
    assert len(LocmemSmsBackend.outbox) == 1


def test_no_row_at_all_without_email_or_phone(django_capture_on_commit_callbacks):
    dossier = make_dossier(applicant_email="", applicant_phone="")

    _notify(django_capture_on_commit_callbacks, dossier)

    assert not NotificationLog.objects.exists()


def test_a_landline_gets_a_failed_sms_row_and_no_attempt(django_capture_on_commit_callbacks):
    dossier = make_dossier(applicant_phone="024 3825 1234")

    _notify(django_capture_on_commit_callbacks, dossier)

    row = _rows(dossier)["sms"]
    assert row.status == DeliveryStatus.FAILED
    assert row.attempts == 0
    assert "024 3825 1234" in row.last_error
    assert LocmemSmsBackend.outbox == []
    assert len(mail.outbox) == 1  # the e-mail still goes


def test_nothing_is_written_or_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    dossier = make_dossier()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_on_commit(dossier=dossier, event=NotificationEvent.RECEIVED)
        raise RuntimeError("the service failed after notifying")

    assert callbacks == []
    assert not NotificationLog.objects.exists()
    assert mail.outbox == []
    assert LocmemSmsBackend.outbox == []


def test_nothing_happens_before_commit(django_capture_on_commit_callbacks):
    dossier = make_dossier()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_on_commit(dossier=dossier, event=NotificationEvent.RECEIVED)

    assert len(callbacks) == 1
    assert not NotificationLog.objects.exists()
    assert mail.outbox == []


def test_an_unknown_event_is_refused_at_once():
    dossier = make_dossier()

    with pytest.raises(ValueError, match="Unknown notification event"):
        notify_on_commit(dossier=dossier, event="receieved")


def test_a_failure_after_commit_is_logged_not_raised(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    dossier = make_dossier()
    before = _snapshot(dossier)

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr(notifications, "_render", broken)
    with caplog.at_level(logging.ERROR):
        _notify(django_capture_on_commit_callbacks, dossier)

    # The messages are written by a background task: its failure is the task's, logged.
    assert "create_notifications" in caplog.text and "template missing" in caplog.text
    assert not NotificationLog.objects.exists()
    assert _snapshot(dossier) == before


def test_an_sms_that_fails_twice_is_sent_on_the_third_attempt(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}.FlakySmsBackend"
    dossier = make_dossier(applicant_email="")

    _notify(django_capture_on_commit_callbacks, dossier)

    row = _rows(dossier)["sms"]
    assert row.status == DeliveryStatus.SENT
    assert row.attempts == 3
    assert row.last_error == "SmsError: gateway busy"  # kept: the gateway had trouble
    assert len(LocmemSmsBackend.outbox) == 1


def test_an_sms_that_always_fails_ends_failed_and_leaves_the_dossier_alone(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}.BrokenSmsBackend"
    dossier = make_dossier()
    before = _snapshot(dossier)

    _notify(django_capture_on_commit_callbacks, dossier)

    rows = _rows(dossier)
    assert rows["sms"].status == DeliveryStatus.FAILED
    assert rows["sms"].attempts == NOTIFY_MAX_ATTEMPTS
    assert rows["sms"].last_error == "SmsError: gateway unreachable"
    assert rows["sms"].sent_at is None
    assert rows["email"].status == DeliveryStatus.SENT
    assert _snapshot(dossier) == before


def test_an_email_the_server_refuses_ends_failed(settings, django_capture_on_commit_callbacks):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenMailer"}}
    dossier = make_dossier()

    _notify(django_capture_on_commit_callbacks, dossier)

    rows = _rows(dossier)
    assert rows["email"].status == DeliveryStatus.FAILED
    assert rows["email"].attempts == NOTIFY_MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in rows["email"].last_error
    assert rows["sms"].status == DeliveryStatus.SENT


def test_with_a_queue_the_retry_is_deferred_by_the_back_off(
    settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "motcua.core.tasks.OutboxBackend"}}
    settings.SMS_BACKEND = f"{__name__}.BrokenSmsBackend"
    now = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    monkeypatch.setattr("motcua.core.clock.now", lambda: now)
    dossier = make_dossier(applicant_email="")

    _notify(django_capture_on_commit_callbacks, dossier)
    # The request queued one task; the worker's first job writes the messages.
    [creation] = DBTaskResult.objects.all()
    assert creation.task_path == "motcua.dossiers.tasks.create_notifications"
    assert not NotificationLog.objects.exists()
    assert create_notifications.call(*creation.args_kwargs["args"]) == 1
    row = _rows(dossier)["sms"]
    [queued] = DBTaskResult.objects.exclude(pk=creation.pk)
    assert queued.task_path == "motcua.dossiers.tasks.send_notification"
    assert queued.task.run_after is None
    assert row.attempts == 0  # nothing sent until a worker runs the task

    assert send_notification.call(row.pk) == DeliveryStatus.PENDING

    retry = DBTaskResult.objects.exclude(pk__in=[queued.pk, creation.pk]).get()
    assert retry.task.run_after == now + timedelta(minutes=1)
    assert retry.args_kwargs == {"args": [row.pk], "kwargs": {}}
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)


def test_a_row_already_sent_is_not_sent_again(django_capture_on_commit_callbacks):
    dossier = make_dossier(applicant_email="")
    _notify(django_capture_on_commit_callbacks, dossier)
    row = _rows(dossier)["sms"]

    assert send_notification.call(row.pk) is None
    assert send_notification.call(10**9) is None

    assert len(LocmemSmsBackend.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_back_off_grows_and_is_capped():
    assert [retry_delay(n) for n in range(1, 6)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=25),
        timedelta(hours=2),
        timedelta(hours=2),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("091.234.5678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("+84 912-345-678", "+84912345678"),
        ("0387654321", "+84387654321"),
        ("+33 6 12 34 56 78", "+33612345678"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["02438251234", "(024) 3825 1234", "091234567", "09123456789", "+8402438251234", "hang", ""],
)
def test_landlines_and_malformed_numbers_are_refused(raw):
    with pytest.raises(InvalidPhoneNumber):
        normalize_phone(raw)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # two septets each
        ("€" * 81, 2),
        ("ư" * 70, 1),
        ("ư" * 71, 2),
        ("ư" * 134, 2),
        ("ư" * 135, 3),
    ],
)
def test_sms_segments_follow_gsm_and_ucs2_sizes(text, segments):
    assert sms_segments(text) == segments


def test_log_backend_writes_the_message_to_the_sms_log(caplog):
    with caplog.at_level(logging.INFO, logger="motcua.sms"):
        message_id = LogSmsBackend().send(to="+84912345678", text="Hồ sơ đã có kết quả")

    assert len(message_id) == 32
    assert "+84912345678" in caplog.text
    assert "Hồ sơ đã có kết quả" in caplog.text


def test_the_backend_comes_from_settings(settings):
    assert isinstance(get_sms_backend(), LocmemSmsBackend)

    settings.SMS_BACKEND = "motcua.dossiers.sms.NoSuchBackend"
    with pytest.raises(ImproperlyConfigured, match="cannot be imported"):
        get_sms_backend()

    settings.SMS_BACKEND = "motcua.dossiers.sms.SmsMessage"
    with pytest.raises(ImproperlyConfigured, match="not an SmsBackend"):
        get_sms_backend()


def test_with_the_database_queue_the_task_row_commits_with_the_dossier(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "motcua.core.tasks.OutboxBackend"}}
    dossier = make_dossier()

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        notify_on_commit(dossier=dossier, event=NotificationEvent.RECEIVED)
        # Written in the service's own transaction: nothing waits for the commit.
        assert (
            DBTaskResult.objects.filter(
                task_path="motcua.dossiers.tasks.create_notifications"
            ).count()
            == 1
        )

    assert callbacks == []


def test_with_the_database_queue_a_rollback_leaves_no_task(settings):
    settings.TASKS = {"default": {"BACKEND": "motcua.core.tasks.OutboxBackend"}}
    dossier = make_dossier()

    with pytest.raises(RuntimeError), transaction.atomic():
        notify_on_commit(dossier=dossier, event=NotificationEvent.RECEIVED)
        raise RuntimeError("the service failed after notifying")

    assert not DBTaskResult.objects.exists()
