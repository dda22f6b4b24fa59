"""Online filing and lookup in a real browser (Debian's Chromium through Playwright).

A citizen, without an account, files a certification online from a phone, reads the code on
the page after filing and looks the dossier up with it; the Tây Hồ officer finds it in the
check queue and receives it; the citizen's lookup then shows it received.
"""

from __future__ import annotations

import os
import re

import pytest

from motcua.dossiers.models import Dossier
from motcua.public.tests.helpers import CERTIFY, PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def expect_text(page, text: str) -> None:
    try:
        page.get_by_text(text, exact=False).first.wait_for(timeout=5000)
    except Exception:  # noqa: BLE001 - say what was on the page instead
        body = page.locator("body").inner_text()
        raise AssertionError(f"{text!r} not on {page.url}: {body[:1500]}") from None


def shot(page, name: str) -> None:
    """Save a screenshot when ``MOTCUA_SCREENSHOTS`` names a folder (to look at the pages)."""
    folder = os.environ.get("MOTCUA_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def a_file(name: str, extra: bytes = b"") -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF + extra}


def test_a_citizen_files_online_then_looks_the_dossier_up(open_session, people, clock):
    clock.set(2026, 3, 10, 9, 0)

    # 1. From the catalogue, without diacritics, to the online form.
    citizen = open_session(width=390, height=844)  # a phone
    page = citizen.go("/thu-tuc/")
    page.fill("#q", "chung thuc ban sao")
    page.locator("form[role=search] button[type=submit]").click()
    page.locator(f"a[href='/thu-tuc/{CERTIFY}/']").first.click()
    page.locator(f"a[href='/thu-tuc/{CERTIFY}/nop-truc-tuyen/']").click()
    page.wait_for_load_state("networkidle")

    # 2. The form: a mistake first, told next to its field in Vietnamese.
    page.fill("#id_applicant_name", "Trần Thị Lan")
    page.fill("#id_applicant_id_number", "12345")
    page.fill("#id_applicant_phone", "0987654321")
    page.fill("#id_applicant_address", "Số 5 ngõ 12 phố Thụy Khuê")
    page.fill("#id_applicant_unit", "tay ho")
    page.locator("#id_applicant_phone").focus()  # leaving the ward announces its site
    hint = page.locator("#site-hint strong")
    hint.wait_for(timeout=5000)
    assert hint.inner_text() == "Điểm phục vụ hành chính công phường Tây Hồ"
    page.select_option("#id_receiving_site", "CN01")
    page.set_input_files("#id_c1_file", a_file("ban-chinh.pdf"))
    page.set_input_files("#id_c2_file", a_file("ban-sao.pdf", b"% copy\n"))
    page.check("#id_declaration")
    page.locator("#filing button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect_text(page, "Số định danh cá nhân gồm đúng 12 chữ số.")
    assert not Dossier.objects.exists()

    # 3. Corrected (files chosen again), sent with a double tap: one dossier.
    page.fill("#id_applicant_id_number", "001190012345")
    page.set_input_files("#id_c1_file", a_file("ban-chinh.pdf"))
    page.set_input_files("#id_c2_file", a_file("ban-sao.pdf", b"% copy\n"))
    page.check("#id_declaration")
    page.locator("#filing button[type=submit]").dblclick()
    page.wait_for_url(re.compile(r"/nop-truc-tuyen/da-nop/"))
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    assert dossier.status == "submitted" and dossier.components.exclude(sha256="").count() == 2
    assert page.locator("#filed-code").inner_text() == dossier.code
    assert page.locator("#reference-note").count() == 1  # not yet the official code
    shot(page, "filed-reference")

    # 4. The lookup, prefilled from the page after filing: the phone's last four digits.
    page.locator(f"a[href='/tra-cuu/?ma={dossier.code}']").click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#id_ma") == dossier.code
    page.fill("#id_so", "4321")
    page.locator(".lookup-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect_text(page, "Mới đăng ký")  # national status 1
    expect_text(page, "Trần T. L.")
    body = page.locator("main").inner_text()
    assert "Trần Thị Lan" not in body and "0987654321" not in body

    # 5. The Tây Hồ officer receives it from the check queue.
    clock.set(2026, 3, 10, 10, 0)
    officer = open_session()
    staff = officer.sign_in("tn.cn01")
    staff.locator(".ws-nav a[href='/workspace/online/'] .nav-count").wait_for(timeout=5000)
    staff = officer.go("/workspace/online/")
    staff.locator(f"a:has-text('{dossier.code}')").click()
    staff.wait_for_load_state("networkidle")
    staff.locator("#act-receive button[type=submit]").click()
    staff.wait_for_load_state("networkidle")
    reference = dossier.code
    dossier.refresh_from_db()
    assert dossier.status == "received"
    # Received at the check: the official code of the day, the reference kept beside it.
    assert reference.startswith("TT-") and dossier.code == "000.01.HC.H26-260310-0001"
    assert dossier.online_reference == reference
    assert staff.locator(f"a[href$='/dossiers/{dossier.code}/forms/receipt.pdf']").count() == 1

    # 6. The citizen looks again with the reference they hold: received, with an appointment,
    # under its official code.
    page = citizen.go(f"/tra-cuu/?ma={reference}")
    page.fill("#id_so", "2345")  # the ID number's last four digits work too
    page.locator(".lookup-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    expect_text(page, "Được tiếp nhận")
    assert page.locator(".facts .due").count() == 1
    assert page.locator("#r-code").inner_text() == dossier.code
    expect_text(page, reference)
    shot(page, "lookup-after-check")
