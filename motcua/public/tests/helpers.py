"""What public tests share: the applicant's personal data to look for, files, filing data."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from django.utils.translation import gettext, override

from motcua.dossiers.tests.helpers import APPLICANT
from motcua.dossiers.tests.samples import pdf_bytes, png_bytes

CERTIFY = "2.000815"  # certified copy: the commune's committee, partly online, 2 documents
BIRTH = "1.001193"  # birth registration: fully online, 3 required documents and 1 optional
PDF = pdf_bytes("a scanned page")
PNG = png_bytes()


def personal_data() -> list[str]:
    """What no public answer may show: the full name, ID, phone, e-mail and address."""
    return [
        APPLICANT.name,
        APPLICANT.id_number,
        APPLICANT.phone,
        APPLICANT.email,
        APPLICANT.address,
        "Thụy Khuê",  # a part of the address alone is enough to find the person
    ]


def pdf(name: str = "scan.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


def vi(message: str, **params) -> str:
    """A message of this app as the page shows it (Vietnamese once translated), escaped."""
    with override("vi"):
        text = gettext(message)
    return escape(text % params if params else text)


def filing_data(**changes) -> dict:
    data = {
        "idempotency_key": "7f1e0c6a2b8d4e3f9a1b2c3d4e5f6a7b",
        "applicant_kind": "individual",
        "applicant_name": APPLICANT.name,
        "applicant_id_number": APPLICANT.id_number,
        "applicant_phone": APPLICANT.phone,
        "applicant_email": APPLICANT.email,
        "applicant_address": APPLICANT.address,
        "applicant_unit": "tay ho",  # no diacritics: Phường Tây Hồ (00103)
        "object_unit": "",
        "receiving_site": "CN01",
        "return_method": "site",
        "return_site": "",
        "return_address": "",
        "declaration": "on",
        "c1_file": pdf("original.pdf"),
        "c2_file": pdf("copy.pdf", PDF + b"% copy\n"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}
