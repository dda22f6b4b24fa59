"""Sign-in with the second factor, the lockout page and "who viewed this", in a real browser.

With ``MOTCUA_SAVE_SCREENSHOTS=1`` the pages are saved into docs/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from motcua.accounts.testing import current_code, totp_device_for
from motcua.dossiers.choices import Status
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    if os.environ.get("MOTCUA_SAVE_SCREENSHOTS"):
        page.screenshot(path=str(Path(settings.BASE_DIR) / "docs" / "screenshots" / f"{name}.png"))


def password_step(session, username: str):
    page = session.go("/workspace/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "motcua-test-pass")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def test_a_director_sets_up_then_signs_in_with_the_second_factor(open_session, people):
    session = open_session()
    page = password_step(session, "gd.cn01")
    assert "/workspace/security/setup/" in page.url
    assert page.locator("img[alt='Mã QR của khóa xác thực']").is_visible()
    shot(page, "second-factor-setup")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=people["director_cn01"], confirmed=False)
    page.fill("#id_token", current_code(device))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#backup-codes li").count() == 10
    page.click("text=Tiếp tục")
    page.wait_for_load_state("networkidle")
    assert "/workspace/dashboard/branch/" in page.url
    # Next time: the password, then the code.
    session.close()
    session = open_session()
    page = password_step(session, "gd.cn01")
    assert "/workspace/security/verify/" in page.url
    page.fill("#id_token", "000000")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".form-error").inner_text().startswith("Mã không đúng")
    page.fill("#id_token", current_code(device))
    shot(page, "second-factor-verify")
    page.wait_for_timeout(1100)  # django-otp makes the device wait a second after a wrong code
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/workspace/dashboard/branch/" in page.url


def test_the_lockout_page_after_too_many_wrong_passwords(open_session, people):
    page = open_session().go("/workspace/login/")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.fill("#id_username", "tn.cn01")
        page.fill("#id_password", "sai-mat-khau-roi")
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
    page.goto(page.url.split("/workspace/")[0] + "/workspace/login/")
    page.fill("#id_username", "tn.cn01")
    page.fill("#id_password", "motcua-test-pass")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Tài khoản đang bị tạm khóa"
    assert "/login/" in page.url
    shot(page, "sign-in-locked")


def test_who_viewed_this_for_the_center_director(open_session, people, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    dossier = advance(people, receive(people, justice_procedure()), Status.IN_PROGRESS)
    officer = open_session()
    officer.sign_in("tn.cn01").goto(officer.base_url + f"/workspace/dossiers/{dossier.code}/")
    inspector = open_session()
    inspector.sign_in("tt.tt").goto(inspector.base_url + f"/workspace/dossiers/{dossier.code}/")
    totp_device_for(people["center_director"])
    director = open_session()
    page = director.sign_in("gd.tt")
    page.goto(director.base_url + f"/workspace/dossiers/{dossier.code}/#viewers")
    section = page.locator("#viewers")
    assert section.locator("h2").inner_text() == "Ai đã xem"
    text = section.inner_text()
    assert "Lê Thu Trang" in text and "Ngô Thanh Hà" in text and "Bùi Quang Huy" in text
    section.scroll_into_view_if_needed()
    shot(page, "dossier-who-viewed")
    assert "Ai đã xem" not in officer.page.content()
