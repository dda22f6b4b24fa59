"""The fold and the rebuild against the hand-counted dataset (dataset.py)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from motcua.dossiers.services import lifecycle as svc
from motcua.dossiers.tests.helpers import actor
from motcua.transparency.measures import COUNTERS
from motcua.transparency.models import DossierMark, Figure, FoldState
from motcua.transparency.services import (
    figures_fold,
    figures_fold_all,
    figures_fold_if_due,
    figures_rebuild,
    figures_rebuild_all,
)
from motcua.transparency.tests import dataset

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def sums(kind: str, key: str, first: date = MARCH[0], last: date = MARCH[1]) -> dict[str, int]:
    row = Figure.objects.filter(kind=kind, key=key, day__gte=first, day__lte=last).aggregate(
        **{name: Sum(name, default=0) for name in COUNTERS}
    )
    return row


def table() -> dict[tuple, tuple]:
    return {
        (f.day, f.kind, f.key): tuple(getattr(f, name) for name in COUNTERS)
        for f in Figure.objects.all()
        if any(getattr(f, name) for name in COUNTERS)
    }


def complete_point_dossier(data, people) -> None:
    """Transfer, accept and complete I (at the commune point): three events."""
    code = data.dossiers["I"].code
    svc.dossier_transfer(actor=actor(data.point_officer), code=code, site=data.point)
    svc.dossier_accept(actor=actor(people["specialist_tp"]), code=code)
    svc.dossier_complete(actor=actor(people["leader_tp"]), code=code)


@pytest.fixture
def data(people, clock):
    return dataset.build(people, clock)


def test_the_city_figures_of_march_are_the_hand_counted_ones(data):
    figures_fold_all()
    city = sums("city", "all")
    assert city["received"] == 10  # A B D E F H I J K L; C was deemed received in February
    assert city["received_online"] == 0
    assert city["outside_territory"] == 1  # L
    assert city["lookup_ready"] == 9  # F has neither phone nor tax code
    assert city["fee_bearing"] == 2  # D, E
    assert city["paid_online"] == 1  # D paid online after receipt; E's last payment was cash
    assert city["opened"] == 11  # the ten and C, accepted on 2 March
    assert city["closed"] == 6  # A B H J completed, F withdrawn, K stopped
    assert city["finished"] == 4
    assert (city["early"], city["on_time"], city["late"]) == (1, 1, 2)  # A; H; B (2 supps), J
    assert city["processing_minutes"] == 1020 + 420 + 1440 + 2460
    assert city["digitised"] == 1  # H
    assert city["flagged"] == 2  # A (not satisfied), J (complaint)
    assert city["rated_not_satisfied"] == city["rated_very_satisfied"] == 1
    assert (city["surveys"], city["survey_points"]) == (1, 9)
    assert (city["complaints"], city["suggestions"]) == (2, 1)  # about J and I; one at CN01
    february = sums("city", "all", date(2026, 2, 1), date(2026, 2, 28))
    assert (february["received"], february["paid_online"], february["opened"]) == (1, 1, 0)


def test_a_point_adds_to_its_branch_and_each_dossier_to_its_agency_and_procedure(data):
    figures_fold_all()
    point = sums("site", data.point.code)
    assert (point["received"], point["opened"], point["complaints"]) == (1, 1, 1)  # I
    cn01_site, cn01 = sums("site", "CN01"), sums("branch", "CN01")
    # CN01 itself received A B D E F H K L; with its point, I too. J is Hà Đông's.
    assert (cn01_site["received"], cn01["received"]) == (8, 9)
    assert sums("branch", "CN07")["received"] == 1
    assert sums("branch", "CN07")["flagged"] == 1
    assert sums("agency", "SO-TP")["received"] == 9  # all but L (xã Ba Vì's committee)
    assert sums("agency", "UBND-X-09700-2025")["outside_territory"] == 1
    free = sums("procedure", data.free.procedure.code)
    assert (free["received"], free["finished"]) == (7, 4)  # A B F H I J K; not D E L
    assert sums("procedure", data.paid.procedure.code)["paid_online"] == 1


def test_the_fold_is_incremental(data, people, clock):
    first = figures_fold_all()
    assert first.events > 0
    before = table()
    again = figures_fold()
    assert (again.events, again.ratings, again.complaints, again.figures) == (0, 0, 0, 0)
    assert table() == before
    # I, at the point, is completed on Wednesday 11 March: three new events, folded alone.
    clock.set(2026, 3, 11, 9, 0)
    complete_point_dossier(data, people)
    second = figures_fold()
    assert second.events == 3
    point = sums("site", data.point.code)
    # I was complained about on 4 March, before it finished: it counts flagged now.
    assert (point["finished"], point["closed"], point["flagged"]) == (1, 1, 1)
    assert sums("city", "all")["finished"] == 5


def test_the_fold_and_the_rebuild_agree(data, people, clock):
    figures_fold_all()
    folded = table()
    result = figures_rebuild(first_day=date(2026, 1, 1), last_day=date(2026, 12, 31))
    assert result.deleted > 0 and result.written > 0
    assert table() == folded
    # And after more history, a fold on top of the rebuild still agrees with another rebuild.
    clock.set(2026, 3, 11, 9, 0)
    complete_point_dossier(data, people)
    svc.dossier_pay(
        actor=actor(people["officer_cn01"]), code=data.dossiers["E"].code,
        site=data.point.parent, amount=1_000, method="online",
    )  # fmt: skip
    figures_fold_all()
    folded = table()
    figures_rebuild(first_day=date(2026, 2, 1), last_day=date(2026, 3, 31))
    assert table() == folded
    assert sums("city", "all")["paid_online"] == 2  # E's last payment is online now


def test_the_rebuild_folds_first_so_nothing_counts_twice(data):
    figures_rebuild(first_day=date(2026, 2, 1), last_day=date(2026, 3, 31))
    rebuilt = table()
    assert figures_fold().events == 0
    assert table() == rebuilt
    assert FoldState.objects.get(source="events").watermark > 0


def test_a_read_folds_at_most_once_per_half_minute(data):
    first = figures_fold_if_due()
    assert first is not None and first.events > 0
    assert figures_fold_if_due() is None  # throttled: the page shows the figures as they are


def test_the_command_folds_then_rebuilds(data):
    out = io.StringIO()
    call_command("fold_figures", stdout=out)
    assert "Folded" in out.getvalue()
    folded = table()
    call_command("fold_figures", "--rebuild", "2026-02-01", "2026-03-31", stdout=out)
    assert "Rebuilt 2026-02-01–2026-03-31" in out.getvalue()
    assert table() == folded
    with pytest.raises(CommandError):
        call_command("fold_figures", "--rebuild", "March", "April")
    out = io.StringIO()
    call_command("fold_figures", "--rebuild-all", stdout=out)
    assert (
        f"Rebuilt every day (2026-02-27–2026-03-10): {len(Figure.objects.all())} figure rows"
        in (out.getvalue())
    )
    assert table() == folded


def test_rebuilding_everything_with_nothing_written_says_so(hanoi_data):
    out = io.StringIO()
    call_command("fold_figures", "--rebuild-all", stdout=out)
    assert out.getvalue() == "Nothing to count.\n"


def test_after_a_bulk_load_everything_is_rebuilt_without_folding(data, people, clock):
    figures_fold_all()
    folded = table()
    marks = set(DossierMark.objects.values_list("dossier_id", "kind"))
    # As after a bulk load: figures and marks gone, watermarks behind.
    Figure.objects.all().delete()
    DossierMark.objects.all().delete()
    FoldState.objects.update(watermark=0, gaps=[])
    result = figures_rebuild_all()
    assert (result.first_day, result.last_day) == (date(2026, 2, 27), date(2026, 3, 10))
    assert table() == folded
    assert set(DossierMark.objects.values_list("dossier_id", "kind")) == marks
    assert figures_fold().events == 0  # the watermarks moved past the loaded rows
    # And the fold goes on from there exactly.
    clock.set(2026, 3, 11, 9, 0)
    complete_point_dossier(data, people)
    figures_fold_all()
    after = table()
    figures_rebuild(first_day=date(2026, 2, 1), last_day=date(2026, 3, 31))
    assert table() == after
    assert sums("site", data.point.code)["flagged"] == 1
