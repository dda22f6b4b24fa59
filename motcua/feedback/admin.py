"""Read-only views of ratings and complaints for administrators and inspectors.

Complaints change only through the services (which keep the log and the deadlines); a rating
is never changed once given.
"""

from django.contrib import admin

from motcua.feedback.models import Complaint, ComplaintEvent, Rating


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["dossier", "level", "survey_points", "rated_at"]
    list_filter = ["level"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    date_hierarchy = "rated_at"


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = ComplaintEvent
    fields = ["at", "action", "actor_name", "from_status", "to_status", "note", "on_time"]
    extra = 0
    ordering = ["at", "pk"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "kind", "subject", "status", "site", "agency", "received_at",
                    "answer_due_at"]  # fmt: skip
    list_filter = ["status", "kind"]
    search_fields = ["code", "subject", "dossier__code"]
    list_select_related = ["site", "agency"]
    date_hierarchy = "received_at"
    inlines = [EventInline]
