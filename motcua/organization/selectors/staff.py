"""Reads about people: who holds which role, where, on a given date.

These decide scoping elsewhere (which sites and agencies a person may see), so they answer for
one date, the caller's, and never for "now" implicitly.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from motcua.organization.choices import Role
from motcua.organization.models import Agency, Assignment, Delegation, Secondment, Site

User = get_user_model()


def assignments_of(user: AbstractBaseUser, on: date) -> QuerySet[Assignment]:
    """The assignments ``user`` holds on ``on``."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(user=user)
        .on(on)
        .select_related("site", "agency")
        .order_by("role", "pk")
    )


def roles_of(user: AbstractBaseUser, on: date) -> set[Role]:
    """The roles ``user`` holds on ``on`` (empty for an anonymous or inactive user)."""
    if not getattr(user, "is_active", False):
        return set()
    return {Role(role) for role in assignments_of(user, on).values_list("role", flat=True)}


def sites_of(user: AbstractBaseUser, on: date) -> QuerySet[Site]:
    """The sites where ``user`` works on ``on``: by assignment or by secondment."""
    if not getattr(user, "is_active", False) or user.pk is None:
        return Site.objects.none()
    assigned = Assignment.objects.filter(user=user, site__isnull=False).on(on).values("site")
    seconded = Secondment.objects.filter(user=user).on(on).values("to_site")
    return Site.objects.filter(Q(pk__in=assigned) | Q(pk__in=seconded)).distinct()


def agencies_of(user: AbstractBaseUser, on: date) -> QuerySet[Agency]:
    """The agencies in which ``user`` holds an agency role on ``on``."""
    if not getattr(user, "is_active", False) or user.pk is None:
        return Agency.objects.none()
    assigned = Assignment.objects.filter(user=user, agency__isnull=False).on(on).values("agency")
    return Agency.objects.filter(pk__in=assigned)


def staff_at_site(site: Site, on: date) -> QuerySet:
    """The active people working at ``site`` on ``on``, assigned or seconded, by name."""
    assigned = Assignment.objects.filter(site=site).on(on).values("user")
    seconded = Secondment.objects.filter(to_site=site).on(on).values("user")
    return (
        User.objects.filter(Q(pk__in=assigned) | Q(pk__in=seconded), is_active=True)
        .select_related("staff_profile")
        .order_by("staff_profile__full_name", "username")
        .distinct()
    )


def signing_for(
    *, user: AbstractBaseUser, agency_id: int, day: date
) -> tuple[bool, AbstractBaseUser | None]:
    """Whether ``user`` signs for the agency on ``day``, and on whose behalf: ``(True, None)``
    for a leader, ``(True, leader)`` for a delegate, ``(False, None)`` otherwise."""
    if (
        Assignment.objects.filter(user=user, agency_id=agency_id, role=Role.AGENCY_LEADER)
        .on(day)
        .exists()
    ):
        return True, None
    for delegation in (
        Delegation.objects.filter(delegate=user, agency_id=agency_id)
        .on(day)
        .select_related("delegator")
        .order_by("valid_from", "pk")
    ):
        leader = delegation.delegator
        if (
            Assignment.objects.filter(user=leader, agency_id=agency_id, role=Role.AGENCY_LEADER)
            .on(day)
            .exists()
        ):
            return True, leader
    return False, None


def delegations_of(*, agency_ids, on: date | None = None) -> QuerySet[Delegation]:
    """The delegations to sign recorded for these agencies, the latest first (those in force
    on ``on`` only, when given)."""
    qs = Delegation.objects.filter(agency_id__in=agency_ids)
    if on is not None:
        qs = qs.on(on)
    related = ("agency", "delegator__staff_profile", "delegate__staff_profile",
               "recorded_by__staff_profile")  # fmt: skip
    return qs.select_related(*related).order_by("-valid_from", "-pk")
