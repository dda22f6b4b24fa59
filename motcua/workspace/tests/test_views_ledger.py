"""The ledger page: a site's tracking ledger and its boundary-free dossiers, with PDF and CSV."""

from __future__ import annotations

import pytest

from motcua.dossiers.tests.test_api_ledger import two_dossiers  # noqa: F401
from motcua.dossiers.tests.test_ledger import pdf_text

pytestmark = pytest.mark.django_db

LEDGER = "/workspace/ledger/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def test_the_page_lists_the_boundary_free_dossiers_of_the_site(client, people, two_dossiers):  # noqa: F811
    inside, outside = two_dossiers
    client.force_login(people["center_director"])

    html = client.get(LEDGER, {"site": "CN07", **MARCH, "boundary_free": "on"}).content.decode()

    assert "Sổ theo dõi hồ sơ phi địa giới" in html or "phi địa giới" in html
    assert outside.code in html and inside.code not in html
    assert 'id="ledger-pdf"' in html and "format=pdf" in html


def test_without_the_filter_the_page_is_the_whole_ledger(client, people, two_dossiers):  # noqa: F811
    inside, outside = two_dossiers
    client.force_login(people["officer_cn01"])

    html = client.get(LEDGER, {"site": "CN01", **MARCH}).content.decode()

    assert inside.code in html and outside.code not in html


def test_pdf_and_csv_downloads_carry_the_same_lines(client, people, two_dossiers):  # noqa: F811
    _, outside = two_dossiers
    client.force_login(people["center_director"])
    query = {"site": "CN07", **MARCH, "boundary_free": "on"}

    pdf = client.get(LEDGER, {**query, "format": "pdf"})
    csv = client.get(LEDGER, {**query, "format": "csv"})

    assert pdf["Content-Type"] == "application/pdf"
    assert "không phụ thuộc địa giới hành chính" in pdf_text(pdf.content)
    assert outside.code in csv.content.decode()


def test_an_officer_cannot_read_another_site_ledger(client, people, two_dossiers):  # noqa: F811
    client.force_login(people["officer_cn01"])

    html = client.get(LEDGER, {"site": "CN07", **MARCH}).content.decode()

    assert "CN07 ·" not in html  # not among the choices
    assert "field-error" in html


def test_the_branch_dashboard_links_to_the_boundary_free_ledger(client, people, two_dossiers):  # noqa: F811
    client.force_login(people["director_cn01"])

    html = client.get("/workspace/dashboard/branch/").content.decode()

    assert 'id="ledger-link"' in html
    assert "/workspace/ledger/?site=CN01&amp;start=" in html and "boundary_free=on" in html
