"""Who is working, where, today: the context every workspace page starts from.

A person assigned to several sites picks the one they sit at (the site switcher); the choice
lives in the session and is checked against their assignments on every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.dossiers.permissions import Actor, actor_for
from motcua.organization.choices import Role
from motcua.organization.models import Site

SESSION_SITE = "workspace_site"
SITE_ROLES = {Role.RECEIVING_OFFICER, Role.BRANCH_DIRECTOR, Role.DEPUTY_DIRECTOR}
AGENCY_ROLES = {Role.AGENCY_SPECIALIST, Role.AGENCY_LEADER}


@dataclass
class Desk:
    actor: Actor
    site: Site | None
    sites: list[Site]

    @property
    def roles(self) -> set[Role]:
        roles = {r for rs in self.actor.roles_at_sites.values() for r in rs}
        roles |= {r for rs in self.actor.roles_in_agencies.values() for r in rs}
        if self.actor.seconded_sites:
            roles.add(Role.RECEIVING_OFFICER)
        return roles

    @property
    def site_roles(self) -> frozenset[Role]:
        return self.actor.roles_at_site(self.site.pk) if self.site else frozenset()

    @property
    def is_officer(self) -> bool:
        return Role.RECEIVING_OFFICER in self.site_roles

    @property
    def is_agency(self) -> bool:
        return bool(self.actor.roles_in_agencies)

    @property
    def is_leader(self) -> bool:
        return any(Role.AGENCY_LEADER in r for r in self.actor.roles_in_agencies.values())

    @property
    def heads_branch(self) -> bool:
        return bool(self.actor.headed_sites)

    @property
    def sees_all(self) -> bool:
        return self.actor.sees_all

    @property
    def may_reorganize(self) -> bool:
        from motcua.dossiers.permissions import may_reorganize

        return may_reorganize(self.actor)

    @property
    def has_any_post(self) -> bool:
        # Former agency staff keep reading what they handled (docs/decisions/0008).
        return bool(self.roles) or self.sees_all or bool(self.actor.former_agencies)


def desk_for(request: HttpRequest) -> Desk:
    actor = actor_for(request.user, clock.today())
    ids = actor.site_ids | set(actor.headed_sites)
    sites = list(Site.objects.filter(pk__in=ids).order_by("kind", "number", "code"))
    chosen = request.session.get(SESSION_SITE)
    site = next((s for s in sites if s.pk == chosen), None)
    if site is None:
        # Prefer a site where the person works the counter, then any of theirs.
        working = [s for s in sites if actor.roles_at_site(s.pk)]
        site = (working or sites or [None])[0]
    return Desk(actor=actor, site=site, sites=sites)


def staff_view(view):
    """Sign-in required, and a post (role) today; attaches ``request.desk``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.desk = desk_for(request)
        if not request.desk.has_any_post:
            return render(
                request,
                "workspace/no_post.html",
                {"message": _("You hold no post today, so there is nothing to show you here.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapped
