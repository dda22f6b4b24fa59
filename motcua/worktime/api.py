"""Public calendar endpoints: the deadline calculator and the list of non-standard days."""

from __future__ import annotations

from datetime import date, datetime, time

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime

from motcua.core.errors import InvalidInput
from motcua.worktime import rules, selectors
from motcua.worktime.choices import TimeLimitUnit

router = Router(tags=["calendar"])

# Beyond these a limit is a typing mistake, not a procedure (the longest real limits are a
# few months); the caps also bound the work one public request can ask for.
MAX_AMOUNT = {
    TimeLimitUnit.WORKING_DAYS: 2500,
    TimeLimitUnit.WORKING_HOURS: 10000,
    TimeLimitUnit.CALENDAR_DAYS: 3650,
    TimeLimitUnit.MONTHS: 120,
}
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_LISTED_DAYS = 3 * 366


class DeadlineQuery(Schema):
    submitted_at: AwareDatetime = Field(
        description="When the dossier was submitted, ISO 8601 with its UTC offset.",
        examples=["2026-02-13T16:00:00+07:00"],
    )
    amount: int = Field(ge=0, description="The procedure's time limit; 0 means the same day.")
    unit: TimeLimitUnit
    # A string parsed here rather than a ``time``, so that a bad value gets a translated message.
    cutoff: str = Field(
        "15:00", description="Deemed-receipt cut-off, HH:MM in Hanoi time (default 15:00)."
    )


class DeadlineOut(Schema):
    submitted_at: str = Field(examples=["2026-02-13T16:00:00+07:00"])
    deemed_received_at: str = Field(examples=["2026-02-23T08:00:00+07:00"])
    due_at: str = Field(examples=["2026-02-23T17:00:00+07:00"])


class DaysQuery(Schema):
    start: date = Field(alias="from", description="First date, YYYY-MM-DD.")
    end: date = Field(alias="to", description="Last date (inclusive), YYYY-MM-DD.")


class CalendarDayOut(Schema):
    date: date
    working: bool
    name: str
    source: str = Field(description='"package" (Vietnamese law as packaged) or "override".')
    legal_basis: str


@router.get("/calendar/deadline", response=DeadlineOut, auth=None, url_name="calendar-deadline")
def deadline(request: HttpRequest, query: Query[DeadlineQuery]) -> DeadlineOut:
    """Compute deemed receipt and due time of a dossier, with the default office hours.

    Follows one-stop-rules.md §5: the 15:00 cut-off, working time inside office hours of
    working days (Vietnamese holidays, swaps and the administrator's overrides), and
    calendar-day or month limits ending at the close of a working day.
    """
    limit = MAX_AMOUNT[query.unit]
    if query.amount > limit:
        raise InvalidInput(
            _("The time limit is too long: at most %(limit)d %(unit)s.")
            % {"limit": limit, "unit": query.unit.label},
            field="amount",
        )
    cutoff = _parse_cutoff(query.cutoff)
    # Checked before converting, which could overflow at the ends of the datetime range.
    if not FIRST_YEAR <= query.submitted_at.year <= LAST_YEAR:
        raise InvalidInput(
            _("The submission time must be between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="submitted_at",
        )
    submitted = query.submitted_at.astimezone(rules.HANOI)
    first, last = rules.years_needed(submitted.date(), query.amount, query.unit)
    calendar = selectors.calendar_for(None, date(first, 1, 1), date(last, 12, 31))
    try:
        deemed = rules.deemed_receipt(submitted, calendar, cutoff=cutoff)
        due = rules.due_at(deemed, query.amount, query.unit, calendar)
    except rules.WorktimeError as error:
        # Input was checked above; this is a safety net so that a caller never gets a 500.
        raise InvalidInput(_("This deadline cannot be computed.")) from error
    return DeadlineOut(
        submitted_at=_iso(submitted), deemed_received_at=_iso(deemed), due_at=_iso(due)
    )


@router.get("/calendar/days", response=list[CalendarDayOut], auth=None, url_name="calendar-days")
def days(request: HttpRequest, query: Query[DaysQuery]) -> list[selectors.CalendarDay]:
    """List holidays, days off and working weekend days between two dates, both inclusive."""
    if query.end < query.start:
        raise InvalidInput(_("The end date cannot be before the start date."), field="to")
    if (query.end - query.start).days >= MAX_LISTED_DAYS:
        raise InvalidInput(
            _("Ask for at most %(days)d days at a time.") % {"days": MAX_LISTED_DAYS}, field="to"
        )
    if not (query.start.year >= FIRST_YEAR and query.end.year <= LAST_YEAR):
        raise InvalidInput(
            _("Dates must be between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="from",
        )
    return selectors.calendar_days(start=query.start, end=query.end)


def _parse_cutoff(value: str) -> time:
    try:
        cutoff = time.fromisoformat(value)
    except ValueError:
        cutoff = None
    if cutoff is None or cutoff.tzinfo is not None or len(value) != 5:
        raise InvalidInput(_("Give the cut-off as HH:MM in Hanoi time."), field="cutoff")
    return cutoff


def _iso(moment: datetime) -> str:
    return moment.astimezone(rules.HANOI).isoformat()
