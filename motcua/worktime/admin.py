from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from motcua.core.errors import InvalidInput
from motcua.worktime import services
from motcua.worktime.models import CalendarOverride


class CalendarOverrideForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "kind", "legal_basis", "note"]

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date", self.instance.date if self.instance.pk else None)
        if day is not None and cleaned.get("kind"):
            try:
                services.calendar_override_validate(
                    day=day, kind=cleaned["kind"], legal_basis=cleaned.get("legal_basis", "")
                )
            except InvalidInput as error:
                raise ValidationError({error.field or None: error.detail}) from error
        return cleaned


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Thin: every write goes through :mod:`motcua.worktime.services`."""

    form = CalendarOverrideForm
    list_display = ["date", "kind", "legal_basis", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["legal_basis", "note"]
    date_hierarchy = "date"
    ordering = ["-date"]

    def get_readonly_fields(self, request, obj=None):
        # The date is the row's identity: to move a decision, delete it and add another.
        return ["date"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = services.calendar_override_set(
            day=obj.date, kind=obj.kind, legal_basis=obj.legal_basis, note=obj.note
        )
        obj.pk = saved.pk
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at

    def delete_model(self, request, obj):
        services.calendar_override_delete(day=obj.date)

    def delete_queryset(self, request, queryset):
        for day in queryset.values_list("date", flat=True):
            services.calendar_override_delete(day=day)
