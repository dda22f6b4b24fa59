"""Downloading what was digitised: a component's scan and the electronic result, in scope."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.choices import Status
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.dossiers.tests.samples import assert_safe_download, pdf_bytes

pytestmark = pytest.mark.django_db

SCAN = pdf_bytes("the declaration, scanned")
RESULT = pdf_bytes("the result, signed")


@pytest.fixture
def completed(people, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure(), components=[
        svc.ComponentIn(order=1, file=SimpleUploadedFile("a.pdf", SCAN)),
        svc.ComponentIn(order=2),
    ])  # fmt: skip
    dossier = advance(people, dossier, Status.IN_PROGRESS)
    return svc.dossier_complete(
        actor=actor(people["leader_tp"]), code=dossier.code,
        result_file=SimpleUploadedFile("kq.pdf", RESULT),
    )  # fmt: skip


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_scan_and_the_result_download_with_the_checksums_the_dossier_gives(
    client, people, completed
):
    client.force_login(people["officer_cn01"])
    code = completed.code
    components = client.get(f"/api/v1/dossiers/{code}").json()["components"]
    scan = client.get(f"/api/v1/dossiers/{code}/components/1/file")
    assert scan.status_code == 200 and scan["Content-Type"] == "application/pdf"
    assert f'filename="{code}-01.pdf"' in scan["Content-Disposition"]
    assert_safe_download(scan)
    assert hashlib.sha256(body(scan)).hexdigest() == components[0]["sha256"]
    result = client.get(f"/api/v1/dossiers/{code}/result")
    assert result.status_code == 200 and body(result) == RESULT
    assert_safe_download(result)
    complete = [e for e in client.get(f"/api/v1/dossiers/{code}/events").json()
                if e["action"] == "complete"][0]  # fmt: skip
    assert hashlib.sha256(RESULT).hexdigest() in str(complete["payload"])


def test_what_was_not_digitised_is_a_translated_404(client, people, completed):
    client.force_login(people["officer_cn01"])
    code = completed.code
    for path in ("components/2/file", "components/9/file"):
        response = client.get(f"/api/v1/dossiers/{code}/{path}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["detail"].startswith("Thành phần")


def test_a_dossier_without_an_electronic_result_has_none_to_download(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    client.force_login(people["officer_cn01"])
    response = client.get(f"/api/v1/dossiers/{dossier.code}/result")
    assert response.status_code == 404
    assert "kết quả điện tử" in response.json()["detail"]


def test_outside_the_scope_the_files_do_not_exist(client, people, completed):
    client.force_login(people["officer_cn07"])  # Hà Đông: not this dossier's site
    for path in ("components/1/file", "result"):
        response = client.get(f"/api/v1/dossiers/{completed.code}/{path}")
        assert response.status_code == 404
        assert response.json()["detail"].startswith("Không có hồ sơ")


def test_a_program_named_setup_exe_behind_pdf_bytes_is_refused(
    client, people, clock, settings, tmp_path
):
    """Before: `%PDF-1.4\\nMZ…` named setup.exe was stored as a PDF."""
    settings.MEDIA_ROOT = tmp_path
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    client.force_login(people["officer_cn01"])
    url = f"/api/v1/dossiers/{dossier.code}/components/1/file"
    program = b"%PDF-1.4\nMZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
    for name in ("setup.exe", "setup.pdf"):
        response = client.post(url, {"file": SimpleUploadedFile(name, program)})
        assert response.status_code == 422, name
        assert response.json()["errors"][0]["field"] == "file"
    accepted = client.post(url, {"file": SimpleUploadedFile("to-khai.pdf", SCAN)})
    assert accepted.status_code == 200
