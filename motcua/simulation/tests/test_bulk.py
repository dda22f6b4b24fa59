"""The bulk path writes the rows of the services path: same plans, same rows, same hash chains
(SQLite and PostgreSQL); and it is resumable by day like the services path."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.dossiers.audit import chain_breaks
from motcua.dossiers.models import (
    DailySequence,
    Dossier,
    DossierComponent,
    DossierEvent,
    Handover,
    Regime,
)
from motcua.feedback.models import Complaint, ComplaintEvent, ComplaintSequence, Rating
from motcua.organization.models import AdministrativeUnit, Agency, Site
from motcua.simulation import bulk, rows
from motcua.simulation.bulk import simulation_bulk_run
from motcua.simulation.models import SimulatedDay
from motcua.simulation.samples import RESULT
from motcua.simulation.services import simulation_run
from motcua.worktime.rules import HANOI

pytestmark = pytest.mark.django_db

#: Three days of March 2026 whose plans hold every outcome the plan produces (checked below).
WINDOW = {"start": date(2026, 3, 2), "end": date(2026, 3, 4), "scale": Decimal("0.004"), "seed": 5}
#: Five weeks at a small scale: ratings, complaints about dossiers (late ones too), a suggestion.
FEEDBACK = {
    "start": date(2026, 1, 5),
    "end": date(2026, 2, 6),
    "scale": Decimal("0.0006"),
    "seed": 4,
}
#: The switch of regime, network and territory on 1 July 2025.
SWITCH = {"start": date(2025, 6, 30), "end": date(2025, 7, 1), "scale": Decimal("0.002"), "seed": 3}


# -- a snapshot of what a run wrote, by natural keys --------------------------------------------


def _keys() -> dict[type[models.Model], dict[int, object]]:
    User = get_user_model()  # noqa: N806
    return {
        Site: dict(Site.objects.values_list("id", "code")),
        Agency: dict(Agency.objects.values_list("id", "code")),
        AdministrativeUnit: {
            pk: (code, valid_from)
            for pk, code, valid_from in AdministrativeUnit.objects.values_list(
                "id", "code", "valid_from"
            )
        },
        User: dict(User.objects.values_list("id", "username")),
        Regime: dict(Regime.objects.values_list("id", "code")),
        Procedure: dict(Procedure.objects.values_list("id", "code")),
        ProcedureVersion: {
            pk: (code, number)
            for pk, code, number in ProcedureVersion.objects.values_list(
                "id", "procedure__code", "number"
            )
        },
        Dossier: dict(Dossier.objects.values_list("id", "code")),
        Complaint: dict(Complaint.objects.values_list("id", "code")),
    }


def _rows(model, keys, *, order: tuple[str, ...]) -> list[dict]:
    """Every row of ``model``: foreign keys as natural keys, without the id and the
    wall-clock columns (``created_at``, ``updated_at``)."""
    result = []
    for row in model.objects.order_by(*order).values():
        clean = {}
        for field in model._meta.concrete_fields:
            if field.name in ("id", "created_at", "updated_at"):
                continue
            value = row[field.attname]
            if field.is_relation and value is not None:
                value = keys[field.related_model][value]
            clean[field.attname] = value
        result.append(clean)
    return result


def snapshot() -> dict[str, object]:
    keys = _keys()
    handovers = list(Handover.objects.order_by("dossier__code", "given_at", "id").values_list(
        "id", "dossier__code"
    ))  # fmt: skip
    rank: dict[str, int] = {}
    handover_key = {}
    for pk, code in handovers:
        rank[code] = rank.get(code, 0) + 1
        handover_key[pk] = (code, rank[code])
    events = _rows(DossierEvent, keys, order=("dossier__code", "seq"))
    for event in events:
        if "handover" in event["payload"]:  # the transfer's control-slip row, by its id
            event["payload"]["handover"] = handover_key[event["payload"]["handover"]]
    return {
        "dossiers": _rows(Dossier, keys, order=("code",)),
        "components": _rows(DossierComponent, keys, order=("dossier__code", "order")),
        "handovers": _rows(Handover, keys, order=("dossier__code", "given_at", "id")),
        "events": events,
        "sequences": list(
            DailySequence.objects.order_by("unit_id", "day").values_list("unit_id", "day", "last")
        ),  # fmt: skip
        "days": list(
            SimulatedDay.objects.order_by("day").values_list(
                "seed", "scale", "day", "dossiers", "until"
            )
        ),
        "ratings": _rows(Rating, keys, order=("dossier__code",)),
        "complaints": _rows(Complaint, keys, order=("code",)),
        "complaint_events": _rows(ComplaintEvent, keys, order=("complaint__code", "at", "id")),
        "complaint_numbers": list(
            ComplaintSequence.objects.order_by("day").values_list("day", "last")
        ),
    }


def _sequence_positions() -> list[tuple[str, int, bool]]:
    """Where every PostgreSQL sequence stands (a rolled-back transaction does not undo them)."""
    if connection.vendor != "postgresql":
        return []
    positions = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT schemaname, sequencename FROM pg_sequences")
        for schema, name in cursor.fetchall():
            cursor.execute(f'SELECT last_value, is_called FROM "{schema}"."{name}"')  # noqa: S608
            positions.append((f'"{schema}"."{name}"', *cursor.fetchone()))
    return positions


def _restore(positions) -> None:
    with connection.cursor() as cursor:
        for name, value, called in positions:
            cursor.execute("SELECT setval(%s, %s, %s)", [name, value, called])


def both_paths(window: dict) -> tuple[dict, dict]:
    """Snapshots of ``window`` written by the services, then (in the same empty state, ids
    included) by the bulk path."""
    positions = _sequence_positions()
    with transaction.atomic():
        simulation_run(**window)
        exact = snapshot()
        transaction.set_rollback(True)
    _restore(positions)
    assert not Dossier.objects.exists()
    simulation_bulk_run(**window)
    return exact, snapshot()


def assert_same(exact: dict, fast: dict) -> None:
    for table in exact:
        assert len(fast[table]) == len(exact[table]), table
        for a, b in zip(exact[table], fast[table], strict=True):
            assert b == a, table


# -- equivalence --------------------------------------------------------------------------------


def test_the_bulk_path_writes_every_row_the_services_write(hanoi_data, clock):
    exact, fast = both_paths(WINDOW)
    dossiers, events = exact["dossiers"], exact["events"]
    first = {e["dossier_id"]: e["action"] for e in events if e["seq"] == 1}
    actions = {e["action"] for e in events}
    # Every outcome the plan produces is in the window, so every branch is compared.
    assert {"submit", "receive", "refuse", "transfer", "accept", "assign", "handover",
            "request_supplement", "receive_supplement", "extend", "complete", "deliver",
            "withdraw", "stop"} <= actions  # fmt: skip
    assert "refuse" in first.values()  # refused at the counter
    assert any(e["action"] == "refuse" and first[e["dossier_id"]] == "submit" for e in events)
    assert {"online", "in_person", "post"} <= {d["channel"] for d in dossiers}
    assert {"early", "on_time", "late"} <= {d["timeliness"] for d in dossiers}
    assert {"granted", "rejected"} <= {d["outcome"] for d in dossiers}
    assert any(d["outside_territory"] for d in dossiers)
    assert any(not d["outside_territory"] for d in dossiers)
    # Scanned at receipt and not, with an electronic result and without.
    scanned = {c["digitised_at"] is not None for c in exact["components"]}
    assert scanned == {True, False}
    assert {"", RESULT.sha256} <= {d["result_sha256"] for d in dossiers}
    assert_same(exact, fast)
    assert list(chain_breaks()) == []


def test_ratings_complaints_and_suggestions_are_written_alike(hanoi_data, clock):
    exact, fast = both_paths(FEEDBACK)
    assert exact["ratings"] and any(r["survey_points"] is not None for r in exact["ratings"])
    kinds = {(c["kind"], c["dossier_id"] is not None) for c in exact["complaints"]}
    assert kinds == {("complaint", True), ("suggestion", False)}
    late = {d["code"] for d in exact["dossiers"] if d["timeliness"] == "late"}
    assert any(c["dossier_id"] in late for c in exact["complaints"])
    # The office handles them: accepted, answered (some late), published.
    assert "published" in {c["status"] for c in exact["complaints"]}
    actions = {e["action"] for e in exact["complaint_events"]}
    assert actions == {"submit", "accept", "answer", "publish"}
    assert_same(exact, fast)


def test_the_switch_of_regime_and_territory_is_written_alike(hanoi_data, clock):
    exact, fast = both_paths(SWITCH)
    assert {d["regime_id"] for d in exact["dossiers"]} == {"2018", "2025"}
    # The dossiers in flight at district committees on 01/07/2025 pass to their successors
    # (docs/decisions/0008), one event each, on both paths.
    handed = [e for e in exact["events"] if e["action"] == "succeed"]
    assert handed and {e["payload"]["basis"] for e in handed} <= {"territory", "split"}
    assert all(e["payload"]["from_agency"].startswith("UBND-D-") for e in handed)
    # and the successors' staff act on them the same day.
    assert any(
        e["dossier_id"] == h["dossier_id"] and e["seq"] > h["seq"]
        and e["agency_id"] == h["payload"]["to_agency"] and e["actor_id"]
        for h in handed for e in exact["events"]
    )  # fmt: skip
    assert_same(exact, fast)


def test_verify_audit_passes_on_bulk_data(hanoi_data, clock, capsys):
    simulation_bulk_run(**WINDOW)
    call_command("verify_audit")
    assert "Audit trail intact" in capsys.readouterr().out


# -- chunks and resume --------------------------------------------------------------------------


def test_a_second_bulk_run_skips_the_days_already_done(hanoi_data, clock):
    first = simulation_bulk_run(**{**WINDOW, "end": WINDOW["start"]})
    again = simulation_bulk_run(**WINDOW)
    assert again.days_skipped == 1 and again.days_done == 2
    assert Dossier.objects.count() == first.dossiers + again.dossiers
    assert SimulatedDay.objects.count() == 3


def test_a_bulk_run_leaves_the_planner_statistics_of_the_tables_it_wrote(hanoi_data, clock):
    simulation_bulk_run(**{**WINDOW, "end": WINDOW["start"]})
    with connection.cursor() as cursor:
        for model in (Dossier, DossierEvent, Handover):
            table, rows_written = model._meta.db_table, model.objects.count()
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
                counted = int(cursor.fetchone()[0])  # every row, on a table this small
            else:
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
                counted = int(cursor.fetchone()[0].split()[0])
            assert rows_written > 0 and counted == rows_written, table


def test_the_bulk_path_continues_a_history_written_by_the_services(hanoi_data, clock):
    simulation_run(**{**WINDOW, "end": WINDOW["start"]})
    result = simulation_bulk_run(**WINDOW)
    assert result.days_skipped == 1 and result.days_done == 2
    assert list(chain_breaks()) == []


def test_an_error_in_a_bulk_day_leaves_nothing_of_that_day(hanoi_data, clock, monkeypatch):
    real, calls = bulk._copy if connection.vendor == "postgresql" else bulk._insert, []

    def failing(model, columns, rows_):
        calls.append(model)
        if model is DossierEvent and len([m for m in calls if m is DossierEvent]) == 2:
            raise RuntimeError("the disk is full")
        return real(model, columns, rows_)

    monkeypatch.setattr(bulk, "_copy" if connection.vendor == "postgresql" else "_insert", failing)
    with pytest.raises(RuntimeError, match="disk"):
        simulation_bulk_run(**WINDOW)
    day_two = datetime.combine(WINDOW["start"] + timedelta(days=1), datetime.min.time(), HANOI)
    assert list(SimulatedDay.objects.values_list("day", flat=True)) == [WINDOW["start"]]
    assert not Dossier.objects.filter(submitted_at__gte=day_two).exists()
    assert not DailySequence.objects.filter(day__gt=WINDOW["start"]).exists()
    monkeypatch.setattr(bulk, "_copy" if connection.vendor == "postgresql" else "_insert", real)
    assert simulation_bulk_run(**WINDOW).days_done == 2
    assert list(chain_breaks()) == []


def test_the_codes_continue_the_sequence_a_unit_already_has(hanoi_data, clock):
    day = WINDOW["start"]
    units = list(Site.objects.values_list("unit_id", flat=True))
    DailySequence.objects.bulk_create(DailySequence(unit_id=u, day=day, last=40) for u in units)
    simulation_bulk_run(**{**WINDOW, "end": day})
    by_unit: dict[str, list[int]] = {}
    for code in Dossier.objects.values_list("code", flat=True):
        unit, _, number = code.rpartition("-")
        by_unit.setdefault(unit.rsplit("-", 1)[0], []).append(int(number))
    assert by_unit
    for unit, numbers in by_unit.items():
        assert sorted(numbers) == list(range(41, 41 + len(numbers)))
        assert DailySequence.objects.get(unit_id=unit, day=day).last == 40 + len(numbers)


# -- the pure parts -----------------------------------------------------------------------------


def test_the_dossier_columns_are_all_the_columns_of_the_model():
    assert set(rows.DOSSIER_COLUMNS) == {f.column for f in Dossier._meta.concrete_fields}
    assert set(rows.HANDOVER_COLUMNS) == {f.column for f in Handover._meta.concrete_fields}
    assert set(rows.COMPONENT_COLUMNS) | {"id"} == {
        f.column for f in DossierComponent._meta.concrete_fields
    }
    assert set(rows.EVENT_COLUMNS) | {"id"} == {
        f.column for f in DossierEvent._meta.concrete_fields
    }


# -- foreign keys checked by the day, not by the row (PostgreSQL) -------------------------------


@pytest.mark.parametrize("set_based", [True, False], ids=["by-the-day", "by-triggers"])
def test_a_reference_to_a_missing_row_rolls_the_day_back(hanoi_data, clock, monkeypatch, set_based):
    if connection.vendor != "postgresql":
        pytest.skip("the set-based check is PostgreSQL's; SQLite checks each row as it goes")
    real, at = bulk.dossier_rows, rows.HANDOVER_COLUMNS.index("giver_id")

    def dangling(*args, **kwargs):
        made = real(*args, **kwargs)
        if made.handovers:  # a giver who does not exist
            made.handovers[0] = (*made.handovers[0][:at], 10**9, *made.handovers[0][at + 1 :])
        return made

    monkeypatch.setattr(bulk, "dossier_rows", dangling)
    monkeypatch.setattr(bulk, "_may_skip_reference_triggers", lambda: set_based)
    # An atomic block of its own: the day's rollback must leave the test's one usable.
    with pytest.raises(IntegrityError, match="giver_id"), transaction.atomic():
        simulation_bulk_run(**{**WINDOW, "end": WINDOW["start"]})
        # Outside a test the triggers fire at the day's commit; here the day is a savepoint.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert not SimulatedDay.objects.exists()
    assert not Dossier.objects.exists() and not Handover.objects.exists()


def test_the_day_is_checked_set_by_set_when_the_role_allows_it(hanoi_data, clock, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    checked = []
    real = bulk.references_check
    monkeypatch.setattr(bulk, "references_check", lambda w: checked.append(w) or real(w))
    with transaction.atomic():
        assert bulk._may_skip_reference_triggers(), "the test database's role is a superuser"
    simulation_bulk_run(**{**WINDOW, "end": WINDOW["start"]})
    assert [m for m, _, _ in checked[0]][:4] == [Dossier, DossierComponent, Handover, DossierEvent]
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


@pytest.mark.django_db(transaction=True)
def test_the_referenced_rows_are_locked_until_the_day_commits():
    """As the trigger would: nobody may delete a referenced row while the day is being written."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import psycopg

    User = get_user_model()  # noqa: N806
    user = User.objects.create(username="referenced")
    lock = f"SELECT 1 FROM {User._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT"  # noqa: S608
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"],
        dbname=settings["NAME"], autocommit=True,
    )  # fmt: skip
    try:
        with transaction.atomic():
            bulk.references_check([(Handover, ("id", "giver_id"), [(1, user.pk)])])
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(lock, [user.pk])
        other.execute(lock, [user.pk])
    finally:
        other.close()
        User.objects.filter(pk=user.pk).delete()
