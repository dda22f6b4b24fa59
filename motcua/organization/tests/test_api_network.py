"""GET /api/v1/network and /api/v1/units: the public view of the network on a day."""

from collections import Counter

import pytest

from motcua.organization.tests.test_services_network import hanoi  # noqa: F401

URL = "/api/v1/network"


def sites_on(client, day):
    response = client.get(URL, {"on": day})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["on"] == day
    return body["sites"]


def test_on_1_february_2025_only_the_two_pilot_branches_operate(hanoi, db, client):  # noqa: F811
    sites = sites_on(client, "2025-02-01")
    assert [(s["kind"], s["name"]) for s in sites] == [
        ("branch", "Chi nhánh Tây Hồ"),
        ("branch", "Chi nhánh Cầu Giấy – Thanh Xuân"),
    ]
    assert [[c["code"] for c in s["covers"]] for s in sites] == [["003"], ["005"]]
    assert sites[0]["unit_id"] == "000.01.HC.H26"


def test_in_phase_two_12_branches_cover_the_30_districts_exactly_once(hanoi, db, client):  # noqa: F811
    sites = sites_on(client, "2025-04-15")
    branches = [s for s in sites if s["kind"] == "branch"]
    assert len(branches) == 12
    codes = Counter(c["code"] for s in branches for c in s["covers"])
    assert len(codes) == 30 and set(codes.values()) == {1}
    assert all(c["level"] == "district" for s in branches for c in s["covers"])
    assert [s["kind"] for s in sites] == ["branch"] * 12 + ["reception_point"] * 18
    assert "009" in [c["code"] for c in branches[1]["covers"]]  # Cầu Giấy took Thanh Xuân


def test_from_july_2025_126_commune_points_operate_and_every_site_covers_hanoi(
    hanoi,  # noqa: F811
    db,
    client,
):
    sites = sites_on(client, "2025-08-01")
    assert Counter(s["kind"] for s in sites) == {
        "branch": 12,
        "reception_point": 18,
        "commune_point": 126,
    }
    assert {(c["code"], c["level"]) for s in sites for c in s["covers"]} == {("01", "province")}


def test_history_is_kept_june_2025_still_shows_the_districts(hanoi, db, client):  # noqa: F811
    sites = sites_on(client, "2025-06-15")
    assert {c["level"] for s in sites for c in s["covers"]} == {"district"}
    assert not any(s["kind"] == "commune_point" for s in sites)


def test_the_center_is_not_a_receiving_site(hanoi, db, client):  # noqa: F811
    assert all(s["code"] != "TTPVHCC" for s in sites_on(client, "2025-08-01"))


def test_the_query_count_does_not_grow_with_the_number_of_sites(
    hanoi,  # noqa: F811
    db,
    client,
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(2):
        assert len(sites_on(client, "2025-08-01")) == 156


@pytest.mark.parametrize("query", [{"on": "2025-13-40"}, {"on": "abc"}, {"on": ""}, {}])
def test_a_malformed_or_missing_date_is_a_422_problem(db, client, query):
    response = client.get(URL, query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "on"


def test_units_can_be_searched_without_diacritics(hanoi, db, client):  # noqa: F811
    response = client.get(
        "/api/v1/units", {"q": "dong da", "on": "2025-06-01", "level": "district"}
    )
    assert response.status_code == 200
    assert [(u["code"], u["name"], u["parent"]) for u in response.json()] == [
        ("006", "Quận Đống Đa", "01")
    ]


def test_units_list_the_new_communes_of_a_province(hanoi, db, client):  # noqa: F811
    response = client.get("/api/v1/units", {"on": "2025-07-01", "level": "ward", "parent": "01"})
    assert len(response.json()) == 126


def test_units_refuse_an_unknown_level(db, client):
    response = client.get("/api/v1/units", {"level": "county"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
