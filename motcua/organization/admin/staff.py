"""Admin pages for people: every save goes through :mod:`motcua.organization.services.staff`.

The forms call the service in ``clean()``: a refused write becomes a form error next to the field
it names, in the user's language, and the admin's own ``save()`` has nothing left to do. The
staffing plan, whose rule spans the plan and its quotas, is checked in the quota formset's
``clean()`` and written once, plan and quotas together, in ``save_related()``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import DomainError
from motcua.organization.choices import SiteKind
from motcua.organization.models import (
    Assignment,
    BranchQuota,
    Secondment,
    Site,
    StaffingPlan,
    StaffProfile,
)
from motcua.organization.services import staff as services


class ServiceForm(forms.ModelForm):
    """A model form whose ``clean()`` performs the write through a service.

    Subclasses implement :meth:`save_through_service`, returning the saved object or ``None``
    when there is nothing to write.
    """

    def save_through_service(self, data: dict):
        raise NotImplementedError

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        try:
            saved = self.save_through_service(data)
        except DomainError as exc:
            field = exc.field if exc.field in self.fields else NON_FIELD_ERRORS
            raise ValidationError({field: exc.detail}) from exc
        if saved is not None:
            self.instance = saved
        return data


class SavedByFormAdmin(admin.ModelAdmin):
    """The form already saved through the service: the admin only logs and redirects."""

    def save_model(self, request, obj, form, change) -> None:
        pass


# --- staff profiles ----------------------------------------------------------------------------


class StaffProfileAddForm(ServiceForm):
    username = forms.CharField(label=_("username"), max_length=150)
    email = forms.EmailField(label=_("email"), required=False)
    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to create the account without a password."),
    )

    class Meta:
        model = StaffProfile
        fields = ["full_name", "phone", "home_agency"]

    def save_through_service(self, data: dict):
        user = services.staff_create(
            username=data["username"],
            full_name=data["full_name"],
            password=data.get("password") or None,
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            home_agency=data.get("home_agency"),
        )
        return user.staff_profile


class StaffProfileChangeForm(ServiceForm):
    class Meta:
        model = StaffProfile
        fields = ["full_name", "phone", "home_agency"]

    def save_through_service(self, data: dict):
        return services.staff_profile_update(
            profile=StaffProfile.objects.get(pk=self.instance.pk),
            full_name=data["full_name"],
            phone=data.get("phone") or "",
            home_agency=data.get("home_agency"),
        )


@admin.register(StaffProfile)
class StaffProfileAdmin(SavedByFormAdmin):
    list_display = ["full_name", "user", "home_agency", "phone"]
    search_fields = ["full_name", "user__username", "user__email"]
    list_select_related = ["user", "home_agency"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StaffProfileChangeForm if obj else StaffProfileAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["username", "full_name", "email", "password", "phone", "home_agency"]
        return ["user", "full_name", "phone", "home_agency"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deactivate the account instead: assignments and dossiers keep pointing at the person.
        return False


# --- assignments -------------------------------------------------------------------------------


class AssignmentAddForm(ServiceForm):
    class Meta:
        model = Assignment
        fields = ["user", "role", "site", "agency", "valid_from", "valid_to", "decision_number"]

    def save_through_service(self, data: dict):
        return services.assignment_create(
            user=data["user"],
            role=data["role"],
            site=data.get("site"),
            agency=data.get("agency"),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            decision_number=data.get("decision_number") or "",
        )


class AssignmentEndForm(ServiceForm):
    """An existing assignment can only be ended (history is never rewritten)."""

    class Meta:
        model = Assignment
        fields = ["valid_to"]

    def save_through_service(self, data: dict):
        if "valid_to" not in self.changed_data:
            return None
        return services.assignment_end(assignment=self.instance, valid_to=data.get("valid_to"))


@admin.register(Assignment)
class AssignmentAdmin(SavedByFormAdmin):
    list_display = ["user", "role", "site", "agency", "valid_from", "valid_to", "decision_number"]
    list_filter = ["role", "site__kind", "site"]
    search_fields = ["user__username", "user__staff_profile__full_name", "decision_number"]
    list_select_related = ["user", "site", "agency"]
    date_hierarchy = "valid_from"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AssignmentEndForm if obj else AssignmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["user", "role", "site", "agency", "valid_from", "valid_to", "decision_number"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "role", "site", "agency", "valid_from", "decision_number"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- secondments -------------------------------------------------------------------------------


class SecondmentAddForm(ServiceForm):
    class Meta:
        model = Secondment
        fields = ["user", "from_agency", "to_site", "valid_from", "valid_to", "decision_number"]

    def save_through_service(self, data: dict):
        return services.secondment_create(
            user=data["user"],
            from_agency=data["from_agency"],
            to_site=data["to_site"],
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            decision_number=data.get("decision_number") or "",
        )


@admin.register(Secondment)
class SecondmentAdmin(SavedByFormAdmin):
    form = SecondmentAddForm
    list_display = ["user", "from_agency", "to_site", "valid_from", "valid_to", "decision_number"]
    list_filter = ["from_agency", "to_site"]
    search_fields = ["user__username", "user__staff_profile__full_name", "decision_number"]
    list_select_related = ["user", "from_agency", "to_site"]

    def get_readonly_fields(self, request, obj=None):
        # A recorded secondment is history; a new decision is a new row.
        return list(SecondmentAddForm.Meta.fields) if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- staffing plans ----------------------------------------------------------------------------


class BranchQuotaFormSet(forms.BaseInlineFormSet):
    def quotas(self) -> dict:
        """The branch → headcount map the submitted rows describe (deleted rows left out)."""
        result = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("branch") is None:
                continue
            if data.get("headcount") is None:
                continue
            if data["branch"] in result:
                raise ValidationError(
                    _("%(site)s appears twice in this plan.") % {"site": data["branch"]}
                )
            result[data["branch"]] = data["headcount"]
        return result

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        plan = self.instance
        if plan.year is None or plan.approved_headcount is None:
            return  # the plan's own form reports the missing values
        try:
            services.staffing_total_check(
                year=plan.year,
                approved_headcount=plan.approved_headcount,
                total=sum(self.quotas().values()),
            )
        except DomainError as exc:
            raise ValidationError(exc.detail) from exc


class BranchQuotaInline(admin.TabularInline):
    model = BranchQuota
    formset = BranchQuotaFormSet
    fields = ["branch", "headcount"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "branch":
            kwargs["queryset"] = Site.objects.filter(kind=SiteKind.BRANCH)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffingPlanForm(forms.ModelForm):
    class Meta:
        model = StaffingPlan
        fields = ["year", "approved_headcount", "decision_number"]


@admin.register(StaffingPlan)
class StaffingPlanAdmin(admin.ModelAdmin):
    form = StaffingPlanForm
    inlines = [BranchQuotaInline]
    list_display = ["year", "approved_headcount", "decision_number"]

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj else []

    def save_model(self, request, obj, form, change) -> None:
        pass  # written with its quotas in save_related(), in one service call

    def save_related(self, request, form, formsets, change) -> None:
        quota_formsets = [f for f in formsets if isinstance(f, BranchQuotaFormSet)]
        quotas = {}
        for formset in quota_formsets:
            quotas.update(formset.quotas())
        plan = services.staffing_plan_set(
            year=form.instance.year,
            approved_headcount=form.instance.approved_headcount,
            decision_number=form.instance.decision_number,
            quotas=quotas,
        )
        form.instance.pk = plan.pk
        form.instance._state.adding = False
        for formset in quota_formsets:
            # The service wrote the rows; point the formset at them for the change message.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
