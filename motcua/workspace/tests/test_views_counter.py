"""The counter desk: find a procedure, receive, guide or refuse, scans, and who may use it."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from django.utils.translation import gettext, override

from motcua.dossiers.choices import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import APPLICANT, actor
from motcua.dossiers.tests.samples import pdf_bytes
from motcua.organization.models import Site

pytestmark = pytest.mark.django_db

CERTIFY = "2.000815"  # certified copy: the commune's committee, same working day, 2.000 đ
BIRTH = "1.001193"
LAND = "1.013978"  # land registration: 20 working days, the commune where the land is
INTAKE = f"/workspace/counter/procedures/{CERTIFY}/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def officer(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)  # Tuesday
    client.force_login(people["officer_cn01"])
    return client


def intake_data(**changes) -> dict:
    data = {
        "idempotency_key": "key-1",
        "decision": "receive",
        "applicant_kind": "individual",
        "applicant_name": "Trần Thị Lan",
        "applicant_id_number": "001190012345",
        "applicant_phone": "0987654321",
        "applicant_email": "lan@example.invalid",
        "applicant_address": "Số 5 ngõ 12 phố Thụy Khuê",
        "applicant_unit": "tay ho",  # no diacritics: the form finds Phường Tây Hồ (00103)
        "object_unit": "",
        "c1_received": "on",
        "c1_kind": "original",
        "c1_count": "1",
        "c2_received": "on",
        "c2_kind": "copy",
        "c2_count": "3",
        "fee_paid": "6000",
        "payment_method": "cash",
        "return_method": "site",
        "return_site": "CN01",
        "return_address": "",
        "sets": "1",
        "request": "",
        "reason": "",
        "missing": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def vi(message: str, **params) -> str:
    """A message of this app as the page shows it (Vietnamese once translated), escaped."""
    with override("vi"):
        text = gettext(message)
    return escape(text % params if params else text)


def done_code(response) -> str:
    if response.status_code != 302:
        html = response.content.decode()
        start = html.find('id="error-summary"')
        raise AssertionError(html[start : start + 1500] if start >= 0 else html[:1500])
    return re.search(r"done=([^&]+)$", response["Location"])[1]


# -- finding a procedure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [("khai sinh", BIRTH), ("chung thuc ban sao", CERTIFY), ("2.000815", CERTIFY)],
)
def test_the_search_ignores_vietnamese_diacritics(officer, query, code):
    response = officer.get("/workspace/counter/procedures/", {"q": query}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/workspace/counter/procedures/{code}/"' in html
    assert "<html" not in html  # a fragment for htmx, not a page


def test_one_match_submitted_without_scripts_opens_the_procedure(officer):
    response = officer.get("/workspace/counter/", {"q": "2.000815"})
    assert response.status_code == 302 and response["Location"] == INTAKE
    response = officer.get("/workspace/counter/", {"q": "dang ky"})
    assert response.status_code == 200 and "data-search" in response.content.decode()


def test_the_desk_offers_the_sites_most_used_procedures(officer, people):
    html = officer.get("/workspace/counter/").content.decode()
    favourites = html[html.index('id="fav-list"') :]
    # No history yet: the default list, certification first.
    assert favourites.index(CERTIFY) < favourites.index(BIRTH)
    cn01 = Site.objects.get(code="CN01")
    for _ in range(2):
        svc.dossier_create(
            actor=actor(people["officer_cn01"]), site=cn01, procedure_code=BIRTH,
            applicant=svc.ApplicantIn(**{**vars(APPLICANT), "unit_code": "00103"}),
            return_site_code="CN01",
        )  # fmt: skip
    html = officer.get("/workspace/counter/").content.decode()
    favourites = html[html.index('id="fav-list"') :]
    assert BIRTH in favourites and CERTIFY not in favourites


# -- the intake form -----------------------------------------------------------------------------


def test_the_intake_page_shows_the_procedure_and_a_fresh_key(officer):
    html = officer.get(INTAKE).content.decode()
    assert "Chứng thực bản sao từ bản chính" in html
    assert "2.000 đ" in html and "Thông tư 226/2016/TT-BTC" in html  # fee and its note
    assert "Nghị định 23/2015/NĐ-CP" in html  # legal basis
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)[1]
    assert key not in officer.get(INTAKE).content.decode()  # each rendering gets its own
    assert '<option value="Phường Tây Hồ (00103)">' in html  # the wards, by name
    assert 'name="object_unit"' in html  # the commune's committee decides: ask where
    assert 'hx-post="/workspace/counter/procedures/2.000815/?validate=applicant_id_number"' in html


def test_a_procedure_of_a_fixed_agency_does_not_ask_for_the_objects_ward(officer):
    html = officer.get("/workspace/counter/procedures/1.012783/").content.decode()
    assert 'name="applicant_name"' in html and 'name="object_unit"' not in html


def test_an_unknown_procedure_is_not_found(officer):
    assert officer.get("/workspace/counter/procedures/9.999999/").status_code == 404


def test_receiving_registers_the_dossier_and_offers_form_01(officer, people):
    response = officer.post(INTAKE, intake_data())
    code = done_code(response)
    dossier = Dossier.objects.get(code=code)
    assert code.startswith("000.01.HC.H26-260310-")
    assert dossier.status == Status.RECEIVED
    assert dossier.applicant_name == "Trần Thị Lan"
    assert dossier.applicant_id_number == "001190012345"
    assert dossier.applicant_unit.code == "00103"
    assert dossier.competent_agency.territory.code == "00103"  # UBND phường Tây Hồ
    assert dossier.receiving_site.code == "CN01" and dossier.return_site.code == "CN01"
    assert (dossier.fee_paid, dossier.payment_method) == (6000, "cash")
    assert dossier.received_by == people["officer_cn01"]
    components = {c.order: c for c in dossier.components.all()}
    assert components[1].received and components[1].originals == 1
    assert components[2].copies == 3 and components[2].originals == 0

    page = officer.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<p class="bigcode" id="dossier-code">{code}</p>' in html
    assert f'href="/api/v1/dossiers/{code}/forms/receipt.pdf"' in html
    assert 'target="_blank"' in html and "<iframe" in html
    assert "17:00 10/03/2026" in html  # same working day: due at closing
    assert f'href="/workspace/dossiers/{code}/"' in html


def test_the_same_form_sent_twice_makes_one_dossier(officer):
    first = done_code(officer.post(INTAKE, intake_data(idempotency_key="double-click")))
    second = done_code(officer.post(INTAKE, intake_data(idempotency_key="double-click")))
    assert first == second
    assert Dossier.objects.filter(idempotency_key="double-click").count() == 1
    # The same form changed after it made a dossier is refused, naming the dossier.
    response = officer.post(
        INTAKE, intake_data(idempotency_key="double-click", applicant_name="Người Khác")
    )
    resent = vi(
        "This form was already sent and made dossier %(code)s. To register another dossier, "
        "start again from the counter.",
        code=first,
    )
    assert response.status_code == 200 and resent in response.content.decode()
    assert Dossier.objects.count() == 1


def test_the_pressed_button_counts_when_scripts_disabled_it(officer):
    data = intake_data(decision=None, decision_js="refuse", reason="Không thuộc thẩm quyền")
    code = done_code(officer.post(INTAKE, data))
    assert Dossier.objects.get(code=code).status == Status.REFUSED


def test_refusals_of_the_service_are_shown_next_to_their_fields(officer):
    response = officer.post(
        INTAKE,
        intake_data(applicant_id_number="12345", applicant_phone="12", return_site=""),
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Dossier.objects.exists()
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in html
    field = html[html.index('id="f-applicant_id_number"') :]
    field = field[: field.index('id="f-applicant_phone"')]
    assert 'aria-invalid="true"' in field and "Số định danh cá nhân gồm đúng 12 chữ số." in field
    assert (
        'aria-describedby="id_applicant_id_number_helptext id_applicant_id_number_error"' in field
    )
    assert "Nhập số điện thoại Việt Nam" in html
    assert 'value="Trần Thị Lan"' in html  # what was typed stays
    assert 'value="Phường Tây Hồ (00103)"' in html  # the ward, as resolved
    assert 'id="error-summary"' in html


def test_a_ward_that_matches_nothing_is_refused_before_the_service(officer):
    response = officer.post(INTAKE, intake_data(applicant_unit="khong co dau"))
    html = response.content.decode()
    assert response.status_code == 200 and not Dossier.objects.exists()
    assert 'id="id_applicant_unit"' in html and "khong co dau" in html


def test_a_field_is_checked_on_leaving_it(officer):
    url = f"{INTAKE}?validate=applicant_id_number"
    response = officer.post(url, {"applicant_id_number": "12345", "applicant_kind": "individual"},
                            **HTMX)  # fmt: skip
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="field has-error" id="f-applicant_id_number">')
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in html and 'aria-invalid="true"' in html
    response = officer.post(
        url, {"applicant_id_number": "0101234567", "applicant_kind": "organization"}, **HTMX
    )
    assert "field-error" not in response.content.decode()
    response = officer.post(f"{INTAKE}?validate=applicant_name", {"applicant_name": " "}, **HTMX)
    assert "Nhập họ và tên người nộp hồ sơ." in response.content.decode()


def test_a_ward_typed_without_diacritics_is_resolved_on_leaving_it(officer):
    url = f"{INTAKE}?validate=object_unit"
    html = officer.post(url, {"object_unit": "ba vi"}, **HTMX).content.decode()
    assert 'value="Xã Ba Vì (09700)"' in html
    assert "Ủy ban nhân dân xã Ba Vì" in html or "UBND xã Ba Vì" in html  # who decides
    html = officer.post(url, {"object_unit": "phuong"}, **HTMX).content.decode()
    assert 'aria-invalid="true"' in html and "data-fill" in html  # several: pick one


def test_guiding_lists_what_is_missing_on_form_02(officer):
    data = intake_data(c1_received=None, decision="guide", reason="Thiếu bản chính")
    data["missing"] = "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao"
    code = done_code(officer.post(INTAKE, data))
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.GUIDED
    event = DossierEvent.objects.get(dossier=dossier, action="guide")
    assert event.payload["reason"] == "Thiếu bản chính"
    assert event.payload["items"][0]["name"].startswith("Bản chính giấy tờ")
    assert event.payload["items"][0]["originals"] == 1
    html = officer.get(f"{INTAKE}?done={code}").content.decode()
    assert f"/api/v1/dossiers/{code}/forms/supplement.pdf" in html


def test_receiving_without_a_required_component_says_to_guide(officer):
    response = officer.post(INTAKE, intake_data(c1_received=None))
    html = response.content.decode()
    assert not Dossier.objects.exists()
    assert "Thiếu thành phần hồ sơ bắt buộc" in html
    assert html.rindex("Thiếu thành phần hồ sơ bắt buộc") > html.index('id="components-title"')


def test_refusing_needs_a_reason_and_prints_form_03(officer):
    response = officer.post(INTAKE, intake_data(decision="refuse"))
    html = response.content.decode()
    assert not Dossier.objects.exists()
    errors = html[html.index('id="id_reason_error"') :]
    assert "Nêu lý do từ chối hồ sơ." in errors[: errors.index("</div>")]
    code = done_code(officer.post(INTAKE, intake_data(decision="refuse", reason="Giấy tờ giả")))
    assert Dossier.objects.get(code=code).status == Status.REFUSED
    html = officer.get(f"{INTAKE}?done={code}").content.decode()
    assert f"/api/v1/dossiers/{code}/forms/refusal.pdf" in html


def test_land_is_decided_where_the_land_is(officer):
    url = f"/workspace/counter/procedures/{LAND}/"
    # Only the application form is required; the other components are "if any".
    data = intake_data(object_unit="09700", c2_received=None, fee_paid="0", payment_method="")
    code = done_code(officer.post(url, data))
    dossier = Dossier.objects.get(code=code)
    assert dossier.object_unit.code == "09700"
    assert dossier.competent_agency.code == "UBND-X-09700-2025"


def test_a_scan_is_stored_with_its_checksum(officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = pdf_bytes("scan of the original")
    data = intake_data(c1_file=SimpleUploadedFile("scan.pdf", content, "application/pdf"))
    code = done_code(officer.post(INTAKE, data))
    component = Dossier.objects.get(code=code).components.get(order=1)
    assert component.sha256 == hashlib.sha256(content).hexdigest()
    assert component.digitised_at is not None
    assert DossierEvent.objects.filter(dossier__code=code, action="attach").count() == 1
    html = officer.get(f"{INTAKE}?done={code}").content.decode()
    assert component.sha256[:12] in html


def test_a_file_that_is_no_scan_is_refused_next_to_its_component(officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = intake_data(c2_file=SimpleUploadedFile("notes.txt", b"hello", "text/plain"))
    response = officer.post(INTAKE, data)
    html = response.content.decode()
    assert not Dossier.objects.exists()
    error = html[html.index('id="id_c2_file_error"') :]
    assert "Chỉ nhận tệp PDF, JPEG và PNG" in error[: error.index("</div>")]


# -- who may use the counter ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["specialist", "director_cn01", "center_director", "inspector"])
def test_only_a_receiving_officer_works_the_counter(client, people, clock, persona):
    clock.set(2026, 3, 10, 9, 0)
    client.force_login(people[persona])
    for url in ("/workspace/counter/", INTAKE, "/workspace/counter/procedures/?q=khai"):
        response = client.get(url)
        assert response.status_code == 403
        assert 'role="alert"' in response.content.decode()
    response = client.post(INTAKE, intake_data())
    assert response.status_code == 403 and not Dossier.objects.exists()


def test_a_director_is_told_the_counter_is_for_its_officers(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    client.force_login(people["director_cn01"])
    html = client.get("/workspace/counter/").content.decode()
    message = (
        "Only a receiving officer of %(site)s works at this desk, and today you are not one. "
        "Choose another of your sites at the top of the page, or ask the branch director to "
        "record your assignment."
    )
    assert vi(message, site="Chi nhánh Tây Hồ") in html
