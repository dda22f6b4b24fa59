"""The portal's pages and open data files: what they show, and that they agree."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.transparency.presenters import INDICATOR_CODES
from motcua.transparency.services import figures_fold_all
from motcua.transparency.tests import dataset
from motcua.transparency.tests.pages import page_number, ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(people, clock):
    return dataset.build(people, clock)


def test_a_page_read_brings_the_figures_up_to_date(client, data):
    page = client.get("/minh-bach/?ky=2026-03").content.decode()
    # 2.1 for the city in March: (early 1 + on time 1) ÷ finished 4.
    assert "= 2 ÷ 4 = 50,00 %" in page
    # 3.6: D paid online, E did not: 1 ÷ 2.
    assert "= 1 ÷ 2 = 50,00 %" in page


def test_the_overview_shows_every_group_score_and_ranks_the_branches(client, data):
    page = client.get("/minh-bach/?ky=2026-03").content.decode()
    rows = ranking(page)
    # CN01 is measured in every group; CN07 received no dossier with fees (payment N/A), so
    # it comes next without a rank; the branches without figures follow.
    assert list(rows)[:2] == ["CN01", "CN07"]
    assert rows["CN01"][0] == "1"
    assert rows["CN07"][0] == "–"
    assert page_number(rows["CN07"][8]) is None  # 4. payment
    cn07 = rows["CN07"]
    # CN07 received J and finished it late: 0 ÷ 1 on time; progress 0 points.
    assert page_number(cn07[2]) == 1 and page_number(cn07[3]) == 1
    assert page_number(cn07[4]) == Decimal("0.00")
    assert page_number(cn07[6]) == Decimal("0.00")  # 2. progress


def test_a_bad_or_future_period_is_not_found(client, data):
    assert client.get("/minh-bach/?ky=2026-13").status_code == 404
    assert client.get("/minh-bach/?ky=2027-01").status_code == 404  # today is 10 March 2026
    assert client.get("/minh-bach/thu-tuc/9.999999/?ky=2026-03").status_code == 404
    assert client.get("/minh-bach/nowhere/?ky=2026-03").status_code == 404
    assert client.get("/minh-bach/du-lieu/2026-03/nowhere.csv").status_code == 404


def test_the_csv_and_the_json_say_what_the_page_says(client, data):
    page = client.get("/minh-bach/chi-nhanh/?ky=2026-03").content.decode()
    shown = ranking(page)
    document = json.loads(client.get("/minh-bach/du-lieu/2026-03/branch.json").content)
    text = client.get("/minh-bach/du-lieu/2026-03/branch.csv").content.decode("utf-8-sig")
    table = {row["key"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(shown) == set(table) == {row["key"] for row in document["rows"]}
    for row in document["rows"]:
        cells, line = shown[row["key"]], table[row["key"]]
        assert page_number(cells[2]) == row["received"] == int(line["received"])
        assert page_number(cells[3]) == row["finished"] == int(line["finished"])
        on_time = row["indicators"]["2.1"]["value"]
        assert page_number(cells[4]) == (None if on_time is None else Decimal(str(on_time)))
        assert line["indicator_2_1"] == ("" if on_time is None else str(on_time))
        for i, group in enumerate(("publicity", "progress", "online", "payment",
                                   "satisfaction", "digitisation")):  # fmt: skip
            value = row["scores"][group]
            assert page_number(cells[5 + i]) == (None if value is None else Decimal(str(value)))
            assert line[f"score_{group}"] == ("" if value is None else str(value))
    cn01 = next(r for r in document["rows"] if r["key"] == "CN01")
    assert (cn01["received"], cn01["in_progress"]) == (9, 5)  # open: C D E I L
    assert cn01["indicators"]["3.6"] == {"numerator": 1.0, "denominator": 2, "value": 50.0,
                                         "score": 5.0}  # fmt: skip


def test_the_api_answers_the_json_file(client, data):
    figures_fold_all()
    file = json.loads(client.get("/minh-bach/du-lieu/2026-Q1/procedure.json").content)
    api = client.get("/api/v1/public/indicators", {"period": "2026-Q1", "dimension": "procedure"})
    assert api.status_code == 200
    assert api.json() == file
    assert set(file["rows"][0]["indicators"]) == set(INDICATOR_CODES)


def test_the_api_refuses_a_malformed_or_future_period_as_a_problem(client, data):
    bad = client.get("/api/v1/public/indicators", {"period": "March"})
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    future = client.get("/api/v1/public/indicators", {"period": "2027"})
    assert future.status_code == 404
    assert client.get("/api/v1/public/indicators", {"dimension": "person"}).status_code == 422


def test_the_pages_read_figures_only(client, data, django_assert_max_num_queries):
    figures_fold_all()
    client.get("/minh-bach/?ky=2026-03")  # warms the reference cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/minh-bach/?ky=2026-03").status_code == 200
        assert client.get("/minh-bach/chi-nhanh/CN01/?ky=2026-03").status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("dossiers_dossier", "feedback_rating", "feedback_complaint"):
        assert f'"{table}"' not in tables.replace("dossiers_dossierevent", "")
    assert len(queries.captured_queries) <= 40


PERSONAL = ("applicant_name", "applicant_id_number", "applicant_phone", "applicant_email",
            "applicant_address")  # fmt: skip


def public_responses(client, data) -> dict[str, str]:
    point = data.point.code
    urls = [
        "/minh-bach/?ky=2026-03", "/minh-bach/du-lieu/?ky=2026-03",
        *(f"/minh-bach/{slug}/?ky=2026-03" for slug in ("chi-nhanh", "diem", "co-quan", "thu-tuc")),
        "/minh-bach/chi-nhanh/CN01/?ky=2026-03", f"/minh-bach/diem/{point}/?ky=2026-03",
        "/minh-bach/co-quan/SO-TP/?ky=2026-03",
        f"/minh-bach/thu-tuc/{data.free.procedure.code}/?ky=2026-03",
        *(f"/minh-bach/du-lieu/2026-03/{kind}.{fmt}" for fmt in ("csv", "json")
          for kind in ("city", "branch", "site", "agency", "procedure")),
        *(f"/api/v1/public/indicators?period=2026&dimension={kind}"
          for kind in ("city", "branch", "site", "agency", "procedure")),
    ]  # fmt: skip
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out[url] = response.content.decode("utf-8-sig")
    return out


def test_no_public_page_or_file_shows_personal_data(client, data):
    from motcua.dossiers.models import Dossier
    from motcua.feedback.models import Complaint
    from motcua.organization.models import StaffProfile

    secrets = set()
    for row in Dossier.objects.values(*PERSONAL, "code"):
        secrets |= {v for v in row.values() if v}
    for row in Complaint.objects.values("sender_name", "sender_phone", "subject", "content"):
        secrets |= {v for v in row.values() if v}
    for profile in StaffProfile.objects.select_related("user"):
        secrets |= {profile.full_name, profile.user.username}
    secrets |= {json.dumps(s, ensure_ascii=False)[1:-1] for s in secrets}  # as JSON escapes
    assert "Trần Thị Lan" in secrets and "0987654321" in secrets  # the scan looks for these
    for url, body in public_responses(client, data).items():
        leaked = sorted(s for s in secrets if len(s) >= 4 and s in body)
        assert not leaked, f"{url} shows {leaked}"
