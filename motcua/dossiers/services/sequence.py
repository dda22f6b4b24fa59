"""The daily sequence of a receiving unit: atomic, without duplicates or gaps (§3).

One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` increments the counter of (unit, day). The
row stays locked until the receiving transaction ends, so a second receipt at the same unit
waits, then takes the next number; if the receipt rolls back, so does the increment, and the
number is given again (no gap). PostgreSQL and SQLite (3.35+) both support the statement.
"""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.dossiers.codes import MAX_DAILY, MAX_DAILY_REFERENCES, REFERENCE_PREFIX
from motcua.dossiers.models import DailySequence

_TABLE = DailySequence._meta.db_table


def next_sequence(*, unit_id: str, day: date) -> int:
    """Take the next number of ``unit_id`` on ``day``. Call inside the receipt's transaction."""
    number = _take(unit_id, day)
    if number > MAX_DAILY:
        raise Conflict(
            _("Unit %(unit)s has already received %(max)d dossiers today; the code allows no more.")
            % {"unit": unit_id, "max": MAX_DAILY}
        )
    return number


def next_reference(*, unit_id: str, day: date) -> int:
    """Take the next online reference number of ``unit_id`` on ``day``: a counter of its own
    (``TT-<unit id>`` in the same table), so that online filings never use up the official
    codes of the day. Call inside the filing's transaction."""
    number = _take(REFERENCE_PREFIX + unit_id, day)
    if number > MAX_DAILY_REFERENCES:
        raise Conflict(_("This site cannot take more online filings today; try again tomorrow."))
    return number


def _take(unit_id: str, day: date) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a sequence number must be taken inside the transaction that uses it")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (unit_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (unit_id, day) DO UPDATE SET last = {_TABLE}.last + 1 "
            "RETURNING last",
            [unit_id, day],
        )
        (number,) = cursor.fetchone()
    return number
