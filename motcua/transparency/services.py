"""Keeping the portal's figures current: the fold, and the rebuild.

- :func:`figures_fold` reads the rows added since its watermark to three append-only tables
  (dossier events, ratings, complaints), turns each into counter deltas with the pure
  functions of :mod:`motcua.transparency.measures`, and adds them to :class:`Figure` rows, in
  one transaction with the new watermarks. Nothing is added to the dossier services' write
  path: the fold runs when the portal is read (:func:`figures_fold_if_due`, at most once per
  ``READ_FOLD_SECONDS``), from ``motcua fold-figures``, and after a simulation.
- :func:`figures_rebuild` recomputes a range of days from the dossier tables with a few
  ``GROUP BY`` queries per measure: a repair tool, and the way to count a bulk load.

Both take the fold's lock (the :class:`FoldState` rows), so a rebuild and a fold never count
the same event twice. A fold that finds the lock taken skips (a page read never waits for it).
"""

from __future__ import annotations

import logging
import re
import time as monotonic
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, ExtractHour, ExtractMinute, Greatest, Least, TruncDate

from motcua.core import clock
from motcua.core.refcache import reference_cache
from motcua.dossiers.models import Dossier, DossierComponent, DossierEvent
from motcua.feedback.models import Complaint, Rating
from motcua.organization.choices import SiteKind
from motcua.organization.models import Site
from motcua.transparency import measures, watermark
from motcua.transparency.choices import CITY_KEY, Dimension, FoldSource, MarkKind
from motcua.transparency.measures import DossierFacts, EventFacts
from motcua.transparency.models import DossierMark, Figure, FoldState
from motcua.worktime.rules import DEFAULT_OFFICE_HOURS, HANOI, WorkCalendar, parse_office_hours
from motcua.worktime.selectors import calendar_for

logger = logging.getLogger(__name__)

#: Rows read from each table by one fold.
FOLD_BATCH = 20_000
#: A page or API read folds at most once per this many seconds (per cache).
READ_FOLD_SECONDS = 30
#: Rows read by a fold that a page read starts: small, so the page stays quick.
READ_FOLD_BATCH = 5_000
READ_FOLD_CACHE_KEY = "transparency:fold-due"


# -- reference: sites, their branches and office hours -------------------------------------------


@dataclass(frozen=True)
class SiteInfo:
    code: str
    branch: str | None  # the code of the branch it counts for
    hours: tuple | None  # its office hours, when not the default


def site_infos(*, wanted: Iterable[int] = (), fresh: bool = False) -> dict[int, SiteInfo]:
    """Every site by id, with the branch it counts for (itself, or its parent branch).

    Cached as reference data; read afresh when a site in ``wanted`` is missing (one added in
    another process within the cache's lifetime), so that no dossier loses its site's row.
    """

    def read() -> dict[int, SiteInfo]:
        rows = list(Site.objects.values("pk", "code", "kind", "parent_id", "office_hours"))
        by_id = {r["pk"]: r for r in rows}
        out = {}
        for r in rows:
            parent = by_id.get(r["parent_id"])
            if r["kind"] == SiteKind.BRANCH:
                branch = r["code"]
            elif parent is not None and parent["kind"] == SiteKind.BRANCH:
                branch = parent["code"]
            else:
                branch = None
            hours = tuple(tuple(p) for p in r["office_hours"]) if r["office_hours"] else None
            out[r["pk"]] = SiteInfo(code=r["code"], branch=branch, hours=hours)
        return out

    if fresh:
        return read()
    infos = reference_cache.get_or_set(("transparency", "sites"), read)
    if any(pk not in infos for pk in wanted):
        infos = read()
    return infos


def branch_of_code(*, wanted: Iterable[str] = (), fresh: bool = False) -> dict[str, str | None]:
    """Each site's code → the code of the branch it counts for (``None`` for none)."""
    out = {info.code: info.branch for info in site_infos(fresh=fresh).values()}
    if not fresh and any(code not in out for code in wanted):
        out = {info.code: info.branch for info in site_infos(fresh=True).values()}
    return out


def _calendar(hours: tuple | None, first: date, last: date) -> WorkCalendar:
    """The working calendar with ``hours``, covering ``first``–``last``."""
    return calendar_for(hours, first, last)


# -- accumulating deltas -----------------------------------------------------------------------


@dataclass
class Deltas:
    """Counter deltas by (day, dimension, key), added up before they are written."""

    rows: dict[tuple[date, str, str], dict[str, int]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def add(self, day: date, units: Iterable[tuple[str, str]], deltas: Mapping[str, int]) -> None:
        for kind, key in units:
            measures.add_into(self.rows[(day, kind, key)], deltas)

    def __len__(self) -> int:
        return len(self.rows)


def _write(deltas: Deltas, *, fresh: bool = False) -> int:
    """Add ``deltas`` to the :class:`Figure` rows (creating the missing ones; all of them when
    ``fresh``, after a delete). The caller holds the fold's lock, so nothing else writes these
    rows meanwhile."""
    wanted = {k: v for k, v in deltas.rows.items() if any(v.values())}
    if not wanted:
        return 0
    days = {d for d, _, _ in wanted}
    kinds = {k for _, k, _ in wanted}
    keys = {k for _, _, k in wanted}
    existing = (
        {}
        if fresh
        else {
            (f.day, f.kind, f.key): f
            for f in Figure.objects.filter(day__in=days, kind__in=kinds, key__in=keys)
        }
    )
    changed, new, touched = [], [], set()
    for (day, kind, key), counters in wanted.items():
        figure = existing.get((day, kind, key))
        if figure is None:
            new.append(Figure(day=day, kind=kind, key=key, **counters))
            continue
        for name, value in counters.items():
            setattr(figure, name, getattr(figure, name) + value)
            touched.add(name)
        changed.append(figure)
    if changed:
        Figure.objects.bulk_update(changed, sorted(touched), batch_size=500)
    if new:
        Figure.objects.bulk_create(new, batch_size=1000)
    return len(wanted)


# -- the fold ------------------------------------------------------------------------------------


@dataclass
class FoldResult:
    events: int = 0
    ratings: int = 0
    complaints: int = 0
    figures: int = 0

    @property
    def rows(self) -> int:
        return self.events + self.ratings + self.complaints


def _ensure_states() -> None:
    existing = set(FoldState.objects.values_list("source", flat=True))
    missing = [FoldState(source=s) for s in FoldSource.values if s not in existing]
    if missing:
        FoldState.objects.bulk_create(missing, ignore_conflicts=True)


def _lock_states(*, wait: bool) -> dict[str, FoldState] | None:
    """Lock the three fold states (inside a transaction); ``None`` when another fold holds
    them and ``wait`` is false."""
    rows = FoldState.objects.select_for_update(skip_locked=not wait).order_by("source")
    states = {s.source: s for s in rows}
    if len(states) < len(FoldSource.values):
        return None
    return states


def _pending(state: FoldState) -> Q:
    q = Q(pk__gt=state.watermark)
    for gap in state.gaps:
        first, last, _ = gap
        q |= Q(pk__gte=first, pk__lte=last)
    return q


def _advance(state: FoldState, seen: Iterable[int], now: datetime) -> None:
    state.watermark, gaps = watermark.advance(
        watermark=state.watermark,
        gaps=[watermark.Gap.of(g) for g in state.gaps],
        seen_ids=seen,
        now=now.timestamp(),
    )
    state.gaps = [g.as_json() for g in gaps]
    state.folded_at = now


def _folded(state: FoldState, identifier: int) -> bool:
    return watermark.folded(
        identifier, watermark=state.watermark, gaps=[watermark.Gap.of(g) for g in state.gaps]
    )


DOSSIER_FIELDS = (
    "pk",
    "channel",
    "deemed_received_at",
    "outside_territory",
    "applicant_phone",
    "applicant_id_number",
    "fee_due",
    "fee_paid",
    "payment_method",
    "timeliness",
    "supplement_count",
    "finished_at",
    "result_sha256",
    "receiving_site_id",
    "competent_agency__code",
    "procedure__code",
)


@dataclass(frozen=True)
class DossierRow:
    facts: DossierFacts
    site_id: int
    units: tuple[tuple[str, str], ...]


def _dossier_rows(
    ids: Iterable[int], *, completed: set[int] = frozenset()
) -> dict[int, DossierRow]:
    """The facts and units of dossiers ``ids``; for those in ``completed``, also their
    components and pauses (three queries at most)."""
    ids = set(ids)
    if not ids:
        return {}
    rows = list(Dossier.objects.filter(pk__in=ids).values(*DOSSIER_FIELDS))
    sites = site_infos(wanted={r["receiving_site_id"] for r in rows})
    components: dict[int, tuple[int, int]] = {}
    pauses: dict[int, int] = {}
    if completed:
        for r in (
            DossierComponent.objects.filter(dossier_id__in=completed, received=True)
            .values("dossier_id")
            .annotate(n=Count("pk"), d=Count("pk", filter=Q(digitised_at__isnull=False)))
            .order_by()
        ):
            components[r["dossier_id"]] = (r["n"], r["d"])
        for r in (
            DossierEvent.objects.filter(dossier_id__in=completed, action__in=measures.RESUMES)
            .values("dossier_id")
            .annotate(m=Sum(Cast(KT("payload__paused_working_minutes"), IntegerField())))
            .order_by()
        ):
            pauses[r["dossier_id"]] = r["m"] or 0
    out = {}
    for r in rows:
        received, digitised = components.get(r["pk"], (0, 0))
        site = sites.get(r["receiving_site_id"])
        facts = DossierFacts(
            channel=r["channel"],
            deemed_received_at=r["deemed_received_at"],
            outside_territory=r["outside_territory"],
            has_verifier=bool(r["applicant_phone"] or r["applicant_id_number"]),
            fee_due=r["fee_due"],
            fee_paid=r["fee_paid"],
            payment_method=r["payment_method"],
            timeliness=r["timeliness"],
            supplement_count=r["supplement_count"],
            finished_at=r["finished_at"],
            electronic_result=bool(r["result_sha256"]),
            components_received=received,
            components_digitised=digitised,
            paused_minutes=pauses.get(r["pk"], 0),
        )
        out[r["pk"]] = DossierRow(
            facts=facts,
            site_id=r["receiving_site_id"],
            units=tuple(
                measures.units(
                    site=site.code if site else None,
                    branch=site.branch if site else None,
                    agency=r["competent_agency__code"],
                    procedure=r["procedure__code"],
                )
            ),
        )
    return out


def _dossier_calendar(row: DossierRow, start: datetime, end: datetime) -> WorkCalendar:
    site = site_infos().get(row.site_id)
    first, last = sorted((measures.hanoi_day(start), measures.hanoi_day(end)))
    return _calendar(site.hours if site else None, first, last)


def _fold_events(state: FoldState, *, limit: int, now: datetime, deltas: Deltas) -> int:
    """Fold the dossier events after ``state``'s watermark (and in its gaps)."""
    rows = list(
        DossierEvent.objects.filter(_pending(state))
        .order_by("pk")
        .values_list("pk", "dossier_id", "action", "at", "from_status")[:limit]
    )
    wanted = [r for r in rows if r[2] in measures.FOLDED_ACTIONS]
    completed = {r[1] for r in wanted if r[2] == measures.COMPLETE}
    dossiers = _dossier_rows({r[1] for r in wanted}, completed=completed)
    for _, dossier_id, action, at, from_status in wanted:
        row = dossiers[dossier_id]
        event = EventFacts(action=action, at=at, from_status=from_status)
        calendar = None
        if action == measures.COMPLETE and row.facts.deemed_received_at is not None:
            calendar = _dossier_calendar(row, row.facts.deemed_received_at, at)
        for day, counters in measures.event_deltas(event, row.facts, calendar or WorkCalendar()):
            deltas.add(day, row.units, counters)
    # A result completed now counts as flagged if a complaint or rating flagged it before.
    if completed:
        flagged = set(
            DossierMark.objects.filter(kind=MarkKind.FLAGGED, dossier_id__in=completed).values_list(
                "dossier_id", flat=True
            )
        )
        for dossier_id in flagged:
            row = dossiers[dossier_id]
            deltas.add(measures.hanoi_day(row.facts.finished_at), row.units, {"flagged": 1})
    # Paid online is what the dossier records now; the mark says what the figures count.
    paying = {r[1] for r in wanted if r[2] in (measures.RECEIVE, measures.PAY)}
    _recount_payments({d: dossiers[d] for d in paying}, deltas)
    _advance(state, [r[0] for r in rows], now)
    return len(rows)


def _recount_payments(dossiers: Mapping[int, DossierRow], deltas: Deltas) -> None:
    if not dossiers:
        return
    counted = set(
        DossierMark.objects.filter(
            kind=MarkKind.PAID_ONLINE, dossier_id__in=list(dossiers)
        ).values_list("dossier_id", flat=True)
    )
    add, remove = [], []
    for dossier_id, row in dossiers.items():
        if row.facts.deemed_received_at is None:
            continue
        was, now = dossier_id in counted, measures.paid_online(row.facts)
        delta = measures.mark_delta(counted=was, now=now)
        if delta:
            deltas.add(
                measures.hanoi_day(row.facts.deemed_received_at), row.units, {"paid_online": delta}
            )
            (add if delta > 0 else remove).append(dossier_id)
    DossierMark.objects.bulk_create(
        [DossierMark(dossier_id=d, kind=MarkKind.PAID_ONLINE) for d in add]
    )
    if remove:
        DossierMark.objects.filter(kind=MarkKind.PAID_ONLINE, dossier_id__in=remove).delete()


def _fold_feedback(
    states: Mapping[str, FoldState], *, limit: int, now: datetime, deltas: Deltas
) -> tuple[int, int]:
    """Fold new ratings and complaints; mark the dossiers they flag (5.4)."""
    ratings = list(
        Rating.objects.filter(_pending(states[FoldSource.RATINGS]))
        .order_by("pk")
        .values_list("pk", "dossier_id", "level", "survey_points", "rated_at")[:limit]
    )
    complaints = list(
        Complaint.objects.filter(_pending(states[FoldSource.COMPLAINTS]))
        .order_by("pk")
        .values_list(
            "pk", "dossier_id", "kind", "received_at", "site__code", "agency__code",
            "dossier__procedure__code",
        )[:limit]
    )  # fmt: skip
    dossiers = _dossier_rows(r[1] for r in ratings)
    candidates: set[int] = set()
    for _, dossier_id, level, points, rated_at in ratings:
        day, counters = measures.rating_deltas(level=level, survey_points=points, rated_at=rated_at)
        deltas.add(day, dossiers[dossier_id].units, counters)
        if measures.flags(rating_level=level):
            candidates.add(dossier_id)
    branches = branch_of_code(wanted={r[4] for r in complaints if r[4]})
    for _, dossier_id, kind, received_at, site, agency, procedure in complaints:
        day, counters = measures.complaint_deltas(kind=kind, received_at=received_at)
        units = measures.units(
            site=site, branch=branches.get(site) if site else None, agency=agency,
            procedure=procedure,
        )  # fmt: skip
        deltas.add(day, units, counters)
        if dossier_id is not None and measures.flags(complaint_kind=kind):
            candidates.add(dossier_id)
    _advance(states[FoldSource.RATINGS], [r[0] for r in ratings], now)
    _advance(states[FoldSource.COMPLAINTS], [r[0] for r in complaints], now)
    _flag(candidates, states[FoldSource.EVENTS], deltas)
    return len(ratings), len(complaints)


def _flag(candidates: set[int], events: FoldState, deltas: Deltas) -> None:
    """Mark ``candidates`` flagged, once each; those whose completion is already counted add
    1 to ``flagged`` on the day they finished (the others will when it is)."""
    if not candidates:
        return
    already = set(
        DossierMark.objects.filter(kind=MarkKind.FLAGGED, dossier_id__in=candidates).values_list(
            "dossier_id", flat=True
        )
    )
    new = candidates - already
    if not new:
        return
    DossierMark.objects.bulk_create([DossierMark(dossier_id=d, kind=MarkKind.FLAGGED) for d in new])
    completions = DossierEvent.objects.filter(
        dossier_id__in=new, action=measures.COMPLETE
    ).values_list("pk", "dossier_id", "at")
    counted = [(d, at) for pk, d, at in completions if _folded(events, pk)]
    if counted:
        dossiers = _dossier_rows(d for d, _ in counted)
        for dossier_id, at in counted:
            deltas.add(measures.hanoi_day(at), dossiers[dossier_id].units, {"flagged": 1})


def _fold(states: Mapping[str, FoldState], *, limit: int, now: datetime) -> FoldResult:
    deltas = Deltas()
    result = FoldResult()
    result.events = _fold_events(states[FoldSource.EVENTS], limit=limit, now=now, deltas=deltas)
    result.ratings, result.complaints = _fold_feedback(states, limit=limit, now=now, deltas=deltas)
    result.figures = _write(deltas)
    for state in states.values():
        state.save(update_fields=["watermark", "gaps", "folded_at"])
    return result


def figures_fold(*, limit: int = FOLD_BATCH, wait: bool = True) -> FoldResult | None:
    """Fold up to ``limit`` new rows of each table into the figures, in one transaction.

    Return what was folded, or ``None`` when another fold (or a rebuild) holds the lock and
    ``wait`` is false. Run it again until it folds fewer than ``limit`` rows to catch up.
    """
    _ensure_states()
    with transaction.atomic():
        states = _lock_states(wait=wait)
        if states is None:
            return None
        return _fold(states, limit=limit, now=clock.now())


def figures_fold_all(*, limit: int = FOLD_BATCH) -> FoldResult:
    """Fold until caught up; one transaction per batch. Return the totals."""
    total = FoldResult()
    while True:
        result = figures_fold(limit=limit)
        assert result is not None  # noqa: S101 — a waiting fold always gets the lock
        for name in ("events", "ratings", "complaints", "figures"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
        if max(result.events, result.ratings, result.complaints) < limit:
            return total


def figures_fold_if_due() -> FoldResult | None:
    """The fold a portal read starts: at most once per ``READ_FOLD_SECONDS`` (through the
    cache), a small batch, never waiting for a lock, never failing the page: the figures are
    then as of the previous fold."""
    if not cache.add(READ_FOLD_CACHE_KEY, True, timeout=READ_FOLD_SECONDS):
        return None
    try:
        with _brief_wait():
            return figures_fold(limit=READ_FOLD_BATCH, wait=False)
    except DatabaseError:
        # SQLite answers "database is locked" while a long write (a simulated day) runs.
        logger.warning("Figures not folded on read: the database is busy", exc_info=True)
        return None


@contextmanager
def _brief_wait():
    """On SQLite, where a writer waits for the whole database, wait a moment only: a page
    should not hang behind a long transaction for the sake of fresher figures."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    usual = int(float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


# -- the rebuild ---------------------------------------------------------------------------------


def _minutes_into_day(field_name: str, hours: tuple) -> Sum:
    """The working minutes elapsed on its own Hanoi day at ``field_name``, summed (SQL)."""
    minute = ExtractHour(field_name, tzinfo=HANOI) * 60 + ExtractMinute(field_name, tzinfo=HANOI)
    total = None
    for opening, closing in hours:
        a, b = opening.hour * 60 + opening.minute, closing.hour * 60 + closing.minute
        part = Greatest(Least(minute, Value(b)), Value(a)) - Value(a)
        total = part if total is None else total + part
    return Sum(total, output_field=IntegerField())


@dataclass(frozen=True)
class Paths:
    """How a query's rows name their site, agency and procedure codes."""

    site: str | None
    agency: str | None
    procedure: str | None

    def by_kind(self) -> dict[str, str | None]:
        return {
            Dimension.CITY: None,
            Dimension.SITE: self.site,
            Dimension.AGENCY: self.agency,
            Dimension.PROCEDURE: self.procedure,
        }


EVENT_PATHS = Paths(
    "dossier__receiving_site__code", "dossier__competent_agency__code", "dossier__procedure__code"
)
DOSSIER_PATHS = Paths("receiving_site__code", "competent_agency__code", "procedure__code")
COMPLAINT_PATHS = Paths("site__code", "agency__code", "dossier__procedure__code")


def _by_dimension(
    queryset: QuerySet, *, groups: dict, paths: Paths, annotations: dict
) -> Iterator[tuple[tuple, str, str, tuple]]:
    """``annotations`` (additive aggregates: counts and sums) of ``queryset`` grouped by
    ``groups`` and by each dimension in turn: ``(group values, dimension, key, aggregates)``
    rows, the city's under :data:`CITY_KEY`. A row whose key is NULL (a complaint about no
    site) counts for the city only. Sites' rows are not added into their branches here.

    One scan of the table: the query groups by ``groups`` and every dimension's code at once;
    on PostgreSQL an outer ``GROUPING SETS`` query adds those groups up per dimension, so that
    Python reads a row per unit and day instead of the 8.1 million fine groups of the
    generated year (the rebuild's Python CPU there: 127 s before, 31 s after); elsewhere
    Python adds up the fine groups.
    """
    codes = {kind: path for kind, path in paths.by_kind().items() if path}
    keys = [f"key_{kind}" for kind in codes]
    names = list(annotations)
    fine = (
        queryset.values(**groups, **{f"key_{kind}": F(path) for kind, path in codes.items()})
        .annotate(**annotations)
        .order_by()
        .values_list(*groups, *keys, *names)
    )
    width = len(groups)
    if connection.vendor != "postgresql":
        for r in fine:
            head, sums = r[:width], r[width + len(keys) :]
            yield head, Dimension.CITY, CITY_KEY, sums
            for kind, key in zip(codes, r[width : width + len(keys)], strict=True):
                if key is not None:
                    yield head, kind, key, sums
        return
    quote = connection.ops.quote_name
    head = [quote(g) for g in groups]
    sets = ", ".join(f"({', '.join(head + extra)})" for extra in ([], *([quote(k)] for k in keys)))
    sql, params = fine.query.sql_with_params()
    outer = (
        f"SELECT {', '.join(head + [quote(k) for k in keys])}, "  # noqa: S608 — quoted names
        f"GROUPING({', '.join(quote(k) for k in keys)}), "
        + ", ".join(f"SUM({quote(n)})" for n in names)
        + f" FROM ({sql}) q GROUP BY GROUPING SETS ({sets})"
    )
    # GROUPING() has a bit per key, the first key the highest, set when the row's set leaves
    # that key out: all set for the city's rows, all but one for a dimension's.
    everything = (1 << len(keys)) - 1
    dimension_of = {
        everything ^ (1 << (len(keys) - 1 - i)): (i, kind) for i, kind in enumerate(codes)
    }
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        for r in cursor:
            bits, sums = r[width + len(keys)], r[width + len(keys) + 1 :]
            if bits == everything:
                yield r[:width], Dimension.CITY, CITY_KEY, sums
                continue
            index, kind = dimension_of[bits]
            key = r[width + index]
            if key is not None:
                yield r[:width], kind, key, sums


def _grouped(
    queryset: QuerySet, *, day: str, paths: Paths, annotations: dict, deltas: Deltas,
    reads: Reads,
) -> None:  # fmt: skip
    """Add ``annotations`` by Hanoi ``day`` to the city's, each site's (and its branch's),
    each agency's and each procedure's rows (see :func:`_by_dimension`)."""
    branches = branch_of_code(fresh=True)
    names = list(annotations)

    def take(rows: list) -> None:
        for (day_,), kind, key, sums in rows:
            deltas.add(
                day_, _units(kind, key, branches),
                {k: int(v or 0) for k, v in zip(names, sums, strict=True)},
            )  # fmt: skip

    reads.add(
        lambda: list(
            _by_dimension(
                queryset,
                groups={"day_": TruncDate(day, tzinfo=HANOI)},
                paths=paths,
                annotations=annotations,
            )  # fmt: skip
        ),
        take,
    )


def _units(kind: str, key: str, branches: Mapping[str, str | None]) -> list[tuple[str, str]]:
    """The rows a ``_by_dimension`` row adds to: its own, and a site's branch too."""
    if kind == Dimension.SITE and branches.get(key):
        return [(kind, key), (Dimension.BRANCH, branches[key])]
    return [(kind, key)]


def _between(field_name: str, first: date | None, last: date | None) -> Q:
    """Rows whose ``field_name`` falls on ``first``–``last`` (Hanoi days); every row when the
    range is ``None`` (the rebuild of everything) and the field is set."""
    if first is None or last is None:
        return Q(**{f"{field_name}__isnull": False})
    start = datetime.combine(first, datetime.min.time(), HANOI)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), HANOI)
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def _rebuild_dossiers(first: date | None, last: date | None, deltas: Deltas, reads: Reads) -> None:
    received = DossierEvent.objects.filter(
        _between("dossier__deemed_received_at", first, last), action=measures.RECEIVE
    )
    d = "dossier__"
    _grouped(
        received,
        day=f"{d}deemed_received_at",
        paths=EVENT_PATHS,
        annotations={
            "received": Count("pk"),
            "received_online": Count("pk", filter=Q(**{f"{d}channel": measures.ONLINE})),
            "received_post": Count("pk", filter=Q(**{f"{d}channel": measures.POST})),
            "outside_territory": Count("pk", filter=Q(**{f"{d}outside_territory": True})),
            "lookup_ready": Count(
                "pk",
                filter=~Q(**{f"{d}applicant_phone": ""}) | ~Q(**{f"{d}applicant_id_number": ""}),
            ),
            "fee_bearing": Count("pk", filter=Q(**{f"{d}fee_due__gt": 0})),
            "paid_online": Count(
                "pk",
                filter=Q(
                    **{
                        f"{d}fee_due__gt": 0,
                        f"{d}fee_paid__gt": 0,
                        f"{d}payment_method": measures.ONLINE,
                    }
                ),
            ),  # fmt: skip
        },
        deltas=deltas,
        reads=reads,
    )
    _grouped(
        DossierEvent.objects.filter(_between("at", first, last), action=measures.RECEIVE),
        day="at", paths=EVENT_PATHS, annotations={"opened": Count("pk")},
        deltas=deltas, reads=reads,
    )  # fmt: skip
    _grouped(
        DossierEvent.objects.filter(
            _between("at", first, last),
            action__in=(measures.WITHDRAW, measures.STOP),
            from_status__in=measures.OPEN_STATUSES,
        ),
        day="at", paths=EVENT_PATHS, annotations={"closed": Count("pk")},
        deltas=deltas, reads=reads,
    )  # fmt: skip
    finished = Dossier.objects.filter(_between("finished_at", first, last)).exclude(outcome="")
    supplemented = Q(supplement_count__gt=1)
    undigitised = DossierComponent.objects.filter(
        dossier=OuterRef("pk"), received=True, digitised_at__isnull=True
    )
    flagged = Exists(
        Rating.objects.filter(dossier=OuterRef("pk"), level=measures.NOT_SATISFIED)
    ) | Exists(Complaint.objects.filter(dossier=OuterRef("pk"), kind=measures.COMPLAINT))
    _grouped(
        finished,
        day="finished_at",
        paths=DOSSIER_PATHS,
        annotations={
            "finished": Count("pk"),
            "early": Count("pk", filter=Q(timeliness=measures.EARLY) & ~supplemented),
            "on_time": Count("pk", filter=Q(timeliness=measures.ON_TIME) & ~supplemented),
            "late": Count("pk", filter=Q(timeliness=measures.LATE) | supplemented),
            "closed": Count("pk"),
            "digitised": Count("pk", filter=~Q(result_sha256="") & ~Exists(undigitised)),
            "flagged": Count("pk", filter=flagged),
        },
        deltas=deltas,
        reads=reads,
    )
    _rebuild_processing(finished, deltas, reads)


def _rebuild_processing(finished: QuerySet, deltas: Deltas, reads: Reads) -> None:
    """Indicator 2.2's working minutes, by the day each dossier finished.

    The working time between two instants is ``W(end) − W(start)``, where ``W`` counts the
    working minutes since a fixed day: the working days before the instant's date times the
    day's length, plus the working minutes of its date up to the instant. Summed over
    dossiers, the first part needs only how many dossiers there are per date, and the second
    is a sum SQL can do; so the rows group by (finish date, receipt date, unit) rather than
    one per dossier. Sites with other office hours are counted apart.
    """
    by_hours: dict[tuple | None, list[int]] = defaultdict(list)
    for pk, info in site_infos(fresh=True).items():
        by_hours[info.hours].append(pk)
    branches = branch_of_code(fresh=True)
    for hours, ids in by_hours.items():
        periods = parse_office_hours(hours) if hours else DEFAULT_OFFICE_HOURS
        members = finished.filter(receiving_site_id__in=ids, deemed_received_at__isnull=False)

        def take(rows: list, hours: tuple | None = hours) -> None:
            if not rows:
                return
            first = min(min(f, d) for (f, d), *_ in rows)
            last = max(max(f, d) for (f, d), *_ in rows)
            calendar = _calendar(hours, first, last)
            before = _working_days_before(calendar, first, last)
            length = int(calendar.day_length // timedelta(minutes=1))
            for (f, d), kind, key, (n, mf, md) in rows:
                minutes = int(n) * (before[f] - before[d]) * length
                if calendar.is_working_day(f):
                    minutes += int(mf or 0)
                if calendar.is_working_day(d):
                    minutes -= int(md or 0)
                deltas.add(f, _units(kind, key, branches), {"processing_minutes": minutes})

        def read(members: QuerySet = members, periods: tuple = periods) -> list:
            return list(
                _by_dimension(
                    members,
                    groups={
                        "f": TruncDate("finished_at", tzinfo=HANOI),
                        "d": TruncDate("deemed_received_at", tzinfo=HANOI),
                    },
                    paths=DOSSIER_PATHS,
                    annotations={
                        "n": Count("pk"),
                        "mf": _minutes_into_day("finished_at", periods),
                        "md": _minutes_into_day("deemed_received_at", periods),
                    },
                )
            )

        reads.add(read, take)
    pauses = DossierEvent.objects.filter(
        dossier__in=finished.values("pk"), action__in=measures.RESUMES
    )
    _grouped(
        pauses,
        day="dossier__finished_at",
        paths=EVENT_PATHS,
        annotations={
            "processing_minutes": -Sum(
                Cast(KT("payload__paused_working_minutes"), IntegerField()), default=0
            )
        },
        deltas=deltas,
        reads=reads,
    )


def _working_days_before(calendar: WorkCalendar, first: date, last: date) -> dict[date, int]:
    index, before, day = {}, 0, first
    while day <= last:
        index[day] = before
        if calendar.is_working_day(day):
            before += 1
        day += timedelta(days=1)
    return index


def _rebuild_feedback(first: date | None, last: date | None, deltas: Deltas, reads: Reads) -> None:
    _grouped(
        Rating.objects.filter(_between("rated_at", first, last)),
        day="rated_at",
        paths=EVENT_PATHS,
        annotations={
            **{
                counter: Count("pk", filter=Q(level=level))
                for level, counter in measures.RATING_COUNTERS.items()
            },
            "surveys": Count("pk", filter=Q(survey_points__isnull=False)),
            "survey_points": Sum("survey_points", default=0),
        },
        deltas=deltas,
        reads=reads,
    )
    _grouped(
        Complaint.objects.filter(_between("received_at", first, last)),
        day="received_at",
        paths=COMPLAINT_PATHS,
        annotations={
            "complaints": Count("pk", filter=Q(kind=measures.COMPLAINT)),
            "suggestions": Count("pk", filter=Q(kind=measures.SUGGESTION)),
        },
        deltas=deltas,
        reads=reads,
    )


@dataclass(frozen=True)
class RebuildResult:
    first_day: date | None  # the first and last day with figures (none: nothing counted)
    last_day: date | None
    deleted: int
    written: int
    seconds: float


@contextmanager
def _snapshot() -> Iterator[tuple[dict[str, FoldState], int]]:
    """One transaction holding the fold's lock; on PostgreSQL, reading one snapshot
    (REPEATABLE READ), so that the watermarks and the tables describe the same rows.

    Gives the states and how many parallel readers the recomputation may use: none inside
    a caller's transaction, whose rows other connections could not see."""
    _ensure_states()
    with transaction.atomic():
        readers = 0
        if connection.vendor == "postgresql" and not _nested():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            readers = READERS
        states = _lock_states(wait=True)
        assert states is not None  # noqa: S101 — a waiting lock is always granted
        yield states, readers


#: PostgreSQL settings for the rebuild's transaction: its dozen aggregate queries read whole
#: tables once each. Compiling each with JIT cost more than a month's data took to read
#: (1.3 s a query), and the default 4 MB of sort memory sent their sorts to disk.
REBUILD_SETTINGS = {"jit": "off", "work_mem": "64MB"}

#: Connections that run the rebuild's aggregate queries side by side (PostgreSQL, when the
#: rebuild has its own transaction): each query reads one table, mostly on one core.
READERS = 2


def _configure(conn) -> None:
    with conn.cursor() as cursor:
        for name, value in REBUILD_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


class Reads:
    """The rebuild's aggregate queries, each given as a function that returns its rows and
    one that takes them (adding them into the deltas, always in the calling thread, in the
    order the queries were given).

    With ``readers`` of 0 each query runs at once on the rebuild's connection. Otherwise, on
    PostgreSQL, they run on ``readers`` more connections in threads, each in a transaction
    that imports the rebuild transaction's snapshot (``SET TRANSACTION SNAPSHOT``): they read
    exactly the rows the rebuild's own transaction sees, while it goes on (the marks' writes
    of :func:`figures_rebuild_all`). Leaving the block waits for every query; the first error
    propagates, and nothing has been written by the readers (they only read).
    """

    def __init__(self, readers: int):
        self.readers = readers
        self.pending: list[tuple[Future, Callable[[list], None]]] = []
        self.pool: ThreadPoolExecutor | None = None
        self.snapshot = ""

    def __enter__(self) -> Reads:
        if self.readers:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                self.snapshot = cursor.fetchone()[0]
            if not _SNAPSHOT_ID.fullmatch(self.snapshot):
                raise DatabaseError(f"Unexpected snapshot identifier {self.snapshot!r}")
            self.pool = ThreadPoolExecutor(self.readers, thread_name_prefix="figures-read")
        return self

    def add(self, read: Callable[[], list], take: Callable[[list], None]) -> None:
        if self.pool is None:
            take(read())
        else:
            self.pending.append((self.pool.submit(self._in_snapshot, read), take))

    def _in_snapshot(self, read: Callable[[], list]) -> list:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    # No parameters in SET: the identifier is checked against its format.
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{self.snapshot}'")
                _configure(connection)
                return read()
        finally:
            connection.close()

    def __exit__(self, kind, error, trace) -> None:
        if self.pool is None:
            return
        try:
            if error is None:
                for future, take in self.pending:
                    take(future.result())
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


_SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")


def _recompute(
    first_day: date | None, last_day: date | None, *, readers: int,
    alongside: Callable[[], None] | None = None,
) -> tuple[int, int]:  # fmt: skip
    """Replace the figures of ``first_day``–``last_day`` (all of them for ``None``) by
    recomputed ones; ``alongside`` (writes of the same transaction that the recomputation
    does not read) runs while the aggregate queries do."""
    if connection.vendor == "postgresql":
        _configure(connection)
    figures = Figure.objects.all()
    if first_day is not None and last_day is not None:
        figures = figures.filter(day__gte=first_day, day__lte=last_day)
    deleted, _ = figures.delete()
    deltas = Deltas()
    with Reads(readers) as reads:
        _rebuild_dossiers(first_day, last_day, deltas, reads)
        _rebuild_feedback(first_day, last_day, deltas, reads)
        if alongside is not None:
            alongside()
    return deleted, _write(deltas, fresh=True)


def figures_rebuild(*, first_day: date, last_day: date) -> RebuildResult:
    """Recompute the figures of ``first_day``–``last_day`` (Hanoi dates) from the dossier,
    rating and complaint tables, and replace those days' rows: the repair tool.

    Inside one transaction holding the fold's lock, it first folds whatever is new (so that
    the watermarks and marks describe the same rows as the tables), then recomputes. On
    PostgreSQL the transaction reads one snapshot, so a dossier committed meanwhile is left to
    the next fold rather than counted twice. After a bulk load, use
    :func:`figures_rebuild_all`, which does not fold the loaded rows one by one first.
    """
    if last_day < first_day:
        raise ValueError("The last day comes before the first")
    began = monotonic.monotonic()
    with _snapshot() as (states, readers):
        while True:
            folded = _fold(states, limit=FOLD_BATCH, now=clock.now())
            if max(folded.events, folded.ratings, folded.complaints) < FOLD_BATCH:
                break
        deleted, written = _recompute(first_day, last_day, readers=readers)
    return RebuildResult(first_day, last_day, deleted, written, monotonic.monotonic() - began)


def figures_rebuild_all() -> RebuildResult | None:
    """Recompute every figure and every mark from the tables, and move the watermarks to the
    newest rows without folding them: after a bulk load (millions of events), where folding
    row by row would take hours. ``None`` when there is nothing to count.

    Run it while nothing else writes dossiers, ratings or complaints: a transaction that has
    not committed when it reads is missed (the fold would have waited for it in a gap).
    """
    began = monotonic.monotonic()
    with _snapshot() as (states, readers):
        if not any(m.objects.exists() for m in (Dossier, DossierEvent, Rating, Complaint)):
            return None
        # Every day at once: no bounds to look up first (the events' would be a scan of them
        # all, having no index on their time), and no range to test each row against.
        DossierMark.objects.all().delete()
        deleted, written = _recompute(None, None, readers=readers, alongside=_mark_all)
        days = Figure.objects.aggregate(first=Min("day"), last=Max("day"))
        now = clock.now()
        for source, model in (
            (FoldSource.EVENTS, DossierEvent),
            (FoldSource.RATINGS, Rating),
            (FoldSource.COMPLAINTS, Complaint),
        ):
            state = states[source]
            state.watermark = model.objects.aggregate(m=Max("pk"))["m"] or 0
            state.gaps, state.folded_at = [], now
            state.save(update_fields=["watermark", "gaps", "folded_at"])
    return RebuildResult(
        days["first"], days["last"], deleted, written, monotonic.monotonic() - began
    )


def _mark_all() -> None:
    """The marks the fold would have left: dossiers counted as paid online, and dossiers
    flagged by a complaint or a "not satisfied" rating."""
    received = DossierEvent.objects.filter(dossier=OuterRef("pk"), action=measures.RECEIVE)
    paid = Dossier.objects.filter(
        Exists(received), fee_due__gt=0, fee_paid__gt=0, payment_method=measures.ONLINE
    )
    flagged = Dossier.objects.filter(
        Exists(Rating.objects.filter(dossier=OuterRef("pk"), level=measures.NOT_SATISFIED))
        | Exists(Complaint.objects.filter(dossier=OuterRef("pk"), kind=measures.COMPLAINT))
    )
    table = connection.ops.quote_name(DossierMark._meta.db_table)
    for kind, dossiers in ((MarkKind.PAID_ONLINE, paid), (MarkKind.FLAGGED, flagged)):
        # INSERT … SELECT: after a year's load the marks are counted in hundreds of thousands,
        # which the database writes without sending each id to Python and back.
        sql, params = dossiers.order_by().values_list("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (dossier_id, kind) SELECT q.*, %s FROM ({sql}) q",  # noqa: S608 — the table name and a queryset's SQL
                [kind.value, *params],
            )


def _nested() -> bool:
    """Whether the transaction just opened is inside another (a test's, a caller's): it then
    cannot choose its isolation level."""
    return bool(connection.savepoint_ids)
