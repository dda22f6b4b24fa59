"""The bulk path in worker processes on PostgreSQL: each day planned and written in a process
of its own, the same rows as one process writes (ids and hence hashes aside)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.models import Dossier
from motcua.simulation.bulk import simulation_bulk_run
from motcua.simulation.models import SimulatedDay
from motcua.simulation.tests.test_bulk import snapshot

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WINDOW = {"start": date(2026, 3, 2), "end": date(2026, 3, 5), "scale": Decimal("0.003"), "seed": 9}
TABLES = (
    "dossiers_dossierevent, dossiers_handover, dossiers_dossiercomponent, "
    "dossiers_dailysequence, simulation_simulatedday, dossiers_dossier"
)


@pytest.fixture(autouse=True)
def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("worker processes write on PostgreSQL only; SQLite has one writer")


def _without_ids(rows: dict) -> dict:
    """The snapshot without what depends on the order days commit in: the control slip's
    ids, which the transfer event's payload and hence every later hash carry."""
    for event in rows["events"]:
        event.pop("hash"), event.pop("prev_hash")
    return rows


def test_worker_processes_write_what_one_process_writes(hanoi_data, clock):
    result = simulation_bulk_run(**WINDOW, workers=2)
    assert result.days_done == 4 and [d.day for d in result.days] == sorted(
        d.day for d in result.days
    )
    assert Dossier.objects.count() == result.dossiers > 0
    assert list(chain_breaks()) == []
    parallel = _without_ids(snapshot())
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLES} CASCADE")  # noqa: S608 — the events refuse DELETE
    assert not SimulatedDay.objects.exists()
    simulation_bulk_run(**WINDOW, workers=0)
    assert _without_ids(snapshot()) == parallel
