"""Forms of the counter and the return desk: typing and shape only.

The rules about a dossier stay in the lifecycle services, which check every intake again and
report all refusals at once. What is here serves the officer while typing: numbers are numbers,
a commune or ward typed by name (with or without diacritics) becomes its code, a scan is the
kind of file the service will take, and one field at a time can be checked on leaving it with
the service's own rules and messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.choices import CompetenceRule, CopyKind
from motcua.catalog.models import ProcedureVersion
from motcua.core.refcache import reference_cache
from motcua.core.text import fold, normalize
from motcua.dossiers import rules
from motcua.dossiers.choices import Action, ApplicantKind, PaymentMethod, ReturnMethod
from motcua.dossiers.files import ALLOWED_UPLOADS, MAX_UPLOAD_BYTES
from motcua.dossiers.services.lifecycle import (
    ComponentIn,
    SupplementItem,
    component_file_field,
    component_received_field,
)
from motcua.organization.choices import SiteKind, UnitLevel
from motcua.organization.models import AdministrativeUnit
from motcua.organization.selectors.network import units_list
from motcua.workspace.forms import BootstrapMixin

DECISIONS = (Action.RECEIVE, Action.GUIDE, Action.REFUSE)

#: The service names the fields of its refusals; these are the intake form's names for them.
FIELD_MAP = {
    "applicant.name": "applicant_name",
    "applicant.kind": "applicant_kind",
    "applicant.id_number": "applicant_id_number",
    "applicant.phone": "applicant_phone",
    "applicant.email": "applicant_email",
    "applicant.unit": "applicant_unit",
    "object_unit": "object_unit",
    "items": "missing",
}

# Fields checked one at a time when the officer leaves them (inline validation).
LIVE_FIELDS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_unit",
    "object_unit",
)
WARD_FIELDS = ("applicant_unit", "object_unit")
WARD_CODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


# -- communes and wards ------------------------------------------------------------------------


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    folded: str  # the whole name, folded: "phuong tay ho"
    short: str  # without its kind: "tay ho"
    unit: AdministrativeUnit  # read-only, shared through the reference cache

    @property
    def label(self) -> str:
        """What the field shows once a ward is chosen; its code is what the service gets."""
        return f"{self.name} ({self.code})"


def wards_on(day: date) -> list[Ward]:
    """The communes and wards in force on ``day``, by name (126 in Hanoi from 1 July 2025)."""

    def read() -> list[Ward]:
        wards = []
        for unit in units_list(day=day, level=UnitLevel.WARD, limit=2000):
            folded = fold(unit.name)
            kind = fold(unit.division_type or "")
            short = folded[len(kind) :].strip() if kind and folded.startswith(kind) else folded
            wards.append(Ward(unit.code, unit.name, folded, short, unit))
        return sorted(wards, key=lambda w: (w.short, w.folded))

    return reference_cache.get_or_set(("counter-wards", day), read)


# Officers abbreviate the kind of unit: "p. Tây Hồ", "P Tây Hồ", "x Ba Vì".
_KIND_PREFIX = re.compile(r"^(phuong|xa|p\.?|x\.?)\s+")


def ward_find(text: str, wards: list[Ward]) -> tuple[Ward | None, list[Ward]]:
    """Return ``(ward, [])`` for the one ward ``text`` names, else ``(None, candidates)``.

    ``text`` may hold a 5-digit code anywhere ("Phường Tây Hồ (00103)", "00103") or a name,
    whole or in part, with or without diacritics ("tay ho", "P. Tây Hồ").
    """
    text = normalize(text or "")
    if not text:
        return None, []
    code = WARD_CODE.search(text)
    if code:
        ward = next((w for w in wards if w.code == code[1]), None)
        return ward, []
    folded = fold(text)
    short = _KIND_PREFIX.sub("", folded)
    exact = [w for w in wards if folded == w.folded or short == w.short]
    if len(exact) == 1:
        return exact[0], []
    if exact:
        return None, exact
    partial = [w for w in wards if short in w.short or folded in w.folded]
    if len(partial) == 1:
        return partial[0], []
    return None, partial[:8]


def ward_problem(text: str, candidates: list[Ward]) -> str:
    if candidates:
        return _("Several communes and wards match “%(text)s”: %(names)s. Choose one.") % {
            "text": text,
            "names": ", ".join(w.name for w in candidates),
        }
    return _("No commune or ward of Hanoi matches “%(text)s”.") % {"text": text}


# -- one field at a time -----------------------------------------------------------------------


def applicant_problem(name: str, data, *, year: int) -> str | None:
    """Why the value of applicant field ``name`` in ``data`` would be refused, or ``None``.

    The same rules and messages as the intake service (``lifecycle._validate_applicant``), so
    the officer reads on leaving the field what a submit would answer.
    """
    value = (data.get(name) or "").strip()
    if name == "applicant_name":
        return None if normalize(value) else _("Enter the applicant's full name.")
    if name == "applicant_id_number":
        value = value.replace(" ", "")
        if data.get("applicant_kind") == ApplicantKind.ORGANIZATION:
            if value and (not value.isdigit() or len(value) not in (10, 13)):
                return _("A tax code has 10 or 13 digits.")
            return None
        problem = rules.citizen_id_problem(value, today_year=year) if value else "missing"
        if problem == "missing":
            return _("Enter the 12-digit citizen ID number.")
        if problem == "length":
            return _("A citizen ID number has exactly 12 digits.")
        if problem == "province":
            return _(
                "The first three digits of a citizen ID number name a province; "
                "%(prefix)s names none."
            ) % {"prefix": value[:3]}
        if problem == "year":
            return _("This citizen ID number gives a year of birth in the future.")
        return None
    if name == "applicant_phone":
        if value and rules.phone_problem(value):
            return _("Enter a Vietnamese phone number: 10 digits starting with 0, or +84…")
        return None
    if name == "applicant_email" and value:
        try:
            validate_email(value)
        except ValidationError:
            return _("Enter a valid e-mail address.")
    return None


def scan_problem(upload) -> str | None:
    """Why the intake service would refuse ``upload`` as a scan (size, type by first bytes)."""
    size = upload.size or 0
    if size == 0:
        return _("The file is empty.")
    if size > MAX_UPLOAD_BYTES:
        return _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": round(size / 1024 / 1024, 1),
            "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
        }
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_UPLOADS.values()):
        return _("Only PDF, JPEG and PNG files are accepted; this file is neither.")
    return None


# -- the intake form ---------------------------------------------------------------------------


def _grouped_sites(sites) -> list[tuple[str, list[tuple[str, str]]]]:
    """The return sites as the network is organised: one group per branch (the branch, then its
    reception points and commune service points), so that 150-odd sites read as 12 groups."""
    branches = [s for s in sites if s.kind == SiteKind.BRANCH]
    members: dict[int | None, list] = {b.pk: [b] for b in branches}
    for site in sites:
        if site.kind != SiteKind.BRANCH:
            key = site.parent_id if site.parent_id in members else None
            members.setdefault(key, []).append(site)
    groups = [(b.name, [(s.code, s.name) for s in members[b.pk]]) for b in branches]
    if members.get(None):
        groups.append((gettext_lazy("Other sites"), [(s.code, s.name) for s in members[None]]))
    return groups


class IntakeForm(BootstrapMixin, forms.Form):
    """One dossier at the counter: applicant, components, fees, return of the result, decision.

    ``version`` is the procedure version in force; ``sites`` the network (for the return site);
    ``day`` decides which communes and wards exist; ``validate_url`` is where a field is checked
    on leaving it.
    """

    idempotency_key = forms.CharField(
        label=gettext_lazy("Form key"), widget=forms.HiddenInput, max_length=200
    )
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[(d.value, d.label) for d in DECISIONS],
        initial=Action.RECEIVE,
    )
    # Carries the service's refusals about the components as a whole (a required one missing).
    components = forms.CharField(
        label=gettext_lazy("Components"), required=False, widget=forms.HiddenInput
    )
    applicant_kind = forms.ChoiceField(
        label=gettext_lazy("Applicant"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("Full name (or organization name)"), max_length=300, required=False
    )
    applicant_id_number = forms.CharField(
        label=gettext_lazy("Citizen ID / tax code"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("12 digits for a person; 10 or 13 digits for an organization."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    applicant_phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    applicant_email = forms.CharField(
        label=gettext_lazy("E-mail"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "inputmode": "email"}),
    )
    applicant_address = forms.CharField(
        label=gettext_lazy("Address"), max_length=500, required=False
    )
    applicant_unit = forms.CharField(
        label=gettext_lazy("Commune/ward of the applicant"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Type the name (diacritics optional) or the code."),
    )
    object_unit = forms.CharField(
        label=gettext_lazy("Commune/ward of the object (land, building)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Leave empty when it is the applicant's commune/ward."),
    )
    fee_paid = forms.IntegerField(
        label=gettext_lazy("Fees paid (VND)"),
        min_value=0,
        max_value=2_000_000_000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1000"}),
    )
    payment_method = forms.ChoiceField(
        label=gettext_lazy("Paid by"),
        choices=PaymentMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    return_method = forms.ChoiceField(
        label=gettext_lazy("Return of the result"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.SITE,
        widget=forms.RadioSelect,
    )
    return_site = forms.ChoiceField(label=gettext_lazy("Site of return"), required=False)
    return_address = forms.CharField(
        label=gettext_lazy("Postal address for the result"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Leave empty to send it to the applicant's address."),
    )
    sets = forms.IntegerField(
        label=gettext_lazy("Number of sets"), min_value=1, max_value=99, initial=1
    )
    request = forms.CharField(
        label=gettext_lazy("Request"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        help_text=gettext_lazy("Required to refuse; printed on form 02 or 03."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    missing = forms.CharField(
        label=gettext_lazy("What the applicant must add or complete"),
        required=False,
        help_text=gettext_lazy(
            "One item per line; filled from the required components left unticked."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args,
        version: ProcedureVersion,
        sites,
        day: date,
        validate_url: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()
            # With scripts on, the pressed button is copied here: a form that submits once
            # disables its buttons, and a disabled button sends no value.
            if not self.data.get("decision") and self.data.get("decision_js"):
                self.data["decision"] = self.data["decision_js"]
        self.version = version
        self.day = day
        self.wards = wards_on(day)
        self.ward_labels = {}
        self.components = list(version.components.all())
        self.fields["return_site"].choices = [("", "—"), *_grouped_sites(sites)]
        if self.needs_object_unit:
            self.fields["object_unit"].label = _("Commune/ward where the %(object)s is") % {
                "object": version.object_label
            }
        else:
            del self.fields["object_unit"]
        for component in self.components:
            self._add_component_fields(component)
        for name in self.marked_fields():
            self.fields[name].marked = True  # "*" next to the label (``_field.html``)
            self.fields[name].widget.attrs["aria-required"] = "true"
        for name in LIVE_FIELDS:
            if name in self.fields and validate_url:
                self._live(name, validate_url)
        self.fields["request"].widget.attrs["placeholder"] = version.procedure.name

    def marked_fields(self) -> list[str]:
        """The fields the intake service needs filled for a receipt (the form takes them empty
        so that the service's own message comes back next to each)."""
        names = ["applicant_name", "applicant_id_number", "return_site", "sets", "fee_paid"]
        if self.version.competence_rule != CompetenceRule.FIXED:
            names.append("applicant_unit")
        return names

    @property
    def needs_object_unit(self) -> bool:
        """Whether the commune or ward of an object (land, building, business) decides: the
        procedure names it (``object_label``); otherwise the applicant's decides."""
        return bool(self.version.object_label) and (
            self.version.competence_rule != CompetenceRule.FIXED
        )

    def _add_component_fields(self, component) -> None:
        n = component.order
        self.fields[f"c{n}_received"] = forms.BooleanField(
            label=component.name,
            required=False,
            # The officer ticks what is handed in; only a required component starts ticked.
            initial=component.required,
            widget=forms.CheckboxInput(
                attrs={
                    "data-component": "",
                    "data-required": "1" if component.required else "",
                    "data-name": component.name,
                }
            ),
        )
        self.fields[f"c{n}_kind"] = forms.ChoiceField(
            label=gettext_lazy("Given as"),
            choices=CopyKind.choices,
            initial=component.copy_kind,
            required=False,
        )
        self.fields[f"c{n}_count"] = forms.IntegerField(
            label=gettext_lazy("Quantity"),
            required=False,
            min_value=0,
            max_value=99,
            initial=component.quantity,
            widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty"}),
        )
        self.fields[f"c{n}_file"] = forms.FileField(
            label=gettext_lazy("Scan (PDF, JPEG, PNG)"),
            required=False,
            widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        )

    def _live(self, name: str, url: str) -> None:
        """Check the field with the server when the officer leaves it after a change."""
        params = {
            "applicant_id_number": "applicant_id_number,applicant_kind",
            "applicant_unit": "applicant_unit,object_unit",
            "object_unit": "object_unit,applicant_unit",
        }.get(name, name)
        attrs = self.fields[name].widget.attrs
        attrs.update(
            {
                "hx-post": f"{url}?validate={name}",
                "hx-trigger": "change",
                "hx-target": "closest .field",
                "hx-swap": "outerHTML",
                "hx-params": params,
                "hx-sync": "this:replace",
            }
        )
        if name in WARD_FIELDS:
            attrs["list"] = "wards"

    # -- views of the components, for the template

    def component_rows(self) -> list[dict]:
        return [
            {
                "component": c,
                "received": self[f"c{c.order}_received"],
                "kind": self[f"c{c.order}_kind"],
                "count": self[f"c{c.order}_count"],
                "file": self[f"c{c.order}_file"],
            }
            for c in self.components
        ]

    # -- cleaning

    def _clean_ward(self, name: str) -> str:
        text = normalize(self.cleaned_data.get(name) or "")
        if not text:
            return ""
        ward, candidates = ward_find(text, self.wards)
        if ward is None:
            raise ValidationError(ward_problem(text, candidates))
        self.ward_labels[name] = ward
        self.data[name] = ward.label  # shown resolved when the form is displayed again
        return ward.code

    def clean_applicant_unit(self) -> str:
        return self._clean_ward("applicant_unit")

    def clean_object_unit(self) -> str:
        return self._clean_ward("object_unit")

    def clean(self):
        data = super().clean()
        for component in self.components:
            n = component.order
            upload = data.get(f"c{n}_file")
            if not upload:
                continue
            problem = scan_problem(upload)
            if problem is None and not data.get(f"c{n}_received"):
                problem = _("Tick this component as received to attach its scan.")
            if problem:
                self.add_error(f"c{n}_file", problem)
        return data

    # -- what the service gets

    def components_in(self) -> list[ComponentIn]:
        rows = []
        for component in self.components:
            n = component.order
            kind = self.cleaned_data.get(f"c{n}_kind") or component.copy_kind
            received = bool(self.cleaned_data.get(f"c{n}_received"))
            count = self.cleaned_data.get(f"c{n}_count")
            count = component.quantity if count is None else count
            count = count if received else 0
            rows.append(
                ComponentIn(
                    order=n,
                    received=received,
                    originals=count if kind == CopyKind.ORIGINAL else 0,
                    certified_copies=count if kind == CopyKind.CERTIFIED_COPY else 0,
                    copies=count if kind == CopyKind.COPY else 0,
                    shown=count if kind == CopyKind.SHOWN else 0,
                )
            )
        return rows

    def field_map(self) -> dict[str, str]:
        """The service's field names of this form's refusals, components included."""
        names = dict(FIELD_MAP)
        for component in self.components:
            n = component.order
            names[component_received_field(n)] = f"c{n}_received"
            names[component_file_field(n)] = f"c{n}_file"
        return names

    def items_in(self) -> list[SupplementItem] | None:
        """The lines of "what is missing"; a line naming a component takes its kind and count."""
        lines = [normalize(line) for line in (self.cleaned_data.get("missing") or "").splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            return None
        by_name = {fold(c.name): c for c in self.components}
        items = []
        for line in lines:
            component = by_name.get(fold(line))
            count = component.quantity if component else 0
            kind = component.copy_kind if component else ""
            if kind == CopyKind.SHOWN:
                kind = CopyKind.ORIGINAL  # brought to be shown: an original
            items.append(
                SupplementItem(
                    name=line,
                    originals=count if kind == CopyKind.ORIGINAL else 0,
                    certified_copies=count if kind == CopyKind.CERTIFIED_COPY else 0,
                    copies=count if kind == CopyKind.COPY else 0,
                )
            )
        return items

    def scans(self) -> list[tuple[int, object]]:
        """(component order, uploaded file) of every scan chosen with a received component."""
        return [
            (c.order, self.cleaned_data[f"c{c.order}_file"])
            for c in self.components
            if self.cleaned_data.get(f"c{c.order}_file")
            and self.cleaned_data.get(f"c{c.order}_received")
        ]

    def digest_data(self) -> dict:
        """The request as plain values, to tell a resubmission from a different request."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "idempotency_key" and not name.endswith("_file")
        }


def mark_field(bound: forms.BoundField) -> None:
    """Tie an error found outside the form (a live check) to its input, as Django does for
    the form's own errors: ``aria-invalid`` and ``aria-describedby`` (``<id>_error``)."""
    attrs = bound.field.widget.attrs
    attrs["aria-invalid"] = "true"
    described = f"{bound.auto_id}_error"
    if bound.help_text:
        described += f" {bound.auto_id}_helptext"
    attrs["aria-describedby"] = described


# -- the return desk ---------------------------------------------------------------------------


class DeliverForm(BootstrapMixin, forms.Form):
    """Hand a result over: who collects it. ``version`` makes a second click harmless."""

    code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    recipient_name = forms.CharField(
        label=gettext_lazy("Collected by (full name)"), max_length=300, required=False
    )
    recipient_id_number = forms.CharField(
        label=gettext_lazy("Their ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)
