"""The one error model.

Every refusal the domain can give is a :class:`DomainError` subclass with an HTTP status, a
stable machine code and a translated message. :mod:`motcua.api` maps them to
``application/problem+json``; the UI shows the same message next to the field it names.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A request the rules refuse. ``detail`` is shown to the user as it is."""

    status: int = 422
    code: str = "domain_error"
    title = _("The request breaks a rule")

    def __init__(self, detail: str | None = None, *, field: str | None = None, **extra: Any):
        self.detail = str(detail) if detail is not None else str(self.title)
        self.field = field
        self.extra = extra
        super().__init__(self.detail)


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    title = _("Invalid input")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = _("Not found")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    title = _("You may not do this")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = _("The request conflicts with the current state")


class StaleVersion(Conflict):
    code = "stale_version"
    title = _("Someone else changed this record; reload it and try again")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    title = _("This action is not allowed in the current state")
