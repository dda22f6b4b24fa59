"""Stable values of ratings and complaints (PAKN), with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.TextChoices):
    """The three-level rating at the end of a visit (one-stop-rules §7)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


#: The nine criteria of the satisfaction survey, in the order of §7; each scores 0, 1 or 2.
SURVEY_CRITERIA = (
    _("Total processing time compared with the statutory time"),
    _("Time taken by each unit"),
    _("Number of contacts needed to complete the dossier"),
    _("Number of agencies contacted"),
    _("Receipt and return at the one-stop site"),
    _("Publicity of the procedure"),
    _("Attitude of the staff"),
    _("Handling of feedback"),
    _("Progress and quality of online services"),
)

#: What each score of a criterion means to the citizen answering.
CRITERION_SCORES = (
    (0, _("Poor")),
    (1, _("Acceptable")),
    (2, _("Good")),
)


class SurveyBand(models.TextChoices):
    """The band of a survey total out of 18 (§7; 15 counts as excellent, our reading)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    WEAK = "weak", _("Weak")


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    INFO_REQUESTED = "info_requested", _("More information requested")
    REFUSED = "refused", _("Refused")
    IN_HANDLING = "in_handling", _("Being handled")
    ANSWERED = "answered", _("Answered")
    PUBLISHED = "published", _("Answer published")


class ComplaintAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    REFUSE = "refuse", _("Refuse")
    REQUEST_INFO = "request_info", _("Ask for more information")
    ADD_INFO = "add_info", _("Add information")
    ACCEPT = "accept", _("Start handling")
    ANSWER = "answer", _("Answer")
    PUBLISH = "publish", _("Publish the answer")


#: The statuses in which a complaint still waits for the office.
OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.INFO_REQUESTED,
    ComplaintStatus.IN_HANDLING,
    ComplaintStatus.ANSWERED,
)
