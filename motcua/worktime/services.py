"""State changes of the working calendar: the administrator's overrides."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput, NotFound
from motcua.core.text import normalize
from motcua.worktime.choices import OverrideKind
from motcua.worktime.models import CalendarOverride

LEGAL_BASIS_MAX_LENGTH = CalendarOverride._meta.get_field("legal_basis").max_length


def calendar_override_validate(*, day: date, kind: str, legal_basis: str) -> None:
    """Raise :class:`InvalidInput` unless the values make a valid override."""
    if not isinstance(day, date):
        raise InvalidInput(_("Enter a valid date (YYYY-MM-DD)."), field="date")
    if kind not in OverrideKind.values:
        raise InvalidInput(_("Choose a day off or a working day."), field="kind")
    basis = normalize(legal_basis or "")
    if not basis:
        raise InvalidInput(_("Give the legal basis of the decision."), field="legal_basis")
    if len(basis) > LEGAL_BASIS_MAX_LENGTH:
        raise InvalidInput(_("The text is too long."), field="legal_basis")


@transaction.atomic
def calendar_override_set(
    *, day: date, kind: OverrideKind | str, legal_basis: str, note: str = ""
) -> CalendarOverride:
    """Make ``day`` a day off or a working day, whatever the ``holidays`` package says.

    Creates the date's override or replaces it; the next calendar read uses it. Raises
    :class:`InvalidInput` for an unknown kind or an empty legal basis.
    """
    calendar_override_validate(day=day, kind=kind, legal_basis=legal_basis)
    override, _created = CalendarOverride.objects.update_or_create(
        date=day,
        defaults={
            "kind": str(kind),
            "legal_basis": normalize(legal_basis),
            "note": normalize(note or ""),
        },
    )
    return override


@transaction.atomic
def calendar_override_delete(*, day: date) -> None:
    """Remove the override of ``day``, so that the ``holidays`` package decides again.

    Raises :class:`NotFound` when the date has no override.
    """
    deleted, _detail = CalendarOverride.objects.filter(date=day).delete()
    if not deleted:
        raise NotFound(_("No calendar override exists for this date."), field="date")
