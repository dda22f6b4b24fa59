"""The audit trail: chained hashes, append-only storage, and `motcua verify-audit`."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from motcua.dossiers.audit import GENESIS, chain_breaks
from motcua.dossiers.choices import Status
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.tests.helpers import advance, justice_procedure, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(people, clock):
    clock.set(2026, 3, 10, 9, 0)
    return advance(people, receive(people, justice_procedure()), Status.DELIVERED)


def test_each_event_chains_to_the_one_before(dossier):
    events = list(dossier.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert list(chain_breaks()) == []


def test_verify_audit_passes_on_an_intact_trail(dossier, capsys):
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_the_model_layer_refuses_updates_and_deletes(dossier):
    event = dossier.events.first()
    event.payload = {"forged": True}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        DossierEvent.objects.filter(pk=event.pk).update(payload={})
    with pytest.raises(TypeError):
        DossierEvent.objects.filter(pk=event.pk).delete()


def _tamper(sql: str, params: list) -> None:
    """Change a row behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_a_tampered_payload_is_caught(dossier, capsys):
    event = dossier.events.get(action="transfer")
    _tamper(
        "UPDATE dossiers_dossierevent SET payload = %s WHERE id = %s",
        ['{"to_agency": "SO-XD"}', event.pk],
    )
    breaks = list(chain_breaks())
    assert [(b.dossier_code, b.seq) for b in breaks] == [(dossier.code, event.seq)]
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert dossier.code in capsys.readouterr().out


def test_a_deleted_event_is_caught(dossier):
    event = dossier.events.get(action="accept")
    _tamper("DELETE FROM dossiers_dossierevent WHERE id = %s", [event.pk])
    reasons = {b.reason for b in chain_breaks()}
    assert any("sequence" in r for r in reasons) and any("previous hash" in r for r in reasons)


def test_postgresql_refuses_updates_and_deletes_of_events(dossier):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL; SQLite relies on the model layer")
    from django.db import DatabaseError

    event = dossier.events.first()
    for sql in (
        "UPDATE dossiers_dossierevent SET payload = '{}' WHERE id = %s",
        "DELETE FROM dossiers_dossierevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
