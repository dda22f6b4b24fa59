"""Public pages, no account: the dossier lookup, the procedure catalogue, online filing.

Views stay thin: a public selector reads (whitelisted values only), the online filing service
writes, and the service's refusals come back next to their fields.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.choices import CompetenceRule, OnlineLevel
from motcua.catalog.models import Sector
from motcua.core import clock
from motcua.core.downloads import attachment
from motcua.core.errors import DomainError, InvalidInput, NotFound
from motcua.core.text import normalize
from motcua.dossiers.choices import ApplicantKind, ReturnMethod
from motcua.dossiers.permissions import site_by_code
from motcua.dossiers.services.lifecycle import ApplicantIn
from motcua.feedback.selectors import lookup_feedback
from motcua.public.forms import FilingForm, LookupForm, code_in
from motcua.public.selectors import (
    default_site_for,
    dossier_lookup,
    electronic_result,
    filed_dossier,
    files_online,
    hours_text,
    items_text,
    online_check_hours,
    procedure_public,
    procedures_public,
    sites_grouped,
    sites_on,
)
from motcua.public.services import dossier_file_online
from motcua.public.throttle import WINDOW_SECONDS, lookup_allowed
from motcua.workspace.forms import add_domain_error
from motcua.workspace.forms_counter import ward_find, ward_problem, wards_on
from motcua.worktime.choices import TimeLimitUnit

PAGE_SIZE = 20
FILED_SALT = "motcua.public.filed"
FILED_MAX_AGE = 7 * 24 * 3600  # the page after filing can be reopened for a week
RESULT_SALT = "motcua.public.result"
RESULT_MAX_AGE = 2 * 3600  # the download link of an electronic result, after a lookup


# -- looking a dossier up ----------------------------------------------------------------------


def _throttled(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "public/throttled.html",
        {"minutes": max(1, WINDOW_SECONDS // 60)},
        status=429,
    )
    response["Retry-After"] = str(WINDOW_SECONDS)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """The lookup form (``?ma=`` prefills the code, as the QR code of every form does); POST
    looks the dossier up. The four digits travel in the body, never in an address."""
    if request.method == "GET":
        code = code_in(request.GET.get("ma", ""))[:300]
        form = LookupForm(initial={"ma": code})
        return render(
            request, "public/lookup.html", {"form": form, "focus": "so" if code else "ma"}
        )
    if not lookup_allowed(request):
        return _throttled(request)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "public/lookup.html", {"form": form}, status=422)
    code = form.cleaned_data["ma"]
    try:
        dossier = dossier_lookup(code=code, verifier=form.cleaned_data["so"])
    except NotFound as exc:
        return render(
            request,
            "public/lookup.html",
            {"form": LookupForm(initial={"ma": code}), "not_found": exc.detail, "focus": "so"},
            status=404,
        )
    return render(
        request,
        "public/lookup.html",
        {
            "form": LookupForm(initial={"ma": dossier.code}),
            "dossier": dossier,
            "to_add": items_text(dossier.to_add),
            "feedback": lookup_feedback(dossier=dossier),
            "result_token": (
                signing.dumps(dossier.code, salt=RESULT_SALT) if dossier.electronic_result else ""
            ),
        },
    )


@never_cache
@require_GET
def result_download(request: HttpRequest) -> HttpResponse:
    """The electronic result, for the person who just proved the verifier on the lookup page
    (a signed token naming the dossier, valid ``RESULT_MAX_AGE``)."""
    try:
        code = signing.loads(request.GET.get("t", ""), salt=RESULT_SALT, max_age=RESULT_MAX_AGE)
        result = electronic_result(code=str(code))
    except (signing.BadSignature, NotFound):
        return render(
            request,
            "public/lookup.html",
            {
                "form": LookupForm(),
                "not_found": _(
                    "This download link has expired or is not valid. Look the dossier up "
                    "again to download the result."
                ),
            },
            status=404,
        )
    extension = PurePosixPath(result.name).suffix.lower()
    return attachment(result.open("rb"), filename=f"{code}-ket-qua{extension}", content_type=None)


# -- the catalogue -----------------------------------------------------------------------------


def limit_text(version) -> str:
    if version.time_limit == 0 and version.time_limit_unit == TimeLimitUnit.WORKING_DAYS:
        return _("Within the working day")
    return f"{version.time_limit} {TimeLimitUnit(version.time_limit_unit).label}"


def fee_text(version) -> str:
    if not version.fee:
        return _("Free of charge")
    return f"{version.fee:,}".replace(",", ".") + " đ"


def competence_text(version) -> str:
    if version.competence_rule == CompetenceRule.FIXED and version.competent_agency:
        return version.competent_agency.name
    return version.competent_title or str(CompetenceRule(version.competence_rule).label)


@require_GET
def procedures(request: HttpRequest) -> HttpResponse:
    """The procedures in force today: search ignoring diacritics, by sector, online only."""
    day = clock.today()
    query = normalize(request.GET.get("q", ""))[:100]
    sectors = list(Sector.objects.order_by("order", "code"))
    sector = request.GET.get("linh-vuc", "")
    if sector not in {s.code for s in sectors}:
        sector = ""
    online = request.GET.get("truc-tuyen") == "1"
    found = procedures_public(query=query, sector=sector, online_only=online, day=day)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("trang"))
    for procedure in page:
        versions = getattr(procedure, "versions_on_day", [])
        procedure.version = versions[0] if versions else None
        if procedure.version is not None:
            procedure.limit_text = limit_text(procedure.version)
    keep = request.GET.copy()
    keep.pop("trang", None)
    return render(
        request,
        "public/procedures.html",
        {
            "query": query,
            "sectors": sectors,
            "sector": sector,
            "online": online,
            "page": page,
            "keep": keep.urlencode(),
            "searched": bool(query or sector or online),
        },
    )


def _version(code: str, day):
    try:
        return procedure_public(code=code, day=day)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@require_GET
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure: what to bring, how long, how much, where to file and to collect."""
    day = clock.today()
    version = _version(code, day)
    sites = sites_on(day)
    return render(
        request,
        "public/procedure.html",
        {
            "version": version,
            "procedure": version.procedure,
            "limit_text": limit_text(version),
            "fee_text": fee_text(version),
            "competence_text": competence_text(version),
            "online": files_online(version),
            "online_label": OnlineLevel(version.online_level).label,
            "groups": sites_grouped(sites),
            "site_count": len(sites),
            "hours": hours_text(sites[0].office_hours if sites else None),
            "check_hours": online_check_hours(day),
        },
    )


# -- filing online -----------------------------------------------------------------------------


def _filing_page(request: HttpRequest, version, form: FilingForm, *, status: int = 200):
    form.fields["applicant_unit"].widget.attrs.update(
        {
            "hx-get": reverse("public:file", args=[version.procedure.code]),
            "hx-trigger": "change",
            "hx-target": "#site-hint",
            "hx-params": "applicant_unit",
            "hx-sync": "this:replace",
        }
    )
    return render(
        request,
        "public/file.html",
        {
            "version": version,
            "procedure": version.procedure,
            "form": form,
            "documents": form.document_rows(),
            "wards": form.wards,
            "limit_text": limit_text(version),
            "fee_text": fee_text(version),
            "lost_files": bool(request.FILES) and status != 200,
            "check_hours": online_check_hours(form.day),
        },
        status=status,
    )


def _site_hint(request: HttpRequest, sites, day) -> HttpResponse:
    """Which site the dossier goes to when the citizen leaves the choice to us (htmx)."""
    text = normalize(request.GET.get("applicant_unit", ""))
    ward, candidates = ward_find(text, wards_on(day)) if text else (None, [])
    problem = ward_problem(text, candidates) if text and ward is None else ""
    site = default_site_for(unit=ward.unit if ward else None, sites=sites)
    return render(
        request,
        "public/_site_hint.html",
        {"site": site, "ward": ward, "problem": problem},
    )


@require_http_methods(["GET", "POST"])
def file_online(request: HttpRequest, code: str) -> HttpResponse:
    """The online filing form of a procedure offered online; POST files the dossier."""
    day = clock.today()
    version = _version(code, day)
    if not files_online(version):
        return render(
            request,
            "public/not_online.html",
            {"version": version, "procedure": version.procedure},
            status=404,
        )
    sites = sites_on(day)
    if request.method == "GET" and "applicant_unit" in request.GET:
        return _site_hint(request, sites, day)
    if request.method == "GET":
        form = FilingForm(
            initial={
                "idempotency_key": FilingForm.fresh_key(),
                "applicant_kind": ApplicantKind.INDIVIDUAL,
                "return_method": ReturnMethod.SITE,
            },
            version=version,
            sites=sites,
            day=day,
        )
        return _filing_page(request, version, form)
    form = FilingForm(request.POST, request.FILES, version=version, sites=sites, day=day)
    if not form.is_valid():
        return _filing_page(request, version, form, status=422)
    data = form.cleaned_data
    # The cached network's rows are shared; the service gets the site read on its own.
    chosen = data["receiving_site"] or getattr(
        default_site_for(unit=form.ward, sites=sites), "code", ""
    )
    site = site_by_code(chosen) if chosen else None
    return_site = data["return_site"] or chosen
    try:
        if site is None:
            raise InvalidInput(_("No site receives dossiers today."), field="site")
        dossier, _created = dossier_file_online(
            site=site,
            procedure_code=version.procedure.code,
            applicant=ApplicantIn.from_fields(data),
            object_unit_code=data.get("object_unit", ""),
            files=form.uploads(),
            return_method=data["return_method"],
            return_site_code=return_site if data["return_method"] == ReturnMethod.SITE else "",
            return_address=data["return_address"],
            idempotency_key=data["idempotency_key"],
        )
    except DomainError as exc:
        if exc.field == "Idempotency-Key":
            form.add_error(None, exc.detail)
        else:
            add_domain_error(form, exc, form.field_map())
        return _filing_page(request, version, form, status=exc.status)
    token = signing.dumps(dossier.code, salt=FILED_SALT)
    done = reverse("public:filed", args=[version.procedure.code])
    return redirect(f"{done}?{urlencode({'t': token})}")


@never_cache
@require_GET
def filed(request: HttpRequest, code: str) -> HttpResponse:
    """After filing: the dossier code in big letters, what happens next, how to look it up.

    Reached only through the signed token the filing gave, so that a code alone does not
    open it.
    """
    try:
        dossier_code = signing.loads(
            request.GET.get("t", ""), salt=FILED_SALT, max_age=FILED_MAX_AGE
        )
    except signing.BadSignature as exc:
        raise Http404(_("This page is shown once a dossier is filed.")) from exc
    try:
        filed_ = filed_dossier(code=dossier_code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    lookup_url = f"{reverse('public:lookup')}?{urlencode({'ma': filed_.code})}"
    return render(
        request,
        "public/filed.html",
        {"filed": filed_, "lookup_url": lookup_url, "procedure_code": code},
    )
