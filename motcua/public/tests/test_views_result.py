"""Collecting an electronic result from the lookup page, without an account."""

from __future__ import annotations

import hashlib
import re
from html import unescape

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor, advance, justice_procedure, receive
from motcua.dossiers.tests.samples import assert_safe_download, pdf_bytes

pytestmark = pytest.mark.django_db

SIGNED = pdf_bytes("signed result of the Department of Justice")


def completed(people, clock, *, return_method: str, with_file: bool = True):
    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure(), return_method=return_method)
    dossier = advance(people, dossier, "in_progress")
    clock.set(2026, 3, 11, 10, 0)
    return svc.dossier_complete(
        actor=actor(people["specialist_tp"]),
        code=dossier.code,
        result_file=SimpleUploadedFile("giay-phep.pdf", SIGNED) if with_file else None,
    )


def look(client, code: str):
    return client.post("/tra-cuu/", {"ma": code, "so": "4321"})


def download_link(html: str) -> str | None:
    found = re.search(r'id="result-link" href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def test_an_electronic_result_is_downloaded_from_the_lookup(client, people, clock):
    dossier = completed(people, clock, return_method="online")

    html = look(client, dossier.code).content.decode()
    link = download_link(html)

    assert link is not None and "4321" not in link  # the digits never travel in an address
    assert hashlib.sha256(SIGNED).hexdigest() in html
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SIGNED
    assert f'filename="{dossier.code}-ket-qua.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert_safe_download(response)


def test_a_result_collected_at_a_site_offers_no_download(client, people, clock):
    dossier = completed(people, clock, return_method="site")
    assert download_link(look(client, dossier.code).content.decode()) is None


def test_no_download_before_the_signed_file_is_there(client, people, clock):
    dossier = completed(people, clock, return_method="online", with_file=False)
    assert download_link(look(client, dossier.code).content.decode()) is None


def test_a_forged_or_stale_link_downloads_nothing(client, people, clock, monkeypatch):
    dossier = completed(people, clock, return_method="online")
    forged = signing.dumps(dossier.code, salt="another.salt")
    assert client.get(f"/tra-cuu/ket-qua/?t={forged}").status_code == 404
    link = download_link(look(client, dossier.code).content.decode())
    monkeypatch.setattr("motcua.public.views.RESULT_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 404
    assert SIGNED not in response.content
