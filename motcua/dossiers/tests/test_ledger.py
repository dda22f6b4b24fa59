"""The tracking ledger (Sổ theo dõi hồ sơ, Mẫu 06 / 07) as rows, CSV and landscape A4 PDF."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers.choices import Status, Timeliness
from motcua.dossiers.forms import LEDGER_HEADER, ledger_csv, ledger_pdf, ledger_rows
from motcua.dossiers.models import Regime
from motcua.dossiers.tests.factories import make_dossier, regime
from motcua.organization.tests.factories import AgencyFactory, SiteFactory

pytestmark = pytest.mark.django_db

A4_LANDSCAPE = (841.89, 595.28)
MARCH_10 = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 09:30 in Hanoi


@pytest.fixture
def site():
    return SiteFactory(name="Chi nhánh số 3", address="Số 1 phố Tôn Thất Thuyết")


def received(site, when: datetime, **fields):
    return make_dossier(site=site, submitted_at=when, **fields)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = unicodedata.normalize("NFC", text).replace("\u200b", "")
    return re.sub(r"\s+", " ", text)


def test_rows_are_the_site_dossiers_received_in_the_period_ordered_by_code(site):
    first = received(site, MARCH_10)
    second = received(site, MARCH_10 + timedelta(days=1))
    received(site, MARCH_10 - timedelta(days=1))  # before the period
    received(SiteFactory(), MARCH_10)  # another site

    rows = ledger_rows(site=site, start=date(2026, 3, 10), end=date(2026, 3, 11))

    assert [(row.line, row.code) for row in rows] == [(1, first.code), (2, second.code)]


def test_the_period_is_in_hanoi_dates(site):
    # 17:30 UTC on the 10th is 00:30 on the 11th in Hanoi.
    late = received(site, datetime(2026, 3, 10, 17, 30, tzinfo=UTC))
    # 16:59 UTC on the 10th is 23:59 on the 10th in Hanoi.
    evening = received(site, datetime(2026, 3, 10, 16, 59, tzinfo=UTC))

    assert [
        r.code for r in ledger_rows(site=site, start=date(2026, 3, 10), end=date(2026, 3, 10))
    ] == [evening.code]
    assert [
        r.code for r in ledger_rows(site=site, start=date(2026, 3, 11), end=date(2026, 3, 11))
    ] == [late.code]


def test_a_dossier_never_received_is_not_in_the_book(site):
    dossier = received(site, MARCH_10)
    unreceived = dossier.code[:-4] + "9999"
    dossier.pk = None
    dossier.code = unreceived
    dossier.status = Status.SUBMITTED
    dossier.save()  # a copy without a receive event: submitted online, still under check

    rows = ledger_rows(site=site, start=date(2026, 3, 10), end=date(2026, 3, 10))

    assert unreceived not in [r.code for r in rows]
    assert len(rows) == 1


def test_a_row_carries_every_column_of_the_form(site):
    agency = AgencyFactory(name="Sở Tư pháp")
    dossier = received(
        site,
        MARCH_10,
        competent_agency=agency,
        sets=2,
        transferred_at=MARCH_10 + timedelta(hours=1),
        finished_at=MARCH_10 + timedelta(days=4),
        delivered_at=MARCH_10 + timedelta(days=5),
        timeliness=Timeliness.LATE,
        status=Status.DELIVERED,
        supplement_count=1,
    )

    (row,) = ledger_rows(site=site, start=date(2026, 3, 10), end=date(2026, 3, 10))

    assert row.code == dossier.code
    assert row.procedure == dossier.procedure.name
    assert row.sets == 2
    assert row.applicant == "Nguyễn Thị Hằng"
    assert row.address_phone == "Số 12 phố Đội Cấn, phường Ba Đình, Hà Nội, 0912345678"
    assert row.agency == "Sở Tư pháp"
    assert [m.short for m in row.moments] == [
        "10/03/2026 09:30",
        "13/03/2026 09:30",
        "10/03/2026 10:30",
        "14/03/2026 09:30",
        "15/03/2026 09:30",
    ]
    assert row.note == "Đã yêu cầu bổ sung; Quá hạn"


def test_rows_take_a_constant_number_of_queries(site, django_assert_max_num_queries):
    for n in range(5):
        received(site, MARCH_10 + timedelta(minutes=n))

    with django_assert_max_num_queries(1):
        rows = ledger_rows(site=site, start=date(2026, 3, 10), end=date(2026, 3, 10))
        assert len(rows) == 5


def test_csv_opens_in_excel_with_a_vietnamese_header(site):
    dossier = received(site, MARCH_10)

    text = ledger_csv(site=site, start=date(2026, 3, 1), end=date(2026, 3, 31))

    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text[1:])))
    assert tuple(header) == LEDGER_HEADER
    assert header[1] == "Mã hồ sơ"
    assert rows == [
        [
            "1",
            dossier.code,
            dossier.procedure.name,
            "1",
            "Nguyễn Thị Hằng",
            "Số 12 phố Đội Cấn, phường Ba Đình, Hà Nội, 0912345678",
            dossier.competent_agency.name,
            "10/03/2026 09:30",
            "13/03/2026 09:30",
            "",
            "",
            "",
            "",
        ]
    ]
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_csv_shows_a_formula_typed_by_an_applicant_as_text(site):
    received(site, MARCH_10, applicant_name='=HYPERLINK("http://x.invalid","Hằng")')

    text = ledger_csv(site=site, start=date(2026, 3, 10), end=date(2026, 3, 10))

    (row,) = list(csv.reader(io.StringIO(text[1:])))[1:]
    assert row[4] == '\'=HYPERLINK("http://x.invalid","Hằng")'


def test_pdf_is_landscape_a4_on_the_form_of_the_regime_in_force(site):
    dossier = received(site, MARCH_10)

    pdf = ledger_pdf(site=site, start=date(2026, 3, 1), end=date(2026, 3, 31))

    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_LANDSCAPE, abs=0.5)
    text = pdf_text(pdf)
    assert "Mẫu số 07" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Chi nhánh số 3" in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert dossier.code in text.replace(" ", "")
    assert "Nguyễn Thị Hằng" in text
    assert "Tổng số: 1 hồ sơ" in text


def test_pdf_of_a_period_ending_under_the_2018_regime_uses_its_form(site):
    received(site, datetime(2025, 3, 10, 2, 30, tzinfo=UTC), regime_code="2018")

    text = pdf_text(ledger_pdf(site=site, start=date(2025, 3, 1), end=date(2025, 3, 31)))

    assert "Mẫu số 06" in text
    assert "Nguyễn Thị Hằng" in text


def test_pdf_can_be_printed_on_another_regime_form(site):
    regime("2018")

    text = pdf_text(
        ledger_pdf(site=site, start=date(2026, 3, 1), end=date(2026, 3, 31), regime_code="2018")
    )

    assert "Mẫu số 06" in text
    assert "Không có hồ sơ nào được tiếp nhận trong kỳ." in text


def test_an_unknown_regime_is_not_found(site):
    regime("2025")

    with pytest.raises(NotFound):
        ledger_pdf(site=site, start=date(2026, 3, 1), end=date(2026, 3, 31), regime_code="1999")


def test_a_period_that_ends_before_it_starts_is_refused(site):
    with pytest.raises(InvalidInput):
        ledger_csv(site=site, start=date(2026, 3, 31), end=date(2026, 3, 1))
    with pytest.raises(InvalidInput):
        ledger_pdf(site=site, start=date(2026, 3, 31), end=date(2026, 3, 1))


def test_without_a_regime_in_force_there_is_no_ledger_form(site):
    Regime.objects.all().delete()

    with pytest.raises(NotFound):
        ledger_pdf(site=site, start=date(2026, 3, 1), end=date(2026, 3, 31))


# -- the ledger of boundary-free dossiers (§2) --------------------------------------------------


def test_boundary_free_rows_are_only_those_received_outside_the_agency_territory(site):
    outside = received(site, MARCH_10, outside_territory=True)
    received(site, MARCH_10 + timedelta(minutes=5))  # inside the agency's territory

    rows = ledger_rows(site=site, start=date(2026, 3, 1), end=date(2026, 3, 31),
                       boundary_free=True)  # fmt: skip

    assert [(r.line, r.code) for r in rows] == [(1, outside.code)]
    assert len(ledger_rows(site=site, start=date(2026, 3, 1), end=date(2026, 3, 31))) == 2


def test_boundary_free_csv_and_pdf_carry_only_those_lines_and_say_so(site):
    outside = received(site, MARCH_10, outside_territory=True)
    inside = received(site, MARCH_10 + timedelta(minutes=5))
    period = {"site": site, "start": date(2026, 3, 1), "end": date(2026, 3, 31),
              "boundary_free": True}  # fmt: skip

    _, *rows = list(csv.reader(io.StringIO(ledger_csv(**period)[1:])))
    text = pdf_text(ledger_pdf(**period))

    assert [row[1] for row in rows] == [outside.code]
    assert "Hồ sơ tiếp nhận không phụ thuộc địa giới hành chính" in text
    assert outside.code in text.replace(" ", "")
    assert inside.code not in text.replace(" ", "")
    assert "Tổng số: 1 hồ sơ" in text
    plain = pdf_text(ledger_pdf(**(period | {"boundary_free": False})))
    assert "không phụ thuộc địa giới" not in plain
    assert "Tổng số: 2 hồ sơ" in plain
