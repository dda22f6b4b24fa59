"""The official forms (one-stop-rules §6) rendered to A4 PDF, read back with pypdf."""

from __future__ import annotations

import base64
import io
import re
import socket
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from django.template.loader import get_template
from pypdf import PdfReader

from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers.audit import event_append
from motcua.dossiers.choices import Action, Status, Timeliness
from motcua.dossiers.forms import (
    form_context,
    form_html,
    html_to_pdf,
    local,
    lookup_url,
    qr_svg,
    render_form,
)
from motcua.dossiers.models import Handover
from motcua.dossiers.tests.factories import make_dossier, regime
from motcua.organization.tests.factories import AgencyFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)  # points
NAME = "Nguyễn Thị Hằng"

# Received Tue 10/03/2026 09:30 in Hanoi (2025 regime) or Mon 10/03/2025 09:30 (2018 regime).
RECEIVED = {
    "2025": datetime(2026, 3, 10, 2, 30, tzinfo=UTC),
    "2018": datetime(2025, 3, 10, 2, 30, tzinfo=UTC),
}
SUPPLEMENT_REASON = "Thiếu bản sao giấy khai sinh có chứng thực"
REFUSAL_REASON = "Hồ sơ không thuộc thẩm quyền giải quyết của Sở Tư pháp"
DELAY_REASON = "Cần xác minh thông tin tại Ủy ban nhân dân phường Hoàn Kiếm"
STOP_REASON = "Người nộp hồ sơ đề nghị dừng giải quyết"


def pdf_pages(pdf: bytes) -> list:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf)).pages


def pdf_text(pdf: bytes) -> str:
    """The text of every page, NFC, with runs of white space (and line breaks) as one space."""
    text = " ".join(page.extract_text() for page in pdf_pages(pdf))
    text = unicodedata.normalize("NFC", text).replace("\u200b", "")
    return re.sub(r"\s+", " ", text)


def assert_a4_portrait(pdf: bytes) -> None:
    for page in pdf_pages(pdf):
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4, abs=0.5)


def at(regime_code: str, **delta) -> datetime:
    return RECEIVED[regime_code] + timedelta(**delta)


def staff(full_name: str, phone: str = ""):
    return StaffProfileFactory(full_name=full_name, phone=phone).user


def full_dossier(regime_code: str):
    """A received dossier with an event of every kind a form reads, and two handovers."""
    officer = staff("Trần Văn Đức", "0243 825 1234")
    specialist = staff("Lê Thị Ngọc Ánh")
    dossier = make_dossier(
        regime_code=regime_code,
        submitted_at=at(regime_code),
        received_by=officer,
        fee_due=50000,
    )
    event_append(
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        at=at(regime_code, days=1),
        actor=officer,
        to_status=Status.AWAITING_SUPPLEMENT,
        payload={
            "reason": SUPPLEMENT_REASON,
            "items": [
                {"name": "Giấy khai sinh", "originals": 0, "certified_copies": 1, "copies": 0},
                {"name": "Sổ tạm trú", "originals": 1, "certified_copies": 0, "copies": 2},
            ],
        },
    )
    event_append(
        dossier=dossier,
        action=Action.REFUSE,
        at=at(regime_code),
        actor=officer,
        to_status=Status.REFUSED,
        payload={"reason": REFUSAL_REASON},
    )
    event_append(
        dossier=dossier,
        action=Action.EXTEND,
        at=at(regime_code, days=2),
        to_status=Status.IN_PROGRESS,
        payload={
            "reason": DELAY_REASON,
            "old_due_at": at(regime_code, days=3).isoformat(),
            "new_due_at": at(regime_code, days=7).isoformat(),
        },
    )
    event_append(
        dossier=dossier,
        action=Action.STOP,
        at=at(regime_code, days=2),
        to_status=Status.STOPPED,
        payload={"reason": STOP_REASON},
    )
    Handover.objects.create(
        dossier=dossier,
        step=1,
        step_name="Tiếp nhận, chuyển hồ sơ",
        unit="Chi nhánh số 1",
        giver=officer,
        receiver=specialist,
        given_at=at(regime_code, hours=1),
        received_at=at(regime_code, hours=1, minutes=5),
        step_due_at=at(regime_code, hours=4),
        finished_at=at(regime_code, hours=2),
        timeliness=Timeliness.EARLY,
    )
    Handover.objects.create(
        dossier=dossier,
        step=2,
        step_name="Thẩm định hồ sơ",
        unit="Phòng Hành chính tư pháp",
        giver=specialist,
        receiver=officer,
        given_at=at(regime_code, hours=26),
        received_at=at(regime_code, hours=26),
        step_due_at=at(regime_code, hours=30),
        finished_at=at(regime_code, hours=50),
        timeliness=Timeliness.LATE,
        note="Chờ xác minh",
    )
    return dossier


# What each form must print beyond the code, the applicant and its title (2025 dates; the 2018
# dossier is received one year earlier, on the same day and hour).
KEY_FIELDS = {
    "receipt": [
        "Nội dung yêu cầu giải quyết: Thủ tục thử nghiệm",
        "Tờ khai",
        "Giấy tờ tùy thân",
        "Số lượng hồ sơ: 1 (bộ)",
        "3 ngày làm việc",
        "Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 10 tháng 03 năm {y}",
        "09 giờ 30 phút, ngày 13 tháng 03 năm {y}",
        "Chi nhánh số 1",
        "Phí, lệ phí: 50.000 đồng",
        "Quyển số: {yy}0310, Số thứ tự:",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Đức",
        "02 liên",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 10 tháng 03 năm {y}",
    ],
    "supplement": [
        SUPPLEMENT_REASON,
        "Giấy khai sinh",
        "Sổ tạm trú",
        "Trần Văn Đức, số điện thoại 0243 825 1234",
        "NGƯỜI HƯỚNG DẪN",
        "Hà Nội, ngày 11 tháng 03 năm {y}",
    ],
    "refusal": [REFUSAL_REASON, "NGƯỜI TIẾP NHẬN HỒ SƠ", "Trần Văn Đức"],
    "apology": [
        DELAY_REASON,
        "Kính gửi: Ông/Bà " + NAME,
        "09 giờ 30 phút, ngày 13 tháng 03 năm {y}",
        "09 giờ 30 phút, ngày 17 tháng 03 năm {y}",
        "THỦ TRƯỞNG CƠ QUAN",
    ],
    "stop": [STOP_REASON, "Kính gửi: Ông/Bà " + NAME, "THỦ TRƯỞNG CƠ QUAN"],
    "control": [
        "Chi nhánh số 1",
        "Phòng Hành chính tư pháp",
        "Trần Văn Đức",
        "Lê Thị Ngọc Ánh",
        "Trước hạn",
        "Quá hạn",
        "Chờ xác minh",
        "Giao: 10 giờ 30 phút, ngày 10/03/{y}",
        "Nhận: 10 giờ 35 phút, ngày 10/03/{y}",
    ],
}

FORMS = [
    ("2018", "receipt", "01"),
    ("2018", "supplement", "02"),
    ("2018", "refusal", "03"),
    ("2018", "apology", "04"),
    ("2018", "control", "05"),
    ("2025", "receipt", "01"),
    ("2025", "supplement", "02"),
    ("2025", "refusal", "03"),
    ("2025", "apology", "04"),
    ("2025", "stop", "05"),
    ("2025", "control", "06"),
]


@pytest.mark.parametrize(("regime_code", "kind", "number"), FORMS)
def test_each_form_prints_on_a4_with_code_applicant_title_and_its_fields(regime_code, kind, number):
    dossier = full_dossier(regime_code)
    year = RECEIVED[regime_code].year

    pdf = render_form(dossier, kind)

    assert_a4_portrait(pdf)
    text = pdf_text(pdf)
    assert dossier.code in text
    assert NAME in text
    assert dossier.forms[kind]["title"].upper() in text
    assert f"Mẫu số {number}" in text
    for field in KEY_FIELDS[kind]:
        assert field.format(y=year, yy=str(year)[2:]) in text, field


def test_every_form_of_each_regime_has_its_template():
    for code in ("2018", "2025"):
        for form in regime(code).forms.all():
            assert get_template(form.template_name)


def test_the_html_carries_the_lookup_address_and_a_qr_code_of_it(settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.hanoi.gov.vn"
    dossier = make_dossier()

    html = form_html(dossier, "receipt")

    url = lookup_url(dossier.code)
    assert url == f"https://dichvucong.hanoi.gov.vn/tra-cuu/?ma={dossier.code}"
    assert url in html
    match = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html)
    assert match is not None
    assert base64.b64decode(match[1]).decode() == qr_svg(url)


def test_without_a_public_address_the_form_opens_the_server_that_printed_it(settings, rf):
    settings.PUBLIC_BASE_URL = ""
    settings.SERVED_BASE_URL = "http://127.0.0.1:8201"  # `PORT=8201 make run`
    dossier = make_dossier()
    lookup = f"/tra-cuu/?ma={dossier.code}"

    # Printed from a page: the address that page was asked at, port included.
    request = rf.get("/", HTTP_HOST="localhost:8201")
    _, context = form_context(dossier, "receipt", request=request)
    assert context["lookup_address"] == f"http://localhost:8201{lookup}"
    assert context["qr"].endswith(
        base64.b64encode(qr_svg(f"http://localhost:8201{lookup}").encode()).decode()
    )
    # Printed without a request (a command, a task): where this server listens.
    _, context = form_context(dossier, "receipt")
    assert context["lookup_url"] == context["lookup_address"] == f"http://127.0.0.1:8201{lookup}"
    # A configured address wins over both.
    settings.PUBLIC_BASE_URL = "https://dichvucong.hanoi.gov.vn"
    _, context = form_context(dossier, "receipt", request=request)
    assert context["lookup_address"] == f"https://dichvucong.hanoi.gov.vn{lookup}"


def test_qr_svg_is_an_svg_document_that_depends_on_the_text():
    svg = qr_svg("http://127.0.0.1:8000/tra-cuu/?ma=000.01.HC.H26-260310-0001")

    assert "<svg" in svg
    assert "<path" in svg
    assert svg != qr_svg("http://127.0.0.1:8000/tra-cuu/?ma=000.01.HC.H26-260310-0002")


def test_times_are_printed_in_hanoi_time():
    moment = local(datetime(2026, 1, 4, 17, 5, tzinfo=UTC))  # 00:05 on the 5th in Hanoi

    assert (moment.hour, moment.minute, moment.day, moment.month, moment.year) == (
        "00",
        "05",
        "05",
        "01",
        "2026",
    )
    assert local("2026-03-13T02:30:00+00:00").short == "13/03/2026 09:30"
    assert local(None) is None
    with pytest.raises(ValueError, match="naive"):
        local("2026-03-13T09:30:00")


def test_stop_notice_does_not_exist_under_regime_2018():
    dossier = make_dossier(regime_code="2018", submitted_at=RECEIVED["2018"])
    event_append(
        dossier=dossier,
        action=Action.STOP,
        at=at("2018", days=1),
        to_status=Status.STOPPED,
        payload={"reason": STOP_REASON},
    )

    with pytest.raises(NotFound, match="stop"):
        render_form(dossier, "stop")


def test_an_unknown_form_is_not_found():
    with pytest.raises(NotFound):
        render_form(make_dossier(), "certificate")


def test_the_ledger_is_not_printed_for_one_dossier():
    with pytest.raises(InvalidInput):
        render_form(make_dossier(), "ledger")


@pytest.mark.parametrize("kind", ["apology", "refusal", "supplement", "stop"])
def test_a_form_whose_event_has_not_happened_does_not_apply_yet(kind):
    with pytest.raises(Conflict):
        render_form(make_dossier(), kind)


def test_the_forms_of_a_received_dossier_need_its_receipt():
    dossier = make_dossier()
    dossier.pk = None
    dossier.code = dossier.code[:-4] + "9999"
    dossier.status = Status.SUBMITTED
    dossier.save()  # a copy without events: submitted online, never received

    with pytest.raises(Conflict):
        render_form(dossier, "receipt")
    with pytest.raises(Conflict):
        render_form(dossier, "control")


def test_the_supplement_form_uses_the_latest_request_and_falls_back_to_the_guidance():
    dossier = make_dossier()
    guidance = {"reason": "Thiếu tờ khai", "items": [{"name": "Tờ khai", "originals": 1}]}
    event_append(
        dossier=dossier,
        action=Action.GUIDE,
        at=at("2025", hours=-1),
        to_status=Status.GUIDED,
        payload=guidance,
    )
    assert "Thiếu tờ khai" in pdf_text(render_form(dossier, "supplement"))

    for n, reason in enumerate(["Lý do thứ nhất", "Lý do thứ hai"], start=1):
        event_append(
            dossier=dossier,
            action=Action.REQUEST_SUPPLEMENT,
            at=at("2025", days=n),
            to_status=Status.AWAITING_SUPPLEMENT,
            payload={"reason": reason, "items": [], "officer_phone": "0900000000"},
        )

    text = pdf_text(render_form(dossier, "supplement"))
    assert "Lý do thứ hai" in text
    assert "Lý do thứ nhất" not in text
    assert "Thiếu tờ khai" not in text
    assert "0900000000" in text
    assert "tạm dừng" in text  # the clock pauses only for a request after receipt


def test_the_apology_is_issued_by_the_competent_agency_and_prints_the_latest_extension():
    agency = AgencyFactory(name="Sở Tài nguyên và Môi trường")
    dossier = make_dossier(competent_agency=agency)
    for n, reason in enumerate(["Lần đầu", "Cần thêm thời gian thẩm định thực địa"], start=1):
        event_append(
            dossier=dossier,
            action=Action.EXTEND,
            at=at("2025", days=n),
            to_status=Status.IN_PROGRESS,
            payload={
                "reason": reason,
                "old_due_at": at("2025", days=3).isoformat(),
                "new_due_at": at("2025", days=6 + n).isoformat(),
            },
        )

    text = pdf_text(render_form(dossier, "apology"))

    assert "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG" in text
    assert "Cần thêm thời gian thẩm định thực địa" in text
    assert "ngày 18 tháng 03 năm 2026" in text


def test_a_form_prints_the_dossier_form_set_frozen_at_receipt():
    old_forms = make_dossier(regime_code="2018", submitted_at=RECEIVED["2018"]).forms
    dossier = make_dossier(regime_code="2025", forms=old_forms)

    text = pdf_text(render_form(dossier, "control"))

    assert "Mẫu số 05" in text
    with pytest.raises(NotFound):
        render_form(dossier, "stop")


def test_staff_without_a_profile_are_named_by_username():
    dossier = make_dossier(received_by=UserFactory(username="canbo_tiepnhan"))

    assert "canbo_tiepnhan" in pdf_text(render_form(dossier, "receipt"))


def test_return_by_post_prints_the_postal_address():
    dossier = make_dossier(return_method="post", return_site=None, return_address="Số 5 ngõ 8")

    assert "bưu chính công ích, tới địa chỉ: Số 5 ngõ 8" in pdf_text(
        render_form(dossier, "receipt")
    )


def test_the_control_slip_reads_handovers_in_a_constant_number_of_queries(
    django_assert_max_num_queries,
):
    dossier = full_dossier("2025")
    giver = staff("Phạm Văn Bình")
    for n in range(6):
        Handover.objects.create(
            dossier=dossier,
            step_name=f"Bước {n}",
            unit="Phòng Hộ tịch",
            giver=giver,
            receiver=staff(f"Cán bộ {n}"),
            given_at=at("2025", days=2, hours=n),
        )

    # One more than the rows' four: the process's steps, to mark the leader's signature (0009).
    with django_assert_max_num_queries(5):
        form_context(dossier, "control")


def test_printing_never_fetches_a_resource_outside_the_document(monkeypatch):
    connections = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connections.append(a))
    html = (
        '<html><head><link rel="stylesheet" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://example.invalid/x.css"></head>'
        '<body><img src="http://example.invalid/x.png"><p>Hằng</p></body></html>'
    )

    pdf = html_to_pdf(html)

    assert connections == []
    assert "Hằng" in pdf_text(pdf)


def test_a_receipt_never_says_no_fee_when_the_amount_is_unknown():
    dossier = make_dossier()
    assert "7. Phí, lệ phí: không" in form_html(dossier, "receipt")
    version = dossier.procedure_version
    version.fee_known = False  # charged, amount set by the People's Council, not entered yet
    version.save(update_fields=["fee_known"])
    html = form_html(dossier, "receipt")
    assert "7. Phí, lệ phí: theo quy định" in html and "Phí, lệ phí: không" not in html
