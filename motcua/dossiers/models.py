"""Dossiers, their components, handovers and the append-only event trail.

State changes go through :mod:`motcua.dossiers.services`; nothing here holds workflow.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import EffectiveDated
from motcua.dossiers.choices import (
    NATIONAL_STATUS,
    Action,
    ApplicantKind,
    Channel,
    DeliveryStatus,
    FormKind,
    NotificationChannel,
    NotificationEvent,
    Outcome,
    PaymentMethod,
    ReturnMethod,
    Status,
    Timeliness,
)
from motcua.worktime.choices import TimeLimitUnit


def _reference(to, **options) -> models.ForeignKey:
    """An optional reference that is never filtered on, hence not indexed
    (docs/decisions/0005): protected, nullable, without a reverse accessor."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        **options,
    )


class Regime(EffectiveDated):
    """A legal regime of the one-stop mechanism, chosen by the date of receipt (§1).

    The limits that the law leaves to interpretation are columns here, so an administrator
    changes them with a new row rather than code.
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.TextField(_("legal basis"))
    default_cutoff = models.TimeField(_("default cut-off time"), default=time(15, 0))
    max_supplements = models.PositiveSmallIntegerField(
        _("supplement requests allowed after receipt"), default=1
    )
    max_extensions = models.PositiveSmallIntegerField(
        _("extensions (apologies) allowed"), default=1
    )
    apology_lead_hours = models.PositiveSmallIntegerField(
        _("apology at the latest this many working hours before the due time"), default=8
    )
    online_check_hours = models.PositiveSmallIntegerField(
        _("working hours to check an online dossier"), default=8
    )
    obligation_pauses_clock = models.BooleanField(
        _("the clock pauses during a financial obligation"), default=True
    )
    has_stop_notice = models.BooleanField(_("has a notice of stopping"), default=False)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("regime")
        verbose_name_plural = _("regimes")
        constraints = [*EffectiveDated.Meta.constraints]

    def __str__(self) -> str:
        return self.name


class FormTemplate(EffectiveDated):
    """One official form of a regime: its number, title and the HTML template that prints it."""

    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="forms")
    kind = models.CharField(_("kind"), max_length=20, choices=FormKind.choices)
    number = models.CharField(_("form number"), max_length=10)
    title = models.CharField(_("title"), max_length=300)
    template_name = models.CharField(_("template"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["regime", "number", "version"]
        verbose_name = _("form template")
        verbose_name_plural = _("form templates")
        constraints = [
            *EffectiveDated.Meta.constraints,
            models.UniqueConstraint(
                fields=["regime", "kind", "version"], name="dossiers_form_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime.code} Mẫu {self.number} v{self.version}"


class DailySequence(models.Model):
    """The last sequence number a receiving unit gave on a day (the XXXX of the code, §3)."""

    unit_id = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_id", "day"], name="dossiers_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=60)
    # An online filing's own reference until the check accepts it and gives it the site's
    # official code (docs/decisions/0013-abuse-limits.md); the lookup finds it by either.
    online_reference = models.CharField(
        _("online reference"), max_length=60, blank=True, default="", db_default=""
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)

    regime = models.ForeignKey(
        Regime, on_delete=models.PROTECT, related_name="dossiers", db_index=False
    )
    forms = models.JSONField(_("form set"), default=dict, help_text=_("Frozen at receipt."))
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    time_limit = models.PositiveIntegerField(_("statutory time limit"))
    time_limit_unit = models.CharField(max_length=20, choices=TimeLimitUnit.choices)

    applicant_kind = models.CharField(
        _("applicant kind"), max_length=20, choices=ApplicantKind.choices
    )
    applicant_name = models.CharField(_("applicant"), max_length=300)
    applicant_name_folded = models.CharField(max_length=300, editable=False)
    applicant_id_number = models.CharField(_("citizen ID or tax code"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_unit = _reference(
        "organization.AdministrativeUnit",
        verbose_name=_("applicant's commune/ward"),
    )
    object_unit = _reference(
        "organization.AdministrativeUnit",
        verbose_name=_("commune/ward of the object (land, building)"),
    )
    request = models.TextField(_("request"), blank=True)
    sets = models.PositiveSmallIntegerField(_("number of sets"), default=1)

    receiving_site = models.ForeignKey(
        "organization.Site",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        db_index=False,
    )
    received_by = _reference(settings.AUTH_USER_MODEL)
    competent_agency = models.ForeignKey(
        "organization.Agency", on_delete=models.PROTECT, related_name="dossiers", db_index=False
    )
    outside_territory = models.BooleanField(
        _("received outside the competent agency's territory"), default=False
    )
    return_method = models.CharField(
        _("return of the result"), max_length=10, choices=ReturnMethod.choices
    )
    return_site = models.ForeignKey(
        "organization.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returning_dossiers",
        db_index=False,
    )
    return_address = models.CharField(
        _("postal address for the result"), max_length=500, blank=True
    )

    submitted_at = models.DateTimeField(_("submitted at"))
    deemed_received_at = models.DateTimeField(_("deemed received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("original appointment"), null=True, blank=True)
    check_due_at = models.DateTimeField(_("check due at"), null=True, blank=True)
    transfer_due_at = models.DateTimeField(_("transfer due at"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_status = models.CharField(max_length=30, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    extension_count = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    timeliness = models.CharField(
        _("timeliness"), max_length=10, choices=Timeliness.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    result_file = models.FileField(_("electronic result"), upload_to="results/%Y/%m/", blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    custodian_site = _reference("organization.Site")
    custodian_agency = _reference("organization.Agency")
    custodian = _reference(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder of the paper dossier"),
    )
    returned_from = _reference(
        "organization.Agency",
        verbose_name=_("returned by (not within its competence)"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    step = models.PositiveSmallIntegerField(_("current process step"), null=True, blank=True)
    step_started_at = models.DateTimeField(null=True, blank=True)

    fee_due = models.PositiveIntegerField(_("fees due (VND)"), default=0)
    fee_paid = models.PositiveIntegerField(_("fees paid (VND)"), default=0)
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    obligation_amount = models.PositiveBigIntegerField(_("financial obligation (VND)"), default=0)

    idempotency_key = models.CharField(max_length=200, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)
    created_by = _reference(settings.AUTH_USER_MODEL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        # Indexes are chosen for the queries that run (docs/decisions/0005-indexes.md): every
        # one costs each intake and each generated dossier, and most foreign keys are never
        # filtered on or are the first column of a composite index below.
        constraints = [
            # A constraint rather than unique=True: no second, pattern-ops index on PostgreSQL.
            models.UniqueConstraint(fields=["code"], name="dossiers_dossier_code_unique"),
            models.UniqueConstraint(
                fields=["online_reference"],
                condition=~models.Q(online_reference=""),
                name="dossiers_online_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="dossiers_idempotency_unique",
            ),
            # Online filings have no creator, and NULLs never clash in a unique index.
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=models.Q(created_by__isnull=True) & ~models.Q(idempotency_key=""),
                name="dossiers_idempotency_public_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["competent_agency", "status"], name="dossier_agency_status"),
            models.Index(fields=["receiving_site", "submitted_at"], name="dossier_site_submitted"),
            models.Index(fields=["return_site", "status"], name="dossier_return_status"),
            models.Index(fields=["status"], name="dossier_status"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def national_status(self) -> int:
        return int(NATIONAL_STATUS[self.status])


class DossierComponent(models.Model):
    """A document received with the dossier, and its scan once digitised."""

    # Indexed as the first column of dossiers_component_order_unique.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="components", db_index=False
    )
    order = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("originals"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("certified copies"), default=0)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    #: Papers presented at the counter and handed back (not kept with the dossier).
    shown = models.PositiveSmallIntegerField(_("shown only"), default=0, db_default=0)
    received = models.BooleanField(_("received"), default=True)
    file = models.FileField(_("scan"), upload_to="components/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    digitised_at = models.DateTimeField(_("digitised at"), null=True, blank=True)

    class Meta:
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "order"], name="dossiers_component_order_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Handover(models.Model):
    """One row of the control slip (Mẫu 05/06): who gave the dossier to whom, and when."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    step_name = models.CharField(max_length=300)
    unit = models.CharField(_("unit"), max_length=300)
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    receiver = _reference(settings.AUTH_USER_MODEL)
    given_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # The leader on whose behalf ``giver`` signed, when a recorded delegation let them sign
    # (§2.4; docs/decisions/0009). Empty when the leader signed themselves.
    on_behalf_of = _reference(settings.AUTH_USER_MODEL)

    class Meta:
        ordering = ["dossier", "given_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.step_name}"


class ImmutableQuerySet(models.QuerySet):
    """Refuse bulk changes: on SQLite this is the only guard, on PostgreSQL a trigger too."""

    def update(self, **kwargs):
        raise TypeError("Dossier events are append-only")

    def delete(self):
        raise TypeError("Dossier events are append-only")


class DossierEvent(models.Model):
    """One entry of the tamper-evident trail, chained by hash to the dossier's previous one."""

    # Indexed as the first column of dossiers_event_seq_unique.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    site = _reference("organization.Site")
    agency = _reference("organization.Agency")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    # Not unique and not indexed: the chain is what makes the trail tamper-evident (each hash
    # covers the dossier, the sequence number and the previous hash; verify-audit recomputes
    # them), and nothing looks an event up by its hash.
    hash = models.CharField(max_length=64)

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="dossiers_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise TypeError("Dossier events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Dossier events are append-only")


class SuccessorRule(models.TextChoices):
    """Who takes over the dossiers of an agency that ceases (a reorganization decision)."""

    TERRITORY = (
        "territory",
        _(
            "The agency competent by the procedure's rule on the date, for the commune or ward "
            "that now holds the object's or applicant's territory"
        ),
    )
    FIXED = "fixed", _("One named agency")


class Reorganization(models.Model):
    """A dated decision: ``agency`` ceases at the end of the day before ``effective_on`` and
    its dossiers in flight pass to successors (by ``rule``, or per procedure in ``rules``).

    Applying it (:func:`motcua.dossiers.services.competence.reorganization_apply`) moves each
    dossier with one event; ``applied_at`` is set once none is left behind.
    """

    agency = models.ForeignKey(
        "organization.Agency",
        verbose_name=_("ceasing agency"),
        on_delete=models.PROTECT,
        related_name="reorganizations",
    )
    effective_on = models.DateField(_("effective on"))
    rule = models.CharField(
        _("successor"), max_length=20, choices=SuccessorRule.choices,
        default=SuccessorRule.TERRITORY,
    )  # fmt: skip
    successor = models.ForeignKey(
        "organization.Agency",
        verbose_name=_("successor agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Required when one named agency succeeds."),
    )
    decision_number = models.CharField(_("decision number"), max_length=200, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    created_by = _reference(settings.AUTH_USER_MODEL)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "agency"]
        verbose_name = _("reorganization")
        verbose_name_plural = _("reorganizations")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "effective_on"], name="dossiers_reorganization_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(rule="fixed") | models.Q(successor__isnull=False),
                name="dossiers_reorganization_fixed_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.effective_on:%d/%m/%Y}"


class ReorganizationRule(models.Model):
    """Where the dossiers of one procedure go, when it moved elsewhere than the rule says."""

    reorganization = models.ForeignKey(
        Reorganization, on_delete=models.CASCADE, related_name="rules"
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    successor = models.ForeignKey(
        "organization.Agency", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("successor of a procedure")
        verbose_name_plural = _("successors of procedures")
        constraints = [
            models.UniqueConstraint(
                fields=["reorganization", "procedure"], name="dossiers_reorganization_rule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} → {self.successor}"


class NotificationLog(models.Model):
    """A message to the applicant, and what became of it. Written after the dossier commits."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=30, choices=NotificationEvent.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "created_at"], name="notification_status")]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient} ({self.status})"
