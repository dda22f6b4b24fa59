"""Figures of the dashboards, computed from dossiers with a few GROUP BY queries each.

Every function takes the moment it reports on (``now``) and the period's bounds, never the
clock. Dates are Hanoi dates (``Asia/Ho_Chi_Minh``). A dossier belongs to the site that
received it, and a site to its branch: the branch itself, its reception points and the commune
points attached to it (the sites a branch director heads, see ``permissions.Actor``).

Definitions (one-stop-rules.md §4, §5, §7):

- **received**: a one-stop officer received the dossier (form 01), at the counter or by
  accepting an online filing; counted on the Hanoi date it was submitted. Online filings not
  yet checked, guided back or refused at receipt are not received.
- **in progress**: received and not finished (received, transferred, being processed, awaiting
  a supplement or a financial obligation).
- **late now**: in progress and past its due time with the clock running (or already past it
  when the clock stopped), or asked to supplement more than once (graded late by law).
- **due soon**: in progress, clock running, due between now and one working day from now.
- **finished**: graded early / on time / late at its end (result ready, or processing stopped)
  within the period; the on-time rate is (early + on time) ÷ finished.
- **processing time**: working time from deemed receipt to the end, pauses for a supplement or
  a financial obligation excluded, averaged over the finished dossiers, in working days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, ExtractHour, ExtractMinute, Greatest, Least, TruncDate

from motcua.core.refcache import reference_cache
from motcua.dossiers.choices import Action, Channel, Status, Timeliness
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organization.choices import SiteKind
from motcua.organization.models import Site
from motcua.reports import indicators
from motcua.reports.periods import day_start, days_between, hanoi_day
from motcua.worktime.rules import HANOI, WorkCalendar, add_working_time
from motcua.worktime.selectors import calendar_for

OPEN_STATUSES = (
    Status.RECEIVED,
    Status.TRANSFERRED,
    Status.IN_PROGRESS,
    Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_OBLIGATION,
)
RECEIVED = Q(received_by__isnull=False)
OPEN = Q(status__in=OPEN_STATUSES)
GRADED = ~Q(timeliness="")
#: The clock runs, or stopped only after the due time had passed.
RUNNING_OR_LATE_WHEN_PAUSED = Q(paused_at__isnull=True) | Q(paused_at__gt=F("due_at"))


# -- the network ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """A branch and the sites under it (itself first)."""

    pk: int
    code: str
    name: str
    number: int | None
    site_ids: tuple[int, ...]


def branches() -> list[Branch]:
    """Every branch with its reception and commune points, by branch number (cached)."""

    def read() -> list[Branch]:
        rows = Site.objects.filter(Q(kind=SiteKind.BRANCH) | Q(parent__kind=SiteKind.BRANCH))
        rows = rows.values_list("pk", "code", "name", "number", "kind", "parent_id")
        children: dict[int, list[int]] = defaultdict(list)
        heads = []
        for pk, code, name, number, kind, parent_id in rows:
            if kind == SiteKind.BRANCH:
                heads.append((number or 0, code, pk, name, number))
            else:
                children[parent_id].append(pk)
        return [
            Branch(pk=pk, code=code, name=name, number=number,
                   site_ids=(pk, *sorted(children[pk])))
            for _, code, pk, name, number in sorted(heads)
        ]  # fmt: skip

    return reference_cache.get_or_set(("reports", "branches"), read)


def sites_of(site: Site, *, with_points: bool = True) -> tuple[int, ...]:
    """The sites whose dossiers a dashboard of ``site`` counts: the site, and when it is a
    branch and ``with_points``, the points under it."""
    if with_points and site.kind == SiteKind.BRANCH:
        for branch in branches():
            if branch.pk == site.pk:
                return branch.site_ids
    return (site.pk,)


# -- the counts ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """Counts over a set of sites for one period and the indicators derived from them."""

    received: int = 0
    online: int = 0
    outside_territory: int = 0
    in_progress: int = 0
    late_now: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    finished_late: int = 0
    # The branch dashboard's "today" figures.
    received_today: int = 0
    due_soon: int = 0
    finished_late_today: int = 0
    awaiting_supplement: int = 0
    # Indicator 2.2, when computed: average working days, or None when nothing finished.
    processing_days: Decimal | None = None

    def add(self, other: Figures) -> None:
        """Add ``other``'s counts to these (an average does not add: set it afterwards)."""
        for f in fields(self):
            if isinstance(getattr(self, f.name), int):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def late(self) -> int:
        """Late on the branch dashboard: open past due, and finished late today."""
        return self.late_now + self.finished_late_today

    @property
    def on_time_rate(self) -> Decimal | None:
        return indicators.on_time_rate(
            early=self.early, on_time=self.on_time, finished=self.finished
        )

    @property
    def online_share(self) -> Decimal | None:
        return indicators.rate(self.online, self.received)

    @property
    def outside_territory_share(self) -> Decimal | None:
        return indicators.rate(self.outside_territory, self.received)


def _counts(
    *, start: datetime, end: datetime, now: datetime, soon_until: datetime | None = None
) -> dict[str, Count]:
    received = RECEIVED & Q(submitted_at__gte=start, submitted_at__lte=end)
    finished = GRADED & Q(finished_at__gte=start, finished_at__lte=end)
    overdue = Q(due_at__lt=now) & RUNNING_OR_LATE_WHEN_PAUSED
    late_now = OPEN & (overdue | Q(supplement_count__gt=1))
    counts = {
        "received": Count("pk", filter=received),
        "online": Count("pk", filter=received & Q(channel=Channel.ONLINE)),
        "outside_territory": Count("pk", filter=received & Q(outside_territory=True)),
        "in_progress": Count("pk", filter=OPEN),
        "late_now": Count("pk", filter=late_now),
        "finished": Count("pk", filter=finished),
        "early": Count("pk", filter=finished & Q(timeliness=Timeliness.EARLY)),
        "on_time": Count("pk", filter=finished & Q(timeliness=Timeliness.ON_TIME)),
        "finished_late": Count("pk", filter=finished & Q(timeliness=Timeliness.LATE)),
    }
    if soon_until is not None:
        today = day_start(hanoi_day(now))
        counts |= {
            "received_today": Count("pk", filter=RECEIVED & Q(submitted_at__gte=today)),
            "due_soon": Count(
                "pk",
                filter=OPEN
                & Q(paused_at__isnull=True, supplement_count__lte=1)
                & Q(due_at__gte=now, due_at__lte=soon_until),
            ),
            "finished_late_today": Count(
                "pk", filter=Q(timeliness=Timeliness.LATE, finished_at__gte=today)
            ),
            "awaiting_supplement": Count("pk", filter=Q(status=Status.AWAITING_SUPPLEMENT)),
        }
    return counts


def _concerned(*, since: datetime) -> Q:
    """Dossiers that can count at all: open ones, and those submitted or finished lately.
    Keeps a dashboard's scan to the recent rows, whatever the size of the archive."""
    return OPEN | Q(submitted_at__gte=since) | Q(finished_at__gte=since)


def branch_summary(
    *, site: Site, start: datetime, end: datetime, now: datetime, with_points: bool = True
) -> Figures:
    """The figures of ``site`` (with its points, for a branch) over ``start``–``end``, and
    today's: received today, due within one working day, late (open past due plus finished
    late today), awaiting a supplement. One query."""
    calendar = calendar_for(site, now)
    soon_until = add_working_time(now, calendar.day_length, calendar)
    since = min(start, day_start(hanoi_day(now)))
    row = (
        Dossier.objects.filter(receiving_site_id__in=sites_of(site, with_points=with_points))
        .filter(_concerned(since=since))
        .aggregate(**_counts(start=start, end=end, now=now, soon_until=soon_until))
    )
    return Figures(**row)


@dataclass(frozen=True)
class BranchRow:
    branch: Branch
    figures: Figures


@dataclass(frozen=True)
class CenterSummary:
    rows: list[BranchRow]
    total: Figures


def center_summary(*, start: datetime, end: datetime, now: datetime) -> CenterSummary:
    """Every branch side by side (with its points) and the Center's total, over
    ``start``–``end``: received, online, outside the competent agency's territory, in progress
    and late now, finished and how, average processing time. One query, and those of
    :func:`processing_time`."""
    network = branches()
    per_site = {
        row.pop("receiving_site_id"): Figures(**row)
        for row in Dossier.objects.filter(_concerned(since=start))
        .values("receiving_site_id")
        .annotate(**_counts(start=start, end=end, now=now))
        .order_by()
    }
    groups = {b.pk: b.site_ids for b in network}
    processing = processing_time(groups=groups, start=start, end=end)
    rows, total = [], Figures()
    total_days, total_count = Decimal(0), 0
    for branch in network:
        figures = Figures()
        for site_id in branch.site_ids:
            if site_id in per_site:
                figures.add(per_site[site_id])
        days, count = processing.get(branch.pk, (Decimal(0), 0))
        figures.processing_days = indicators.average(days, count)
        total_days, total_count = total_days + days, total_count + count
        total.add(figures)
        rows.append(BranchRow(branch=branch, figures=figures))
    total.processing_days = indicators.average(total_days, total_count)
    return CenterSummary(rows=rows, total=total)


# -- breakdowns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureRow:
    code: str
    name: str
    received: int
    in_progress: int
    late_now: int
    finished_late: int


def procedure_breakdown(
    *, site_ids: Collection[int], start: datetime, end: datetime, now: datetime, limit: int = 10
) -> list[ProcedureRow]:
    """The ``limit`` procedures with most dossiers received over the period (then most in
    progress) at ``site_ids``: received, in progress now, late now, finished late. One query."""
    counts = _counts(start=start, end=end, now=now)
    rows = (
        Dossier.objects.filter(receiving_site_id__in=site_ids)
        .filter(
            OPEN
            | RECEIVED & Q(submitted_at__gte=start, submitted_at__lte=end)
            | Q(timeliness=Timeliness.LATE, finished_at__gte=start, finished_at__lte=end)
        )
        .values("procedure__code", "procedure__name")
        .annotate(
            received=counts["received"],
            in_progress=counts["in_progress"],
            late_now=counts["late_now"],
            finished_late=counts["finished_late"],
        )
        .order_by("-received", "-in_progress", "-late_now", "procedure__code")[:limit]
    )
    return [
        ProcedureRow(
            code=r["procedure__code"], name=r["procedure__name"], received=r["received"],
            in_progress=r["in_progress"], late_now=r["late_now"],
            finished_late=r["finished_late"],
        )
        for r in rows
    ]  # fmt: skip


@dataclass(frozen=True)
class OfficerRow:
    username: str
    full_name: str
    today: int
    period: int


def officer_breakdown(
    *, site_ids: Collection[int], start: datetime, end: datetime, now: datetime
) -> list[OfficerRow]:
    """Dossiers received at ``site_ids`` per receiving officer: today and over the period,
    busiest first. One query."""
    today = day_start(hanoi_day(now))
    rows = (
        Dossier.objects.filter(
            receiving_site_id__in=site_ids,
            received_by__isnull=False,
            submitted_at__gte=min(start, today),
            submitted_at__lte=end,
        )
        .values("received_by_id", "received_by__username", "received_by__staff_profile__full_name")
        .annotate(
            today=Count("pk", filter=Q(submitted_at__gte=today)),
            period=Count("pk", filter=Q(submitted_at__gte=start)),
        )
        .order_by("-period", "-today", "received_by__staff_profile__full_name")
    )
    return [
        OfficerRow(
            username=r["received_by__username"],
            full_name=r["received_by__staff_profile__full_name"] or r["received_by__username"],
            today=r["today"],
            period=r["period"],
        )
        for r in rows
    ]


def intake_by_day[K](
    *, groups: Mapping[K, Collection[int]], first_day: date, last_day: date
) -> dict[K, list[tuple[date, int]]]:
    """Dossiers received per Hanoi day from ``first_day`` to ``last_day``, for each group of
    sites (e.g. each branch with its points); days without any give 0. One query."""
    group_of = {site_id: key for key, ids in groups.items() for site_id in ids}
    days = days_between(first_day, last_day)
    counts: dict[K, dict[date, int]] = {key: dict.fromkeys(days, 0) for key in groups}
    rows = (
        Dossier.objects.filter(
            RECEIVED,
            receiving_site_id__in=group_of,
            submitted_at__gte=day_start(first_day),
            submitted_at__lt=day_start(last_day + timedelta(days=1)),
        )
        .values("receiving_site_id", day=TruncDate("submitted_at", tzinfo=HANOI))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        bucket = counts[group_of[row["receiving_site_id"]]]
        bucket[row["day"]] = bucket.get(row["day"], 0) + row["n"]
    return {key: sorted(by_day.items()) for key, by_day in counts.items()}


# -- indicator 2.2: processing time -------------------------------------------------------------


def _minutes_into_day(field_name: str, hours: tuple) -> Sum:
    """The working minutes elapsed on its own (Hanoi) day at each row's ``field_name``,
    summed: office-hour periods clamped around the wall-clock minute, in SQL."""
    minute = ExtractHour(field_name, tzinfo=HANOI) * 60 + ExtractMinute(field_name, tzinfo=HANOI)
    parts = []
    for opening, closing in hours:
        a, b = opening.hour * 60 + opening.minute, closing.hour * 60 + closing.minute
        parts.append(Greatest(Least(minute, Value(b)), Value(a)) - Value(a))
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return Sum(total, output_field=IntegerField())


def _calendar_over(site: Site, first: date, last: date) -> WorkCalendar:
    """The site's continuous calendar, widened if ``first``–``last`` lie outside it."""
    return calendar_for(site, first, last)


def processing_time[K](
    *, groups: Mapping[K, Collection[int]], start: datetime, end: datetime
) -> dict[K, tuple[Decimal, int]]:
    """Indicator 2.2 per group of sites: ``(total working days, dossiers)`` over the dossiers
    finished and graded in ``start``–``end``, from deemed receipt to the end, pauses excluded.

    Working time between two instants is ``W(end) - W(start)``, where ``W`` counts the working
    minutes since a fixed day: the working days before the instant's date times the day's
    length, plus the working minutes of that date up to the instant. Summed over dossiers, the
    first part only needs the number of dossiers per date and the second is a sum SQL can do,
    so the queries group by site and date instead of reading one row per dossier. Pauses come
    from the events that ended them (their ``paused_working_minutes``). Four queries, two more
    per further set of office hours among the sites.
    """
    group_of = {site_id: key for key, ids in groups.items() for site_id in ids}
    by_hours: dict[tuple | None, list[Site]] = defaultdict(list)
    for site in Site.objects.filter(pk__in=group_of).only("pk", "office_hours"):
        hours = tuple(tuple(p) for p in site.office_hours) if site.office_hours else None
        by_hours[hours].append(site)
    finished = Dossier.objects.filter(
        GRADED, finished_at__gte=start, finished_at__lte=end, deemed_received_at__isnull=False
    )
    minutes: dict[int, int] = defaultdict(int)
    count: dict[int, int] = defaultdict(int)
    day_minutes: dict[int, int] = {}
    for members in by_hours.values():
        ids = [s.pk for s in members]
        hours = calendar_for(members[0]).office_hours
        rows = {}
        for name in ("finished_at", "deemed_received_at"):
            rows[name] = list(
                finished.filter(receiving_site_id__in=ids)
                .values("receiving_site_id", day=TruncDate(name, tzinfo=HANOI))
                .annotate(n=Count("pk"), m=_minutes_into_day(name, hours))
                .order_by()
            )
            if not rows[name]:
                break
        else:
            days = [r["day"] for r in rows["finished_at"] + rows["deemed_received_at"]]
            calendar = _calendar_over(members[0], min(days), max(days))
            before = _working_days_before(calendar, min(days), max(days))
            length = int(calendar.day_length.total_seconds() // 60)
            for name, sign in (("finished_at", 1), ("deemed_received_at", -1)):
                for r in rows[name]:
                    value = r["n"] * before[r["day"]] * length
                    if calendar.is_working_day(r["day"]):
                        value += r["m"] or 0
                    minutes[r["receiving_site_id"]] += sign * value
            for r in rows["finished_at"]:
                count[r["receiving_site_id"]] += r["n"]
            day_minutes |= dict.fromkeys(ids, length)
    if not count:
        return {}
    pauses = (
        DossierEvent.objects.filter(
            dossier__in=finished.filter(receiving_site_id__in=list(count)).values("pk"),
            action__in=(Action.RECEIVE_SUPPLEMENT, Action.FULFIL_OBLIGATION),
        )
        .values("dossier__receiving_site_id")
        .annotate(m=Sum(Cast(KT("payload__paused_working_minutes"), IntegerField())))
        .order_by()
    )
    for r in pauses:
        minutes[r["dossier__receiving_site_id"]] -= r["m"] or 0
    result: dict[K, tuple[Decimal, int]] = {}
    for site_id, n in count.items():
        key = group_of[site_id]
        days, total = result.get(key, (Decimal(0), 0))
        result[key] = (days + Decimal(minutes[site_id]) / day_minutes[site_id], total + n)
    return result


def _working_days_before(calendar: WorkCalendar, first: date, last: date) -> dict[date, int]:
    """For each date from ``first`` to ``last``, the working days from ``first`` before it."""
    index, before = {}, 0
    for day in days_between(first, last):
        index[day] = before
        if calendar.is_working_day(day):
            before += 1
    return index
