"""The Center director's succession page (issue 17 §2): choose the ceasing agency and the date,
see each dossier in flight and its proposed successor, adjust, apply, print the transfer list.

Every change goes through :mod:`motcua.dossiers.services.competence`, as the ``reorganize``
command's does.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError
from motcua.dossiers import succession
from motcua.dossiers.models import Reorganization
from motcua.dossiers.permissions import may_reorganize
from motcua.dossiers.services import competence
from motcua.dossiers.transfers import transfer_list_csv, transfer_list_pdf
from motcua.organization.models import Agency
from motcua.workspace.desk import staff_view
from motcua.workspace.forms import BootstrapMixin
from motcua.workspace.views.dashboards import _forbidden

BASIS = {
    succession.BY_PROCEDURE: gettext_lazy("named for the procedure by the decision"),
    succession.BY_DECISION: gettext_lazy("named by the decision"),
    succession.MOVED: gettext_lazy("the procedure moved to this agency"),
    succession.BY_TERRITORY: gettext_lazy("committee of the ward that now holds the territory"),
    succession.SPLIT: gettext_lazy("the former ward was split: check the address"),
    succession.NONE: gettext_lazy("nobody found: choose the agency"),
}


def ceased_agencies():
    """Agencies that end on a date: the ones a reorganization can hand over."""
    return Agency.objects.filter(valid_to__isnull=False).order_by("kind", "name")


class ChooseForm(BootstrapMixin, forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Agency that ceases"))
    on = forms.DateField(
        label=gettext_lazy("Successors take over on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Empty: the day after the agency's last day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", _("Choose the agency…")),
            *(
                (
                    a.code,
                    _("%(name)s (until %(day)s)")
                    % {"name": a.name, "day": f"{a.valid_to:%d/%m/%Y}"},
                )
                for a in ceased_agencies()
            ),
        ]


def _chosen(form: ChooseForm) -> tuple[Agency, date] | None:
    if not form.is_valid():
        return None
    agency = ceased_agencies().filter(code=form.cleaned_data["agency"]).first()
    if agency is None:
        return None
    return agency, form.cleaned_data["on"] or agency.valid_to + timedelta(days=1)


def _decision_for(agency: Agency, on: date) -> Reorganization:
    """The recorded decision, or an unsaved one by territory to show what it would do."""
    found = Reorganization.objects.filter(agency=agency, effective_on=on).first()
    return found or Reorganization(agency=agency, effective_on=on)


@require_http_methods(["GET", "POST"])
@staff_view
def page(request: HttpRequest) -> HttpResponse:
    if not may_reorganize(request.desk.actor):
        return _forbidden(
            request, _("Only the Center's director or an administrator applies a reorganization.")
        )
    source = request.POST if request.method == "POST" else request.GET
    form = ChooseForm(source or None)
    chosen = _chosen(form) if source else None
    if chosen is not None and not form.cleaned_data["on"]:
        # Show the date the page worked out.
        form = ChooseForm({"agency": chosen[0].code, "on": chosen[1].isoformat()})
        form.is_valid()
    context: dict = {"nav": "center", "form": form, "chosen": chosen}
    if chosen is None:
        return render(request, "workspace/succession/page.html", context)
    agency, on = chosen
    decision = _decision_for(agency, on)
    error = None
    if request.method == "POST":
        plan = competence.reorganization_plan(decision)
        overrides = {
            h.dossier.code: request.POST.get(f"successor.{h.dossier.code}", "").strip()
            for h in plan
        }
        overrides = {
            code: value
            for code, value in overrides.items()
            if value
            and value != next((h.proposal.successor for h in plan if h.dossier.code == code), None)
        }
        try:
            if decision.pk is None:
                decision = competence.reorganization_create(
                    actor=request.desk.actor,
                    agency_code=agency.code,
                    effective_on=on,
                    decision_number=request.POST.get("decision_number", ""),
                    legal_basis=request.POST.get("legal_basis", ""),
                )
            applied = competence.reorganization_apply(
                actor=request.desk.actor, reorganization=decision, overrides=overrides
            )
        except DomainError as exc:
            error = exc.detail
        else:
            messages.success(
                request,
                _("%(count)s dossier(s) handed over to the successors. Print the transfer list.")
                % {"count": len(applied.moved)},
            )
            return redirect(
                reverse("workspace:succession") + f"?agency={agency.code}&on={on:%Y-%m-%d}"
            )
    plan = competence.reorganization_plan(decision)
    context.update(
        {
            "agency": agency,
            "on": on,
            "decision": decision,
            "rows": [
                {
                    "h": h,
                    "basis": BASIS[h.proposal.basis],
                    "warn": h.proposal.basis in (succession.SPLIT, succession.NONE),
                }
                for h in plan
            ],  # fmt: skip
            "agencies": competence.agencies_in_force(on),
            "error": error,
        }
    )
    return render(request, "workspace/succession/page.html", context, status=422 if error else 200)


@staff_view
def transfer_list(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if not may_reorganize(request.desk.actor):
        return _forbidden(
            request, _("Only the Center's director or an administrator applies a reorganization.")
        )
    decision = Reorganization.objects.select_related("agency").filter(pk=pk).first()
    if decision is None or fmt not in ("pdf", "csv"):
        raise Http404
    name = f"ban-giao-{decision.agency.code}-{decision.effective_on:%Y%m%d}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(transfer_list_pdf(decision), content_type="application/pdf")
    else:
        response = HttpResponse(transfer_list_csv(decision), content_type="text/csv")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
