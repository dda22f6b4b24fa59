"""The tracking ledger of a site for a period, and the ledger of boundary-free dossiers (§2):
on screen with its filters, and as the official form (PDF) or CSV, the same lines as
``GET /api/v1/ledger``."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from motcua.core import clock
from motcua.core.errors import DomainError
from motcua.dossiers.forms import ledger_csv, ledger_file_name, ledger_pdf, ledger_rows
from motcua.dossiers.selectors import ledger_site, ledger_sites
from motcua.workspace.desk import staff_view
from motcua.workspace.forms import add_domain_error
from motcua.worktime.rules import HANOI


class LedgerFilter(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    boundary_free = forms.BooleanField(
        label=_("Only boundary-free dossiers (received outside the competent agency's territory)"),
        required=False,
    )


def _initial(request: HttpRequest, codes: list[str]) -> dict:
    today = clock.now().astimezone(HANOI).date()
    site = request.desk.site.code if request.desk.site is not None else ""
    return {
        "site": site if site in codes else (codes[0] if codes else ""),
        "start": date(today.year, today.month, 1),
        "end": today,
        "boundary_free": True,
    }


@staff_view
def ledger(request: HttpRequest) -> HttpResponse:
    """``?site=&start=&end=&boundary_free=on[&format=pdf|csv]``."""
    actor = request.desk.actor
    sites = list(ledger_sites(actor=actor))
    if not sites:
        return render(
            request,
            "workspace/dashboards/forbidden.html",
            {"message": _("The ledger is for the staff and the heads of a one-stop site.")},
            status=403,
        )
    codes = [s.code for s in sites]
    form = LedgerFilter(request.GET if "site" in request.GET else _initial(request, codes))
    form.fields["site"].choices = [(s.code, f"{s.code} · {s.name}") for s in sites]
    context = {"nav": "ledger", "form": form, "rows": None, "site": None}
    if form.is_valid():
        data = form.cleaned_data
        try:
            site = ledger_site(actor=actor, code=data["site"], start=data["start"],
                               end=data["end"])  # fmt: skip
        except DomainError as error:
            add_domain_error(form, error)
        else:
            period = {"site": site, "start": data["start"], "end": data["end"],
                      "boundary_free": data["boundary_free"]}  # fmt: skip
            fmt = request.GET.get("format", "")
            name = ledger_file_name(**period)
            if fmt == "csv":
                response = HttpResponse(
                    ledger_csv(**period), content_type="text/csv; charset=utf-8"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
                return response
            if fmt == "pdf":
                response = HttpResponse(ledger_pdf(**period), content_type="application/pdf")
                response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
                return response
            query = request.GET.copy()
            query.pop("format", None)
            context |= {
                "site": site,
                "period": period,
                "rows": ledger_rows(**period),
                "query": query.urlencode(),
            }
    return render(request, "workspace/ledger/ledger.html", context)
