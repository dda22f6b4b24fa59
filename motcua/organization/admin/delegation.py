"""Admin pages for delegations to sign (§2.4, decision 0009): recorded and ended through
:mod:`motcua.organization.services.delegation`, like every write; never deleted."""

from __future__ import annotations

from django.contrib import admin

from motcua.organization.admin.staff import SavedByFormAdmin, ServiceForm
from motcua.organization.models import Delegation
from motcua.organization.services import delegation as services


class DelegationAddForm(ServiceForm):
    by = None  # set by the admin: the signed-in administrator

    class Meta:
        model = Delegation
        fields = ["agency", "delegator", "delegate", "valid_from", "valid_to", "decision_number"]

    def save_through_service(self, data: dict):
        return services.delegation_create(
            by=self.by,
            agency=data["agency"],
            delegator=data["delegator"],
            delegate=data["delegate"],
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            decision_number=data.get("decision_number") or "",
        )


class DelegationEndForm(ServiceForm):
    """A recorded delegation can only be ended (history is never rewritten)."""

    by = None

    class Meta:
        model = Delegation
        fields = ["valid_to"]

    def save_through_service(self, data: dict):
        if "valid_to" not in self.changed_data or data.get("valid_to") is None:
            return None
        return services.delegation_end(
            by=self.by, delegation=self.instance, valid_to=data["valid_to"]
        )


@admin.register(Delegation)
class DelegationAdmin(SavedByFormAdmin):
    list_display = [
        "agency", "delegator", "delegate", "valid_from", "valid_to", "decision_number",
        "recorded_by", "recorded_at",
    ]  # fmt: skip
    list_filter = ["agency"]
    search_fields = ["delegator__username", "delegate__username", "decision_number"]
    list_select_related = ["agency", "delegator", "delegate", "recorded_by"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = DelegationEndForm if obj else DelegationAddForm
        kwargs["form"] = type(base.__name__, (base,), {"by": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(DelegationAddForm.Meta.fields)
        return [*DelegationAddForm.Meta.fields, "recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["agency", "delegator", "delegate", "valid_from", "decision_number",
                "recorded_by", "recorded_at"]  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
