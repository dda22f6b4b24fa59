"""Delegations to sign: a leader of an agency lets another person of the agency approve and
sign results in their stead (one-stop-rules §2.4 "a leader signs"; docs/decisions/0009).

A delegation is effective-dated (both ends inclusive, like every dated row), names who
delegates to whom for which agency, and records who entered it and when. It is entered by the
delegating leader themself or by an administrator, and is never rewritten: ending it sets its
last day. It counts on a day only while the delegator is still a leader of the agency.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.dates import format_day
from motcua.core.errors import Conflict, InvalidInput, PermissionDenied
from motcua.core.text import normalize
from motcua.organization.choices import AGENCY_ROLES, Role
from motcua.organization.models import Agency, Assignment, Delegation
from motcua.organization.services.staff import _checkperiod_text


def _holds(user: AbstractBaseUser, agency: Agency, day: date, roles) -> bool:
    return Assignment.objects.filter(user=user, agency=agency, role__in=roles).on(day).exists()


def may_record(*, by: AbstractBaseUser, agency: Agency, delegator: AbstractBaseUser, day) -> bool:
    """Whether ``by`` may record a delegation of ``delegator`` in ``agency``: the delegator
    themself (a leader of the agency that day), or an administrator."""
    if getattr(by, "is_superuser", False):
        return True
    if Assignment.objects.filter(user=by, role=Role.ADMINISTRATOR).on(day).exists():
        return True
    return by.pk == delegator.pk and _holds(by, agency, day, [Role.AGENCY_LEADER])


@transaction.atomic
def delegation_create(
    *,
    by: AbstractBaseUser,
    agency: Agency,
    delegator: AbstractBaseUser,
    delegate: AbstractBaseUser,
    valid_from: date | None,
    valid_to: date | None = None,
    decision_number: str = "",
) -> Delegation:
    """Record that ``delegator`` lets ``delegate`` sign for ``agency`` from ``valid_from``."""
    _checkperiod_text(valid_from, valid_to)  # the same messages as for an assignment
    if not may_record(by=by, agency=agency, delegator=delegator, day=valid_from):
        raise PermissionDenied(
            _("Only the leader who delegates, or an administrator, records a delegation.")
        )
    if not _holds(delegator, agency, valid_from, [Role.AGENCY_LEADER]):
        raise InvalidInput(
            _("%(person)s is not a leader of %(agency)s on %(day)s, so cannot delegate.")
            % {"person": delegator, "agency": agency.name, "day": format_day(valid_from)},
            field="delegator",
        )
    if delegate.pk == delegator.pk:
        raise InvalidInput(_("A leader cannot delegate to themself."), field="delegate")
    if not getattr(delegate, "is_active", False) or not _holds(
        delegate, agency, valid_from, AGENCY_ROLES
    ):
        raise InvalidInput(
            _("%(person)s does not work for %(agency)s on %(day)s.")
            % {"person": delegate, "agency": agency.name, "day": format_day(valid_from)},
            field="delegate",
        )
    overlapping = Delegation.objects.filter(
        agency=agency, delegator=delegator, delegate=delegate
    ).overlapping(valid_from, valid_to)
    if overlapping.exists():
        raise Conflict(
            _("%(person)s already signs for this leader during part of that period.")
            % {"person": delegate},
            field="valid_from",
        )
    return Delegation.objects.create(
        agency=agency,
        delegator=delegator,
        delegate=delegate,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=normalize(decision_number or "").strip(),
        recorded_by=by,
        recorded_at=clock.now(),
    )


@transaction.atomic
def delegation_end(*, by: AbstractBaseUser, delegation: Delegation, valid_to: date) -> Delegation:
    """End ``delegation`` on ``valid_to`` (its last day; the day before its start withdraws it
    before it began)."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    day = min(valid_to, clock.today())
    if not may_record(by=by, agency=delegation.agency, delegator=delegation.delegator, day=day):
        raise PermissionDenied(
            _("Only the leader who delegates, or an administrator, records a delegation.")
        )
    if delegation.valid_to is not None and valid_to > delegation.valid_to:
        raise InvalidInput(_("A delegation can only be shortened, not extended."), field="valid_to")
    if delegation.valid_from is not None and valid_to < delegation.valid_from:
        raise InvalidInput(
            _("The end date (%(end)s) cannot be before the start date (%(start)s).")
            % {"end": format_day(valid_to), "start": format_day(delegation.valid_from)},
            field="valid_to",
        )
    delegation.valid_to = valid_to
    delegation.save(update_fields=["valid_to"])
    return delegation
