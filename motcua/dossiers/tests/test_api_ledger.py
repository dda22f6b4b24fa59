"""GET /api/v1/ledger: the tracking ledger and the ledger of boundary-free dossiers (§2)."""

from __future__ import annotations

import csv
import io

import pytest

from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import receive
from motcua.dossiers.tests.test_ledger import pdf_text
from motcua.dossiers.tests.test_services_lifecycle import _certification

pytestmark = pytest.mark.django_db

IN_TAY_HO = svc.ApplicantIn(name="Lê Thị Hoa", id_number="001190012345", unit_code="00103")


@pytest.fixture
def two_dossiers(people, clock):
    """At CN07 (Hà Đông) for the ward of Tây Hồ: boundary-free; at CN01 (Tây Hồ): not."""
    clock.set(2026, 3, 10, 9, 0)
    inside = receive(people, _certification(), applicant=IN_TAY_HO)
    outside = receive(people, _certification(), applicant=IN_TAY_HO, site="CN07",
                      return_site="CN07")  # fmt: skip
    assert (inside.outside_territory, outside.outside_territory) == (False, True)
    return inside, outside


def _lines(response) -> list[str]:
    _, *rows = list(csv.reader(io.StringIO(response.content.decode()[1:])))
    return [row[1] for row in rows]


def test_boundary_free_filter_in_csv_and_pdf(client, people, two_dossiers):
    _, outside = two_dossiers
    client.force_login(people["center_director"])
    query = "site=CN07&start=2026-03-01&end=2026-03-31&boundary_free=true"

    as_csv = client.get(f"/api/v1/ledger?{query}&format=csv")
    as_pdf = client.get(f"/api/v1/ledger?{query}")

    assert as_csv.status_code == 200
    assert 'filename="so-phi-dia-gioi-CN07-20260301-20260331.csv"' in as_csv["Content-Disposition"]
    assert _lines(as_csv) == [outside.code]
    assert as_pdf["Content-Type"] == "application/pdf"
    text = pdf_text(as_pdf.content)
    assert "không phụ thuộc địa giới hành chính" in text
    assert outside.code in text.replace(" ", "")


def test_a_site_dossiers_received_inside_the_territory_are_left_out(client, people, two_dossiers):
    inside, _ = two_dossiers
    client.force_login(people["officer_cn01"])
    base = "/api/v1/ledger?site=CN01&start=2026-03-01&end=2026-03-31&format=csv"

    assert _lines(client.get(base)) == [inside.code]
    assert _lines(client.get(base + "&boundary_free=true")) == []


def test_the_ledger_of_another_site_is_refused_in_vietnamese(client, people, two_dossiers):
    client.force_login(people["officer_cn01"])

    response = client.get(
        "/api/v1/ledger?site=CN07&start=2026-03-01&end=2026-03-31&boundary_free=true",
        headers={"Accept-Language": "vi"},
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
