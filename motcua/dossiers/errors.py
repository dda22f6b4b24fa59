"""Refusals specific to dossiers; each maps to problem+json through the one error model."""

from django.utils.translation import gettext_lazy as _

from motcua.core.errors import Conflict


class SupplementAlreadyRequested(Conflict):
    code = "supplement_already_requested"
    title = _("A supplement was already requested")


class AlreadyExtended(Conflict):
    code = "already_extended"
    title = _("The appointment was already moved")


class ApologyTooLate(Conflict):
    code = "apology_too_late"
    title = _("Too late to apologise and extend")


class ApprovalRequired(Conflict):
    code = "approval_required"
    title = _("A leader must sign the result first")
