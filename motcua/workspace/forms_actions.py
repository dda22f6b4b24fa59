"""The forms of the dossier page and the agency inbox: one form per action, and the filters.

Forms only parse and type what a person typed; every rule of the mechanism (who may, in which
state, how late an apology may come) is the service's to enforce, and its refusal comes back
onto the form through :func:`motcua.workspace.forms.add_domain_error`.

Each action form renders with ids prefixed by its action (``extend-reason``), so that several
forms on one page keep their labels tied to their own inputs, while the posted names stay plain
(``reason``, ``version``).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.choices import Action, Outcome, PaymentMethod, Status
from motcua.dossiers.services.lifecycle import SupplementItem
from motcua.workspace.forms import BootstrapMixin
from motcua.worktime.rules import HANOI

MAX_COUNT = 99
MAX_ITEMS = 20


class HanoiDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read as Hanoi wall-clock time, whatever the active zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats: ClassVar[list[str]] = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=HANOI)
        for fmt in self.input_formats:
            try:
                naive = datetime.strptime(str(value).strip(), fmt)  # noqa: DTZ007 (zone below)
            except ValueError:
                continue
            return naive.replace(tzinfo=HANOI)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def prepare_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(HANOI).strftime("%Y-%m-%dT%H:%M")
        return value


class PersonField(forms.ChoiceField):
    """A colleague chosen by username. The list helps; whether that person works for the
    dossier's agency today is the service's to say, in its own words."""

    def valid_value(self, value) -> bool:
        return bool(value)


def _needed(**attrs) -> dict:
    """Browser-side "required" for a field whose emptiness the service refuses with a message
    of its own (kept, rather than Django's generic "This field is required")."""
    return {"required": True, **attrs}


class ActionForm(BootstrapMixin, forms.Form):
    """The version the person read travels with every action: a dossier changed meanwhile
    is refused (409) instead of acted on twice."""

    action: ClassVar[str] = ""
    #: service field name → form field name, when they differ
    field_map: ClassVar[dict[str, str]] = {}
    multipart: ClassVar[bool] = False
    #: a button that warns (stop, withdraw) rather than moves the dossier on
    danger: ClassVar[bool] = False

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.action}-%s")
        super().__init__(*args, **kwargs)

    @property
    def label(self) -> str:
        return str(Action(self.action).label)


class TransferForm(ActionForm):
    action = Action.TRANSFER


class AcceptForm(ActionForm):
    action = Action.ACCEPT


class AssignForm(ActionForm):
    action = Action.ASSIGN

    assignee = PersonField(label=_("Specialist"))

    def __init__(self, *args, people: list[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose a specialist…")), *people]


class HandoverForm(ActionForm):
    action = Action.HANDOVER

    to = PersonField(label=_("Next holder"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, people=(), step_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("Choose a person…")), *people]
        if step_name:
            self.fields["to"].help_text = _("Next step: %(step)s") % {"step": step_name}


class SupplementItemForm(BootstrapMixin, forms.Form):
    """One component the applicant must add or complete, with how many of each kind."""

    name = forms.CharField(label=_("Component"), required=False, max_length=500)
    originals = forms.IntegerField(
        label=_("Originals"), required=False, min_value=0, max_value=MAX_COUNT
    )
    certified_copies = forms.IntegerField(
        label=_("Certified copies"), required=False, min_value=0, max_value=MAX_COUNT
    )
    copies = forms.IntegerField(label=_("Copies"), required=False, min_value=0, max_value=MAX_COUNT)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("name") and not any(
            data.get(k) for k in ("originals", "certified_copies", "copies")
        )


SupplementItemFormSet = forms.formset_factory(
    SupplementItemForm, extra=3, max_num=MAX_ITEMS, absolute_max=MAX_ITEMS, validate_max=True
)


class RequestSupplementForm(ActionForm):
    """The reason and the list of what is missing (form 02), asked once and completely."""

    action = Action.REQUEST_SUPPLEMENT

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_needed(rows=2)),
    )
    officer_phone = forms.CharField(
        label=_("Phone of the officer in charge"),
        required=False,
        max_length=20,
        help_text=_("Printed on form 02 so that the applicant can ask."),
    )
    #: Filled in :meth:`clean` from the rows below; it exists so that a refusal about the list
    #: as a whole ("list every component") lands next to the list.
    items = forms.Field(required=False, widget=forms.HiddenInput, label=_("Components to add"))

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.rows = SupplementItemFormSet(data, prefix="items")

    def is_valid(self) -> bool:
        # Both, always: the rows must show their own errors too.
        return all([super().is_valid(), self.rows.is_valid()])

    def clean(self):
        data = super().clean()
        if self.rows.is_bound and self.rows.is_valid():
            data["items"] = [
                SupplementItem(
                    name=row.cleaned_data.get("name") or "",
                    originals=row.cleaned_data.get("originals") or 0,
                    certified_copies=row.cleaned_data.get("certified_copies") or 0,
                    copies=row.cleaned_data.get("copies") or 0,
                )
                for row in self.rows
                if not row.is_blank()
            ]
        return data


class ReceiveSupplementForm(ActionForm):
    action = Action.RECEIVE_SUPPLEMENT

    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RequireObligationForm(ActionForm):
    action = Action.REQUIRE_OBLIGATION

    amount = forms.IntegerField(
        label=_("Amount (VND)"),
        required=False,
        min_value=1,
        max_value=10**12,
        widget=forms.NumberInput(attrs=_needed(min=1, step=1000)),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("What the amount is for, e.g. land use levy."),
    )


class FulfilObligationForm(ActionForm):
    action = Action.FULFIL_OBLIGATION

    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("E.g. the number of the payment receipt seen."),
    )


class ExtendForm(ActionForm):
    """Apology and new appointment (form 04): once, and at the latest one working day before
    the due time; the service enforces both."""

    action = Action.EXTEND

    new_due_at = HanoiDateTimeField(
        label=_("New appointment"), help_text=_("Date and time, Hanoi time.")
    )
    reason = forms.CharField(
        label=_("Reason for the delay"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_needed(rows=2)),
    )


class CompleteForm(ActionForm):
    action = Action.COMPLETE
    field_map: ClassVar[dict[str, str]] = {"file": "result_file"}
    multipart = True

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Outcome.choices,
        initial=Outcome.GRANTED,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when rejecting: the written reason."),
    )
    result_file = forms.FileField(
        label=_("Electronic result (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class DeliverForm(ActionForm):
    action = Action.DELIVER

    recipient_name = forms.CharField(
        label=_("Collected by"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs=_needed()),
    )
    recipient_id_number = forms.CharField(
        label=_("Citizen ID of the person collecting"), required=False, max_length=20
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PayForm(ActionForm):
    action = Action.PAY

    amount = forms.IntegerField(
        label=_("Amount paid (VND)"),
        required=False,
        min_value=1,
        max_value=10**10,
        widget=forms.NumberInput(attrs=_needed(min=1, step=1000)),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH
    )


class WithdrawForm(ActionForm):
    action = Action.WITHDRAW
    danger = True

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StopForm(ActionForm):
    action = Action.STOP
    danger = True

    reason = forms.CharField(
        label=_("Reason for stopping"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_needed(rows=2)),
    )


class ReturnWrongAgencyForm(ActionForm):
    action = Action.RETURN_WRONG_AGENCY
    danger = True

    reason = forms.CharField(
        label=_("Why it is not within the agency's competence"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_needed(rows=2)),
        help_text=_("The dossier goes back to the receiving site, which sends it on."),
    )


class RerouteForm(ActionForm):
    action = Action.REROUTE

    agency = forms.ChoiceField(label=_("Competent agency"))

    def __init__(self, *args, agencies=(), suggested=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices: list = [("", _("Choose the agency…"))]
        if suggested:
            choices.append((_("By the procedure's competence rule"), list(suggested)))
        choices.append((_("Every agency"), list(agencies)))
        self.fields["agency"].choices = choices
        if suggested:
            self.fields["agency"].initial = suggested[0][0]


class SubmitForApprovalForm(ActionForm):
    """The specialist sends the draft result to the leader who signs (§2.4)."""

    action = Action.SUBMIT_FOR_APPROVAL

    to = PersonField(label=_("Leader who signs"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [("", _("Any leader of the agency")), *people]


class ApproveForm(ActionForm):
    """A leader (or the person a leader delegated to) signs the draft result."""

    action = Action.APPROVE

    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class SendBackForm(ActionForm):
    """A leader returns the draft result to the specialist, with a reason."""

    action = Action.SEND_BACK

    reason = forms.CharField(
        label=_("What to correct"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=_needed(rows=2)),
    )


#: The action forms, in the order the page shows them (the order of the mechanism).
ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        TransferForm,
        AcceptForm,
        AssignForm,
        HandoverForm,
        SubmitForApprovalForm,
        ApproveForm,
        SendBackForm,
        RequestSupplementForm,
        ReceiveSupplementForm,
        RequireObligationForm,
        FulfilObligationForm,
        ExtendForm,
        CompleteForm,
        DeliverForm,
        PayForm,
        RerouteForm,
        WithdrawForm,
        StopForm,
        ReturnWrongAgencyForm,
    )
}


class AttachForm(BootstrapMixin, forms.Form):
    """The scan of one received component."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    file = forms.FileField(
        label=_("Scan"),
        help_text=_("PDF, JPEG or PNG, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args, order: int, **kwargs):
        kwargs.setdefault("auto_id", f"attach{order}-%s")
        super().__init__(*args, **kwargs)
        self.order = order


# -- filters -----------------------------------------------------------------------------------

#: The states in which a dossier waits for the agency's work (the inbox).
WORK_STATUSES = (
    Status.TRANSFERRED,
    Status.IN_PROGRESS,
    Status.AWAITING_SUPPLEMENT,
    Status.AWAITING_OBLIGATION,
)


class InboxFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Code or applicant"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "data-search": "", "placeholder": _("Code or name…  ( / )")}
        ),
    )
    group = forms.ChoiceField(label=_("Urgency"), required=False)
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    site = forms.ChoiceField(label=_("Received at"), required=False)

    def __init__(self, *args, procedures=(), people=(), sites=(), groups=(), **kwargs):
        kwargs.setdefault("auto_id", "f-%s")
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        self.fields["group"].choices = [everything, *groups]
        self.fields["procedure"].choices = [everything, *procedures]
        statuses = [(s.value, s.label) for s in map(Status, WORK_STATUSES)]
        self.fields["status"].choices = [everything, *statuses]
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("mine", _("Mine")),
            ("unassigned", _("Not assigned")),
            *people,
        ]
        self.fields["site"].choices = [everything, *sites]


class DossierSearchForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label=_("Dossier code or applicant name"),
        required=False,
        max_length=300,
        help_text=_("Diacritics do not matter; a scanned QR code of the receipt works too."),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "data-search": "",
                "autofocus": "",
                "placeholder": _("Dossier code, or the applicant's name"),
            }
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    site = forms.ChoiceField(label=_("Received at"), required=False)

    def __init__(self, *args, procedures=(), sites=(), **kwargs):
        kwargs.setdefault("auto_id", "s-%s")
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        self.fields["status"].choices = [everything, *Status.choices]
        self.fields["procedure"].choices = [everything, *procedures]
        self.fields["site"].choices = [everything, *sites]
