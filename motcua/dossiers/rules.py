"""The law's rules about a dossier as pure functions: which action each state allows, how a
finish is graded, when an apology is still possible, what a citizen ID looks like.

No ORM and no clock: every instant is passed in. Limits that the law leaves to interpretation
come from the dossier's :class:`~motcua.dossiers.models.Regime` row, not from here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from motcua.dossiers.choices import Action, Status, Timeliness
from motcua.worktime.rules import WorkCalendar, working_time_between

S = Status

#: The states before a result: the dossier is still in the hands of the competent agency or on
#: its way to it (what a withdrawal may end, and what a reorganization hands over).
IN_FLIGHT = frozenset(
    {
        S.SUBMITTED,
        S.GUIDED,
        S.RECEIVED,
        S.TRANSFERRED,
        S.IN_PROGRESS,
        S.AWAITING_SUPPLEMENT,
        S.AWAITING_OBLIGATION,
    }
)

#: For each action, the states it may start from. The resulting state is decided by the
#: service (most actions have one; ``receive_supplement`` returns to where the pause began).
ALLOWED_FROM: dict[str, frozenset[str]] = {
    Action.SUBMIT: frozenset(),  # creation only
    Action.RECEIVE: frozenset({S.SUBMITTED, S.GUIDED}),
    Action.GUIDE: frozenset({S.SUBMITTED}),
    Action.REFUSE: frozenset({S.SUBMITTED, S.GUIDED}),
    Action.ATTACH: frozenset(
        {S.SUBMITTED, S.GUIDED, S.RECEIVED, S.TRANSFERRED, S.IN_PROGRESS, S.AWAITING_SUPPLEMENT}
    ),
    Action.TRANSFER: frozenset({S.RECEIVED}),
    Action.ACCEPT: frozenset({S.TRANSFERRED}),
    Action.ASSIGN: frozenset({S.IN_PROGRESS}),
    Action.HANDOVER: frozenset({S.IN_PROGRESS}),
    Action.REQUEST_SUPPLEMENT: frozenset({S.RECEIVED, S.TRANSFERRED, S.IN_PROGRESS}),
    Action.RECEIVE_SUPPLEMENT: frozenset({S.AWAITING_SUPPLEMENT}),
    Action.REQUIRE_OBLIGATION: frozenset({S.IN_PROGRESS}),
    Action.FULFIL_OBLIGATION: frozenset({S.AWAITING_OBLIGATION}),
    Action.EXTEND: frozenset({S.RECEIVED, S.TRANSFERRED, S.IN_PROGRESS, S.AWAITING_OBLIGATION}),
    Action.COMPLETE: frozenset({S.IN_PROGRESS}),
    Action.SUBMIT_FOR_APPROVAL: frozenset({S.IN_PROGRESS}),
    Action.APPROVE: frozenset({S.IN_PROGRESS}),
    Action.SEND_BACK: frozenset({S.IN_PROGRESS}),
    Action.DELIVER: frozenset({S.RESULT_READY}),
    Action.WITHDRAW: IN_FLIGHT,
    # Decree 118/2025: no stop once the result is done or delivered (§2.6).
    Action.STOP: frozenset(
        {S.TRANSFERRED, S.IN_PROGRESS, S.AWAITING_SUPPLEMENT, S.AWAITING_OBLIGATION}
    ),
    Action.PAY: frozenset(
        {S.RECEIVED, S.TRANSFERRED, S.IN_PROGRESS, S.AWAITING_OBLIGATION, S.RESULT_READY}
    ),
    # A leader sends back what is not within the agency's competence, before deciding on it.
    Action.RETURN_WRONG_AGENCY: frozenset({S.TRANSFERRED, S.IN_PROGRESS}),
    # Only a dossier returned by an agency (the service checks ``returned_from``).
    Action.REROUTE: frozenset({S.RECEIVED}),
    # A reorganization moves every dossier whose processing is not over.
    Action.SUCCEED: IN_FLIGHT,
}


def allowed(action: str, status: str) -> bool:
    return status in ALLOWED_FROM[action]


#: Actions no one chooses on a dossier's page: a reorganization's, and a re-route when the
#: dossier was not returned by an agency.
_NOT_OFFERED = frozenset({Action.SUCCEED, Action.REROUTE})


def actions_allowed(status: str, *, returned: bool = False) -> list[str]:
    """The actions the state allows, in the order of :class:`Action`; ``returned``: an agency
    sent the dossier back as outside its competence (it may be re-routed)."""
    return [
        a.value
        for a in Action
        if status in ALLOWED_FROM[a]
        and (a not in _NOT_OFFERED or (a == Action.REROUTE and returned))
    ]


def grade(
    finished_at: datetime, due: datetime, calendar: WorkCalendar, *, too_many_supplements=False
) -> Timeliness:
    """Early, on time or late (§5, Decision 766).

    Early: finished on a date before the due date; on time: on the due date at or before the
    due time; late: after the due time, or whenever the dossier was asked to supplement more
    than once.
    """
    if too_many_supplements or finished_at > due:
        return Timeliness.LATE
    if calendar.local(finished_at).date() < calendar.local(due).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


def apology_possible(
    now: datetime, due: datetime, calendar: WorkCalendar, *, lead: timedelta
) -> bool:
    """Whether an apology issued at ``now`` is at least ``lead`` of working time before ``due``."""
    if now >= due:
        return False
    return working_time_between(now, due, calendar) >= lead


# Province codes of the 12-digit citizen identity number (Circular 07/2016/TT-BCA, Annex):
# where the birth was registered.
CITIZEN_ID_PROVINCES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


def citizen_id_problem(value: str, *, today_year: int) -> str | None:
    """Return why ``value`` is not a citizen identity number (CCCD), or ``None`` if it may be.

    12 digits: the province of birth registration (3), sex and century (1), the last two
    digits of the year of birth (2), then 6 random digits.
    """
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return "length"
    if value[:3] not in CITIZEN_ID_PROVINCES:
        return "province"
    century = 1900 + 100 * (int(value[3]) // 2)
    if century + int(value[4:6]) > today_year:
        return "year"
    return None


def phone_problem(value: str) -> str | None:
    """Vietnamese phone numbers: 10 digits starting with 0, or +84 followed by 9 digits."""
    digits = value.replace(" ", "").replace(".", "").replace("-", "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if len(digits) != 10 or not digits.isdigit() or not digits.startswith("0"):
        return "format"
    return None
