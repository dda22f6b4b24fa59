"""Read-only views of dossiers for administrators and inspectors.

The admin never changes a dossier: every change goes through the lifecycle services, which
write the audit trail. Regimes and forms are loaded from ``data/regimes.toml``; a change of
regime is a new row there, reviewed like code.
"""

from django.contrib import admin

from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    FormTemplate,
    Handover,
    NotificationLog,
    Regime,
)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComponentInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierComponent
    fields = ["order", "name", "originals", "certified_copies", "copies", "received",
              "digitised_at", "sha256"]  # fmt: skip
    extra = 0


class HandoverInline(ReadOnlyMixin, admin.TabularInline):
    model = Handover
    fields = ["step", "step_name", "unit", "giver", "receiver", "given_at", "received_at",
              "step_due_at", "timeliness", "note"]  # fmt: skip
    extra = 0


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    fields = ["seq", "action", "at", "actor_name", "site", "agency", "from_status",
              "to_status", "payload", "hash"]  # fmt: skip
    extra = 0
    ordering = ["seq"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "procedure", "applicant_name", "status", "receiving_site",
                    "competent_agency", "due_at", "timeliness"]  # fmt: skip
    list_filter = ["status", "channel", "regime", "timeliness", "outside_territory"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    list_select_related = ["procedure", "receiving_site", "competent_agency"]
    date_hierarchy = "submitted_at"
    inlines = [ComponentInline, HandoverInline, EventInline]
    show_full_result_count = False


@admin.register(NotificationLog)
class NotificationLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "event", "channel", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["dossier__code", "recipient"]
    list_select_related = ["dossier"]


class FormInline(ReadOnlyMixin, admin.TabularInline):
    model = FormTemplate
    fields = ["number", "kind", "title", "template_name", "version", "valid_from", "valid_to"]
    extra = 0


@admin.register(Regime)
class RegimeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to", "max_supplements",
                    "max_extensions", "apology_lead_hours"]  # fmt: skip
    inlines = [FormInline]
