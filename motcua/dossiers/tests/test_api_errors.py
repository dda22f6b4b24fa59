"""Bad input to the dossier API gets a translated problem+json, never a server error."""

import pytest

from motcua.dossiers.tests.helpers import justice_procedure

pytestmark = pytest.mark.django_db


def test_a_huge_offset_is_refused_not_a_server_error(client, people):
    client.force_login(people["officer_cn01"])
    response = client.get("/api/v1/dossiers?offset=192492499872531218432")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_a_multipart_body_without_boundary_is_a_400(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    client.force_login(people["officer_cn01"])
    response = client.generic(
        "POST",
        "/api/v1/dossiers/X/components/1/file",
        b"garbage",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    assert "multipart" in response.json()["detail"]


def test_field_errors_come_in_vietnamese_next_to_their_field(client, people, clock):
    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()
    client.force_login(people["officer_cn01"])
    response = client.post(
        "/api/v1/dossiers",
        {
            "procedure": version.procedure.code,
            "applicant": {"name": "Lê Văn A", "id_number": "123", "phone": "12"},
            "return_site": "CN01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert response["Content-Type"] == "application/problem+json"
    errors = {e["field"]: e["message"] for e in body["errors"]}
    assert errors["applicant.id_number"] == "Số định danh cá nhân gồm đúng 12 chữ số."
    assert "applicant.phone" in errors


def test_an_unknown_action_and_an_unknown_dossier(client, people):
    client.force_login(people["officer_cn01"])
    assert client.post(
        "/api/v1/dossiers/000.01.HC.H26-260310-0001/actions/teleport", {},
        content_type="application/json",
    ).status_code == 422  # fmt: skip
    missing = client.get("/api/v1/dossiers/000.01.HC.H26-260310-0001")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Không có hồ sơ nào mang mã 000.01.HC.H26-260310-0001."


def test_an_inspector_reads_but_cannot_act(client, people, clock):
    from motcua.dossiers.tests.helpers import receive

    clock.set(2026, 3, 10, 9, 0)
    dossier = receive(people, justice_procedure())
    client.force_login(people["inspector"])
    assert client.get(f"/api/v1/dossiers/{dossier.code}").status_code == 200
    refused = client.post(
        f"/api/v1/dossiers/{dossier.code}/actions/transfer", {"site": "CN01"},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Bạn không được thực hiện")


def test_the_list_filters_by_state_and_a_branch_covers_its_points(client, people, clock):
    from motcua.dossiers.tests.helpers import receive

    clock.set(2026, 3, 10, 9, 0)
    version = justice_procedure()  # three working days: due Fri 13/03 09:00
    first = receive(people, version)
    clock.set(2026, 3, 12, 10, 0)
    second = receive(people, version)
    client.force_login(people["center_director"])
    clock.set(2026, 3, 13, 10, 0)  # the first is late, the second due within a working day
    codes = lambda q: {d["code"] for d in client.get(f"/api/v1/dossiers?{q}").json()["items"]}  # noqa: E731
    assert codes("state=late") == {first.code}
    assert codes("state=due_soon") == set()  # due Tue 17/03 10:00: more than a working day
    assert codes("state=open") == {first.code, second.code}
    assert codes("site=CN01&state=open") == {first.code, second.code}
