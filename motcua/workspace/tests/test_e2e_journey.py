"""The whole journey in a real browser (Debian's Chromium through Playwright).

Received at the Tây Hồ branch's counter for a land certificate in xã Ba Vì, processed by Ba
Vì's committee with a supplement on the way, and collected at the Hà Đông branch. Then the
role restrictions as a person meets them in the browser.
"""

from __future__ import annotations

import re

import pytest

from motcua.dossiers.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock(monkeypatch):
    from motcua.dossiers.tests.conftest import Clock

    return Clock(monkeypatch, django_too=False)


def act(page, action: str, **fields):
    """Open an action's form on the dossier page, fill it and submit it."""
    section = page.locator(f"#act-{action}")
    details = section.locator("details")
    if details.count() and details.get_attribute("open") is None:
        section.locator("summary").click()
    for name, value in fields.items():
        section.locator(f"[name$='{name}']").first.fill(value)
    section.locator("button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def test_received_at_tay_ho_processed_in_ba_vi_returned_at_ha_dong(open_session, people, clock):
    clock.set(2026, 3, 10, 9, 0)

    # 1. The Tây Hồ officer finds the procedure without diacritics and receives the dossier.
    officer = open_session()
    page = officer.sign_in("tn.cn01")
    assert page.url.endswith("/workspace/counter/")
    page.fill("[data-search]", "cap giay chung nhan lan dau")
    page.locator("a[href*='/counter/procedures/1.013978/']").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_applicant_name", "Nguyễn Văn Bình")
    page.fill("#id_applicant_id_number", "12345")
    page.locator("#id_applicant_phone").focus()  # leaving the field checks it
    expect_text(page, "Số định danh cá nhân gồm đúng 12 chữ số.")
    page.fill("#id_applicant_id_number", "001085012345")
    page.fill("#id_applicant_phone", "0912345678")
    page.fill("#id_applicant_address", "Thôn Yên Khoái, xã Ba Vì, Hà Nội")
    page.fill("#id_object_unit", "09700")
    page.select_option("#id_return_site", "CN07")
    page.locator("button[name=decision][value=receive]").dblclick()  # a double click…
    page.wait_for_url(re.compile(r"done="))
    assert Dossier.objects.count() == 1  # …makes one dossier
    dossier = Dossier.objects.get()
    code = dossier.code
    expect_text(page, code)
    assert page.locator("a[href$='/forms/receipt.pdf'], a[href*='/forms/01.pdf']").count()
    assert dossier.competent_agency.code == "UBND-X-09700-2025" and dossier.outside_territory

    # 2. The officer sends the paper dossier to Ba Vì.
    page = officer.go(f"/workspace/dossiers/{code}/")
    act(page, "transfer")
    expect_text(page, "Đã chuyển cơ quan giải quyết")

    # 3. Ba Vì's specialist finds it in the inbox, takes it and asks for a supplement.
    clock.set(2026, 3, 11, 14, 0)
    specialist = open_session()
    page = specialist.sign_in("cv.bavi")
    assert page.url.endswith("/workspace/inbox/")
    page.locator(f"a:has-text('{code}')").first.click()
    page.wait_for_load_state("networkidle")
    act(page, "accept")
    act(page, "request_supplement", reason="Thiếu sơ đồ thửa đất", name="Sơ đồ thửa đất")
    expect_text(page, "Chờ bổ sung hồ sơ")
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_supplement" and dossier.supplement_count == 1

    # 4. The applicant brings the paper to Hà Đông: the officer there records it.
    clock.set(2026, 3, 13, 10, 0)
    ha_dong = open_session()
    page = ha_dong.sign_in("tn.cn07")
    page = ha_dong.go(f"/workspace/dossiers/{code}/")
    act(page, "receive_supplement")
    dossier.refresh_from_db()
    assert dossier.status == "in_progress"
    assert dossier.due_at.isoformat() == "2026-04-08T08:00:00+00:00"  # 13 paused hours added

    # 5. Specialist → leader → result.
    clock.set(2026, 3, 20, 11, 0)
    page = specialist.go(f"/workspace/dossiers/{code}/")
    section = page.locator("#act-handover")
    if section.locator("details").get_attribute("open") is None:
        section.locator("summary").click()
    section.locator("select").first.select_option("ld.bavi")
    section.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    leader = open_session()
    page = leader.sign_in("ld.bavi")
    page = leader.go(f"/workspace/dossiers/{code}/")
    act(page, "complete", note="Đã ký Giấy chứng nhận")
    dossier.refresh_from_db()
    assert dossier.status == "result_ready" and dossier.timeliness == "early"

    # 6. Hà Đông's return desk: the code typed by the scanner finds it; the result is handed over.
    clock.set(2026, 3, 23, 9, 0)
    page = ha_dong.go("/workspace/returns/")
    page.fill("[data-search]", f"http://127.0.0.1:8000/tra-cuu/?ma={code}")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    page.locator("form.deliver button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    dossier.refresh_from_db()
    assert dossier.status == "delivered" and dossier.delivered_at is not None

    # The dossier page tells the whole story, steps graded.
    page = ha_dong.go(f"/workspace/dossiers/{code}/")
    expect_text(page, "Đã trả kết quả")
    assert page.locator(".timeline li").count() >= 8


def test_role_restrictions_as_met_in_the_browser(open_session, people, clock):
    from motcua.dossiers.tests.helpers import justice_procedure, receive

    clock.set(2026, 3, 10, 9, 0)
    at_tay_ho = receive(people, justice_procedure())

    specialist = open_session()
    page = specialist.sign_in("cv.bavi")
    response = page.goto(specialist.base_url + "/workspace/counter/")
    assert response.status == 403
    response = page.goto(specialist.base_url + f"/workspace/dossiers/{at_tay_ho.code}/")
    assert response.status == 404  # another agency's dossier is not even shown to exist

    inspector = open_session()
    page = inspector.sign_in("tt.tt")
    assert page.url.endswith("/workspace/dashboard/center/")
    page = inspector.go(f"/workspace/dossiers/{at_tay_ho.code}/")
    expect_text(page, at_tay_ho.code)
    assert page.locator("[id^='act-']").count() == 0  # inspectors read, never act

    officer = open_session(width=768, height=1024)  # on a tablet
    page = officer.sign_in("tn.cn07")
    response = page.goto(officer.base_url + f"/workspace/dossiers/{at_tay_ho.code}/")
    assert response.status == 404


def expect_text(page, text: str) -> None:
    """Wait (htmx answers asynchronously) until ``text`` shows on the page."""
    try:
        page.get_by_text(text, exact=False).first.wait_for(timeout=5000)
    except Exception:  # noqa: BLE001 - say what was on the page instead
        body = page.locator("body").inner_text()
        raise AssertionError(f"{text!r} not on {page.url}: {body[:1500]}") from None
