"""The citizen's side of online filing: files checked like a staff scan, one dossier per form
even when the sendings overlap, nothing written on a refusal."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import APPLICANT
from motcua.organization.models import Site
from motcua.public import services
from motcua.public.services import dossier_file_online
from motcua.public.tests.helpers import CERTIFY, PDF, PNG, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def cn01(hanoi_data, clock):
    clock.set(2026, 3, 10, 9, 0)
    return Site.objects.get(code="CN01")


def file_online(site, *, key="k-1", files=None, **changes):
    applicant = svc.ApplicantIn(**{**vars(APPLICANT), "unit_code": "00103"})
    kwargs = {
        "site": site,
        "procedure_code": CERTIFY,
        "applicant": applicant,
        "files": files if files is not None else {1: pdf(), 2: pdf("b.pdf", PDF + b"%b")},
        "return_method": "site",
        "return_site_code": "CN01",
        "idempotency_key": key,
        **changes,
    }
    return dossier_file_online(**kwargs)


def test_a_filing_writes_the_dossier_its_files_and_an_unbroken_trail(cn01):
    dossier, created = file_online(cn01)
    assert created and dossier.status == "submitted"
    assert dossier.version == 1  # the files are stored with the submission, in its event
    assert list(chain_breaks([dossier.pk])) == []


def test_a_second_sending_returns_the_first_dossier(cn01):
    first, _ = file_online(cn01)
    again, created = file_online(cn01, files={1: pdf(), 2: pdf("b.pdf", PDF + b"%b")})
    assert again.pk == first.pk and not created
    assert Dossier.objects.count() == 1


def test_a_sending_that_overlaps_the_first_waits_for_its_dossier(cn01):
    first, _ = file_online(cn01)
    cache.add("motcua:public:filing:k-1", 1)  # the first sending still holds the form
    again, created = file_online(cn01)
    assert again.pk == first.pk and not created


def test_a_form_held_too_long_by_another_sending_is_refused(cn01, monkeypatch):
    monkeypatch.setattr(services, "RESEND_WAIT_SECONDS", 0.3)
    cache.add("motcua:public:filing:k-2", 1)
    with pytest.raises(Conflict):
        file_online(cn01, key="k-2")
    assert not Dossier.objects.exists()


def test_every_file_refused_is_named_at_once_and_nothing_is_written(cn01):
    files = {
        1: SimpleUploadedFile("a.txt", b"hello", "text/plain"),
        2: SimpleUploadedFile("empty.pdf", b"", "application/pdf"),
    }
    with pytest.raises(InvalidInput) as refused:
        file_online(cn01, files=files)
    fields = [e["field"] for e in refused.value.extra["errors"]]
    assert fields == ["components.1.file", "components.2.file"]
    assert not Dossier.objects.exists()


def test_an_intake_refusal_stores_no_file(cn01, settings):
    with pytest.raises(InvalidInput):
        file_online(cn01, return_method="post", applicant=svc.ApplicantIn(name="A"))
    assert not Dossier.objects.exists()
    assert not list((settings.MEDIA_ROOT).glob("**/*.pdf"))


def test_a_png_is_a_file_too(cn01):
    dossier, _ = file_online(cn01, files={1: SimpleUploadedFile("p.png", PNG), 2: pdf()})
    assert dossier.components.get(order=1).content_type == "image/png"


def test_the_files_are_stored_with_the_submission_and_its_event_holds_their_checksums(cn01):
    dossier, _ = file_online(cn01)
    files = {c.order: c for c in dossier.components.all()}
    assert all(c.digitised_at == dossier.submitted_at for c in files.values())
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    assert [e.action for e in events] == ["submit"]
    assert events[0].payload["scans"] == {str(o): c.sha256 for o, c in files.items()}
