"""insert_rows and rows_together against the real database."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from motcua.core.rows import insert_rows, rows_together
from motcua.dossiers.models import DailySequence

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)
on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="SQLite writes each row as it comes"
)


def counter(unit: str, last: int = 1) -> DailySequence:
    return DailySequence(unit_id=unit, day=DAY, last=last)


def test_rows_are_inserted_with_their_keys():
    rows = [counter("A"), counter("B", 7)]
    insert_rows(rows)
    assert all(r.pk for r in rows) and not rows[0]._state.adding
    assert DailySequence.objects.get(pk=rows[1].pk).last == 7


def test_rows_given_together_are_all_written_with_their_keys_when_the_block_ends():
    first, second = [counter("A")], [counter("B"), counter("C")]
    with transaction.atomic(), rows_together():
        insert_rows(first)
        insert_rows(second)
        written_inside = DailySequence.objects.count()
    assert written_inside == (0 if connection.vendor == "postgresql" else 3)
    assert [r.unit_id for r in DailySequence.objects.order_by("pk")] == ["A", "B", "C"]
    assert sorted(r.pk for r in first + second) == list(
        DailySequence.objects.order_by("pk").values_list("pk", flat=True)
    )


def test_a_nested_block_leaves_its_rows_to_the_outer_one():
    with transaction.atomic(), rows_together():
        with rows_together():
            insert_rows([counter("A")])
        insert_rows([counter("B")])
    assert DailySequence.objects.count() == 2


@on_postgresql
def test_an_exception_inside_the_block_writes_nothing():
    with pytest.raises(RuntimeError), transaction.atomic(), rows_together():
        insert_rows([counter("A")])
        raise RuntimeError("the service refused")
    assert not DailySequence.objects.exists()


def test_a_row_the_database_refuses_raises_an_integrity_error_and_nothing_is_kept():
    with pytest.raises(IntegrityError), transaction.atomic(), rows_together():
        insert_rows([counter("A")])
        insert_rows([counter("A")])  # the same (unit, day): refused by the unique constraint
    assert not DailySequence.objects.exists()
