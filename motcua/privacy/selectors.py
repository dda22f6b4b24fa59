"""Reading the access log: who viewed a dossier, for those allowed to know."""

from __future__ import annotations

from motcua.dossiers.permissions import Actor
from motcua.organization.choices import Role
from motcua.privacy.models import DataAccess

#: The Center's director and the inspectors see who viewed a dossier (not the administrator:
#: running the system is not supervising who reads what).
WATCHERS = {Role.CENTER_DIRECTOR, Role.INSPECTOR}


def may_see_viewers(actor: Actor) -> bool:
    from motcua.organization.models import Assignment

    if not actor.sees_all:  # both watchers see every dossier; most readers ask nothing more
        return False
    return (
        Assignment.objects.filter(user_id=actor.user.pk, role__in=WATCHERS).on(actor.day).exists()
    )


def viewers_of(*, actor: Actor, dossier_id: int, limit: int = 50) -> list[DataAccess] | None:
    """The latest reads of the dossier, newest first; ``None`` when ``actor`` may not know."""
    if not may_see_viewers(actor):
        return None
    return list(
        DataAccess.objects.filter(dossier_id=dossier_id)
        .select_related("user__staff_profile")
        .order_by("-at", "-pk")[:limit]
    )
