"""The rebuild's parallel readers (PostgreSQL, the rebuild in its own transaction): other
connections that import the rebuild's snapshot, so they count exactly what it sees."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from motcua.dossiers.tests.helpers import justice_procedure, receive
from motcua.transparency import services
from motcua.transparency.models import DossierMark, Figure, FoldState
from motcua.transparency.services import figures_fold, figures_fold_all, figures_rebuild_all
from motcua.transparency.tests import dataset
from motcua.transparency.tests.test_services_fold import table

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="parallel readers import a PostgreSQL snapshot"
    ),
    pytest.mark.django_db(transaction=True),
]


def received() -> int:
    return Figure.objects.filter(kind="city").aggregate(n=Sum("received", default=0))["n"]


def backend() -> int:
    connection.ensure_connection()
    return connection.connection.info.backend_pid


def forget_figures() -> None:
    """As after a bulk load: figures and marks gone, watermarks behind."""
    Figure.objects.all().delete()
    DossierMark.objects.all().delete()
    FoldState.objects.update(watermark=0, gaps=[])


def test_the_readers_run_on_other_connections_and_count_what_the_fold_counts(
    people, clock, monkeypatch
):
    dataset.build(people, clock)
    figures_fold_all()
    folded = table()
    marks = set(DossierMark.objects.values_list("dossier_id", "kind"))
    forget_figures()
    backends, read = set(), services.Reads._in_snapshot

    def spied(self, query):
        return read(self, lambda: (backends.add(backend()), query())[1])

    monkeypatch.setattr(services.Reads, "_in_snapshot", spied)
    figures_rebuild_all()
    assert backends and backend() not in backends
    assert table() == folded
    assert set(DossierMark.objects.values_list("dossier_id", "kind")) == marks


def test_a_receipt_committed_while_the_rebuild_reads_is_left_to_the_next_fold(
    people, clock, monkeypatch
):
    version = justice_procedure()
    receive(people, version)
    forget_figures()
    rebuild_dossiers = services._rebuild_dossiers

    def meanwhile(*args, **kwargs):
        # The rebuild's snapshot is taken: a receipt commits on another connection now.
        def other() -> None:
            try:
                receive(people, version, site="CN07", return_site="CN07")
            finally:
                connection.close()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(20)
        return rebuild_dossiers(*args, **kwargs)

    monkeypatch.setattr(services, "_rebuild_dossiers", meanwhile)
    figures_rebuild_all()
    assert received() == 1  # neither the rebuild nor its readers saw the second receipt
    figures_fold()
    assert received() == 2  # the fold counts it, once


def test_a_failing_read_writes_nothing(people, clock, monkeypatch):
    version = justice_procedure()
    receive(people, version)
    figures_fold_all()
    before = table(), set(DossierMark.objects.values_list("dossier_id", "kind"))
    watermarks = dict(FoldState.objects.values_list("source", "watermark"))

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_by_dimension", broken)
    with pytest.raises(RuntimeError):
        figures_rebuild_all()
    assert (table(), set(DossierMark.objects.values_list("dossier_id", "kind"))) == before
    assert dict(FoldState.objects.values_list("source", "watermark")) == watermarks
