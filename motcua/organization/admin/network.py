"""Admin pages for the territory, agencies and the Center's network.

Units and successions come from ``load_units`` and are read-only here. Site fields are saved
through ``site_create``/``site_update``; a site's operating periods and coverage are edited
inline and checked, before anything is saved, with the same rule function the services use
(``network_edit_problems``), so the admin cannot make the network invalid either.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from motcua.core.errors import DomainError
from motcua.organization.models import (
    AdministrativeUnit,
    Agency,
    Counter,
    NetworkPhase,
    Site,
    SiteCoverage,
    SiteOperatingPeriod,
    UnitSuccession,
)
from motcua.organization.selectors.network import network_edit_problems, site_state
from motcua.organization.services.network import SITE_FIELDS, site_create, site_update
from motcua.organization.validation import Period, Phase, SiteState


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "division_type", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "division_type"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["parent"]
    show_full_result_count = False


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(ReadOnlyAdmin):
    list_display = ["predecessor", "successor", "effective_on", "legal_basis"]
    list_select_related = ["predecessor", "successor"]
    search_fields = ["predecessor__name_folded", "successor__name_folded", "successor__code"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "territory", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["territory"]
    autocomplete_fields = ["territory", "parent"]


class NetworkPhaseForm(forms.ModelForm):
    class Meta:
        model = NetworkPhase
        fields = [
            "number",
            "name",
            "coverage_rule",
            "province",
            "legal_basis",
            "valid_from",
            "valid_to",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        proposed = Phase(
            data["number"],
            data["name"],
            data["coverage_rule"],
            Period(data.get("valid_from"), data.get("valid_to")),
        )
        replacing = self.instance.number if self.instance.pk else None
        problems = network_edit_problems(phase=proposed, replacing_phase=replacing)
        if problems:
            raise ValidationError(problems)
        return data


@admin.register(NetworkPhase)
class NetworkPhaseAdmin(admin.ModelAdmin):
    form = NetworkPhaseForm
    list_display = ["number", "name", "coverage_rule", "valid_from", "valid_to"]
    autocomplete_fields = ["province"]


class SiteInlineFormSet(BaseInlineFormSet):
    """Knows its sibling formsets so the coverage check sees the periods being edited too."""

    siblings: list = []

    def rows(self) -> list[Period] | list[tuple[int, Period]] | None:
        """The rows this formset would leave, or None when it is not valid."""
        if not self.is_valid():
            return None
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            out.append(data)
        return out


class CoverageFormSet(SiteInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        periods_formset = next((f for f in self.siblings if f.model is SiteOperatingPeriod), None)
        current = site_state(self.instance)
        operating = current.operating
        if periods_formset is not None:
            rows = periods_formset.rows()
            if rows is None:
                return
            operating = tuple(Period(r.get("valid_from"), r.get("valid_to")) for r in rows)
        coverage = tuple(
            (r["unit"].pk, Period(r.get("valid_from"), r.get("valid_to")))
            for r in self.rows() or []
        )
        proposed = SiteState(
            key=current.key,
            name=current.name,
            kind=current.kind,
            parent=current.parent,
            operating=operating,
            coverage=coverage,
        )
        problems = network_edit_problems(site=proposed)
        if problems:
            raise ValidationError(problems)


class OperatingPeriodInline(admin.TabularInline):
    model = SiteOperatingPeriod
    formset = SiteInlineFormSet
    extra = 0


class CoverageInline(admin.TabularInline):
    model = SiteCoverage
    formset = CoverageFormSet
    autocomplete_fields = ["unit"]
    extra = 0


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 0


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["code", *SITE_FIELDS]

    def clean(self):
        data = super().clean()
        if self.errors or self.instance.pk is None:
            return data
        if "kind" in self.changed_data or "parent" in self.changed_data:
            current = site_state(self.instance)
            parent = data.get("parent")
            proposed = SiteState(
                key=current.key,
                name=data.get("name", current.name),
                kind=data["kind"],
                parent=parent.pk if parent else None,
                operating=current.operating,
                coverage=current.coverage,
            )
            problems = network_edit_problems(site=proposed)
            if problems:
                raise ValidationError(problems)
        return data


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    form = SiteForm
    list_display = ["code", "name", "kind", "number", "parent", "unit_id"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_folded", "unit_id"]
    autocomplete_fields = ["parent", "located_in"]
    inlines = [OperatingPeriodInline, CoverageInline, CounterInline]

    # A private hook, but the one place where all of a request's inline formsets are known.
    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        for formset in formsets:
            formset.siblings = formsets
        return formsets, inline_instances

    def save_model(self, request, obj, form, change):
        names = [n for n in SITE_FIELDS if n in form.cleaned_data]
        if change:
            names = [n for n in names if n in form.changed_data]
        values = {name: form.cleaned_data[name] for name in names}
        try:
            if change:
                site = site_update(site=obj, **values)
            else:
                site = site_create(code=form.cleaned_data["code"], **values)
        except DomainError as exc:  # already checked by the form; a race lost
            raise ValidationError(exc.detail) from exc
        obj.pk = site.pk
        obj.refresh_from_db()
