"""Pages of ratings and complaints: the citizens' (no account) and the staff desk.

Views stay thin: a selector reads, a service writes, and a service's refusal comes back next
to the field it names. Public POSTs count against the lookup's limit per client.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core import clock
from motcua.core.errors import DomainError, NotFound
from motcua.feedback import selectors as sel
from motcua.feedback import services as svc
from motcua.feedback.choices import ComplaintStatus
from motcua.feedback.errors import ProofExpired
from motcua.feedback.forms import (
    ACTION_FORMS,
    AddInfoForm,
    ComplaintForm,
    DeskFilterForm,
    FollowForm,
    RatingForm,
)
from motcua.feedback.proofs import (
    complaint_code_from,
    dossier_code_from,
    follow_token,
)
from motcua.public.limits import (
    TooManyRequests,
    check_feedback,
    check_lookup,
    limited_page,
    verified,
)
from motcua.public.selectors import sites_grouped, sites_on
from motcua.reports.charts import OK, WARN, bar_chart
from motcua.workspace.desk import staff_view
from motcua.workspace.forms import add_domain_error

PAGE_SIZE = 20
DESK_PAGE_SIZE = 30


def _expired(request: HttpRequest, exc: ProofExpired) -> HttpResponse:
    return render(request, "feedback/expired.html", {"message": exc.detail}, status=403)


# -- rating ------------------------------------------------------------------------------------


def _rating_page(request, target, form, *, status=200, token=""):
    return render(
        request,
        "feedback/rate.html",
        {
            "nav": "lookup",
            "target": target,
            "form": form,
            "token": token,
            "bands": sel.survey_bands(),
            "scores": sel.criterion_scores(),
            "lookup_url": f"{reverse('public:lookup')}?{urlencode({'ma': target.code})}",
            "complaint_url": f"{reverse('feedback:complaint')}?{urlencode({'t': token})}",
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest) -> HttpResponse:
    """Rate a delivered dossier: three big buttons, then the optional nine-criteria survey.

    Reached from the lookup with a short-lived signed token (the verifier was checked there);
    after rating, the same address shows the rating given.
    """
    token = (request.POST if request.method == "POST" else request.GET).get("t", "")
    try:
        code = dossier_code_from(token)
        target = sel.rating_target(dossier_code=code)
    except ProofExpired as exc:
        return _expired(request, exc)
    except NotFound as exc:
        return _expired(request, ProofExpired(exc.detail))
    if request.method == "GET":
        return _rating_page(request, target, RatingForm(initial={"t": token}), token=token)
    try:
        check_feedback(request)
    except TooManyRequests as exc:
        return limited_page(request, exc)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _rating_page(request, target, form, status=422, token=token)
    try:
        svc.rating_submit(
            dossier_code=code,
            verifier="",
            proof=token,
            level=form.cleaned_data["level"],
            criteria=form.criteria(),
            comment=form.cleaned_data["comment"],
        )
    except ProofExpired as exc:
        return _expired(request, exc)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _rating_page(
            request, sel.rating_target(dossier_code=code), form, status=exc.status, token=token
        )
    messages.success(request, _("Thank you: your rating was recorded."))
    return redirect(f"{reverse('feedback:rate')}?{urlencode({'t': token})}")


# -- complaints, public ------------------------------------------------------------------------


def _site_choices():
    groups = sites_grouped(sites_on(clock.today()))
    return [(label, [(s.code, s.name) for s in sites]) for label, sites in groups]


def _complaint_page(request, form, *, status=200, target=None):
    return render(
        request,
        "feedback/complaint.html",
        {"nav": "feedback", "form": form, "target": target},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    """The complaint and suggestion form. From the lookup, ``?t=`` names the dossier."""
    data = request.POST if request.method == "POST" else None
    token = (request.POST if request.method == "POST" else request.GET).get("t", "")
    target = None
    if token:
        try:
            target = sel.rating_target(dossier_code=dossier_code_from(token))
        except ProofExpired as exc:
            return _expired(request, exc)
        except NotFound as exc:
            return _expired(request, ProofExpired(exc.detail))
    dossier_code = target.code if target else ""
    form = ComplaintForm(
        data,
        initial={"t": token},
        sites=_site_choices(),
        dossier_code=dossier_code,
    )
    if request.method == "GET":
        return _complaint_page(request, form, target=target)
    try:
        check_feedback(request)
    except TooManyRequests as exc:
        return limited_page(request, exc)
    if not form.is_valid():
        return _complaint_page(request, form, status=422, target=target)
    values = form.cleaned_data
    try:
        made = svc.complaint_submit(
            kind=values["kind"],
            subject=values["subject"],
            content=values["content"],
            sender_name=values["sender_name"],
            sender_phone=values["sender_phone"],
            sender_email=values["sender_email"],
            dossier_code=dossier_code,
            proof=token if dossier_code else "",
            site_code=values["site"],
        )
    except ProofExpired as exc:
        return _expired(request, exc)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _complaint_page(request, form, status=exc.status, target=target)
    done = reverse("feedback:complaint_sent")
    return redirect(f"{done}?{urlencode({'t': follow_token(made.code)})}")


@never_cache
@require_GET
def complaint_sent(request: HttpRequest) -> HttpResponse:
    """After sending: the code in big letters, the deadlines, how to follow the answer."""
    try:
        code = complaint_code_from(request.GET.get("t", ""), max_age=7 * 24 * 3600)
        sent = sel.public_complaint(code=code)
    except ProofExpired as exc:
        return _expired(request, exc)
    except NotFound as exc:
        return _expired(request, ProofExpired(exc.detail))
    return render(
        request,
        "feedback/complaint_sent.html",
        {"nav": "feedback", "sent": sent, "follow_url": reverse("feedback:follow")},
    )


def _follow_page(request, form, *, found=None, info_form=None, not_found="", status=200):
    return render(
        request,
        "feedback/follow.html",
        {
            "nav": "feedback",
            "form": form,
            "found": found,
            "info_form": info_form,
            "not_found": not_found,
        },
        status=status,
    )


def _info_form(found, data=None):
    if found.status != ComplaintStatus.INFO_REQUESTED:
        return None
    return AddInfoForm(data, initial={"t": follow_token(found.code)})


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Follow a complaint with its code and the last four digits of the sender's phone; reply
    there when the office asked for more information."""
    if request.method == "GET":
        return _follow_page(request, FollowForm(initial={"ma": request.GET.get("ma", "")}))
    try:
        if "content" in request.POST:
            check_feedback(request)
            return _add_info(request)
        check_lookup(request)
        form = FollowForm(request.POST)
        if not form.is_valid():
            return _follow_page(request, form, status=422)
        code, digits = form.cleaned_data["ma"], form.cleaned_data["so"]
        found = verified(request, code, lambda: sel.complaint_follow(code=code, verifier=digits))
    except TooManyRequests as exc:
        return limited_page(request, exc)
    except NotFound as exc:
        return _follow_page(
            request,
            FollowForm(initial={"ma": form.cleaned_data["ma"]}),
            not_found=exc.detail,
            status=404,
        )
    return _follow_page(
        request, FollowForm(initial={"ma": found.code}), found=found, info_form=_info_form(found)
    )


def _add_info(request: HttpRequest) -> HttpResponse:
    info = AddInfoForm(request.POST)
    token = request.POST.get("t", "")
    try:
        code = complaint_code_from(token)
        found = sel.public_complaint(code=code)
    except ProofExpired as exc:
        return _expired(request, exc)
    if not info.is_valid():
        return _follow_page(
            request, FollowForm(initial={"ma": code}), found=found, info_form=info, status=422
        )
    try:
        svc.complaint_add_info(code=code, content=info.cleaned_data["content"], proof=token)
    except DomainError as exc:
        add_domain_error(info, exc)
        return _follow_page(
            request,
            FollowForm(initial={"ma": code}),
            found=found,
            info_form=info,
            status=exc.status,
        )
    found = sel.public_complaint(code=code)
    messages.success(request, _("Thank you: the information was sent to the office."))
    return _follow_page(request, FollowForm(initial={"ma": code}), found=found)


@require_GET
def answers(request: HttpRequest) -> HttpResponse:
    """The answers the office published: subject and answer, never who asked."""
    query = request.GET.get("q", "")[:100]
    page = Paginator(sel.published_answers(q=query), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "feedback/answers.html",
        {
            "nav": "feedback",
            "page": page,
            "rows": [sel.published_answer(c) for c in page],
            "query": query,
        },
    )


# -- the staff desk ----------------------------------------------------------------------------


@require_GET
@staff_view
def desk(request: HttpRequest) -> HttpResponse:
    """Complaints in the person's scope, the most urgent first, each deadline with its working
    time left; overdue ones in red."""
    actor = request.desk.actor
    now = clock.now()
    form = DeskFilterForm(request.GET)
    form.is_valid()
    values = getattr(form, "cleaned_data", {})
    qs = sel.complaint_list(
        actor=actor,
        filters=sel.ComplaintFilters(
            state=values.get("state") or None,
            kind=values.get("kind") or None,
            q=values.get("q") or None,
        ),
        now=now,
    )
    page = Paginator(qs, DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "feedback/desk.html",
        {
            "nav": "feedback",
            "form": form,
            "page": page,
            "rows": sel.desk_rows(page, now=now),
            "counts": sel.complaint_counts(actor=actor, now=now),
            "query": keep.urlencode(),
            "filtered": any(values.get(k) for k in ("state", "kind", "q")),
        },
    )


def _detail_page(request, code, *, failed: str = "", failed_form=None, status=200):
    detail = sel.complaint_detail(actor=request.desk.actor, code=code)
    complaint = detail["complaint"]
    actions = []
    for name in detail["actions"]:
        form_class = ACTION_FORMS[name]
        if name == failed and failed_form is not None:
            form = failed_form
        elif name == "publish":
            form = form_class(initial={"public_subject": complaint.subject}, prefix=name)
        else:
            form = form_class(prefix=name)
        actions.append({"name": name, "form": form, "open": name == failed})
    return render(
        request,
        "feedback/detail.html",
        {"nav": "feedback", **detail, "action_forms": actions, "now": clock.now()},
        status=status,
    )


@require_GET
@staff_view
def detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        return _detail_page(request, code)
    except NotFound as exc:
        return render(request, "workspace/no_post.html", {"message": exc.detail}, status=404)


@require_POST
@staff_view
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """One step on a complaint, through its service; a refusal is shown in the step's form."""
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        return render(
            request, "workspace/no_post.html", {"message": _("Unknown action.")}, status=404
        )
    form = form_class(request.POST, prefix=action)
    try:
        if not form.is_valid():
            return _detail_page(request, code, failed=action, failed_form=form, status=422)
        svc.STAFF_SERVICES[action](
            complaint=code.strip().upper(), actor=request.desk.actor, **form.cleaned_data
        )
    except NotFound as exc:
        return render(request, "workspace/no_post.html", {"message": exc.detail}, status=404)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _detail_page(request, code, failed=action, failed_form=form, status=exc.status)
    messages.success(request, _("Done: %(action)s.") % {"action": form_class.label})
    return redirect("feedback:detail", code=code.strip().upper())


@require_GET
@staff_view
def ratings(request: HttpRequest) -> HttpResponse:
    """Ratings of the dossiers in the person's scope: counts per level, average survey total
    and its band, per-criterion averages, the latest ratings with their comments."""
    actor = request.desk.actor
    summary = sel.ratings_summary(actor=actor)
    level_chart = bar_chart(
        [(lv.label, lv.count) for lv in summary.levels],
        title=_("Ratings by level"),
        unit=_("ratings"),
        horizontal=True,
        colours=[OK, "#4d8f5f", WARN],
        empty_label=_("No data"),
        width=560,
    )
    return render(
        request,
        "feedback/ratings.html",
        {
            "nav": "feedback",
            "summary": summary,
            "level_chart": level_chart,
            "recent": sel.ratings_recent(actor=actor),
        },
    )
