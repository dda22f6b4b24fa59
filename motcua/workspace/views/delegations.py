"""A leader's delegations to sign (§2.4, decision 0009): whom they let sign results in their
stead, from when to when; record a new one or end one. Every write goes through
:mod:`motcua.organization.services.delegation`; administrators also have the admin page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.organization.choices import AGENCY_ROLES, Role
from motcua.organization.models import Agency, Assignment, Delegation
from motcua.organization.selectors.staff import delegations_of
from motcua.organization.services.delegation import delegation_create, delegation_end
from motcua.workspace.desk import staff_view
from motcua.workspace.forms import add_domain_error
from motcua.workspace.views.dossier import person_name


class DelegationForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Agency"))
    delegate = forms.ChoiceField(label=gettext_lazy("Signs in my stead"))
    valid_from = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    decision_number = forms.CharField(
        label=gettext_lazy("Decision number"), required=False, max_length=100
    )

    def __init__(self, *args, agencies, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(str(a.pk), a.name) for a in agencies]
        self.fields["delegate"].choices = [("", _("Choose a person…")), *people]


def _led_agencies(request: HttpRequest) -> list[Agency]:
    ids = [a for a, roles in request.desk.actor.roles_in_agencies.items()
           if Role.AGENCY_LEADER in roles]  # fmt: skip
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def _colleagues(agencies: list[Agency], me) -> list[tuple[str, str]]:
    rows = (
        Assignment.objects.filter(agency__in=agencies, role__in=AGENCY_ROLES)
        .on(clock.today())
        .filter(user__is_active=True)
        .exclude(user=me)
        .select_related("user__staff_profile")
        .order_by("user__staff_profile__full_name", "user__username")
    )
    seen: dict[str, str] = {}
    for row in rows:
        seen.setdefault(str(row.user.pk), person_name(row.user))
    return list(seen.items())


@require_http_methods(["GET", "POST"])
@staff_view
def delegations(request: HttpRequest) -> HttpResponse:
    agencies = _led_agencies(request)
    if not agencies:
        return render(
            request,
            "workspace/dashboards/forbidden.html",
            {"message": _("Delegations to sign are recorded by the agency's leaders.")},
            status=403,
        )
    me = request.user
    people = _colleagues(agencies, me)
    data = request.POST if request.method == "POST" and "end" not in request.POST else None
    form = DelegationForm(data, agencies=agencies, people=people,
                          initial={"valid_from": clock.today()})  # fmt: skip
    status = 200
    if request.method == "POST":
        try:
            if "end" in request.POST:
                delegation = Delegation.objects.get(
                    pk=int(request.POST["end"]), agency__in=agencies
                )
                delegation_end(by=me, delegation=delegation, valid_to=clock.today())
                messages.success(request, _("The delegation ends today."))
                return redirect("workspace:delegations")
            if form.is_valid():
                d = form.cleaned_data
                delegation_create(
                    by=me,
                    agency=next(a for a in agencies if str(a.pk) == d["agency"]),
                    delegator=me,
                    delegate=get_user_model().objects.get(pk=int(d["delegate"])),
                    valid_from=d["valid_from"],
                    valid_to=d["valid_to"],
                    decision_number=d["decision_number"],
                )
                messages.success(request, _("Delegation recorded."))
                return redirect("workspace:delegations")
            status = 422
        except DomainError as error:
            add_domain_error(form, error)
            status = error.status
        except (Delegation.DoesNotExist, get_user_model().DoesNotExist, ValueError):
            status = 404
    today = clock.today()
    rows = [
        {
            "d": d,
            "delegator": person_name(d.delegator),
            "delegate": person_name(d.delegate),
            "recorded_by": person_name(d.recorded_by),
            "in_force": d.in_force_on(today),
            "mine": d.delegator_id == me.pk and (d.valid_to is None or d.valid_to >= today),
        }
        for d in delegations_of(agency_ids=[a.pk for a in agencies])
    ]
    context = {"nav": "delegations", "form": form, "rows": rows, "today": today}
    return render(request, "workspace/delegations/delegations.html", context, status=status)
