"""Who may see and do what with a dossier (issue 3 §6). Enforced here and only here.

- A receiving officer acts at the sites they are assigned to that day, on dossiers received
  or returned there.
- Agency specialists and leaders see and act on their agency's dossiers; only a leader signs
  an apology or a stop notice.
- A branch director (or deputy) sees the dossiers of the branch and of its reception points.
- The center director, inspectors and system administrators see everything; none of them acts
  on a dossier (inspectors are read-only by law; directors supervise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput, PermissionDenied
from motcua.core.refcache import reference_cache
from motcua.dossiers.choices import Action, ReturnMethod
from motcua.organization.choices import Role
from motcua.organization.models import Assignment, Secondment, Site

R = Role

SITE = "site"
AGENCY = "agency"

#: action → {role: scope}. A site scope needs the acting site to be one of the person's
#: sites that day and to be the dossier's receiving or return site; an agency scope needs the
#: dossier's competent agency to be one of the person's agencies that day.
ACTION_ROLES: dict[str, dict[Role, str]] = {
    Action.SUBMIT: {R.RECEIVING_OFFICER: SITE},
    Action.RECEIVE: {R.RECEIVING_OFFICER: SITE},
    Action.GUIDE: {R.RECEIVING_OFFICER: SITE},
    Action.REFUSE: {R.RECEIVING_OFFICER: SITE},
    Action.ATTACH: {R.RECEIVING_OFFICER: SITE, R.AGENCY_SPECIALIST: AGENCY},
    Action.TRANSFER: {R.RECEIVING_OFFICER: SITE},
    Action.ACCEPT: {R.AGENCY_SPECIALIST: AGENCY, R.AGENCY_LEADER: AGENCY},
    Action.ASSIGN: {R.AGENCY_LEADER: AGENCY, R.AGENCY_SPECIALIST: AGENCY},
    Action.HANDOVER: {R.AGENCY_SPECIALIST: AGENCY, R.AGENCY_LEADER: AGENCY},
    Action.REQUEST_SUPPLEMENT: {
        R.RECEIVING_OFFICER: SITE,
        R.AGENCY_SPECIALIST: AGENCY,
        R.AGENCY_LEADER: AGENCY,
    },
    Action.RECEIVE_SUPPLEMENT: {R.RECEIVING_OFFICER: SITE},
    Action.REQUIRE_OBLIGATION: {R.AGENCY_SPECIALIST: AGENCY, R.AGENCY_LEADER: AGENCY},
    Action.FULFIL_OBLIGATION: {
        R.RECEIVING_OFFICER: SITE,
        R.AGENCY_SPECIALIST: AGENCY,
        R.AGENCY_LEADER: AGENCY,
    },
    Action.EXTEND: {R.AGENCY_LEADER: AGENCY},
    Action.COMPLETE: {R.AGENCY_SPECIALIST: AGENCY, R.AGENCY_LEADER: AGENCY},
    # Who signs is checked by the service: a leader, or a person a leader delegated to (0009).
    Action.SUBMIT_FOR_APPROVAL: {R.AGENCY_SPECIALIST: AGENCY, R.AGENCY_LEADER: AGENCY},
    Action.APPROVE: {R.AGENCY_LEADER: AGENCY, R.AGENCY_SPECIALIST: AGENCY},
    Action.SEND_BACK: {R.AGENCY_LEADER: AGENCY, R.AGENCY_SPECIALIST: AGENCY},
    Action.DELIVER: {R.RECEIVING_OFFICER: SITE},
    Action.WITHDRAW: {R.RECEIVING_OFFICER: SITE},
    Action.STOP: {R.AGENCY_LEADER: AGENCY},
    Action.PAY: {R.RECEIVING_OFFICER: SITE},
    # Only a leader decides that a dossier is not the agency's (docs/decisions/0008).
    Action.RETURN_WRONG_AGENCY: {R.AGENCY_LEADER: AGENCY},
    Action.REROUTE: {
        R.RECEIVING_OFFICER: SITE,
        R.BRANCH_DIRECTOR: SITE,
        R.DEPUTY_DIRECTOR: SITE,
    },
    # Never on one dossier from its page: a reorganization applies it (``may_reorganize``).
    Action.SUCCEED: {R.CENTER_DIRECTOR: SITE, R.ADMINISTRATOR: SITE},
}

#: Who applies a reorganization to the dossiers of a ceasing agency.
REORGANIZERS = {R.CENTER_DIRECTOR, R.ADMINISTRATOR}

SEES_ALL = {R.CENTER_DIRECTOR, R.INSPECTOR, R.ADMINISTRATOR}
BRANCH_HEADS = {R.BRANCH_DIRECTOR, R.DEPUTY_DIRECTOR}


@dataclass(frozen=True)
class Actor:
    """What a person may reach on one day, read once per request."""

    user: AbstractBaseUser
    day: date
    roles_at_sites: dict[int, frozenset[Role]] = field(default_factory=dict)
    roles_in_agencies: dict[int, frozenset[Role]] = field(default_factory=dict)
    seconded_sites: frozenset[int] = frozenset()
    sees_all: bool = False
    headed_sites: frozenset[int] = frozenset()  # branches headed and their points
    roles: frozenset[Role] = frozenset()  # every role held that day, wherever
    #: Agencies the person worked for before ``day`` and no longer does: they keep reading
    #: the dossiers they handled there (docs/decisions/0008).
    former_agencies: frozenset[int] = frozenset()

    @property
    def site_ids(self) -> set[int]:
        return set(self.roles_at_sites) | set(self.seconded_sites)

    @property
    def agency_ids(self) -> set[int]:
        return set(self.roles_in_agencies)

    def roles_at_site(self, site_id: int) -> frozenset[Role]:
        roles = self.roles_at_sites.get(site_id, frozenset())
        if site_id in self.seconded_sites:
            # A seconded specialist works the counter of the site (plan 29/KH-UBND).
            roles = roles | {R.RECEIVING_OFFICER}
        return roles


def actor_for(user: AbstractBaseUser, day: date) -> Actor:
    """Read ``user``'s assignments and secondments on ``day`` (two queries, then cached)."""
    if not getattr(user, "is_active", False) or user.pk is None:
        return Actor(user=user, day=day)
    posts = reference_cache.get_or_set(
        ("posts", user.pk, day, bool(getattr(user, "is_superuser", False))),
        lambda: _posts(user, day),
    )
    return Actor(user=user, day=day, **posts)


def _posts(user: AbstractBaseUser, day: date) -> dict:
    at_sites: dict[int, set[Role]] = {}
    in_agencies: dict[int, set[Role]] = {}
    sees_all = bool(getattr(user, "is_superuser", False))
    heads: set[int] = set()
    held: set[Role] = set()
    ended: set[int] = set()
    # The posts held that day, and the agencies of those that ended before it, in one query.
    for role, site_id, agency_id, valid_to in (
        Assignment.objects.filter(user=user)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .values_list("role", "site_id", "agency_id", "valid_to")
    ):
        if valid_to is not None and valid_to < day:
            if agency_id is not None:
                ended.add(agency_id)
            continue
        role = Role(role)
        held.add(role)
        if role in SEES_ALL:
            sees_all = True
        if site_id is not None:
            at_sites.setdefault(site_id, set()).add(role)
            if role in BRANCH_HEADS:
                heads.add(site_id)
        if agency_id is not None:
            in_agencies.setdefault(agency_id, set()).add(role)
    seconded = frozenset(
        Secondment.objects.filter(user=user).on(day).values_list("to_site_id", flat=True)
    )
    if heads:
        heads |= set(Site.objects.filter(parent_id__in=heads).values_list("pk", flat=True))
    return {
        "roles_at_sites": {k: frozenset(v) for k, v in at_sites.items()},
        "roles_in_agencies": {k: frozenset(v) for k, v in in_agencies.items()},
        "seconded_sites": seconded,
        "sees_all": sees_all,
        "headed_sites": frozenset(heads),
        "roles": frozenset(held),
        "former_agencies": frozenset(ended - set(in_agencies)),
    }


def visible_q(actor: Actor) -> Q | None:
    """The filter on dossiers that ``actor`` may read; ``None`` means everything."""
    if actor.sees_all:
        return None
    q = Q(pk__in=[])
    sites = actor.site_ids | set(actor.headed_sites)
    if sites:
        q |= Q(receiving_site_id__in=sites) | Q(return_site_id__in=sites)
    if actor.agency_ids:
        q |= Q(competent_agency_id__in=actor.agency_ids)
    if actor.former_agencies:
        q |= Q(pk__in=_handled(actor))
    return q


def _handled(actor: Actor):
    """The dossiers ``actor`` acted on (the events name them): what former staff still read."""
    from motcua.dossiers.models import DossierEvent

    return DossierEvent.objects.filter(actor=actor.user).values("dossier_id")


def can_see(actor: Actor, dossier) -> bool:
    if actor.sees_all:
        return True
    sites = actor.site_ids | set(actor.headed_sites)
    return (
        dossier.receiving_site_id in sites
        or dossier.return_site_id in sites
        or dossier.competent_agency_id in actor.agency_ids
        or (bool(actor.former_agencies) and _handled(actor).filter(dossier_id=dossier.pk).exists())
    )


def may_reorganize(actor: Actor) -> bool:
    """Whether ``actor`` applies reorganizations (the Center's director, an administrator)."""
    return bool(actor.roles & REORGANIZERS) or bool(getattr(actor.user, "is_superuser", False))


def authorize_reorganization(actor: Actor | None) -> None:
    """``None`` is the system (a command run by the operator)."""
    if actor is not None and not may_reorganize(actor):
        raise PermissionDenied(
            _("Only the Center's director or an administrator applies a reorganization.")
        )


def authorize(actor: Actor, action: str, dossier=None, *, site: Site | None = None) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may do ``action`` (on ``dossier``).

    ``site`` is where a one-stop action happens (the officer's counter). Without a dossier
    (a new one) only the site is checked.
    """
    rules = ACTION_ROLES[action]
    if site is not None and any(scope == SITE for scope in rules.values()):
        site_roles = actor.roles_at_site(site.pk)
        if any(role in site_roles for role, scope in rules.items() if scope == SITE) and (
            dossier is None or _site_concerns(site, dossier, action)
        ):
            return
    if dossier is not None and dossier.competent_agency_id in actor.roles_in_agencies:
        agency_roles = actor.roles_in_agencies[dossier.competent_agency_id]
        if any(role in agency_roles for role, scope in rules.items() if scope == AGENCY):
            return
    raise PermissionDenied(
        _("You may not “%(action)s” on this dossier: only %(roles)s may, and you act as none here.")
        % {
            "action": str(Action(action).label),
            "roles": _(" or ").join(str(role.label).lower() for role in rules),
        }
    )


def _site_concerns(site: Site, dossier, action: str) -> bool:
    if action == Action.DELIVER and dossier.return_method == ReturnMethod.SITE:
        return dossier.return_site_id == site.pk
    return site.pk in (dossier.receiving_site_id, dossier.return_site_id)


def acting_site(actor: Actor, code: str | None) -> Site | None:
    """The site an officer acts at: the one named, else their only site that day."""
    if code:
        site = site_by_code(code)
        if site is None:
            raise InvalidInput(_("There is no site with code %(code)s.") % {"code": code},
                               field="site")  # fmt: skip
        return site
    ids = actor.site_ids
    if len(ids) == 1:
        site_id = next(iter(ids))
        return reference_cache.get_or_set(
            ("site-id", site_id),
            lambda: Site.objects.select_related("located_in__parent").get(pk=site_id),
        )
    return None


def site_by_code(code: str) -> Site | None:
    """The site with ``code`` and the units it lies in (cached reference data)."""
    return reference_cache.get_or_set(
        ("site", code),
        lambda: Site.objects.select_related("located_in__parent").filter(code=code).first(),
    )
