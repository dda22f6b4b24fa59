"""Writing a simulated history fast: the bulk path, from the same plans as the services path.

A day is planned as for the services path (:func:`motcua.simulation.plan.plan_day`); then,
instead of calling a service per action, :func:`motcua.simulation.rows.dossier_rows`
computes the rows those services would leave (``test_bulk`` proves it: both paths give the
same rows for the same seed, hash chains included), and they are written in one transaction
per day with ``COPY`` on PostgreSQL or batched inserts on SQLite, together with the day's
sequence counters and its :class:`~motcua.simulation.models.SimulatedDay` row. As for the
services path, an interrupted run leaves no half-written day and continues where it stopped.

On PostgreSQL, ``workers`` processes each plan and write whole days (a day is independent of
the others: its own random stream, its own dossier codes), one database connection each, so
that planning in Python and indexing in PostgreSQL overlap on the machine's cores.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import time as monotonic_time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.adapt import Dumper
from psycopg.pq import Format

from motcua.core.errors import Conflict
from motcua.dossiers.models import DailySequence, Dossier, DossierComponent, DossierEvent, Handover
from motcua.feedback.models import Complaint, ComplaintEvent, ComplaintSequence, Rating
from motcua.feedback.services import MAX_DAILY_COMPLAINTS, complaint_code
from motcua.simulation.models import SimulatedDay
from motcua.simulation.plan import DossierPlan
from motcua.simulation.rows import (
    COMPLAINT_COLUMNS,
    COMPLAINT_EVENT_COLUMNS,
    COMPONENT_COLUMNS,
    DOSSIER_COLUMNS,
    EVENT_COLUMNS,
    HANDOVER_COLUMNS,
    RATING_COLUMNS,
    Book,
    agency_username,
    complaint_events,
    complaint_tuple,
    dossier_rows,
    handovers_needed,
    officer_username,
)
from motcua.simulation.selectors import book_on
from motcua.simulation.services import (
    DayResult,
    RunResult,
    day_plans,
    simulation_calendar,
    simulation_reorganizations_ensure,
    simulation_samples_store,
    simulation_staff_ensure,
    simulation_until,
    staff_needed,
)
from motcua.worktime.rules import WorkCalendar

#: A session-level lock that serialises the creation of staff accounts between workers.
STAFF_LOCK = 0x6D6F7463  # "motc"
SQLITE_BATCH = 500


def simulation_bulk_run(
    *,
    start: date,
    end: date,
    scale: Decimal,
    seed: int,
    workers: int = 0,
    on_day: Callable[[DayResult], None] | None = None,
) -> RunResult:
    """Simulate every day from ``start`` to ``end`` (inclusive) on the bulk path.

    The same days, plans, skips and cut-off as :func:`~motcua.simulation.services.
    simulation_run`; ``workers`` > 0 (PostgreSQL, outside a transaction) writes days in that
    many processes, each day in its own transaction, in the order they finish. An exception
    (or Ctrl-C) rolls back the days being written and propagates; finished days stay committed.
    """
    until = simulation_until(end)
    simulation_samples_store()
    simulation_reorganizations_ensure(start)
    done = set(
        SimulatedDay.objects.filter(
            seed=seed, scale=scale, day__gte=start, day__lte=end
        ).values_list("day", flat=True)
    )
    result = RunResult(start=start, end=end, until=until)
    todo = []
    day = start
    while day <= end:
        if day in done:
            report = DayResult(day=day, dossiers=0, skipped=True, seconds=0.0)
            result.days.append(report)
            if on_day is not None:
                on_day(report)
        else:
            todo.append(day)
        day += timedelta(days=1)
    # Inside a transaction (a test, a caller's atomic block) the days are written here: other
    # processes could not see what it has not committed, and it must keep its connection.
    parallel = workers and connection.vendor == "postgresql" and not connection.in_atomic_block
    if parallel and len(todo) > 1:
        reports = _in_processes(todo, start, end, scale, seed, until, workers)
    else:
        calendar, calendars = simulation_calendar(start, end), {}
        reports = (
            bulk_simulate_day(day=d, seed=seed, scale=scale, calendar=calendar, until=until,
                              calendars=calendars)
            for d in todo
        )  # fmt: skip
    for report in reports:
        result.days.append(report)
        if on_day is not None:
            on_day(report)
    if todo:
        _analyze()
    result.days.sort(key=lambda r: r.day)
    return result


#: The tables a bulk day writes rows into.
WRITTEN = (
    Dossier, DossierComponent, Handover, DossierEvent, DailySequence,
    Rating, Complaint, ComplaintEvent, ComplaintSequence, SimulatedDay,
)  # fmt: skip


def _analyze() -> None:
    """Refresh the query planner's statistics of the tables just loaded (seconds for a year).

    The server's autovacuum may be off or run late; without statistics the planner takes a
    table of 40 million events for an empty one, and the summary, the figures' rebuild and
    the first reads after a load choose plans that take ten times as long.
    """
    with connection.cursor() as cursor:
        for model in WRITTEN:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def bulk_simulate_day(
    *,
    day: date,
    seed: int,
    scale: Decimal,
    calendar: WorkCalendar,
    until: datetime,
    calendars: dict | None = None,
) -> DayResult:
    """Plan ``day``, make sure its staff accounts exist, and write its rows."""
    with _without_collector():
        return _simulate_day(
            day=day, seed=seed, scale=scale, calendar=calendar, until=until, calendars=calendars
        )


@contextmanager
def _without_collector() -> Iterator[None]:
    """Pause Python's cycle collector for a day: planning and rows allocate millions of small
    containers and no cycles, and its passes over them took a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _simulate_day(*, day, seed, scale, calendar, until, calendars) -> DayResult:
    began = monotonic_time.monotonic()
    plans = day_plans(day=day, seed=seed, scale=scale, calendar=calendar, until=until)
    sites, agencies = staff_needed(plans)
    with _staff_lock():
        simulation_staff_ensure(sites=sites, agencies=agencies)
    usernames = [officer_username(s) for s in sites] + [
        agency_username(a, actor) for a in agencies for actor in ("specialist", "leader")
    ]
    book = book_on(day=day, calendar=calendar, usernames=usernames, calendars=calendars)
    bulk_write_day(day=day, plans=plans, book=book, seed=seed, scale=scale, until=until)
    return DayResult(
        day=day, dossiers=len(plans), skipped=False, seconds=monotonic_time.monotonic() - began
    )


@transaction.atomic
def bulk_write_day(
    *,
    day: date,
    plans: list[DossierPlan],
    book: Book | None,
    seed: int,
    scale: Decimal,
    until: datetime,
) -> SimulatedDay:
    """Write the rows of ``plans`` (the day's dossiers, in order) and mark the day done, in
    one transaction. The codes continue the sequence each unit already has on ``day``."""
    if plans:
        assert book is not None, "a day with dossiers has a regime"
        last = dict(
            DailySequence.objects.select_for_update()
            .filter(day=day, unit_id__in={book.sites[p.site].unit_id for p in plans})
            .values_list("unit_id", "last")
        )
        dossier_ids = _reserve_ids(Dossier, len(plans))
        handover_ids = iter(_reserve_ids(Handover, sum(handovers_needed(p) for p in plans)))
        written_at = timezone.now()
        dossiers, components, handovers, events, ratings, complaints = [], [], [], [], [], []
        for plan, dossier_id in zip(plans, dossier_ids, strict=True):
            unit = book.sites[plan.site].unit_id
            last[unit] = last.get(unit, 0) + 1
            rows = dossier_rows(
                plan, book, dossier_id=dossier_id, sequence=last[unit],
                handover_ids=handover_ids, written_at=written_at,
            )  # fmt: skip
            dossiers.append(rows.dossier)
            components += rows.components
            handovers += rows.handovers
            events += rows.events
            if rows.rating is not None:
                ratings.append(rows.rating)
            complaints += rows.complaints
        with _references_checked_per_day() as write:
            write(Dossier, DOSSIER_COLUMNS, dossiers)
            write(DossierComponent, COMPONENT_COLUMNS, components)
            write(Handover, HANDOVER_COLUMNS, handovers)
            write(DossierEvent, EVENT_COLUMNS, events)
            write(Rating, RATING_COLUMNS, ratings)
            if complaints:
                _write_complaints(complaints, write)
        DailySequence.objects.bulk_create(
            [DailySequence(unit_id=unit, day=day, last=n) for unit, n in sorted(last.items())],
            update_conflicts=True,
            unique_fields=["unit_id", "day"],
            update_fields=["last"],
        )
    return SimulatedDay.objects.create(
        seed=seed, scale=scale, day=day, dossiers=len(plans), until=until
    )


def _write_complaints(complaints: list[dict], write) -> None:
    """Number the complaints (the next numbers of each day they were received on, in the
    order of the plans, as ``complaint_submit`` takes them) and write them with their log.

    Other days' chunks number complaints of the same days: the counters are taken last, in
    the order of the days, after the foreign keys of the chunk are checked, so that another
    worker waits for them as briefly as possible and never in a cycle.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    by_day: dict[date, list[dict]] = {}
    for complaint in complaints:
        by_day.setdefault(timezone.localdate(complaint["received_at"]), []).append(complaint)
    table = ComplaintSequence._meta.db_table
    with connection.cursor() as cursor:
        for day in sorted(by_day):
            cursor.execute(
                f"INSERT INTO {table} (day, last) VALUES (%s, %s) "  # noqa: S608
                f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + excluded.last "
                "RETURNING last",
                [day, len(by_day[day])],
            )
            (last,) = cursor.fetchone()
            if last > MAX_DAILY_COMPLAINTS:
                raise Conflict(_("Too many complaints today; try again tomorrow."))
            first = last - len(by_day[day]) + 1
            for number, complaint in enumerate(by_day[day], start=first):
                complaint["code"] = complaint_code(day, number)
    for complaint, pk in zip(complaints, _reserve_ids(Complaint, len(complaints)), strict=True):
        complaint["id"] = pk
    write(Complaint, COMPLAINT_COLUMNS, [complaint_tuple(c) for c in complaints])
    write(
        ComplaintEvent,
        COMPLAINT_EVENT_COLUMNS,
        [row for c in complaints for row in complaint_events(c["id"], c)],
    )


# -- writing ------------------------------------------------------------------------------------


@contextmanager
def _references_checked_per_day() -> Iterator[Callable[[type, tuple[str, ...], list[tuple]], None]]:
    """A writer of a day's rows whose foreign keys are checked together, not row by row.

    PostgreSQL checks a foreign key with a trigger per row: one ``SELECT … FOR KEY SHARE``
    of the referenced row for each reference, about 1.1 million a day at scale 1 and 44 % of
    the server's work. Where the connection may set ``session_replication_role`` (a
    superuser, or PostgreSQL 15's ``GRANT SET ON PARAMETER``), the rows are copied with those
    triggers off and every reference is checked here instead, before the day commits: a
    reference to a row written in the same transaction against the ids written, any other
    with one ``SELECT … FOR KEY SHARE`` per referenced table — the same lock the trigger
    takes, so a referenced row cannot be deleted before the day commits. A missing row
    raises :class:`~django.db.IntegrityError` and the day is rolled back, as the trigger
    would. Unique, not-null and check constraints are indexes and table checks: they still
    apply row by row. Elsewhere (SQLite, or without the privilege) the triggers do the work.
    """
    if connection.vendor != "postgresql":
        yield _insert
        return
    if not _may_skip_reference_triggers():
        yield _copy
        return
    written: list[tuple[type, tuple[str, ...], list[tuple]]] = []

    def write(model, columns, rows):
        _copy(model, columns, rows)
        written.append((model, columns, rows))

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    # On an error the day's transaction rolls back, and the setting with it.
    yield write
    references_check(written)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = origin")


def references_check(written: list[tuple[type, tuple[str, ...], list[tuple]]]) -> None:
    """Check every foreign key of ``written`` (model, columns, rows) set by set: see
    :func:`_references_checked_per_day`."""
    ids: dict[type, set] = {}
    for model, columns, rows in written:
        if "id" in columns:
            at = columns.index("id")
            ids.setdefault(model, set()).update(row[at] for row in rows)
    with connection.cursor() as cursor:
        for model, columns, rows in written:
            for at, column in enumerate(columns):
                field = _foreign_key(model, column)
                if field is None:
                    continue
                target, key = field.related_model, field.target_field.column
                values = {row[at] for row in rows} - {None}
                if key == "id":
                    values -= ids.get(target, set())
                if not values:
                    continue
                table, quoted = target._meta.db_table, connection.ops.quote_name(key)
                cursor.execute(
                    f"SELECT {quoted} FROM {table} WHERE {quoted} = ANY(%s) FOR KEY SHARE",  # noqa: S608
                    [sorted(values)],
                )
                missing = values - {row[0] for row in cursor.fetchall()}
                if missing:
                    raise IntegrityError(
                        f"{model._meta.db_table}.{column} refers to no row of {table}.{key}: "
                        f"{sorted(missing)[:10]} ({len(missing)} missing)"
                    )


def _foreign_key(model, column: str):
    for field in model._meta.concrete_fields:
        if field.column == column:
            return field if field.is_relation and field.many_to_one else None
    return None


_may_skip: dict[str, bool] = {}


def _may_skip_reference_triggers() -> bool:
    """Whether this connection's role may set ``session_replication_role`` (once per process
    and database)."""
    key = connection.settings_dict["NAME"]
    if key not in _may_skip:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
                raise _Allowed  # roll the savepoint (and the setting) back
        except _Allowed:
            _may_skip[key] = True
        except DatabaseError:
            _may_skip[key] = False
    return _may_skip[key]


class _Allowed(Exception):
    pass


def _reserve_ids(model, count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, taken from its sequence."""
    if not count:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        # SQLite (AUTOINCREMENT): after the largest id ever given; inserting explicit ids
        # moves its counter past them. The writer holds the database's write lock.
        cursor.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "  # noqa: S608
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


#: Columns that :mod:`~motcua.simulation.rows` gives as JSON text.
_JSON_COLUMNS = {"forms", "payload"}


def _copy(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY ``rows`` into ``model``'s table (PostgreSQL), in the binary format: half the
    client's work of the text format, and nothing for the server to parse."""
    if not rows:
        return
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        types = _column_types(cursor, table, columns)
        cursor.adapters.register_dumper(None, _JsonText)
        with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            write = copy.write_row
            for row in rows:
                write(row)


class _JsonText(Dumper):
    """A ``jsonb`` value of a binary COPY from the JSON text the rows hold."""

    format = Format.BINARY
    oid = 3802  # jsonb

    def dump(self, obj: str) -> bytes:
        return b"\x01" + obj.encode()


_types: dict[tuple[str, tuple[str, ...]], list[int]] = {}


def _column_types(cursor, table: str, columns: tuple[str, ...]) -> list[int]:
    """The type oids of ``columns`` (the binary format needs them), read once per process."""
    key = (table, columns)
    if key not in _types:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        oids = dict(cursor.fetchall())
        _types[key] = [oids[c] for c in columns]
    return _types[key]


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` into ``model``'s table in batches (SQLite), through the model's fields
    so that values are stored as the ORM stores them."""
    as_json = [i for i, c in enumerate(columns) if c in _JSON_COLUMNS]

    def instance(row: tuple):
        values = dict(zip(columns, row, strict=True))
        for i in as_json:
            values[columns[i]] = json.loads(row[i])
        return model(**values)

    model.objects.bulk_create(map(instance, rows), batch_size=SQLITE_BATCH)


@contextmanager
def _staff_lock() -> Iterator[None]:
    """Serialise staff creation between the workers of a run (PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [STAFF_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [STAFF_LOCK])


# -- processes ----------------------------------------------------------------------------------

_worker: dict = {}


#: In a forked worker, the parent's connections and pools, kept referenced and never used.
_inherited: list = []


def _forget_inherited_connections() -> None:
    """In a forked worker: give up whatever connection or pool the parent still held at the
    fork (a pool another thread of the parent re-opened, say) without closing it — closing
    would end the parent's session, using it would interleave two processes' messages on one
    socket ("lost synchronization with server"). The worker then opens its own."""
    for alias in connections:
        wrapper = connections[alias]
        pools = getattr(type(wrapper), "_connection_pools", None)
        if pools:
            _inherited.append(dict(pools))
            pools.clear()
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None


def _worker_start(start: date, end: date) -> None:
    _forget_inherited_connections()
    _worker["calendar"] = simulation_calendar(start, end)
    _worker["calendars"] = {}


def _worker_day(args) -> DayResult:
    day, seed, scale, until = args
    with connection.cursor() as cursor:
        # A crash loses whole days (each commits with its SimulatedDay row), never half one.
        cursor.execute("SET synchronous_commit = off")
    return bulk_simulate_day(
        day=day, seed=seed, scale=scale, calendar=_worker["calendar"], until=until,
        calendars=_worker["calendars"],
    )  # fmt: skip


def _in_processes(days, start, end, scale, seed, until, workers) -> Iterator[DayResult]:
    # Children must open their own connections: a socket shared across a fork is corrupted,
    # and a psycopg pool (the default) would hand the parent's sockets to every child.
    for alias in connections:
        connections[alias].close()
        close_pool = getattr(connections[alias], "close_pool", None)
        if close_pool is not None:
            close_pool()
    context = multiprocessing.get_context("fork")
    pool = context.Pool(workers, initializer=_worker_start, initargs=(start, end))
    try:
        yield from pool.imap_unordered(
            _worker_day, [(day, seed, scale, until) for day in days], chunksize=1
        )
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
