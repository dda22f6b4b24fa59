"""Online filing without an account: /thu-tuc/<code>/nop-truc-tuyen/ (issue 5 §2)."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.choices import Channel, Status
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent
from motcua.public.tests.helpers import BIRTH, CERTIFY, PDF, filing_data, pdf, personal_data, vi

pytestmark = pytest.mark.django_db
FORM = f"/thu-tuc/{CERTIFY}/nop-truc-tuyen/"


@pytest.fixture
def citizen(client, hanoi_data, clock):
    clock.set(2026, 3, 10, 9, 0)  # Tuesday
    return client


def filed_code(response) -> str:
    if response.status_code != 302:
        html = response.content.decode()
        start = html.find('id="error-summary"')
        raise AssertionError(html[start : start + 2000] if start >= 0 else html[:2000])
    return response["Location"]


def field_error(html: str, name: str) -> str:
    """The block of field ``name``, where its error shows."""
    start = html.index(f'id="f-{name}"')
    return html[start : start + 1500]


def test_the_form_lists_each_document_with_a_file_and_a_fresh_key(citizen):
    html = citizen.get(FORM).content.decode()
    assert 'name="c1_file"' in html and 'name="c2_file"' in html
    assert 'name="idempotency_key"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    other = citizen.get(FORM).content.decode()
    key = html.split('name="idempotency_key" value="')[1][:32]
    assert key not in other  # a new key each time the form is opened


def test_filing_makes_a_submitted_dossier_with_its_files_and_checksums(citizen):
    response = citizen.post(FORM, filing_data())
    location = filed_code(response)
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED and dossier.national_status == 1
    assert dossier.channel == Channel.ONLINE
    assert dossier.receiving_site.code == "CN01"
    assert dossier.created_by is None and dossier.received_by is None
    assert dossier.check_due_at.isoformat() == "2026-03-11T02:00:00+00:00"  # Wed 09:00 Hanoi
    assert dossier.return_site.code == "CN01"  # "the site that receives it"
    assert dossier.competent_agency.code.startswith("UBND-X-00103")
    files = {c.order: c for c in dossier.components.all()}
    assert files[1].sha256 == hashlib.sha256(PDF).hexdigest()
    assert files[2].sha256 == hashlib.sha256(PDF + b"% copy\n").hexdigest()
    assert all(
        c.received and c.file and c.content_type == "application/pdf" for c in files.values()
    )
    assert files[1].file.read() == PDF
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    assert [e.action for e in events] == ["submit"]
    assert all(e.actor_id is None for e in events)
    assert events[0].payload["scans"] == {"1": files[1].sha256, "2": files[2].sha256}
    assert urlsplit(location).path == f"/thu-tuc/{CERTIFY}/nop-truc-tuyen/da-nop/"


def test_the_page_after_filing_shows_the_code_and_how_to_follow_it(citizen):
    location = filed_code(citizen.post(FORM, filing_data()))
    dossier = Dossier.objects.get()
    response = citizen.get(location)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="filed-code">{dossier.code}<' in html
    assert "09:00 11/03/2026" in html  # checked by then: 8 working hours
    assert "Chi nhánh Tây Hồ" in html
    assert f'href="/tra-cuu/?ma={dossier.code}"' in html
    assert vi("To follow it, look it up with the dossier code and the last 4 digits of the "
              "phone number you gave.") in html  # fmt: skip
    for secret in personal_data():
        assert secret not in html


def test_the_page_after_filing_opens_only_with_its_token(citizen):
    filed_code(citizen.post(FORM, filing_data()))
    code = Dossier.objects.get().code
    base = f"/thu-tuc/{CERTIFY}/nop-truc-tuyen/da-nop/"
    assert citizen.get(base).status_code == 404
    assert citizen.get(base, {"t": code}).status_code == 404
    assert citizen.get(base, {"t": code + ":forged:sig"}).status_code == 404


def test_sending_the_form_again_files_once(citizen):
    first = filed_code(citizen.post(FORM, filing_data()))
    again = filed_code(citizen.post(FORM, filing_data()))
    assert Dossier.objects.count() == 1
    assert parse_qs(urlsplit(first).query)["t"] and urlsplit(again).path == urlsplit(first).path
    assert DossierComponent.objects.exclude(file="").count() == 2  # files stored once


def test_the_same_form_with_other_content_is_refused(citizen):
    filed_code(citizen.post(FORM, filing_data()))
    response = citizen.post(FORM, filing_data(applicant_name="Trần Thị Lan Anh"))
    assert response.status_code == 422
    code = Dossier.objects.get().code
    assert code in response.content.decode()
    assert Dossier.objects.count() == 1


def test_refusals_of_the_service_are_shown_next_to_their_fields_in_vietnamese(citizen):
    response = citizen.post(FORM, filing_data(applicant_id_number="12345"))
    html = response.content.decode()
    assert response.status_code == 422
    assert not Dossier.objects.exists()
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in field_error(html, "applicant_id_number")
    assert 'id="error-summary"' in html


def test_every_mistake_is_shown_at_once(citizen):
    data = filing_data(applicant_id_number="12345", applicant_email="lan@", c2_file=None)
    html = citizen.post(FORM, data).content.decode()
    assert "Số định danh cá nhân gồm đúng 12 chữ số." in field_error(html, "applicant_id_number")
    assert "Nhập địa chỉ thư điện tử hợp lệ." in field_error(html, "applicant_email")
    assert vi("Attach this document: it is required.") in field_error(html, "c2_file")


def test_an_unknown_ward_is_refused_before_the_service(citizen):
    html = citizen.post(FORM, filing_data(applicant_unit="Phường Không Có")).content.decode()
    assert "Phường Không Có" in field_error(html, "applicant_unit")
    assert not Dossier.objects.exists()


def test_every_required_document_needs_its_file(citizen):
    html = citizen.post(FORM, filing_data(c2_file=None)).content.decode()
    assert vi("Attach this document: it is required.") in field_error(html, "c2_file")
    assert not Dossier.objects.exists()


def test_a_file_that_is_no_scan_is_refused_next_to_its_document(citizen):
    text = SimpleUploadedFile("notes.txt", b"hello", "text/plain")
    html = citizen.post(FORM, filing_data(c1_file=text)).content.decode()
    assert "Chỉ nhận tệp PDF, JPEG và PNG" in field_error(html, "c1_file")
    assert vi("Choose your files again: a browser does not keep chosen files when a form "
              "comes back.") in html  # fmt: skip
    assert not Dossier.objects.exists()


def test_the_phone_and_the_declaration_are_needed(citizen):
    html = citizen.post(FORM, filing_data(applicant_phone="", declaration=None)).content.decode()
    assert "f-applicant_phone" in html and "f-declaration" in html
    assert vi("Confirm that the information you give is true.") in html
    assert not Dossier.objects.exists()


def test_a_result_by_post_needs_an_address(citizen):
    html = citizen.post(
        FORM, filing_data(return_method="post", applicant_address="")
    ).content.decode()
    assert vi("Enter the postal address for the result.") in field_error(html, "return_address")


def test_left_automatic_the_dossier_goes_to_the_point_serving_the_ward(citizen):
    filed_code(citizen.post(FORM, filing_data(receiving_site="")))
    dossier = Dossier.objects.get()
    assert dossier.receiving_site.code == "DPV-00103"
    assert dossier.return_site.code == "DPV-00103"


def test_the_site_serving_a_ward_is_announced_while_typing(citizen):
    response = citizen.get(FORM, {"applicant_unit": "tay ho"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Điểm phục vụ hành chính công phường Tây Hồ" in html
    assert "Trụ sở phường Tây Hồ" in html


def test_a_birth_is_filed_with_its_three_required_documents(citizen):
    data = filing_data(c3_file=pdf("id.pdf", PDF + b"% id\n"), return_method="online")
    filed_code(citizen.post(f"/thu-tuc/{BIRTH}/nop-truc-tuyen/", data))
    dossier = Dossier.objects.get()
    assert dossier.procedure.code == BIRTH and dossier.return_method == "online"
    received = {c.order: c.received for c in dossier.components.all()}
    assert received == {1: True, 2: True, 3: True, 4: False}  # the optional one was not given
