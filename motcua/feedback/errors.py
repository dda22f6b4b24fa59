"""Refusals specific to ratings and complaints; each maps to problem+json (core.errors)."""

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict, PermissionDenied


class NotDelivered(Conflict):
    code = "not_delivered"
    title = _("The result has not been handed over yet")


class AlreadyRated(Conflict):
    code = "already_rated"
    title = _("This dossier has already been rated")


class RatingWindowClosed(Conflict):
    code = "rating_window_closed"
    title = _("The time to rate this dossier is over")


class ProofExpired(PermissionDenied):
    code = "proof_expired"
    title = _("This link has expired")
