"""Who sees which dashboard, and the figures on it (dataset: motcua/reports/tests/dataset.py)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from motcua.reports.tests.dataset import build

pytestmark = pytest.mark.django_db

BRANCH = "/workspace/dashboard/branch/"
CENTER = "/workspace/dashboard/center/"


@pytest.fixture
def data(people, clock):
    return build(people, clock)


def kpi(html: str, name: str) -> str:
    """The figure of the KPI box with id ``kpi-<name>``."""
    found = re.search(rf'id="kpi-{name}".*?<span class="n">([^<]*)</span>', html, re.S)
    assert found, f"no KPI {name}"
    return found.group(1)


def row(html: str, row_id: str) -> list[str]:
    """The cells of the table row with id ``row_id``, as text."""
    found = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert found, f"no row {row_id}"
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", found.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


def svgs(html: str) -> list[ElementTree.Element]:
    """Every chart of the page, parsed (our own markup, so the plain parser is safe)."""
    found = re.findall(r"<svg .*?</svg>", html, re.S)
    return [ElementTree.fromstring(m) for m in found]  # noqa: S314


def test_a_branch_director_sees_the_branch_with_its_points(client, people, data):
    client.force_login(people["director_cn01"])
    response = client.get(BRANCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chi nhánh Tây Hồ" in html
    assert kpi(html, "received-today") == "4"
    assert kpi(html, "in-progress") == "7"
    assert kpi(html, "due-soon") == "1"
    assert kpi(html, "late") == "2"
    assert kpi(html, "awaiting-supplement") == "1"
    assert kpi(html, "on-time-rate") == "0,00%"
    assert kpi(html, "online-share") == "25,00%"
    assert "Đinh Thị Hoa" in html and "Lê Thu Trang" in html  # both officers, the point's too
    assert "/workspace/dossiers/?site=CN01&amp;state=late" in html
    (chart,) = svgs(html)
    bars = [r for r in chart.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") == "bar"]
    assert len(bars) == 30
    assert bars[-1].find("{http://www.w3.org/2000/svg}title").text.startswith("10/03: 4 ")


def test_the_period_selector_changes_the_period_figures(client, people, data):
    client.force_login(people["director_cn01"])
    html = client.get(BRANCH, {"period": "30d"}).content.decode()
    assert kpi(html, "received") == "10"
    assert kpi(html, "finished") == "3"
    assert kpi(html, "on-time-rate") == "66,67%"
    assert kpi(html, "received-today") == "4"  # today's figures stay today's
    assert 'href="?period=30d" aria-current="page"' in html


def test_a_receiving_officer_sees_their_own_site_only(client, people, data):
    client.force_login(people["officer_cn01"])
    html = client.get(BRANCH).content.decode()
    assert kpi(html, "received-today") == "3"
    assert kpi(html, "in-progress") == "6"
    assert "Đinh Thị Hoa" not in html


def test_an_officer_at_a_point_sees_the_point(client, data):
    client.force_login(data.point_officer)
    html = client.get(BRANCH).content.decode()
    assert data.point.name in html
    assert kpi(html, "received-today") == "1"


def test_an_officer_may_not_look_at_another_site(client, people, data):
    client.force_login(people["officer_cn01"])
    assert client.get(BRANCH, {"site": "CN07"}).status_code == 403
    assert client.get(BRANCH, {"site": "CN01"}).status_code == 200


def test_a_director_may_not_look_at_another_branch(client, people, data):
    client.force_login(people["director_cn01"])
    assert client.get(BRANCH, {"site": "CN07"}).status_code == 403
    assert client.get(BRANCH, {"site": data.point.code}).status_code == 200


@pytest.mark.parametrize("persona", ["specialist", "leader_tp"])
def test_agency_staff_see_no_dashboard(client, people, data, persona):
    client.force_login(people[persona])
    assert client.get(BRANCH).status_code == 403
    assert client.get(CENTER).status_code == 403


def test_branch_people_do_not_see_the_center_dashboard(client, people, data):
    for persona in ("director_cn01", "officer_cn01"):
        client.force_login(people[persona])
        assert client.get(CENTER).status_code == 403


@pytest.mark.parametrize("persona", ["center_director", "inspector"])
def test_the_centers_supervisors_see_any_branch(client, people, data, persona):
    client.force_login(people[persona])
    html = client.get(BRANCH, {"site": "CN07"}).content.decode()
    assert "Chi nhánh Hà Đông" in html
    assert kpi(html, "late") == "1"
    assert 'option value="CN07" selected' in html
    assert client.get(BRANCH).status_code == 200  # the first branch
    assert client.get(BRANCH, {"site": "NOWHERE"}).status_code == 404


@pytest.mark.parametrize("persona", ["center_director", "inspector"])
def test_the_center_dashboard_puts_the_branches_side_by_side(client, people, data, persona):
    client.force_login(people[persona])
    response = client.get(CENTER)  # the last 30 days by default
    assert response.status_code == 200
    html = response.content.decode()
    assert kpi(html, "received") == "11"
    assert kpi(html, "late-now") == "2"
    assert kpi(html, "processing") == "3,06"
    assert kpi(html, "outside-share") == "9,09%"
    cn01 = row(html, "branch-CN01")
    assert "Chi nhánh Tây Hồ" in cn01[0]
    assert cn01[1:] == ["10", "7", "1", "3", "66,67%", "3,06", "10,00%", "10,00%"]
    cn07 = row(html, "branch-CN07")
    assert cn07[1:5] == ["1", "1", "1", "0"]
    assert cn07[5] == cn07[6] == row(html, "branch-CN05")[8]  # N/A, in the active language
    assert row(html, "branch-total")[1:5] == ["11", "8", "2", "3"]
    charts = svgs(html)
    assert len(charts) == 2 + 12  # on-time rate, outside territory, one per branch
    for chart in charts:
        assert chart.get("aria-label") and chart.find("{http://www.w3.org/2000/svg}title").text


def test_the_center_dashboard_today(client, people, data):
    client.force_login(people["center_director"])
    html = client.get(CENTER, {"period": "today"}).content.decode()
    assert kpi(html, "received") == "4"
    assert row(html, "branch-CN01")[1] == "4"


def test_query_counts_stay_bounded(client, people, data, django_assert_max_num_queries):
    client.force_login(people["director_cn01"])
    with django_assert_max_num_queries(14):
        assert client.get(BRANCH, {"period": "30d"}).status_code == 200
    client.force_login(people["center_director"])
    with django_assert_max_num_queries(16):
        assert client.get(CENTER).status_code == 200
