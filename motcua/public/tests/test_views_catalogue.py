"""The public catalogue: /thu-tuc/ (search ignoring diacritics, by sector, online only) and
/thu-tuc/<code>/ (what to bring, limit, fees, where to file and collect, online filing)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.public.tests.helpers import BIRTH, CERTIFY, vi

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(hanoi_data, clock):
    clock.set(2026, 3, 10, 9, 0)


@pytest.mark.parametrize(
    ("query", "code"),
    [("khai sinh", BIRTH), ("KHAI SINH", BIRTH), ("Đăng ký khai sinh", BIRTH),
     ("chung thuc ban sao", CERTIFY), ("2.000815", CERTIFY)],
)  # fmt: skip
def test_the_search_ignores_case_and_diacritics(client, catalog, query, code):
    html = client.get("/thu-tuc/", {"q": query}).content.decode()
    assert f'href="/thu-tuc/{code}/"' in html


def test_a_sector_narrows_the_list(client, catalog):
    html = client.get("/thu-tuc/", {"linh-vuc": "chung-thuc"}).content.decode()
    assert f'href="/thu-tuc/{CERTIFY}/"' in html
    assert f'href="/thu-tuc/{BIRTH}/"' not in html


def test_online_only_leaves_out_what_must_be_filed_at_a_site(client, catalog):
    html = client.get("/thu-tuc/", {"truc-tuyen": "1", "q": "chung thuc"}).content.decode()
    assert f'href="/thu-tuc/{CERTIFY}/"' in html  # partly online
    assert 'href="/thu-tuc/2.000884/"' not in html  # signature certification: at a site only


def test_a_long_list_is_paged(client, catalog):
    first = client.get("/thu-tuc/").content.decode()
    assert "trang=2" in first
    assert client.get("/thu-tuc/", {"trang": "2"}).status_code == 200


def test_the_procedure_page_says_what_to_bring_and_where(client, catalog):
    html = client.get(f"/thu-tuc/{BIRTH}/").content.decode()
    assert "Đăng ký khai sinh" in html
    assert "Tờ khai đăng ký khai sinh theo mẫu" in html  # a component
    assert "Luật Hộ tịch 60/2014/QH13" in html  # legal basis
    assert "Miễn lệ phí" in html  # fee note
    assert "nhận hồ sơ sau 15 giờ" in html  # limit note
    assert "Chi nhánh Tây Hồ" in html and "Điểm phục vụ hành chính công phường Tây Hồ" in html
    assert f'href="/thu-tuc/{BIRTH}/nop-truc-tuyen/"' in html


def test_a_procedure_not_offered_online_has_no_online_button(client, catalog):
    html = client.get("/thu-tuc/2.000884/").content.decode()
    assert "nop-truc-tuyen" not in html
    response = client.get("/thu-tuc/2.000884/nop-truc-tuyen/")
    assert response.status_code == 404
    assert vi("This procedure cannot be filed online") in response.content.decode()


def test_an_unknown_procedure_is_not_found(client, catalog):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_the_home_page_offers_the_citizens_services(client, catalog):
    html = client.get("/").content.decode()
    assert 'href="/tra-cuu/"' in html and 'href="/thu-tuc/"' in html
    assert 'href="/thu-tuc/?truc-tuyen=1"' in html


# The catalogue's working notes: confidence marks, source tags, doubts, other provinces' data.
WORKING_NOTES = re.compile(
    r"\[memory\]|\bmemory\b|found:|\(S\d+\)|\bS\d{1,2}\b|cần đối chiếu|chưa kiểm chứng"
    r"|Đồng Nai|\[ours\]"
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("day", [date(2026, 3, 10), date(2026, 12, 8)])
def test_no_public_procedure_page_shows_working_notes_or_contradictory_fees(
    client, hanoi_data, clock, day
):
    clock.set(day.year, day.month, day.day, 9, 0)
    versions = ProcedureVersion.objects.on(day).select_related("procedure")
    assert versions.count() > 40
    for version in versions:
        code = version.procedure.code
        html = client.get(f"/thu-tuc/{code}/").content.decode()
        text = _text(html)
        assert not WORKING_NOTES.search(text), (code, WORKING_NOTES.search(text)[0])
        if version.maintainer_note:
            assert version.maintainer_note not in text, code
        fees = _text(re.search(r"<dt>[^<]*(?:Phí|Fees)[^<]*</dt>\s*<dd>(.*?)</dd>", html)[1])
        if "Không mất phí" in fees:
            assert not re.search(r"chưa xác định|nghị quyết", fees) or "đúng hạn" in fees, (
                code, fees  # free, yet a fee of unknown amount
            )  # fmt: skip
        if not version.fee_known:
            assert "Không mất phí" not in fees and "mức thu đang được xác nhận" in fees, code
