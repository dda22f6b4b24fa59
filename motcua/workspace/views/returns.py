"""The return desk: find a dossier by its code (typed, or scanned from the QR code of a form),
see why a result is not ready, and hand the result over, signed for in the ledger.

Delivery goes through ``lifecycle.dossier_deliver`` with the version the officer saw, so a
second click (or a colleague at the next counter) is refused instead of acting twice.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.core.errors import (
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from motcua.dossiers.choices import Action, ReturnMethod, Status
from motcua.dossiers.permissions import authorize
from motcua.dossiers.selectors import DossierFilters, dossier_get, dossier_list, dossiers_visible
from motcua.dossiers.services import lifecycle as svc
from motcua.workspace.forms import add_domain_error
from motcua.workspace.forms_counter import DeliverForm
from motcua.workspace.templatetags.workspace import hanoi, status_label
from motcua.workspace.views.counter import officer_view

# A dossier code anywhere in what the scanner typed (§3): <unit id>-YYMMDD-XXXX.
CODE_IN_TEXT = re.compile(r"[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}-\d{6}-\d{4}")
MATCHES_LIMIT = 20
READY_LIMIT = 200


def code_from_scan(text: str) -> str:
    """The dossier code in ``text``: a code as typed, or the lookup URL a QR code carries
    (``…/tra-cuu/?ma=000.01.HC.H26-260310-0001``). Empty when there is none."""
    text = (text or "").strip()
    if not text:
        return ""
    candidates = [text]
    if "?" in text or "://" in text:
        candidates = parse_qs(urlsplit(text).query).get("ma", []) + [unquote(text)]
    for candidate in candidates:
        found = CODE_IN_TEXT.search(candidate.upper())
        if found:
            return found[0]
    return ""


def _prefix(code: str) -> str:
    return "d" + re.sub(r"[^0-9A-Za-z]", "", code)


def _ready_here(request: HttpRequest):
    """Results waiting at this site: to collect here, or to send by post or online from here."""
    site = request.desk.site
    return (
        dossiers_visible(request.desk.actor)
        .filter(status=Status.RESULT_READY)
        .filter(
            Q(return_method=ReturnMethod.SITE, return_site=site)
            | Q(return_method__in=[ReturnMethod.POST, ReturnMethod.ONLINE], receiving_site=site)
        )
        .select_related("procedure", "return_site", "receiving_site")
        .order_by("finished_at", "pk")[:READY_LIMIT]
    )


def _why_not(request: HttpRequest, dossier) -> str:
    """Why ``dossier`` cannot be handed over here; empty when it can."""
    if dossier.status == Status.DELIVERED:
        return _("The result was already delivered at %(when)s.") % {
            "when": hanoi(dossier.delivered_at)
        }
    if dossier.status != Status.RESULT_READY:
        status = status_label(dossier.status)
        if dossier.status in (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
            return _("There is no result to hand over: the dossier is “%(status)s”.") % {
                "status": status
            }
        return _("The result is not ready yet: the dossier is “%(status)s”.") % {"status": status}
    try:
        authorize(request.desk.actor, Action.DELIVER, dossier, site=request.desk.site)
    except PermissionDenied:
        if dossier.return_method == ReturnMethod.SITE and dossier.return_site:
            return _("The applicant collects this result at %(site)s, not here.") % {
                "site": dossier.return_site.name
            }
        return _("This result is not handed over at %(site)s.") % {"site": request.desk.site.name}
    return ""


def _card(request: HttpRequest, dossier, form: DeliverForm | None = None) -> dict:
    why = _why_not(request, dossier)
    if form is None and not why:
        form = DeliverForm(
            prefix=_prefix(dossier.code),
            initial={
                "code": dossier.code,
                "version": dossier.version,
                "recipient_name": dossier.applicant_name,
            },
        )
    return {"dossier": dossier, "why": why, "form": None if why else form}


def _page(
    request: HttpRequest,
    *,
    query: str = "",
    found=None,
    form: DeliverForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    code = code_from_scan(query)
    matches = []
    if found is None and code:
        try:
            found = dossier_get(actor=request.desk.actor, code=code)
        except NotFound as exc:
            problem = problem or exc.detail
    elif found is None and query.strip():
        matches = list(dossier_list(actor=request.desk.actor, filters=DossierFilters(q=query))[
            :MATCHES_LIMIT
        ])  # fmt: skip
        if not matches:
            problem = _("No dossier matches “%(query)s”.") % {"query": query}
    waiting = list(_ready_here(request))
    ready = [d for d in waiting if found is None or d.pk != found.pk]
    return render(
        request,
        "workspace/returns/desk.html",
        {
            "nav": "returns",
            # A scanned address is shown as the code it carried.
            "query": found.code if found is not None else query,
            "waiting": len(waiting),
            "found": _card(request, found, form) if found is not None else None,
            "matches": matches,
            "ready": [_card(request, d) for d in ready],
            "problem": problem,
        },
        status=status,
    )


@officer_view
def desk(request: HttpRequest) -> HttpResponse:
    """Find a dossier by code or scan; hand over the results ready at this site."""
    if request.method == "POST":
        return _deliver(request)
    return _page(request, query=request.GET.get("q", ""))


def _deliver(request: HttpRequest) -> HttpResponse:
    code = code_from_scan(request.POST.get("deliver", ""))
    form = DeliverForm(request.POST, prefix=_prefix(code))
    if not code or not form.is_valid() or form.cleaned_data["code"] != code:
        return _page(request, query=code, problem=_("Scan or type the dossier code again."))
    data = form.cleaned_data
    try:
        dossier = svc.dossier_deliver(
            actor=request.desk.actor,
            code=code,
            site=request.desk.site,
            recipient_name=data["recipient_name"],
            recipient_id_number=data["recipient_id_number"],
            note=data["note"],
            expected_version=data["version"],
        )
    except InvalidInput as exc:
        add_domain_error(form, exc)
        return _page(request, query=code, form=form, found=_visible(request, code))
    except (StaleVersion, InvalidTransition) as exc:
        current = _visible(request, code)
        if current is not None and current.status == Status.DELIVERED:
            problem = _(
                "Dossier %(code)s was already delivered at %(when)s. Nothing was done a second "
                "time."
            ) % {"code": code, "when": hanoi(current.delivered_at)}
        else:
            problem = exc.detail
        return _page(request, query=code, problem=problem, status=409)
    except DomainError as exc:  # not in this officer's scope, or not theirs to hand over
        return _page(request, query="", problem=exc.detail, status=exc.status)
    messages.success(
        request,
        _("The result of dossier %(code)s was handed to %(name)s.")
        % {"code": dossier.code, "name": data["recipient_name"].strip()},
    )
    return redirect(reverse("workspace:returns"))


def _visible(request: HttpRequest, code: str):
    try:
        return dossier_get(actor=request.desk.actor, code=code)
    except NotFound:
        return None
