"""Admin pages of the procedure catalogue.

A version is edited on its own page with its components and internal process inline. Before
anything is saved, the whole proposed version (fields, period, agency, components, steps) is
checked with ``services.version_problems``, the function the services use, and its problems are
shown on the page; the save itself goes through ``procedure_version_create`` /
``procedure_version_update``, so the admin has no second path to the data.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from motcua.catalog.models import (
    Procedure,
    ProcedureComponent,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from motcua.catalog.rules import Step
from motcua.catalog.selectors import version_periods
from motcua.catalog.services import (
    VERSION_FIELDS,
    Component,
    procedure_version_create,
    procedure_version_update,
    version_problems,
)
from motcua.core.errors import DomainError


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order"]
    search_fields = ["code", "name"]


class VersionInline(admin.TabularInline):
    """The versions of a procedure, read-only here: each opens its own page."""

    model = ProcedureVersion
    fields = ["number", "valid_from", "valid_to", "level", "time_limit", "time_limit_unit"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sector"]
    list_filter = ["sector"]
    list_select_related = ["sector"]
    search_fields = ["code", "name", "name_folded"]
    inlines = [VersionInline]


class PartsFormSet(BaseInlineFormSet):
    """An inline formset that can say what rows it would leave."""

    def rows(self) -> list[dict]:
        return [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
        ]


class ComponentFormSet(PartsFormSet):
    def components(self) -> list[Component]:
        return [
            Component(
                order=r["order"],
                name=r["name"],
                copy_kind=r["copy_kind"],
                quantity=r["quantity"],
                required=r["required"],
                note=r.get("note", ""),
            )
            for r in self.rows()
        ]


class StepFormSet(PartsFormSet):
    def steps(self) -> list[Step]:
        return [
            Step(
                order=r["order"],
                name=r["name"],
                actor=r["actor"],
                role=r["role"],
                allowance_hours=Decimal(r["allowance_hours"]),
            )
            for r in self.rows()
        ]


class ComponentInline(admin.TabularInline):
    model = ProcedureComponent
    formset = ComponentFormSet
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcessStep
    formset = StepFormSet
    extra = 0


class ProcedureVersionForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        fields = [
            "procedure",
            "number",
            "valid_from",
            "valid_to",
            "competent_agency",
            *VERSION_FIELDS,
        ]

    def _post_clean(self):
        super()._post_clean()
        # The inline check (``_checking``) reads the proposed version from the instance; a form
        # with errors has only partly updated it, and its own errors are shown instead.
        self.instance._form_has_errors = bool(self.errors)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    form = ProcedureVersionForm
    list_display = [
        "procedure",
        "number",
        "valid_from",
        "valid_to",
        "time_limit",
        "time_limit_unit",
        "competence_rule",
        "fee_known",
        "verified",
    ]
    list_filter = [
        "verified",
        "fee_known",
        "competence_rule",
        "time_limit_unit",
        "level",
        "procedure__sector",
    ]
    list_select_related = ["procedure"]
    search_fields = ["procedure__code", "procedure__name", "procedure__name_folded"]
    autocomplete_fields = ["procedure", "competent_agency"]
    inlines = [ComponentInline, StepInline]

    def _create_formsets(self, request, obj, change):
        # The one place where the main form's proposed version and every inline are known:
        # check them together, and show the problems on the page before anything is saved.
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        if request.method == "POST" and formsets:
            formsets[0].clean = _checking(formsets[0].clean, obj, formsets)
        return formsets, inline_instances

    def save_model(self, request, obj, form, change):
        """Nothing yet: the version is written with its inlines, in ``save_related``."""

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            formset.save(commit=False)  # the change message reads what each would save
        components, steps = _parts(formsets)
        values = {name: form.cleaned_data[name] for name in VERSION_FIELDS}
        values.update(
            valid_from=form.cleaned_data["valid_from"],
            valid_to=form.cleaned_data["valid_to"],
            competent_agency=form.cleaned_data["competent_agency"],
        )
        try:
            if change:
                version = procedure_version_update(
                    version=form.instance, steps=steps, components=components, **values
                )
            else:
                version = procedure_version_create(
                    procedure=form.cleaned_data["procedure"],
                    number=form.cleaned_data["number"],
                    steps=steps,
                    components=components,
                    **values,
                )
        except DomainError as exc:  # already checked by the form; a concurrent edit won
            raise ValidationError(exc.detail) from exc
        form.instance.pk = version.pk
        form.instance.refresh_from_db()


def _parts(formsets) -> tuple[list[Component], list[Step]]:
    components: list[Component] = []
    steps: list[Step] = []
    for formset in formsets:
        if isinstance(formset, ComponentFormSet):
            components = formset.components()
        elif isinstance(formset, StepFormSet):
            steps = formset.steps()
    return components, steps


def _checking(clean, version: ProcedureVersion, formsets):
    """Wrap a formset's ``clean`` to check the whole proposed version once the rows are valid."""

    def check():
        clean()
        if getattr(version, "_form_has_errors", True):
            return
        if not all(f.is_valid() for f in formsets if f is not formsets[0]):
            return
        components, steps = _parts(formsets)
        problems = version_problems(
            version=version,
            steps=steps,
            components=components,
            others=version_periods(procedure=version.procedure, exclude_pk=version.pk),
        )
        if problems:
            raise ValidationError(problems)

    return check
