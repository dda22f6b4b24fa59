"""The citizen's forms: looking a dossier up, and filing one online.

Typing and shape only: the rules of a dossier (a valid ID number, a ward that exists, a
competent agency, a return site) are the lifecycle service's, and its refusals come back next
to their fields. What is checked here serves the citizen before they send: a commune or ward
typed by name becomes its code, a chosen file is the kind the service takes, every required
document has its file.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from urllib.parse import parse_qs, urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.choices import CompetenceRule
from motcua.catalog.models import ProcedureVersion
from motcua.core.text import normalize
from motcua.dossiers.choices import ApplicantKind, ReturnMethod
from motcua.public.selectors import sites_grouped
from motcua.public.services import file_field
from motcua.workspace.forms_counter import (
    applicant_problem,
    scan_problem,
    ward_find,
    ward_problem,
    wards_on,
)

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def code_in(text: str) -> str:
    """The dossier code in what was typed or scanned: a code, or a lookup URL ``…?ma=<code>``."""
    text = normalize(text or "")
    if "ma=" in text:
        query = urlsplit(text).query if "?" in text else text
        found = parse_qs(query.lstrip("?")).get("ma")
        if found:
            text = normalize(found[0])
    return text.upper()


class LookupForm(forms.Form):
    """A dossier code (a scanned QR address works too) and four digits that only the applicant
    knows: the end of their phone number or of their ID number."""

    ma = forms.CharField(
        label=gettext_lazy("Dossier code"),
        max_length=300,
        help_text=gettext_lazy(
            "As printed on the receipt, e.g. 000.01.HC.H26-260310-0001. Scanning the QR code "
            "of the receipt fills it in."
        ),
        error_messages={"required": gettext_lazy("Enter the dossier code.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
                "placeholder": "000.01.HC.H26-260310-0001",
            }
        ),
    )
    so = forms.CharField(
        label=gettext_lazy("Last 4 digits of the phone or ID number"),
        max_length=4,
        min_length=4,
        help_text=gettext_lazy(
            "Of the phone number, or of the citizen ID (or tax) number, given when the "
            "dossier was filed."
        ),
        error_messages={
            "required": gettext_lazy("Enter the last 4 digits of the phone or ID number."),
            "min_length": gettext_lazy("Enter exactly 4 digits."),
            "max_length": gettext_lazy("Enter exactly 4 digits."),
        },
        widget=forms.PasswordInput(
            attrs={
                "inputmode": "numeric",
                "pattern": "[0-9]{4}",
                "maxlength": "4",
                "autocomplete": "off",
                "placeholder": "••••",
            }
        ),
    )

    def clean_ma(self) -> str:
        return code_in(self.cleaned_data["ma"])

    def clean_so(self) -> str:
        value = (self.cleaned_data["so"] or "").strip()
        if not re.fullmatch(r"[0-9]{4}", value):
            raise ValidationError(_("Enter exactly 4 digits."))
        return value


#: The service names the fields of its refusals; these are the filing form's names for them.
FIELD_MAP = {
    "applicant.name": "applicant_name",
    "applicant.kind": "applicant_kind",
    "applicant.id_number": "applicant_id_number",
    "applicant.phone": "applicant_phone",
    "applicant.email": "applicant_email",
    "applicant.unit": "applicant_unit",
    "object_unit": "object_unit",
    "competent_agency": "object_unit",
    "site": "receiving_site",
    "return_site": "return_site",
    "return_method": "return_method",
    "return_address": "return_address",
    "components": "components",
}


def _site_choices(sites, empty: str) -> list:
    return [
        ("", empty),
        *[(label, [(s.code, s.name) for s in group]) for label, group in sites_grouped(sites)],
    ]


class FilingForm(forms.Form):
    """A dossier filed online: the applicant, a file for each document, where it is checked
    and how the result comes back. ``sites`` is the network on ``day``."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    # Carries the service's refusals about the documents as a whole.
    components = forms.CharField(
        label=gettext_lazy("Documents"), required=False, widget=forms.HiddenInput
    )
    applicant_kind = forms.ChoiceField(
        label=gettext_lazy("You file as"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("Full name (or name of the organization)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_id_number = forms.CharField(
        label=gettext_lazy("Citizen ID number (or tax code)"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("12 digits for a person; 10 or 13 digits for an organization."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("You will need its last 4 digits to look your dossier up."),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.CharField(
        label=gettext_lazy("E-mail (optional)"),
        max_length=254,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "email", "inputmode": "email", "autocomplete": "email"}
        ),
    )
    applicant_address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    applicant_unit = forms.CharField(
        label=gettext_lazy("Your commune or ward"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Type its name (diacritics optional) and choose it from the list."),
        widget=forms.TextInput(attrs={"list": "wards", "autocomplete": "off"}),
    )
    object_unit = forms.CharField(
        label=gettext_lazy("Commune or ward of the object (land, building), if different"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave it empty when it is your own commune or ward."),
        widget=forms.TextInput(attrs={"list": "wards", "autocomplete": "off"}),
    )
    receiving_site = forms.ChoiceField(
        label=gettext_lazy("Site that checks and receives the dossier"), required=False
    )
    return_method = forms.ChoiceField(
        label=gettext_lazy("How you receive the result"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.SITE,
        widget=forms.RadioSelect,
    )
    return_site = forms.ChoiceField(label=gettext_lazy("Site where you collect it"), required=False)
    return_address = forms.CharField(
        label=gettext_lazy("Postal address for the result"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Leave it empty to use your address above."),
    )
    declaration = forms.BooleanField(
        label=gettext_lazy("Declaration"),
        help_text=gettext_lazy(
            "I declare that the information and the documents I give are true, and I am "
            "responsible for them before the law."
        ),
        error_messages={"required": gettext_lazy("Confirm that the information you give is true.")},
    )

    def __init__(self, *args, version: ProcedureVersion, sites, day: date, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()
        self.version = version
        self.day = day
        self.sites = sites
        self.site_codes = {s.code for s in sites}
        self.wards = wards_on(day)
        self.ward_units = {}
        self.documents = list(version.components.all())
        self.fields["receiving_site"].choices = _site_choices(
            sites, _("Automatic: the site serving your commune or ward")
        )
        self.fields["return_site"].choices = _site_choices(sites, _("The site that receives it"))
        if version.competence_rule == CompetenceRule.FIXED:
            del self.fields["object_unit"]
        for document in self.documents:
            self.fields[f"c{document.order}_file"] = forms.FileField(
                label=document.name,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )

    @classmethod
    def fresh_key(cls) -> str:
        return uuid.uuid4().hex

    @property
    def needs_object_unit(self) -> bool:
        return "object_unit" in self.fields

    def document_rows(self) -> list[dict]:
        return [{"c": d, "file": self[f"c{d.order}_file"]} for d in self.documents]

    def field_map(self) -> dict[str, str]:
        return {
            **FIELD_MAP,
            **{file_field(d.order): f"c{d.order}_file" for d in self.documents},
        }

    # -- cleaning

    def _clean_ward(self, name: str) -> str:
        text = normalize(self.cleaned_data.get(name) or "")
        if not text:
            return ""
        ward, candidates = ward_find(text, self.wards)
        if ward is None:
            raise ValidationError(ward_problem(text, candidates))
        self.ward_units[name] = ward.unit
        self.data[name] = ward.label  # shown resolved if the form comes back
        return ward.code

    def clean_applicant_unit(self) -> str:
        return self._clean_ward("applicant_unit")

    def clean_object_unit(self) -> str:
        return self._clean_ward("object_unit")

    def clean_applicant_phone(self) -> str:
        phone = (self.cleaned_data.get("applicant_phone") or "").strip()
        if not phone:
            raise ValidationError(
                _(
                    "Enter your phone number: the site calls you about the dossier, and its last "
                    "4 digits let you look the dossier up."
                )  # fmt: skip
            )
        return phone

    def clean_receiving_site(self) -> str:
        return self._site("receiving_site")

    def clean_return_site(self) -> str:
        return self._site("return_site")

    def _site(self, name: str) -> str:
        code = self.cleaned_data.get(name) or ""
        if code and code not in self.site_codes:
            raise ValidationError(_("Choose a site from the list."))
        return code

    def clean(self):
        data = super().clean()
        # The service's own rules and messages, so that every mistake shows at once rather
        # than the applicant's only once the files are right.
        for name in ("applicant_name", "applicant_id_number", "applicant_phone", "applicant_email"):
            if name not in self.errors:
                problem = applicant_problem(name, self.data, year=self.day.year)
                if problem:
                    self.add_error(name, problem)
        if (
            self.needs_object_unit
            and not data.get("applicant_unit")
            and not data.get("object_unit")
            and "applicant_unit" not in self.errors
            and "object_unit" not in self.errors
        ):
            self.add_error(
                "applicant_unit", _("Choose your commune or ward: it decides which agency decides.")
            )
        for document in self.documents:
            name = f"c{document.order}_file"
            upload = data.get(name)
            if upload:
                problem = scan_problem(upload)
                if problem:
                    self.add_error(name, problem)
            elif document.required and name not in self.errors:
                self.add_error(name, _("Attach this document: it is required."))
        return data

    # -- what the service gets

    def uploads(self) -> dict[int, object]:
        return {
            d.order: self.cleaned_data[f"c{d.order}_file"]
            for d in self.documents
            if self.cleaned_data.get(f"c{d.order}_file")
        }

    @property
    def ward(self):
        """The unit that decides the default site: the object's, else the applicant's."""
        return self.ward_units.get("applicant_unit") or self.ward_units.get("object_unit")
