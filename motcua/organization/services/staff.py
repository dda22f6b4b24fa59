"""Writes about people: accounts, dated role assignments, secondments, yearly staffing.

Legal basis of the limits (plan 29/KH-UBND, see ``shared/domain/hanoi-network.md``): each branch
has one director and at most two deputy directors, appointed by the Center's director; each year
the Center's director shares the Center's approved headcount among the branches.

Every function here validates first, then writes inside one transaction. Rules that count rows
(a branch's directors, a plan's quotas) lock the parent row with ``select_for_update()`` before
counting, so two simultaneous writes cannot both pass (PostgreSQL row lock; SQLite serialises
writers anyway).
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from motcua.core.dates import format_day, period_text
from motcua.core.errors import Conflict, DomainError, InvalidInput, NotFound
from motcua.core.text import normalize
from motcua.organization.choices import AGENCY_ROLES, SITE_ROLES, Role, SiteKind
from motcua.organization.models import (
    Agency,
    Assignment,
    BranchQuota,
    Secondment,
    Site,
    StaffingPlan,
    StaffProfile,
)

User = get_user_model()
logger = logging.getLogger(__name__)

# Plan 29/KH-UBND: "one director and at most two deputy directors" per branch.
MAX_BRANCH_DIRECTORS = 1
MAX_BRANCH_DEPUTIES = 2
MAX_CENTER_DIRECTORS = 1

#: Roles appointed by a formal decision: the decision number is required for them.
DECISION_ROLES = {Role.CENTER_DIRECTOR, Role.BRANCH_DIRECTOR, Role.DEPUTY_DIRECTOR}

#: Password of the demo accounts. Deterministic on purpose: demo mode only, printed once.
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105
# Codes as motcua/organization/data/ names them; looked up by kind and name when absent.
DEMO_CENTER_CODE = "TTPVHCC"
DEMO_BRANCH_CODE = "CN01"  # Branch No. 1, Tây Hồ
# The Land Registration Office: the city-level agency with the most procedures in force (the
# Department of Justice's only one, criminal records, passed to the police on 1 July 2026).
DEMO_AGENCY_CODE = "VPDKDD"
DEMO_COMMUNE_CODE = "UBND-X-00103-2025"  # People's Committee of phường Tây Hồ


# --- helpers -----------------------------------------------------------------------------------


def _person(user: AbstractUser) -> str:
    profile = StaffProfile.objects.filter(user=user).first()
    return profile.full_name if profile and profile.full_name else user.get_username()


def _checkperiod_text(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is None:
        raise InvalidInput(_("Enter the start date."), field="valid_from")
    if valid_to is not None and valid_to < valid_from:
        raise InvalidInput(
            _("The end date (%(end)s) cannot be before the start date (%(start)s).")
            % {"end": format_day(valid_to), "start": format_day(valid_from)},
            field="valid_to",
        )


def _lock_user(user: AbstractUser) -> AbstractUser:
    try:
        return User.objects.select_for_update().get(pk=user.pk)
    except User.DoesNotExist:
        raise NotFound(_("This account does not exist."), field="user") from None


def _covers(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


# --- accounts ----------------------------------------------------------------------------------


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def staff_create(
    *,
    username: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    phone: str = "",
    home_agency: Agency | None = None,
) -> AbstractUser:
    """Create an active account and its staff profile; return the user.

    Names are stored in NFC. Without ``password`` the account cannot sign in with a password
    until one is set. Raises :class:`InvalidInput` for a blank or malformed username, a blank
    name or a weak password, and :class:`Conflict` for a username already taken.
    """
    username = normalize(username or "")
    full_name = normalize(full_name or "")
    email = normalize(email or "")
    phone = normalize(phone or "")
    if not username:
        raise InvalidInput(_("Enter a username."), field="username")
    try:
        User.username_validator(username)
    except ValidationError:
        raise InvalidInput(
            _("A username may contain only letters, digits and the characters @ . + - _."),
            field="username",
        ) from None
    if not full_name:
        raise InvalidInput(_("Enter the person's full name."), field="full_name")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("The username %(username)s is already taken.") % {"username": username},
            field="username",
        )
    user = User(username=username, email=email, first_name="", last_name="")
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(" ".join(exc.messages), field="password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    StaffProfile.objects.create(
        user=user, full_name=full_name, phone=phone, home_agency=home_agency
    )
    return user


@transaction.atomic
def staff_profile_update(
    *, profile: StaffProfile, full_name: str, phone: str = "", home_agency: Agency | None = None
) -> StaffProfile:
    """Change a person's name, phone or home agency (names in NFC)."""
    full_name = normalize(full_name or "")
    if not full_name:
        raise InvalidInput(_("Enter the person's full name."), field="full_name")
    profile.full_name = full_name
    profile.phone = normalize(phone or "")
    profile.home_agency = home_agency
    profile.save(update_fields=["full_name", "phone", "home_agency"])
    return profile


# --- assignments -------------------------------------------------------------------------------


def assignment_validate(
    *,
    user: AbstractUser,
    role: str,
    site: Site | None = None,
    agency: Agency | None = None,
    valid_from: date | None,
    valid_to: date | None = None,
    decision_number: str = "",
) -> None:
    """Raise the first rule an appointment would break; write nothing.

    :func:`assignment_create` calls it under the site's lock; forms may call it early.
    """
    if role not in Role.values:
        raise InvalidInput(
            _("Unknown role %(role)s. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    role = Role(role)
    _checkperiod_text(valid_from, valid_to)
    if role in DECISION_ROLES and not normalize(decision_number or ""):
        raise InvalidInput(
            _("Enter the number of the appointment decision."), field="decision_number"
        )

    if role in SITE_ROLES:
        if site is None:
            raise InvalidInput(
                _("The role %(role)s is held at a site: choose the site.") % {"role": role.label},
                field="site",
            )
        if agency is not None:
            raise InvalidInput(
                _("The role %(role)s is held at a site, not in an agency.") % {"role": role.label},
                field="agency",
            )
    elif role in AGENCY_ROLES:
        if agency is None:
            raise InvalidInput(
                _("The role %(role)s is held in an agency: choose the agency.")
                % {"role": role.label},
                field="agency",
            )
        if site is not None:
            raise InvalidInput(
                _("The role %(role)s is held in an agency, not at a site.") % {"role": role.label},
                field="site",
            )
    elif site is not None or agency is not None:
        # Inspectors and administrators act for the whole Center: a site or agency would only
        # suggest a scope the application does not apply to them.
        raise InvalidInput(
            _("The role %(role)s covers the whole Center: leave the site and agency empty.")
            % {"role": role.label},
            field="site" if site is not None else "agency",
        )

    if role == Role.CENTER_DIRECTOR and site.kind != SiteKind.CENTER:
        raise InvalidInput(
            _("A Center director can only be appointed at the Center, not at %(site)s.")
            % {"site": site},
            field="site",
        )
    if role in {Role.BRANCH_DIRECTOR, Role.DEPUTY_DIRECTOR} and site.kind != SiteKind.BRANCH:
        raise InvalidInput(
            _(
                "A branch director or deputy director can only be appointed at a branch, "
                "and %(site)s is not a branch."
            )
            % {"site": site},
            field="site",
        )

    same = Assignment.objects.filter(user=user, role=role, site=site, agency=agency).overlapping(
        valid_from, valid_to
    )
    clash = same.first()
    if clash is not None:
        raise Conflict(
            _("%(person)s already holds this role here %(period)s.")
            % {"person": _person(user), "period": period_text(clash.valid_from, clash.valid_to)},
            field="valid_from",
        )

    if role == Role.CENTER_DIRECTOR:
        holder = _first_holder(role, site, valid_from, valid_to)
        if holder is not None:
            raise Conflict(
                _("The Center already has a director, %(person)s, %(period)s.")
                % {
                    "person": _person(holder.user),
                    "period": period_text(holder.valid_from, holder.valid_to),
                },
                field="valid_from",
            )
    elif role == Role.BRANCH_DIRECTOR:
        holder = _first_holder(role, site, valid_from, valid_to)
        if holder is not None:
            raise Conflict(
                _("%(site)s already has a director, %(person)s, %(period)s.")
                % {
                    "site": site,
                    "person": _person(holder.user),
                    "period": period_text(holder.valid_from, holder.valid_to),
                },
                field="valid_from",
            )
    elif role == Role.DEPUTY_DIRECTOR:
        busiest = _busiest_day(role, site, valid_from, valid_to)
        if busiest is not None and len(busiest[1]) >= MAX_BRANCH_DEPUTIES:
            day, holders = busiest
            raise Conflict(
                _(
                    "%(site)s already has %(count)d deputy directors on %(day)s: "
                    "%(people)s. A branch has at most %(max)d."
                )
                % {
                    "site": site,
                    "count": len(holders),
                    "day": format_day(day),
                    "people": "; ".join(
                        f"{_person(a.user)} ({period_text(a.valid_from, a.valid_to)})"
                        for a in holders
                    ),
                    "max": MAX_BRANCH_DEPUTIES,
                },
                field="valid_from",
            )


def _holders(role: Role, site: Site, start: date, end: date | None):
    return (
        Assignment.objects.filter(role=role, site=site)
        .overlapping(start, end)
        .select_related("user")
        .order_by("valid_from", "pk")
    )


def _first_holder(role: Role, site: Site, start: date, end: date | None) -> Assignment | None:
    return _holders(role, site, start, end).first()


def _busiest_day(
    role: Role, site: Site, start: date, end: date | None
) -> tuple[date, list[Assignment]] | None:
    """Return the day of ``[start, end]`` on which most holders overlap, with those holders.

    The count only rises on a holder's first day, so checking ``start`` and every later first
    day inside the period checks every date of it.
    """
    holders = list(_holders(role, site, start, end))
    if not holders:
        return None
    candidates = {start} | {
        a.valid_from
        for a in holders
        if a.valid_from is not None
        and a.valid_from > start
        and (end is None or a.valid_from <= end)
    }
    best: tuple[date, list[Assignment]] | None = None
    for day in sorted(candidates):
        present = [a for a in holders if _covers(a.valid_from, a.valid_to, day)]
        if best is None or len(present) > len(best[1]):
            best = (day, present)
    return best


@transaction.atomic
def assignment_create(
    *,
    user: AbstractUser,
    role: str,
    site: Site | None = None,
    agency: Agency | None = None,
    valid_from: date,
    valid_to: date | None = None,
    decision_number: str = "",
) -> Assignment:
    """Appoint ``user`` to ``role`` at ``site`` or in ``agency`` from ``valid_from``.

    Site roles need a site, agency roles an agency, inspectors and administrators neither. A
    Center director sits at the Center; branch directors and deputies at a branch, where on any
    date there is at most one director and two deputies (the Center: one director). Raises
    :class:`InvalidInput` for a malformed request and :class:`Conflict` when the post is full or
    the person already holds the same role there in an overlapping period.
    """
    # Lock the site (or the person, for agency and Center-wide roles) before counting, so that
    # two simultaneous appointments are decided one after the other.
    if site is not None:
        site = Site.objects.select_for_update().get(pk=site.pk)
    user = _lock_user(user)
    decision_number = normalize(decision_number or "")
    assignment_validate(
        user=user,
        role=role,
        site=site,
        agency=agency,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=decision_number,
    )
    return Assignment.objects.create(
        user=user,
        role=role,
        site=site,
        agency=agency,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=decision_number,
    )


@transaction.atomic
def assignment_end(*, assignment: Assignment, valid_to: date) -> Assignment:
    """Record the last day of an assignment.

    History is never rewritten: an open assignment gets an end date, and a planned end date may
    only be brought forward; ending before the start, or extending, is refused (appoint again
    instead, so that the limits are checked).
    """
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if valid_to is None:
        raise InvalidInput(_("Enter the end date."), field="valid_to")
    _checkperiod_text(assignment.valid_from or valid_to, valid_to)
    if assignment.valid_to is not None and valid_to > assignment.valid_to:
        raise Conflict(
            _(
                "This assignment already ends on %(end)s; it cannot be extended. "
                "Record a new assignment instead."
            )
            % {"end": format_day(assignment.valid_to)},
            field="valid_to",
        )
    assignment.valid_to = valid_to
    assignment.save(update_fields=["valid_to"])
    return assignment


# --- secondments -------------------------------------------------------------------------------


def secondment_validate(
    *,
    user: AbstractUser,
    from_agency: Agency | None,
    to_site: Site | None,
    valid_from: date | None,
    valid_to: date | None = None,
) -> None:
    """Raise the first rule a secondment would break; write nothing."""
    if from_agency is None:
        raise InvalidInput(_("Choose the agency that seconds the person."), field="from_agency")
    if to_site is None:
        raise InvalidInput(_("Choose the site the person is seconded to."), field="to_site")
    _checkperiod_text(valid_from, valid_to)
    clash = (
        Secondment.objects.filter(user=user)
        .overlapping(valid_from, valid_to)
        .select_related("to_site")
        .first()
    )
    if clash is not None:
        raise Conflict(
            _("%(person)s is already seconded to %(site)s %(period)s.")
            % {
                "person": _person(user),
                "site": clash.to_site,
                "period": period_text(clash.valid_from, clash.valid_to),
            },
            field="valid_from",
        )


@transaction.atomic
def secondment_create(
    *,
    user: AbstractUser,
    from_agency: Agency,
    to_site: Site,
    valid_from: date,
    valid_to: date | None = None,
    decision_number: str = "",
) -> Secondment:
    """Record that ``from_agency`` lends ``user`` to ``to_site`` for a period.

    A person is seconded to one site at a time: overlapping secondments raise :class:`Conflict`.
    """
    user = _lock_user(user)
    secondment_validate(
        user=user,
        from_agency=from_agency,
        to_site=to_site,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    return Secondment.objects.create(
        user=user,
        from_agency=from_agency,
        to_site=to_site,
        valid_from=valid_from,
        valid_to=valid_to,
        decision_number=normalize(decision_number or ""),
    )


# --- staffing plans ----------------------------------------------------------------------------


def staffing_total_check(*, year: int, approved_headcount: int, total: int) -> None:
    """Raise :class:`Conflict` when the branches' total exceeds the Center's headcount."""
    if total > approved_headcount:
        raise Conflict(
            _(
                "The branches' total headcount for %(year)d (%(total)d) exceeds the Center's "
                "approved headcount (%(approved)d)."
            )
            % {"year": year, "total": total, "approved": approved_headcount},
            field="approved_headcount",
        )


def _check_headcount(value: int, field: str) -> None:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(_("Enter a whole number of people, zero or more."), field=field)


def _check_branch(branch: Site) -> None:
    if branch.kind != SiteKind.BRANCH:
        raise InvalidInput(
            _("Only branches receive a headcount, and %(site)s is not a branch.")
            % {"site": branch},
            field="branch",
        )


@transaction.atomic
def staffing_plan_set(
    *,
    year: int,
    approved_headcount: int,
    decision_number: str = "",
    quotas: Mapping[Site, int] | None = None,
) -> StaffingPlan:
    """Create or change the staffing plan of ``year``.

    The branches' quotas never add up to more than ``approved_headcount``: lowering it below the
    current total raises :class:`Conflict`. With ``quotas`` the plan's branch quotas become
    exactly those (others are removed), checked against the new headcount in one step.
    """
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("Enter a year between 2000 and 2100."), field="year")
    _check_headcount(approved_headcount, "approved_headcount")
    if quotas is not None:
        for branch, headcount in quotas.items():
            _check_branch(branch)
            _check_headcount(headcount, "headcount")

    plan, _created = StaffingPlan.objects.select_for_update().get_or_create(
        year=year, defaults={"approved_headcount": approved_headcount}
    )
    if quotas is None:
        total = plan.quotas.aggregate(total=Sum("headcount"))["total"] or 0
    else:
        total = sum(quotas.values())
    staffing_total_check(year=year, approved_headcount=approved_headcount, total=total)

    plan.approved_headcount = approved_headcount
    plan.decision_number = normalize(decision_number or "")
    plan.save()
    if quotas is not None:
        plan.quotas.exclude(branch__in=list(quotas)).delete()
        for branch, headcount in quotas.items():
            BranchQuota.objects.update_or_create(
                plan=plan, branch=branch, defaults={"headcount": headcount}
            )
    return plan


@transaction.atomic
def branch_quota_set(*, plan: StaffingPlan, branch: Site, headcount: int) -> BranchQuota:
    """Give ``branch`` its headcount in ``plan``, keeping the total within the Center's."""
    _check_branch(branch)
    _check_headcount(headcount, "headcount")
    plan = StaffingPlan.objects.select_for_update().get(pk=plan.pk)
    others = plan.quotas.exclude(branch=branch).aggregate(total=Sum("headcount"))["total"] or 0
    try:
        staffing_total_check(
            year=plan.year, approved_headcount=plan.approved_headcount, total=others + headcount
        )
    except Conflict as exc:
        exc.field = "headcount"
        raise
    quota, _created = BranchQuota.objects.update_or_create(
        plan=plan, branch=branch, defaults={"headcount": headcount}
    )
    return quota


# --- demo accounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: Role
    where: str  # "center", "branch", "agency" or "" (Center-wide): where the account works


DEMO_ACCOUNTS = [
    DemoAccount("giamdoc.trungtam", "Nguyễn Văn An", Role.CENTER_DIRECTOR, "center"),
    DemoAccount("giamdoc.cn1", "Trần Thị Bình", Role.BRANCH_DIRECTOR, "branch"),
    DemoAccount("phogiamdoc.cn1", "Lê Văn Cường", Role.DEPUTY_DIRECTOR, "branch"),
    DemoAccount("tiepnhan.cn1", "Phạm Thị Dung", Role.RECEIVING_OFFICER, "branch"),
    DemoAccount("chuyenvien.vpdk", "Hoàng Văn Em", Role.AGENCY_SPECIALIST, "agency"),
    DemoAccount("lanhdao.vpdk", "Vũ Thị Giang", Role.AGENCY_LEADER, "agency"),
    DemoAccount("chuyenvien.tayho", "Đỗ Minh Khoa", Role.AGENCY_SPECIALIST, "commune"),
    DemoAccount("lanhdao.tayho", "Ngô Thị Mai", Role.AGENCY_LEADER, "commune"),
    DemoAccount("thanhtra", "Đặng Văn Hải", Role.INSPECTOR, ""),
    DemoAccount("quantri", "Bùi Thị Lan", Role.ADMINISTRATOR, ""),
]


def _demo_places(
    *, center_code: str | None, branch_code: str | None, agency_code: str | None
) -> dict[str, Site | Agency | None]:
    """Find the Center, Branch No. 1 (Tây Hồ) and the Land Registration Office.

    By code when given, otherwise by kind, branch number and name, so that the demo works
    whatever codes the network loader chose.
    """
    center = Site.objects.filter(code=center_code).first() if center_code else None
    center = center or Site.objects.filter(kind=SiteKind.CENTER).order_by("pk").first()
    branch = Site.objects.filter(code=branch_code).first() if branch_code else None
    branch = (
        branch
        or Site.objects.filter(kind=SiteKind.BRANCH, number=1).order_by("pk").first()
        or Site.objects.filter(kind=SiteKind.BRANCH, name_folded__contains="tay ho").first()
    )
    agency = Agency.objects.filter(code=agency_code).first() if agency_code else None
    agency = agency or Agency.objects.filter(name_folded__contains="dang ky dat dai").first()
    # The commune committee of phường Tây Hồ, where Branch No. 1 stands, takes most of the
    # branch's everyday dossiers (certification, civil status) since 1 July 2025.
    commune = Agency.objects.filter(code=DEMO_COMMUNE_CODE).first()
    return {"center": center, "branch": branch, "agency": agency, "commune": commune, "": None}


def demo_accounts_create(
    *,
    valid_from: date = date(2025, 1, 1),
    password: str = DEMO_PASSWORD,
    center_code: str | None = DEMO_CENTER_CODE,
    branch_code: str | None = DEMO_BRANCH_CODE,
    agency_code: str | None = DEMO_AGENCY_CODE,
    on_skip: Callable[[str], None] | None = None,
) -> list[tuple[str, str, str]]:
    """Create one demo account per role, once; return ``(username, password, role)`` tuples.

    The list holds the accounts made by this call only, so their passwords are shown once. An
    account whose site or agency the network lacks, or whose post is already taken, is skipped
    and ``on_skip`` (default: a log warning) receives the reason. Idempotent: a second run
    changes nothing. For demo mode only: every account shares the deterministic ``password``.
    """
    report = on_skip or logger.warning
    places = _demo_places(center_code=center_code, branch_code=branch_code, agency_code=agency_code)
    labels = {
        "center": _("the Center"),
        "branch": _("Branch No. 1 (Tây Hồ)"),
        "agency": _("the Land Registration Office"),
        "commune": _("the People's Committee of phường Tây Hồ"),
    }
    accounts: list[tuple[str, str, str]] = []
    for demo in DEMO_ACCOUNTS:
        place = places[demo.where]
        if demo.where and place is None:
            report(
                _("Demo account %(username)s skipped: %(place)s is missing; load the network.")
                % {"username": demo.username, "place": labels[demo.where]}
            )
            continue
        try:
            created = _demo_account_create(demo, place, password=password, valid_from=valid_from)
        except DomainError as exc:
            report(
                _("Demo account %(username)s skipped: %(reason)s")
                % {"username": demo.username, "reason": exc.detail}
            )
            continue
        if created:
            accounts.append((demo.username, password, demo.role.value))
    return accounts


@functools.cache
def _demo_password_hash(password: str) -> str:
    return make_password(password)


@transaction.atomic
def _demo_account_create(
    demo: DemoAccount, place: Site | Agency | None, *, password: str, valid_from: date
) -> bool:
    """Make the account and its assignment where missing; return whether the account is new."""
    user = User.objects.filter(username=demo.username).first()
    created = user is None
    if user is None:
        user = staff_create(
            username=demo.username,
            full_name=demo.full_name,
            email=f"{demo.username}@demo.motcua.invalid",
            home_agency=place if isinstance(place, Agency) else None,
        )
        # One hash for the shared demo password: PBKDF2's cost (about 3 s on a busy 2-core
        # machine) paid once, not ten times, on the first ``make run``.
        user.password = _demo_password_hash(password)
        user.save(update_fields=["password"])
    if demo.role == Role.ADMINISTRATOR and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if not Assignment.objects.filter(user=user, role=demo.role).exists():
        assignment_create(
            user=user,
            role=demo.role,
            site=place if isinstance(place, Site) else None,
            agency=place if isinstance(place, Agency) else None,
            valid_from=valid_from,
            decision_number="DEMO" if demo.role in DECISION_ROLES else "",
        )
    return created
