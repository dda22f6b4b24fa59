"""Who must use a second factor, and the session's time limits (docs/decisions/0012)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from motcua.core import clock
from motcua.dossiers.permissions import actor_for

#: Session keys: when the person signed in and when they were last seen (POSIX seconds of
#: the wall clock, not the project's clock, which tests and simulations move).
SIGNED_IN_AT = "motcua_signed_in_at"
LAST_SEEN_AT = "motcua_last_seen_at"
#: Set in the fresh session of a person signed out for a limit; the sign-in page explains.
ENDED = "motcua_session_ended"
#: Whether the person had a second factor when signing in: then it is asked whatever the post.
HAS_DEVICE = "motcua_has_device"
#: How often the last-seen time is written: a session save on every request would cost a
#: write per page; a minute's precision is enough for a 30-minute limit.
SEEN_PRECISION_SECONDS = 60


def needs_second_factor(user: AbstractBaseUser) -> bool:
    """The administrator, the Center's and branches' directors and the inspectors.

    That is: anyone who may enter the admin, and anyone whose posts today reach every dossier
    (Center director, inspector, administrator) or head a branch (director, deputy).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    actor = actor_for(user, clock.today())
    return actor.sees_all or bool(actor.headed_sites)
