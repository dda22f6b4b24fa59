"""The limits and the one-time code in a real browser (issue 18): a locked code, an oversized
filing, and a citizen confirming with the code sent by SMS before rating and downloading."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.public.limits import limit
from motcua.public.tests.helpers import CERTIFY, PDF, sent_code
from motcua.public.tests.test_e2e_online import a_file, expect_text, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def look(page, digits: str) -> None:
    page.fill("#id_so", digits)
    page.locator(".lookup-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_a_code_guessed_too_often_is_locked_with_a_vietnamese_page(open_session, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    citizen = open_session(width=390, height=844)
    for n in range(limit("lookup_failures_per_code")):
        page = citizen.go(f"/tra-cuu/?ma={dossier.code}")
        look(page, f"{n:04d}")
        expect_text(page, "Không tìm thấy")
    page = citizen.go(f"/tra-cuu/?ma={dossier.code}")
    look(page, "4321")  # even the right digits, while the code is locked
    expect_text(page, "Vui lòng chờ trong giây lát")
    expect_text(page, "tạm khóa 30 phút")
    shot(page, "lookup-locked")


def test_an_oversized_filing_gets_a_vietnamese_413_page(open_session, people, clock, settings):
    settings.ABUSE_LIMITS = {**settings.ABUSE_LIMITS, "upload_max_filing_mb": 1}
    clock.set(2026, 3, 10, 9, 0)
    citizen = open_session(width=390, height=844)
    page = citizen.go(f"/thu-tuc/{CERTIFY}/nop-truc-tuyen/")
    page.fill("#id_applicant_name", "Trần Thị Lan")
    page.fill("#id_applicant_id_number", "001190012345")
    page.fill("#id_applicant_phone", "0987654321")
    page.fill("#id_applicant_address", "Số 5 ngõ 12 phố Thụy Khuê")
    page.fill("#id_applicant_unit", "tay ho")
    page.select_option("#id_receiving_site", "CN01")
    page.set_input_files("#id_c1_file", a_file("ban-chinh.pdf", b"0" * 1_200_000))
    page.set_input_files("#id_c2_file", a_file("ban-sao.pdf"))
    page.check("#id_declaration")
    page.locator("#filing button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect_text(page, "Tệp gửi kèm quá lớn")
    expect_text(page, "tối đa 1 MB")
    shot(page, "filing-too-large")


def test_the_applicant_confirms_with_the_sms_code_then_downloads_and_rates(
    open_session, people, clock
):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure(), return_method="online")
    dossier = advance(people, dossier, "in_progress")
    clock.set(2026, 3, 11, 10, 0)
    svc.dossier_complete(
        actor=actor(people["leader_tp"]),
        code=dossier.code,
        result_file=SimpleUploadedFile("giay-phep.pdf", PDF),
    )
    citizen = open_session(width=390, height=844)
    page = citizen.go(f"/tra-cuu/?ma={dossier.code}")
    look(page, "4321")
    assert page.locator("#result-link").count() == 0  # four digits do not download it
    page.locator("#confirm").scroll_into_view_if_needed()
    shot(page, "lookup-confirm-box")
    page.locator("#send-code").click()
    page.wait_for_load_state("networkidle")
    expect_text(page, "098•••••21")
    page.fill("#id_otp", "000000" if sent_code() != "000000" else "111111")
    page.locator("form.pform button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect_text(page, "Mã xác thực không đúng; còn 4 lần thử.")
    shot(page, "confirm-wrong-code")
    page.fill("#id_otp", sent_code())
    page.locator("form.pform button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect_text(page, "Đã xác thực")
    assert page.locator("#result-link").count() == 1
    assert page.locator("#complain-link").count() == 1
    shot(page, "confirmed-actions")
