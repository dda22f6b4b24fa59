from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How the dossier reached us; the values are the national channel codes (§4)."""

    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    POST = "post", _("Public postal service")


CHANNEL_CODES = {Channel.IN_PERSON: 1, Channel.ONLINE: 2, Channel.POST: 3}


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ORGANIZATION = "organization", _("Organization")


class ReturnMethod(models.TextChoices):
    """Where the applicant collects the result (§2.5)."""

    SITE = "site", _("At a one-stop site")
    POST = "post", _("By public postal service")
    ONLINE = "online", _("Electronically")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Bank transfer")
    ONLINE = "online", _("Online payment")


class Status(models.TextChoices):
    """Internal states of a dossier; each maps to exactly one national code (§4)."""

    SUBMITTED = "submitted", _("Submitted online, awaiting check")
    GUIDED = "guided", _("Returned for completion before receipt")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    TRANSFERRED = "transferred", _("Transferred to the agency")
    IN_PROGRESS = "in_progress", _("Being processed")
    AWAITING_SUPPLEMENT = "awaiting_supplement", _("Awaiting a supplement")
    AWAITING_OBLIGATION = "awaiting_obligation", _("Awaiting a financial obligation")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")
    RESULT_READY = "result_ready", _("Result ready")
    DELIVERED = "delivered", _("Result delivered")


class NationalStatus(models.IntegerChoices):
    """The 10 status codes of the National Public Service Portal (§4)."""

    NEW = 1, _("Newly registered")
    ACCEPTED = 2, _("Accepted")
    NOT_ACCEPTED = 3, _("Not accepted")
    PROCESSING = 4, _("Being processed")
    SUPPLEMENT = 5, _("Supplement requested")
    FINANCIAL_OBLIGATION = 6, _("Financial obligation required")
    WITHDRAWN = 7, _("Withdrawn at the citizen's request")
    STOPPED = 8, _("Processing stopped")
    DONE = 9, _("Processed")
    RETURNED = 10, _("Result returned")


NATIONAL_STATUS: dict[str, int] = {
    Status.SUBMITTED: NationalStatus.NEW,
    Status.GUIDED: NationalStatus.SUPPLEMENT,
    Status.RECEIVED: NationalStatus.ACCEPTED,
    Status.REFUSED: NationalStatus.NOT_ACCEPTED,
    Status.TRANSFERRED: NationalStatus.PROCESSING,
    Status.IN_PROGRESS: NationalStatus.PROCESSING,
    Status.AWAITING_SUPPLEMENT: NationalStatus.SUPPLEMENT,
    Status.AWAITING_OBLIGATION: NationalStatus.FINANCIAL_OBLIGATION,
    Status.WITHDRAWN: NationalStatus.WITHDRAWN,
    Status.STOPPED: NationalStatus.STOPPED,
    Status.RESULT_READY: NationalStatus.DONE,
    Status.DELIVERED: NationalStatus.RETURNED,
}

#: States in which the dossier's clock no longer runs and nothing more happens to it.
FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.DELIVERED})
#: States in which processing is over (the result, a refusal or a stop exists).
FINISHED_STATUSES = frozenset(
    {Status.REFUSED, Status.STOPPED, Status.RESULT_READY, Status.DELIVERED}
)


class Timeliness(models.TextChoices):
    """Early / on time / late (§5, Decision 766)."""

    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected with a written reason")


class Action(models.TextChoices):
    """Every change a dossier can undergo; each writes one event."""

    SUBMIT = "submit", _("Submit online")
    RECEIVE = "receive", _("Receive")
    GUIDE = "guide", _("Guide to complete (before receipt)")
    REFUSE = "refuse", _("Refuse")
    ATTACH = "attach", _("Attach a scanned component")
    TRANSFER = "transfer", _("Transfer to the agency")
    ACCEPT = "accept", _("Accept at the agency")
    ASSIGN = "assign", _("Assign")
    HANDOVER = "handover", _("Hand over to the next step")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    RECEIVE_SUPPLEMENT = "receive_supplement", _("Receive the supplement")
    REQUIRE_OBLIGATION = "require_obligation", _("Require a financial obligation")
    FULFIL_OBLIGATION = "fulfil_obligation", _("Record the financial obligation as met")
    EXTEND = "extend", _("Apologise and extend")
    COMPLETE = "complete", _("Complete")
    DELIVER = "deliver", _("Deliver the result")
    WITHDRAW = "withdraw", _("Withdraw")
    STOP = "stop", _("Stop processing")
    PAY = "pay", _("Record a fee payment")
    RETURN_WRONG_AGENCY = "return_wrong_agency", _("Return: not within the agency's competence")
    REROUTE = "reroute", _("Re-route to the competent agency")
    SUCCEED = "succeed", _("Hand over to the successor agency")
    # §2.4 "a leader signs" (docs/decisions/0009): the specialist submits the draft result, a
    # leader of the agency (or the person a leader delegated to) approves or sends it back.
    SUBMIT_FOR_APPROVAL = "submit_for_approval", _("Submit for the leader's approval")
    APPROVE = "approve", _("Approve and sign the result")
    SEND_BACK = "send_back", _("Send back to the specialist")


class FormKind(models.TextChoices):
    """The official forms; each regime numbers them its own way (§6)."""

    RECEIPT = "receipt", _("Receipt and appointment")
    SUPPLEMENT = "supplement", _("Request to supplement")
    REFUSAL = "refusal", _("Refusal to receive")
    APOLOGY = "apology", _("Apology and new appointment")
    STOP = "stop", _("Notice of stopping")
    CONTROL = "control", _("Control slip")
    LEDGER = "ledger", _("Tracking ledger")


class NotificationEvent(models.TextChoices):
    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    EXTENDED = "extended", _("Apology and new appointment")
    RESULT_READY = "result_ready", _("Result ready")
    ONE_TIME_CODE = "one_time_code", _("One-time code")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
