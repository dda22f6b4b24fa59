"""An id committed below the fold's watermark (PostgreSQL allocates ids before commit)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.db.models import Sum

from motcua.dossiers.tests.helpers import justice_procedure, receive
from motcua.transparency.models import Figure, FoldState
from motcua.transparency.services import figures_fold, figures_fold_all


def received() -> int:
    return Figure.objects.filter(kind="city").aggregate(n=Sum("received", default=0))["n"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers (IMMEDIATE transactions): ids commit in order there",
)
@pytest.mark.django_db(transaction=True)
def test_an_event_committed_below_the_watermark_is_folded_by_a_later_fold(people, clock):
    version = justice_procedure()
    receive(people, version)
    figures_fold_all()
    assert received() == 1
    # Ids taken by earlier tests' rolled-back transactions are gaps already; only new ones count.
    before = {tuple(g[:2]) for g in FoldState.objects.get(source="events").gaps}
    started, release, failed = threading.Event(), threading.Event(), []

    def slow_receipt() -> None:
        try:
            with transaction.atomic():
                receive(people, version)  # its event takes an id now, commits later
                started.set()
                release.wait(20)
        except Exception as exc:  # noqa: BLE001 — reported to the test below
            failed.append(exc)
            started.set()
        finally:
            connection.close()

    thread = threading.Thread(target=slow_receipt)
    thread.start()
    assert started.wait(20)
    # Another site's receipt commits a larger id meanwhile, and the fold passes it.
    receive(people, version, site="CN07", return_site="CN07")
    figures_fold()
    state = FoldState.objects.get(source="events")
    assert received() == 2
    [(first, last)] = {tuple(g[:2]) for g in state.gaps} - before
    assert first == last < state.watermark

    release.set()
    thread.join(20)
    assert not failed
    figures_fold()
    assert received() == 3  # folded from the gap, once
    assert {tuple(g[:2]) for g in FoldState.objects.get(source="events").gaps} == before
    figures_fold()
    assert received() == 3
