"""Every staff read of a dossier's personal data leaves one row: who, when, which, through what."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from motcua.core.errors import PermissionDenied
from motcua.organization.tests.factories import StaffProfileFactory
from motcua.privacy.models import Channel, DataAccess
from motcua.privacy.services import citizen_data_export

pytestmark = pytest.mark.django_db


def rows(user) -> list[tuple[str, int | None, str]]:
    return list(
        DataAccess.objects.filter(user=user)
        .order_by("pk")
        .values_list("channel", "dossier_id", "detail")
    )


def test_each_read_path_writes_one_row(client, people, completed):
    inspector = people["inspector"]
    client.force_login(inspector)
    code, pk = completed.code, completed.pk
    assert DataAccess.objects.filter(user=inspector).count() == 0
    reads = [
        (f"/workspace/dossiers/{code}/", (Channel.PAGE, pk, "")),
        (f"/workspace/dossiers/{code}/components/1/file/", (Channel.FILE, pk, "1")),
        (f"/workspace/dossiers/{code}/result/", (Channel.RESULT, pk, "")),
        (f"/api/v1/dossiers/{code}", (Channel.API, pk, "")),
        (f"/api/v1/dossiers/{code}/events", (Channel.API_EVENTS, pk, "")),
        (f"/api/v1/dossiers/{code}/components/1/file", (Channel.FILE, pk, "1")),
        (f"/api/v1/dossiers/{code}/result", (Channel.RESULT, pk, "")),
        (f"/api/v1/dossiers/{code}/forms/receipt.pdf", (Channel.FORM, pk, "receipt")),
    ]
    for n, (path, row) in enumerate(reads, start=1):
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(rows(inspector)) == n, path
        assert rows(inspector)[-1] == row, path
    ledger = client.get("/api/v1/ledger?site=CN01&start=2026-03-01&end=2026-03-31&format=csv")
    assert ledger.status_code == 200
    assert rows(inspector)[-1] == (Channel.LEDGER, None, "so-theo-doi-CN01-20260301-20260331.csv")
    first = DataAccess.objects.filter(user=inspector).order_by("pk").first()
    assert first.at == completed.events.order_by("-seq").first().at  # the clock of the read


def test_a_refused_read_writes_nothing(client, people, completed):
    client.force_login(people["officer_cn07"])  # another branch: not in scope
    assert client.get(f"/api/v1/dossiers/{completed.code}").status_code == 404
    assert client.get(f"/workspace/dossiers/{completed.code}/").status_code == 404
    assert DataAccess.objects.count() == 0


def test_who_viewed_this_is_shown_to_the_center_director_and_inspectors_only(
    client, people, completed
):
    client.force_login(people["officer_cn01"])
    client.get(f"/api/v1/dossiers/{completed.code}")
    for persona, shown in [
        ("center_director", True),
        ("inspector", True),
        ("director_cn01", False),
        ("officer_cn01", False),
        ("leader_tp", False),
    ]:
        client.force_login(people[persona])
        html = client.get(f"/workspace/dossiers/{completed.code}/").content.decode()
        assert ('id="viewers"' in html) is shown, persona
        if shown:
            assert "Ai đã xem" in html and "Lê Thu Trang" in html, persona
    admin = StaffProfileFactory(user__username="quantri", user__is_superuser=True).user
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    html = client.get(f"/workspace/dossiers/{completed.code}/").content.decode()
    assert 'id="viewers"' not in html


def test_a_citizens_data_is_exported_by_the_center_director_and_logged(people, completed, tmp_path):
    id_number = completed.applicant_id_number
    assert id_number
    data = citizen_data_export(user=people["center_director"], id_number=id_number)
    assert [d["code"] for d in data["dossiers"]] == [completed.code]
    assert data["dossiers"][0]["applicant_name"] == completed.applicant_name
    assert rows(people["center_director"]) == [
        (Channel.CITIZEN_EXPORT, completed.pk, f"id:{id_number[-4:]}")
    ]
    with pytest.raises(PermissionDenied):
        citizen_data_export(user=people["director_cn01"], id_number=id_number)
    out = tmp_path / "export.json"
    call_command("export_personal_data", id_number, "--by", "gd.tt", "--output", str(out))
    exported = json.loads(out.read_text())
    assert exported["dossiers"][0]["code"] == completed.code
    assert len(rows(people["center_director"])) == 2


@pytest.mark.postgres
def test_the_log_is_append_only_in_postgresql(people, completed):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    DataAccess.objects.create(
        at=completed.submitted_at, user=people["inspector"], dossier_id=completed.pk,
        channel=Channel.PAGE,
    )  # fmt: skip
    with pytest.raises(DatabaseError), transaction.atomic():
        DataAccess.objects.update(channel=Channel.API)
    with pytest.raises(DatabaseError), transaction.atomic():
        DataAccess.objects.all().delete()
    assert DataAccess.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_postgresql_writes_the_row_in_one_quick_statement(
    django_user_model, django_assert_num_queries
):
    from django.db import connection

    from motcua.privacy.services import access_record

    if connection.vendor != "postgresql":
        pytest.skip("the quick path is PostgreSQL's")
    user = django_user_model.objects.create_user("doc.gia", password="x-not-used-9")
    assert not connection.in_atomic_block
    with django_assert_num_queries(1):
        access_record(user=user, channel=Channel.LEDGER, detail="so-theo-doi.csv")
    row = DataAccess.objects.get()
    assert (row.user_id, row.channel, row.detail) == (user.pk, "ledger", "so-theo-doi.csv")
    with connection.cursor() as cursor:  # the setting was the transaction's only
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
