"""The counter desk: find a procedure in a keystroke or two, then receive, guide or refuse.

Every dossier is made by ``lifecycle.dossier_create`` and every scan stored by
``lifecycle.dossier_attach``; the views only turn the form into their arguments and the
service's refusals back into messages next to the fields.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.catalog.choices import CompetenceRule
from motcua.catalog.selectors import competent_agency_for, procedure_get, procedures_search
from motcua.catalog.selectors import version_on as catalog_version_on
from motcua.core import clock
from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.core.text import fold
from motcua.dossiers.choices import Action, ApplicantKind, PaymentMethod, ReturnMethod, Status
from motcua.dossiers.forms import form_html
from motcua.dossiers.selectors import dossier_get, dossiers_visible
from motcua.dossiers.services import lifecycle as svc
from motcua.organization.selectors.network import network_on
from motcua.workspace.desk import staff_view
from motcua.workspace.forms import add_domain_error
from motcua.workspace.forms_counter import (
    LIVE_FIELDS,
    WARD_FIELDS,
    IntakeForm,
    applicant_problem,
    mark_field,
    ward_find,
    ward_problem,
    wards_on,
)
from motcua.worktime.choices import TimeLimitUnit

#: How many of the site's most used procedures the desk offers, counted over how many days.
FAVOURITES = 8
FAVOURITE_DAYS = 30
SEARCH_LIMIT = 20
#: Search ranks equal matches by how often the site received each procedure in this many days.
USAGE_DAYS = 365

# Before a site has history: the procedures Hanoi's counters receive most (certification and
# civil status make most of a commune point's day), by national code. Codes no longer in force
# are skipped and the catalogue's order fills the rest.
DEFAULT_FAVOURITES = (
    "2.000815",  # certified copy from the original
    "2.000884",  # certification of a signature
    "1.001193",  # birth registration
    "1.000894",  # marriage registration
    "1.004873",  # certificate of marital status
    "2.000635",  # copy of a civil status extract
    "1.000656",  # death registration
    "1.001612",  # registration of a household business
)

# Which official form each outcome of the counter prints.
FORM_OF_STATUS = {Status.GUIDED: "supplement", Status.REFUSED: "refusal"}
SESSION_SCANS = "counter_scan_errors"


def officer_view(view):
    """A receiving officer at the site they sit at today; anyone else gets a 403 page."""

    @staff_view
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        desk = request.desk
        if not desk.is_officer:
            if desk.site is not None:
                message = _(
                    "Only a receiving officer of %(site)s works at this desk, and today you are "
                    "not one. Choose another of your sites at the top of the page, or ask the "
                    "branch director to record your assignment."
                ) % {"site": desk.site.name}
            else:
                message = _(
                    "Only a receiving officer works at this desk, and today you are not one at "
                    "any site."
                )
            return render(
                request, "workspace/counter/forbidden.html", {"message": message}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapped


# -- finding a procedure -----------------------------------------------------------------------


def _search(request: HttpRequest, query: str, day) -> list:
    """The procedures matching ``query``, best first (:func:`search_order`)."""
    if not query:
        return []
    found = list(procedures_search(query=query, day=day))
    used = _site_counts(request, USAGE_DAYS) if len(found) > 1 else {}
    return search_order(found, query, used)[:SEARCH_LIMIT]


def search_order(procedures: list, query: str, used: dict[str, int]) -> list:
    """``procedures`` with the exact name or code of ``query`` first, then the names that start
    with it, each group by how often the site received the procedure (``used``: code → count),
    then in the catalogue's order. "dang ky khai sinh" opens 1.001193, not a procedure whose
    longer name contains those words."""
    folded = fold(query)

    def key(item: tuple[int, object]) -> tuple:
        position, procedure = item
        if folded in (procedure.name_folded, procedure.code):
            match = 0
        elif procedure.name_folded.startswith(folded):
            match = 1
        else:
            match = 2
        return (match, -used.get(procedure.code, 0), position)

    return [p for _, p in sorted(enumerate(procedures), key=key)]


def _site_counts(request: HttpRequest, days: int, limit: int | None = None) -> dict[str, int]:
    """How many dossiers of each procedure the desk's site received in the last ``days``,
    most first (code → count)."""
    since = clock.now() - timedelta(days=days)
    rows = (
        dossiers_visible(request.desk.actor)
        .filter(receiving_site=request.desk.site, submitted_at__gte=since)
        .order_by()
        .values("procedure__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "procedure__code")
    )
    return {row["procedure__code"]: row["n"] for row in (rows[:limit] if limit else rows)}


def _favourites(request: HttpRequest, day) -> tuple[list, bool]:
    """The site's most used procedures (received there in the last 30 days), most used first.

    Returns ``(procedures, from_history)``; without history, a default list.
    """
    counts = _site_counts(request, FAVOURITE_DAYS, FAVOURITES)
    in_force = procedures_search(query="", day=day)
    if counts:
        used = counts
        found = {p.code: p for p in in_force.filter(code__in=list(used))}
        procedures = [found[code] for code in used if code in found]
        for procedure in procedures:
            procedure.used = used[procedure.code]
        if procedures:
            return procedures, True
    found = {p.code: p for p in in_force.filter(code__in=DEFAULT_FAVOURITES)}
    procedures = [found[code] for code in DEFAULT_FAVOURITES if code in found]
    if len(procedures) < FAVOURITES:
        known = {p.code for p in procedures}
        extra = in_force.exclude(code__in=known)[: FAVOURITES - len(procedures)]
        procedures += list(extra)
    return procedures, False


@officer_view
def desk(request: HttpRequest) -> HttpResponse:
    """The counter's start: a search box and the site's most used procedures."""
    day = clock.today()
    query = request.GET.get("q", "").strip()
    results = _search(request, query, day)
    if len(results) == 1:
        # Submitted without scripts (or before the live results came): one match is the one.
        return redirect("workspace:intake", code=results[0].code)
    favourites, from_history = _favourites(request, day)
    return render(
        request,
        "workspace/counter/desk.html",
        {
            "nav": "counter",
            "query": query,
            "results": results,
            "favourites": favourites,
            "from_history": from_history,
            "favourite_days": FAVOURITE_DAYS,
        },
    )


@officer_view
def procedure_search(request: HttpRequest) -> HttpResponse:
    """Live results of the desk's search box (htmx); without htmx, the desk with results."""
    query = request.GET.get("q", "").strip()
    if not request.headers.get("HX-Request"):
        target = reverse("workspace:counter")
        return redirect(f"{target}?{urlencode({'q': query})}" if query else target)
    return render(
        request,
        "workspace/counter/_results.html",
        {"query": query, "results": _search(request, query, clock.today())},
    )


# -- the intake form ---------------------------------------------------------------------------


def _version(code: str, day):
    try:
        return catalog_version_on(procedure=procedure_get(code=code), day=day)
    except DomainError as exc:
        raise Http404(exc.detail) from exc


def _limit_text(version) -> str:
    if version.time_limit == 0 and version.time_limit_unit == TimeLimitUnit.WORKING_DAYS:
        return _("Within the working day")
    return f"{version.time_limit} {TimeLimitUnit(version.time_limit_unit).label}"


def _competence_text(version) -> str:
    if version.competence_rule == CompetenceRule.FIXED and version.competent_agency:
        return version.competent_agency.name
    return version.competent_title or str(CompetenceRule(version.competence_rule).label)


def _initial(request: HttpRequest, version) -> dict:
    site = request.desk.site
    return {
        "idempotency_key": uuid.uuid4().hex,
        "applicant_kind": ApplicantKind.INDIVIDUAL,
        "return_method": ReturnMethod.SITE,
        "return_site": site.code if site else "",
        "sets": 1,
        "fee_paid": version.fee,
        "payment_method": PaymentMethod.CASH if version.fee else "",
    }


def _form(request: HttpRequest, version, day, *, bound: bool) -> IntakeForm:
    sites = network_on(day=day)
    url = reverse("workspace:intake", args=[version.procedure.code])
    if bound:
        return IntakeForm(
            request.POST, request.FILES, version=version, sites=sites, day=day, validate_url=url
        )
    return IntakeForm(
        initial=_initial(request, version), version=version, sites=sites, day=day,
        validate_url=url,
    )  # fmt: skip


def _intake_page(request: HttpRequest, version, form: IntakeForm) -> HttpResponse:
    return render(
        request,
        "workspace/counter/intake.html",
        {
            "nav": "counter",
            "version": version,
            "procedure": version.procedure,
            "form": form,
            "components": form.component_rows(),
            "wards": form.wards,
            "limit_text": _limit_text(version),
            "fee_text": version.fee_text,
            "competence_text": _competence_text(version),
            "lost_scans": bool(request.FILES) and not form.is_valid(),
        },
    )


@officer_view
def intake(request: HttpRequest, code: str) -> HttpResponse:
    """The procedure's facts and the intake form; POST makes the dossier (form 01, 02 or 03)."""
    day = clock.today()
    if request.method == "GET" and request.GET.get("done"):
        return _done(request, request.GET["done"])
    version = _version(code, day)
    if request.method != "POST":
        return _intake_page(request, version, _form(request, version, day, bound=False))
    if request.GET.get("validate"):
        return _validate(request, version, day, request.GET["validate"])
    form = _form(request, version, day, bound=True)
    if not form.is_valid():
        return _intake_page(request, version, form)
    data = form.cleaned_data
    try:
        dossier, created = svc.dossier_create(
            actor=request.desk.actor,
            site=request.desk.site,
            procedure_code=version.procedure.code,
            applicant=svc.ApplicantIn.from_fields(data),
            decision=data["decision"],
            object_unit_code=data.get("object_unit", ""),
            request=data["request"],
            sets=data["sets"],
            components=form.components_in(),
            return_method=data["return_method"],
            return_site_code=data["return_site"]
            if data["return_method"] == ReturnMethod.SITE
            else "",
            return_address=data["return_address"],
            fee_paid=data["fee_paid"],
            payment_method=data["payment_method"] if data["fee_paid"] else "",
            reason=data["reason"],
            items=form.items_in() if data["decision"] == Action.GUIDE else None,
            idempotency_key=data["idempotency_key"],
            digest=svc.request_digest(form.digest_data()),
        )
    except PermissionDenied as exc:
        return render(
            request, "workspace/counter/forbidden.html", {"message": exc.detail}, status=403
        )
    except DomainError as exc:
        if exc.field == "Idempotency-Key":
            # The same form was sent before with other content: it made a dossier already.
            form.add_error(None, _resent_message(request))
        else:
            add_domain_error(form, exc, form.field_map())
        return _intake_page(request, version, form)
    if created:
        _attach_scans(request, dossier, form)
    done = reverse("workspace:intake", args=[version.procedure.code])
    return redirect(f"{done}?{urlencode({'done': dossier.code})}")


def _resent_message(request: HttpRequest) -> str:
    previous = (
        dossiers_visible(request.desk.actor)
        .filter(created_by=request.user, idempotency_key=request.POST.get("idempotency_key", ""))
        .values_list("code", flat=True)
    )
    code = next(iter(previous), "")
    return _(
        "This form was already sent and made dossier %(code)s. To register another dossier, "
        "start again from the counter."
    ) % {"code": code or "?"}


def _attach_scans(request: HttpRequest, dossier, form: IntakeForm) -> None:
    """Store each scan with the dossier (digitisation); keep refusals for the next page."""
    refused = {}
    for order, upload in form.scans():
        try:
            svc.dossier_attach(
                actor=request.desk.actor,
                code=dossier.code,
                order=order,
                file=upload,
                site=request.desk.site,
            )
        except DomainError as exc:
            refused[str(order)] = exc.detail
    if refused:
        pending = request.session.get(SESSION_SCANS, {})
        pending[dossier.code] = refused
        request.session[SESSION_SCANS] = pending


def _validate(request: HttpRequest, version, day, name: str) -> HttpResponse:
    """One field checked on leaving it: the field again, with its error or its resolution."""
    if name not in LIVE_FIELDS:
        raise Http404(name)
    form = _form(request, version, day, bound=True)
    if name not in form.fields:
        raise Http404(name)
    bound = form[name]
    error, hint, candidates = "", "", []
    if name in WARD_FIELDS:
        text = (request.POST.get(name) or "").strip()
        ward, candidates = ward_find(text, wards_on(day))
        if text and ward is None:
            error = ward_problem(text, candidates)
            candidates = candidates[:8]
        elif ward is not None:
            form.data[name] = ward.label
            hint = _agency_hint(version, ward.unit, name, request, day)
    else:
        error = applicant_problem(name, request.POST, year=day.year) or ""
    if error:
        mark_field(bound)
    return render(
        request,
        "workspace/counter/_field.html",
        {"field": bound, "live_error": error, "hint": hint, "candidates": candidates},
    )


def _agency_hint(version, unit, name: str, request: HttpRequest, day) -> str:
    """Which agency will decide, when this ward decides it (the object's, else the applicant's)."""
    if version.competence_rule == CompetenceRule.FIXED:
        return ""
    if name == "applicant_unit" and (request.POST.get("object_unit") or "").strip():
        return ""
    try:
        agency = competent_agency_for(version=version, unit=unit, day=day)
    except DomainError as exc:
        return exc.detail
    return _("Decided by: %(agency)s") % {"agency": agency.name}


# -- after the decision ------------------------------------------------------------------------


def _done(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier = dossier_get(actor=request.desk.actor, code=code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    kind = FORM_OF_STATUS.get(dossier.status, "receipt")
    form = dossier.forms.get(kind, {})
    pending = request.session.get(SESSION_SCANS, {})
    refused = pending.pop(dossier.code, {})
    if refused:
        request.session[SESSION_SCANS] = pending
    components = list(dossier.components.all())
    for component in components:
        component.scan_error = refused.get(str(component.order), "")
    try:
        preview = form_html(dossier, kind, request=request)
    except DomainError:
        preview = ""
    if refused:
        messages.warning(
            request,
            _("Some scans were refused; the dossier is registered. Attach them again from the "
              "dossier's page."),
        )  # fmt: skip
    return render(
        request,
        "workspace/counter/done.html",
        {
            "nav": "counter",
            "dossier": dossier,
            "kind": kind,
            "form_number": form.get("number", ""),
            "form_title": form.get("title", ""),
            "pdf_url": f"/api/v1/dossiers/{dossier.code}/forms/{kind}.pdf",
            "preview": preview,
            "components": components,
        },
    )
