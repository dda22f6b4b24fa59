"""Dossier codes (one-stop-rules §3, Circular 01/2018 Art. 19): ``<unit id>-YYMMDD-XXXX``.

Pure functions; the atomic daily counter is :func:`motcua.dossiers.services.sequence.next_sequence`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MAX_DAILY = 9999
#: Online filings a site may take in a day before their check, under their own references.
MAX_DAILY_REFERENCES = 99999
REFERENCE_PREFIX = "TT-"

CODE_RE = re.compile(r"^(?P<unit>[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z0-9]{3})"
                     r"-(?P<yymmdd>\d{6})-(?P<seq>\d{4})$")  # fmt: skip


class CodeError(ValueError):
    """A code that does not follow the national pattern, or a day that is full."""


@dataclass(frozen=True)
class DossierCode:
    unit_id: str
    day: date
    sequence: int

    def __str__(self) -> str:
        return format_code(self.unit_id, self.day, self.sequence)


def format_code(unit_id: str, day: date, sequence: int) -> str:
    """Return the code of the ``sequence``-th dossier that ``unit_id`` received on ``day``."""
    if not 1 <= sequence <= MAX_DAILY:
        raise CodeError(f"A daily sequence runs from 1 to {MAX_DAILY}, not {sequence}")
    return f"{unit_id}-{day.year % 100:02d}{day.month:02d}{day.day:02d}-{sequence:04d}"


def format_reference(unit_id: str, day: date, sequence: int) -> str:
    """The reference of the ``sequence``-th online filing at ``unit_id`` on ``day``:
    ``TT-<unit id>-YYMMDD-NNNNN``. It is not a dossier code (Circular 01/2018 Art. 19): the
    official code is given when the site's check accepts the filing."""
    if not 1 <= sequence <= MAX_DAILY_REFERENCES:
        raise CodeError(f"A daily reference runs from 1 to {MAX_DAILY_REFERENCES}, not {sequence}")
    yymmdd = f"{day.year % 100:02d}{day.month:02d}{day.day:02d}"
    return f"{REFERENCE_PREFIX}{unit_id}-{yymmdd}-{sequence:05d}"


def parse_code(code: str) -> DossierCode:
    """Split a code into its parts; raise :class:`CodeError` when it is not one."""
    match = CODE_RE.match(code.strip().upper())
    if match is None:
        raise CodeError(f"{code!r} is not a dossier code like 000.01.HC.H26-250305-0001")
    yymmdd = match["yymmdd"]
    try:
        day = date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        raise CodeError(f"{code!r} carries an impossible date") from None
    sequence = int(match["seq"])
    if sequence == 0:
        raise CodeError(f"{code!r} has sequence 0000; sequences start at 0001")
    return DossierCode(match["unit"], day, sequence)
