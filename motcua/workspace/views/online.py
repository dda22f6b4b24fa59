"""The check of online dossiers (issue 5 §2; one-stop-rules §2.2): within 8 working hours of
arrival, the receiving site receives a dossier filed online (form 01), sends it back once to be
completed (form 02) or refuses it with the reason (form 03).

The queue lists what waits at the officer's site, oldest first, with the working time left
until the check is due; the check page shows the filing, its files and their checksums, and
one form per decision. Each decision is one lifecycle service, called with the version the
officer read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import clock
from motcua.core.downloads import attachment
from motcua.core.errors import DomainError, NotFound, StaleVersion
from motcua.dossiers.choices import Action, Channel, FormKind, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_get, dossiers_visible
from motcua.dossiers.services import lifecycle as svc
from motcua.public.selectors import online_check_hours
from motcua.workspace.desk import desk_for
from motcua.workspace.forms import add_domain_error
from motcua.workspace.forms_actions import ActionForm, SupplementItemForm
from motcua.workspace.views.counter import officer_view
from motcua.worktime.left import time_left
from motcua.worktime.selectors import calendar_for, clock_local

QUEUE_LIMIT = 200

#: The printable form each decision makes, for the links after it.
FORM_OF_STATUS = {
    Status.RECEIVED: FormKind.RECEIPT,
    Status.GUIDED: FormKind.SUPPLEMENT,
    Status.REFUSED: FormKind.REFUSAL,
}


# -- the forms ---------------------------------------------------------------------------------


class AcceptOnlineForm(ActionForm):
    action = Action.RECEIVE

    @property
    def label(self) -> str:
        return _("Receive the dossier")


GuideItemFormSet = forms.formset_factory(
    SupplementItemForm, extra=1, max_num=20, absolute_max=20, validate_max=True
)


class GuideOnlineForm(ActionForm):
    """What the applicant must add or complete (form 02), said once and completely."""

    action = Action.GUIDE
    field_map: ClassVar[dict[str, str]] = {"items": "items"}

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Printed on form 02 with the list below."),
    )
    items = forms.Field(
        required=False, widget=forms.HiddenInput, label=gettext_lazy("Components to add")
    )

    def __init__(self, data=None, *args, initial_items=(), **kwargs):
        super().__init__(data, *args, **kwargs)
        self.rows = GuideItemFormSet(
            data, prefix="items", initial=list(initial_items) if data is None else None
        )

    @property
    def label(self) -> str:
        return _("Send back to complete")

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.rows.is_valid()])

    def clean(self):
        data = super().clean()
        if self.rows.is_bound and self.rows.is_valid():
            data["items"] = [
                svc.SupplementItem(
                    name=row.cleaned_data.get("name") or "",
                    originals=row.cleaned_data.get("originals") or 0,
                    certified_copies=row.cleaned_data.get("certified_copies") or 0,
                    copies=row.cleaned_data.get("copies") or 0,
                )
                for row in self.rows
                if not row.is_blank()
            ]
        return data


class RefuseOnlineForm(ActionForm):
    action = Action.REFUSE
    danger = True

    reason = forms.CharField(
        label=gettext_lazy("Reason for refusing"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
        help_text=gettext_lazy("Printed on form 03 for the applicant."),
    )

    @property
    def label(self) -> str:
        return _("Refuse")


CHECK_FORMS: dict[str, type[ActionForm]] = {
    form.action: form for form in (AcceptOnlineForm, GuideOnlineForm, RefuseOnlineForm)
}


# -- reads -------------------------------------------------------------------------------------


def check_timer(dossier: Dossier, now: datetime) -> dict:
    """Working time left until the check is due: ``{"text", "state"}`` with ``state`` late,
    today (due before today's closing) or ok. The same arithmetic as the dossier's own timer."""
    if dossier.check_due_at is None:
        return {"text": "", "state": "ok"}
    left = time_left(
        now=now,
        due=dossier.check_due_at,
        calendar=calendar_for(dossier.receiving_site),
    )
    state = left.state if left.state in ("late", "today") else "ok"
    return {"text": left.text, "state": state}


def waiting(request: HttpRequest) -> QuerySet[Dossier]:
    """Online dossiers filed to the officer's site and not checked yet, oldest first."""
    desk = request.desk
    return (
        dossiers_visible(desk.actor)
        .filter(receiving_site=desk.site, status=Status.SUBMITTED, channel=Channel.ONLINE)
        .select_related("procedure", "receiving_site")
        .annotate(files=Count("components", filter=~Q(components__sha256="")))
        .order_by("submitted_at", "pk")
    )


def _checked_here(request: HttpRequest, code: str) -> Dossier:
    """An online dossier of the officer's site, in their scope; anything else is a 404."""
    try:
        dossier = dossier_get(actor=request.desk.actor, code=code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    if dossier.channel != Channel.ONLINE or dossier.receiving_site_id != request.desk.site.pk:
        raise Http404(_("This dossier was not filed online to your site."))
    return dossier


# -- the queue ---------------------------------------------------------------------------------


def queue(request: HttpRequest) -> HttpResponse:
    """The check queue; ``?count`` answers the number waiting, for the menu's badge (htmx)."""
    if "count" in request.GET:
        return _count(request)
    return _queue(request)


def _count(request: HttpRequest) -> HttpResponse:
    # Asked by every workspace page: quiet (empty) rather than a redirect or a 403 page,
    # which would be swapped into the menu.
    if not request.user.is_authenticated:
        return HttpResponse("")
    request.desk = desk_for(request)
    if not request.desk.is_officer:
        return HttpResponse("")
    n = waiting(request).count()
    return render(request, "workspace/online/_count.html", {"n": n})


@officer_view
def _queue(request: HttpRequest) -> HttpResponse:
    now = clock.now()
    rows = list(waiting(request)[:QUEUE_LIMIT])
    for dossier in rows:
        dossier.timer = check_timer(dossier, now)
    return render(
        request,
        "workspace/online/queue.html",
        {
            "nav": "online",
            "rows": rows,
            "late": sum(1 for d in rows if d.timer["state"] == "late"),
            "today": sum(1 for d in rows if d.timer["state"] == "today"),
            "check_hours": online_check_hours(clock.today()),
        },
    )


# -- the check ---------------------------------------------------------------------------------


def _missing_items(dossier: Dossier) -> list[dict]:
    """Rows of form 02 to start from: the components filed without a file."""
    return [
        {"name": c.name, "originals": c.originals or None, "copies": c.copies or None,
         "certified_copies": c.certified_copies or None}
        for c in dossier.components.all()
        if not c.received
    ]  # fmt: skip


@dataclass
class Decision:
    form: ActionForm
    open: bool = False


def _decisions(dossier: Dossier, failed: ActionForm | None) -> list[Decision]:
    if dossier.status != Status.SUBMITTED:
        return []
    decisions = []
    for action, form_class in CHECK_FORMS.items():
        if failed is not None and failed.action == action:
            decisions.append(Decision(form=failed, open=True))
            continue
        kwargs = {"initial": {"version": dossier.version}}
        if form_class is GuideOnlineForm:
            kwargs["initial_items"] = _missing_items(dossier)
        decisions.append(Decision(form=form_class(**kwargs)))
    return decisions


def _printable(dossier: Dossier) -> dict | None:
    kind = FORM_OF_STATUS.get(dossier.status)
    form = dossier.forms.get(kind) if kind else None
    if not form:
        return None
    return {
        "number": form["number"],
        "title": form["title"],
        "url": reverse("api-v1:dossier_form", kwargs={"code": dossier.code, "form": kind}),
    }


def _check_page(
    request: HttpRequest, dossier: Dossier, *, failed: ActionForm | None = None, status=200
) -> HttpResponse:
    now = clock.now()
    decided = next((e for e in dossier.events.order_by("-seq") if e.action in CHECK_FORMS), None)
    return render(
        request,
        "workspace/online/check.html",
        {
            "nav": "online",
            "dossier": dossier,
            "timer": check_timer(dossier, now) if dossier.status == Status.SUBMITTED else None,
            "components": list(dossier.components.all()),
            "decisions": _decisions(dossier, failed),
            "printable": _printable(dossier),
            "decided": decided,
        },
        status=status,
    )


def _file(dossier: Dossier, order: str) -> HttpResponse:
    """The applicant's file of one component, as a download, never run as a page."""
    component = next(
        (c for c in dossier.components.all() if str(c.order) == order and c.file), None
    )
    if component is None:
        raise Http404(_("This component has no file."))
    extension = component.file.name.rsplit(".", 1)[-1]
    return attachment(
        component.file.open("rb"),
        filename=f"{dossier.code}-{component.order:02d}.{extension}",
        content_type=component.content_type,
    )


def _perform(request: HttpRequest, form: ActionForm, dossier: Dossier) -> Dossier:
    data = form.cleaned_data
    common = {
        "actor": request.desk.actor,
        "code": dossier.code,
        "site": request.desk.site,
        "expected_version": data["version"],
    }
    if form.action == Action.RECEIVE:
        return svc.dossier_accept_online(**common)
    if form.action == Action.GUIDE:
        return svc.dossier_guide(reason=data["reason"], items=data.get("items") or [], **common)
    return svc.dossier_refuse(reason=data["reason"], **common)


def _done_message(dossier: Dossier) -> str:
    if dossier.status == Status.RECEIVED:
        return _("Received. Appointment: %(due)s. Print the receipt (form %(number)s).") % {
            "due": clock_local(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
            "number": dossier.forms.get(FormKind.RECEIPT, {}).get("number", "01"),
        }
    if dossier.status == Status.GUIDED:
        return _("Sent back to the applicant to complete. Print form %(number)s.") % {
            "number": dossier.forms.get(FormKind.SUPPLEMENT, {}).get("number", "02")
        }
    return _("Refused. Print form %(number)s for the applicant.") % {
        "number": dossier.forms.get(FormKind.REFUSAL, {}).get("number", "03")
    }


@officer_view
def check(request: HttpRequest, code: str) -> HttpResponse:
    """The filing of one online dossier and the three decisions; ``?file=<n>`` opens a file."""
    dossier = _checked_here(request, code)
    if request.method == "GET":
        if "file" in request.GET:
            return _file(dossier, request.GET["file"])
        return _check_page(request, dossier)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form_class = CHECK_FORMS.get(request.POST.get("act", ""))
    if form_class is None:
        raise Http404(_("There is no such action."))
    form = form_class(request.POST)
    if not form.is_valid():
        return _check_page(request, dossier, failed=form, status=422)
    try:
        done = _perform(request, form, dossier)
    except StaleVersion:
        messages.warning(
            request,
            _("Someone changed this dossier while you were checking it; the page has been "
              "reloaded. Check it, then decide again."),
        )  # fmt: skip
        return _check_page(request, _checked_here(request, code), status=409)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise Http404(exc.detail) from exc
        add_domain_error(form, exc, form.field_map)
        return _check_page(request, dossier, failed=form, status=exc.status)
    messages.success(request, _done_message(done))
    return redirect("workspace:online_check", code=done.code)


__all__ = ["check", "queue"]
