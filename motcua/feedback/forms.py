"""Forms of the rating, complaint and follow-up pages and of the staff desk.

They only parse and check shapes; the services decide, and their refusals come back next to
the fields they name (:func:`motcua.workspace.forms.add_domain_error`).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.rules import phone_problem
from motcua.feedback.choices import (
    CRITERION_SCORES,
    SURVEY_CRITERIA,
    ComplaintKind,
    ComplaintStatus,
    RatingLevel,
)
from motcua.feedback.services import MAX_COMMENT, MAX_CONTENT, MAX_NAME, MAX_SUBJECT

DIGITS = {
    "inputmode": "numeric",
    "pattern": "[0-9]{4}",
    "maxlength": "4",
    "autocomplete": "off",
    "class": "digits",
}


def _criterion_field(number: int) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=SURVEY_CRITERIA[number - 1],
        choices=CRITERION_SCORES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )


class RatingForm(forms.Form):
    t = forms.CharField(widget=forms.HiddenInput)
    level = forms.ChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the three levels.")},
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional, not published)"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, len(SURVEY_CRITERIA) + 1):
            self.fields[f"criterion_{number}"] = _criterion_field(number)

    def criteria_fields(self):
        return [self[f"criterion_{n}"] for n in range(1, len(SURVEY_CRITERIA) + 1)]

    def criteria(self) -> list[int | None] | None:
        answers = [self.cleaned_data.get(f"criterion_{n}") for n in range(1, 10)]
        return None if all(a is None for a in answers) else answers


class ComplaintForm(forms.Form):
    t = forms.CharField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label=_("This is"),
        choices=ComplaintKind.choices,
        widget=forms.RadioSelect,
        initial=ComplaintKind.COMPLAINT,
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=MAX_SUBJECT,
        help_text=_("A few words; if the answer is published, its subject is shown."),
    )
    content = forms.CharField(
        label=_("What happened, or what do you suggest?"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    site = forms.ChoiceField(
        label=_("Site it is about (optional)"), required=False, choices=[("", "—")]
    )
    sender_name = forms.CharField(label=_("Your full name"), max_length=MAX_NAME)
    sender_phone = forms.CharField(
        label=_("Your phone number"),
        max_length=20,
        help_text=_("Its last 4 digits, with the code you receive, let you follow the answer."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    sender_email = forms.EmailField(
        label=_("Your e-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, sites=(), dossier_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", _("Not about one site")), *sites]
        # A complaint names a dossier only through the lookup, once the applicant confirmed
        # it with the one-time code sent to them (motcua.public.otp): never with 4 digits.
        self.proven_dossier = dossier_code

    def clean_sender_phone(self) -> str:
        phone = self.cleaned_data.get("sender_phone", "")
        if phone and phone_problem(phone):
            raise forms.ValidationError(
                _("Enter a Vietnamese phone number: 10 digits starting with 0, or +84…")
            )
        return phone


class FollowForm(forms.Form):
    ma = forms.CharField(
        label=_("Code of the complaint or suggestion"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "PAKN-260310-0001"}),
    )
    so = forms.CharField(
        label=_("Last 4 digits of your phone"),
        max_length=4,
        widget=forms.PasswordInput(attrs=DIGITS),
    )


class AddInfoForm(forms.Form):
    t = forms.CharField(widget=forms.HiddenInput)
    content = forms.CharField(
        label=_("The information asked for"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# -- staff -------------------------------------------------------------------------------------


class DeskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Open and recently closed")),
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("closed", _("Closed")),
            *ComplaintStatus.choices,
        ],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *ComplaintKind.choices]
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "PAKN-…"}),
    )


class AcceptForm(forms.Form):
    label = _("Start handling")
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RequestInfoForm(forms.Form):
    label = _("Ask for more information")
    message = forms.CharField(
        label=_("What the sender should add"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The sender reads it when following the complaint; the answer's clock pauses."),
    )


class RefuseForm(forms.Form):
    label = _("Refuse")
    danger = True
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    label = _("Answer")
    answer = forms.CharField(
        label=_("Answer to the sender"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Once published, the answer is public: leave out names and numbers."),
    )


class PublishForm(forms.Form):
    label = _("Publish the answer")
    public_subject = forms.CharField(
        label=_("Subject as published"),
        required=False,
        max_length=MAX_SUBJECT,
        help_text=_("Without names, addresses or numbers; empty keeps the sender's subject."),
    )


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "accept": AcceptForm,
    "request_info": RequestInfoForm,
    "refuse": RefuseForm,
    "answer": AnswerForm,
    "publish": PublishForm,
}
