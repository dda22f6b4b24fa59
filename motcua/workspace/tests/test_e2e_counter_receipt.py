"""The counter records what was really handed in, and form 01 prints exactly that.

A birth registration received in a real browser (Debian's Chromium through Playwright): the
officer ticks only what the parent hands in; the receipt's PDF is read back with pypdf.
"""

from __future__ import annotations

import io
import os
import re

import pytest
from pypdf import PdfReader

from motcua.dossiers.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIRTH = "1.001193"
SURROGACY = "Văn bản xác nhận việc mang thai hộ của cơ sở y tế"  # optional: "if any"


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_birth_registration_receipt_lists_what_was_handed_in_and_how(
    open_session, people, clock, live_server, settings, tmp_path
):
    settings.PUBLIC_BASE_URL = ""  # the QR follows the server that printed the form
    clock.set(2026, 3, 10, 9, 0)
    officer = open_session()
    officer.sign_in("tn.cn01")
    page = officer.go(f"/workspace/counter/procedures/{BIRTH}/")

    # Only the required components start ticked; the optional one waits for the officer.
    boxes = page.locator("input[data-component]")
    assert [boxes.nth(i).is_checked() for i in range(boxes.count())] == [True, True, True, False]
    assert page.locator("#id_c3_kind").input_value() == "shown"  # identity paper: shown only
    assert page.locator("#id_object_unit").count() == 0  # no land or building to locate
    assert page.locator("label[for=id_applicant_name] .req-mark").count() == 1

    page.fill("#id_applicant_name", "Lê Thị Hoa")
    page.fill("#id_applicant_id_number", "001190012345")
    page.fill("#id_applicant_phone", "0912345678")
    page.fill("#id_applicant_unit", "tay ho")
    # The birth certificate is not in the folder: the officer unticks it and tries to receive.
    page.locator("#id_c2_received").uncheck()
    page.locator("button[name=decision][value=receive]").click()
    page.wait_for_load_state("networkidle")
    assert Dossier.objects.count() == 0
    reason = page.locator("li.comp").nth(1).locator(".field-error")
    assert "Bắt buộc" in reason.inner_text()  # the reason, next to the component
    page.screenshot(path=str(tmp_path / "blocked.png"), full_page=True)

    # The parent finds it; the certificate is handed in as a certified copy, two of them.
    page.locator("#id_c2_received").check()
    page.select_option("#id_c2_kind", "certified_copy")
    page.fill("#id_c2_count", "2")
    page.locator("button[name=decision][value=receive]").click()
    page.wait_for_url(re.compile(r"done="))
    dossier = Dossier.objects.get()
    page.screenshot(path=str(tmp_path / "done.png"), full_page=True)
    if os.environ.get("MOTCUA_SHOTS"):
        page.screenshot(path=os.environ["MOTCUA_SHOTS"] + "/counter-done.png", full_page=True)

    got = {c.order: c for c in dossier.components.all()}
    assert [o for o, c in got.items() if c.received] == [1, 2, 3]
    assert (got[2].originals, got[2].certified_copies) == (0, 2)
    assert (got[3].originals, got[3].shown) == (0, 1)
    assert not got[4].received and got[4].certified_copies == 0

    response = page.request.get(f"{live_server.url}/api/v1/dossiers/{dossier.code}/forms/01.pdf")
    assert response.status == 200
    if os.environ.get("MOTCUA_SHOTS"):
        with open(os.environ["MOTCUA_SHOTS"] + "/form01.pdf", "wb") as f:
            f.write(response.body())
    text = pdf_text(response.body())
    flat = re.sub(r"\s+", " ", text)
    assert "Tờ khai đăng ký khai sinh theo mẫu" in flat
    assert "Giấy chứng sinh" in flat
    assert "Giấy tờ tùy thân của người đi đăng ký khai sinh" in flat
    assert "mang thai hộ" not in flat  # not handed in: not on the receipt
    assert "Xuất trình" in flat  # the column of papers shown and handed back
    # The QR and the printed address open this server's lookup page, port included.
    assert f"{live_server.url}/tra-cuu/?ma={dossier.code}".replace(" ", "") in flat.replace(" ", "")
