"""The bulk path in worker processes on PostgreSQL: each day planned and written in a process
of its own, the same rows as one process writes (ids and hence hashes aside)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.models import Dossier
from motcua.simulation.bulk import simulation_bulk_run
from motcua.simulation.models import SimulatedDay
from motcua.simulation.tests.test_bulk import snapshot
from motcua.transparency.models import Figure

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


def test_the_command_with_workers_summarises_and_rebuilds_on_connections_of_its_own(
    hanoi_data, clock
):
    """Outside a transaction the summary reads on a thread's connection while the figures
    are rebuilt (with their parallel readers): the same totals as the tables hold."""
    out = StringIO()
    call_command(
        "simulate", "--from", "2026-03-02", "--to", "2026-03-03", "--scale", "0.002",
        "--seed", "5", "--path", "bulk", "--workers", "2", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    text = out.getvalue()
    count = Dossier.objects.count()
    assert count > 0
    assert f"total: dossiers {count}\n" in text
    online = Dossier.objects.filter(channel="online").count()
    assert f"online {online}" in text
    assert text.rstrip().splitlines()[-1].startswith("Transparency figures rebuilt")
    received = Figure.objects.filter(kind="city").aggregate(n=Sum("received"))["n"]
    assert received == (
        Dossier.objects.exclude(deemed_received_at=None)
        .exclude(status__in=["submitted", "guided", "refused"])
        .count()
    )
