"""Who may read and handle complaints, and whose ratings a person reads. Decided here only.

- A complaint about a site (or about a dossier received there) is read and handled by the
  site's receiving officers and by the directors of the branch it belongs to.
- A complaint about an agency (or about a dossier that agency decides) is read and handled by
  the agency's specialists and leaders.
- A complaint about a dossier concerns both its receiving site and its agency: either may
  handle it (ours: the citizen often cannot tell whose fault a delay was).
- A complaint about neither (the Center as a whole) and every other complaint: the center
  director. Inspectors and administrators read everything and handle nothing.

Ratings follow the dossiers: a person reads the ratings of the dossiers they may read
(:func:`motcua.dossiers.permissions.visible_q`).
"""

from __future__ import annotations

from django.db.models import Q

from motcua.core.refcache import reference_cache
from motcua.dossiers.permissions import Actor
from motcua.organization.choices import Role
from motcua.organization.models import Assignment

SITE_HANDLERS = frozenset({Role.RECEIVING_OFFICER, Role.BRANCH_DIRECTOR, Role.DEPUTY_DIRECTOR})
AGENCY_HANDLERS = frozenset({Role.AGENCY_SPECIALIST, Role.AGENCY_LEADER})


def is_center_director(actor: Actor) -> bool:
    """Whether ``actor`` is the center director that day."""
    if any(Role.CENTER_DIRECTOR in roles for roles in actor.roles_at_sites.values()):
        return True
    if not actor.sees_all or actor.user.pk is None:
        return False
    # A center director appointed without a site: ask the assignments once per day.
    return reference_cache.get_or_set(
        ("center-director", actor.user.pk, actor.day),
        lambda: (
            Assignment.objects.filter(user=actor.user, role=Role.CENTER_DIRECTOR)
            .on(actor.day)
            .exists()
        ),
    )


def _handled_sites(actor: Actor) -> set[int]:
    sites = {pk for pk in actor.site_ids if actor.roles_at_site(pk) & SITE_HANDLERS}
    return sites | set(actor.headed_sites)


def _handled_agencies(actor: Actor) -> set[int]:
    return {pk for pk, roles in actor.roles_in_agencies.items() if roles & AGENCY_HANDLERS}


def complaints_visible_q(actor: Actor) -> Q | None:
    """The filter on complaints that ``actor`` may read; ``None`` means all of them."""
    if actor.sees_all:
        return None
    q = Q(pk__in=[])
    sites = actor.site_ids | set(actor.headed_sites)
    if sites:
        q |= Q(site_id__in=sites)
    if actor.agency_ids:
        q |= Q(agency_id__in=actor.agency_ids)
    return q


def can_read(actor: Actor, complaint) -> bool:
    if actor.sees_all:
        return True
    sites = actor.site_ids | set(actor.headed_sites)
    return complaint.site_id in sites or complaint.agency_id in actor.agency_ids


def can_handle(actor: Actor, complaint) -> bool:
    """Whether ``actor`` may refuse, request information, handle, answer and publish."""
    if is_center_director(actor):
        return True
    return (complaint.site_id is not None and complaint.site_id in _handled_sites(actor)) or (
        complaint.agency_id is not None and complaint.agency_id in _handled_agencies(actor)
    )
