"""The dossier page, its actions and the dossier search (issue 4 §5, §7).

The page shows what a dossier is, where it is, who holds it and how much working time is left,
and offers one form per action that the state allows *and* the person may do. Every action is
one call of a lifecycle service; its refusal comes back next to the field it names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.choices import StepActor
from motcua.catalog.models import Procedure
from motcua.core import clock
from motcua.core.downloads import attachment
from motcua.core.errors import DomainError, NotFound, PermissionDenied, StaleVersion
from motcua.dossiers import rules
from motcua.dossiers.audit import payload_instant as _instant
from motcua.dossiers.choices import (
    FINAL_STATUSES,
    Action,
    FormKind,
    Outcome,
    PaymentMethod,
    ReturnMethod,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.permissions import ACTION_ROLES, SITE, authorize
from motcua.dossiers.selectors import (
    DossierFilters,
    StoredDownload,
    component_scan,
    dossier_get,
    dossier_list,
    dossiers_returned,
    dossiers_visible,
    result_download,
)
from motcua.dossiers.services import approval, competence
from motcua.dossiers.services import lifecycle as svc
from motcua.organization.choices import Role, SiteKind
from motcua.organization.models import Assignment, Site
from motcua.organization.selectors.staff import signing_for
from motcua.privacy.models import Channel
from motcua.privacy.selectors import viewers_of
from motcua.privacy.services import access_record
from motcua.workspace.desk import Desk, staff_view
from motcua.workspace.forms import add_domain_error
from motcua.workspace.forms_actions import (
    ACTION_FORMS,
    ActionForm,
    AttachForm,
    DossierSearchForm,
)
from motcua.workspace.templatetags.workspace import hanoi
from motcua.worktime.selectors import calendar_for

User = get_user_model()

PAGE_SIZE = 25

#: The action that usually comes next in each state: its form is open when the page loads.
NEXT_STEP = (
    Action.TRANSFER,
    Action.ACCEPT,
    Action.RECEIVE_SUPPLEMENT,
    Action.FULFIL_OBLIGATION,
    Action.HANDOVER,
    Action.SUBMIT_FOR_APPROVAL,
    Action.APPROVE,
    Action.COMPLETE,
    Action.DELIVER,
)

#: Which event makes each printable form exist (the PDF answers 409 before it).
FORM_EVENTS: dict[str, tuple[str, ...]] = {
    FormKind.RECEIPT: (Action.RECEIVE,),
    FormKind.SUPPLEMENT: (Action.GUIDE, Action.REQUEST_SUPPLEMENT),
    FormKind.REFUSAL: (Action.REFUSE,),
    FormKind.APOLOGY: (Action.EXTEND,),
    FormKind.STOP: (Action.STOP,),
    FormKind.CONTROL: (Action.RECEIVE,),
}

# -- small helpers -------------------------------------------------------------------------------


def person_name(user) -> str:
    """A person as colleagues know them: the full name, else the username."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return (profile.full_name if profile else "") or user.get_username()


def money(amount: int) -> str:
    """Vietnamese grouping: 1.500.000."""
    return f"{amount:,}".replace(",", ".")


def acting_site(desk: Desk) -> Site | None:
    """Where an officer stands when they act: their counter today, if they work one."""
    return desk.site if desk.is_officer else None


def may(desk: Desk, action: str, dossier: Dossier) -> bool:
    """Whether the person may do ``action`` on ``dossier`` (the rule lives in ``authorize``)."""
    site = acting_site(desk) if SITE in ACTION_ROLES[action].values() else None
    try:
        authorize(desk.actor, action, dossier, site=site)
    except PermissionDenied:
        return False
    return True


def get_visible(request: HttpRequest, code: str) -> Dossier:
    """The dossier in the person's scope; anything else is a 404, as if it did not exist."""
    try:
        return dossier_get(actor=request.desk.actor, code=code)
    except NotFound as exc:
        raise Http404(exc.detail) from exc


def agency_people(dossier: Dossier, roles=(Role.AGENCY_SPECIALIST, Role.AGENCY_LEADER)):
    """The active people holding ``roles`` in the dossier's agency today: (user, role) pairs."""
    rows = (
        Assignment.objects.filter(agency_id=dossier.competent_agency_id, role__in=roles)
        .on(clock.today())
        .filter(user__is_active=True)
        .select_related("user__staff_profile")
        .order_by("role", "user__staff_profile__full_name", "user__username")
    )
    seen, people = set(), []
    for row in rows:
        if (row.user_id, row.role) not in seen:
            seen.add((row.user_id, row.role))
            people.append((row.user, Role(row.role)))
    return people


# -- the page ------------------------------------------------------------------------------------


@dataclass
class EventView:
    event: DossierEvent
    label: str
    where: str
    details: list[str] = field(default_factory=list)
    timeliness: str = ""


@dataclass
class ActionView:
    form: ActionForm
    open: bool = False
    primary: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.form.action

    @property
    def has_fields(self) -> bool:
        return any(not f.is_hidden for f in self.form)


def _counts_text(item: dict) -> str:
    """How many of each kind the applicant must bring, e.g. "1 original, 2 copies"."""
    originals = item.get("originals") or 0
    certified = item.get("certified_copies") or 0
    copies = item.get("copies") or 0
    counts = []
    if originals:
        counts.append(ngettext("%(n)s original", "%(n)s originals", originals) % {"n": originals})
    if certified:
        counts.append(
            ngettext("%(n)s certified copy", "%(n)s certified copies", certified) % {"n": certified}
        )
    if copies:
        counts.append(ngettext("%(n)s copy", "%(n)s copies", copies) % {"n": copies})
    return ", ".join(counts)


def _items_text(items: list[dict]) -> str:
    parts = []
    for item in items:
        counts = _counts_text(item)
        parts.append(item.get("name", "") + (f" ({counts})" if counts else ""))
    return "; ".join(parts)


def _event_details(event: DossierEvent, names: dict[str, str]) -> list[str]:
    """The key facts of an event, as short sentences: the reason, the new appointment…"""
    p = event.payload or {}
    lines: list[str] = []
    if p.get("to_agency"):
        agency = event.agency.name if event.agency else p["to_agency"]
        lines.append(_("To: %(agency)s") % {"agency": agency})
    if p.get("assignee"):
        person = names.get(p["assignee"], p["assignee"])
        lines.append(_("Assigned to %(person)s") % {"person": person})
    if event.action in (Action.HANDOVER, Action.SUBMIT_FOR_APPROVAL) and p.get("to"):
        lines.append(_("Handed to %(person)s") % {"person": names.get(p["to"], p["to"])})
    if p.get("on_behalf_of"):
        who = names.get(p["on_behalf_of"], p["on_behalf_of"])
        lines.append(_("Signed on behalf of %(person)s") % {"person": who})
    if p.get("approved_by"):
        who = names.get(p["approved_by"], p["approved_by"])
        lines.append(_("Approved by %(person)s") % {"person": who})
    if p.get("reason"):
        lines.append(_("Reason: %(reason)s") % {"reason": p["reason"]})
    if p.get("items"):
        lines.append(_("To add: %(items)s") % {"items": _items_text(p["items"])})
    if event.action == Action.EXTEND and p.get("new_due_at"):
        lines.append(
            _("New appointment %(new)s (was %(old)s)")
            % {
                "new": hanoi(_instant(p["new_due_at"])),
                "old": hanoi(_instant(p.get("old_due_at"))),
            }
        )
    elif p.get("due_at") and event.action in (Action.RECEIVE, Action.SUBMIT):
        lines.append(_("Appointment %(due)s") % {"due": hanoi(_instant(p["due_at"]))})
    elif p.get("due_at") and p.get("old_due_at") and p["due_at"] != p["old_due_at"]:
        lines.append(_("Appointment moved to %(due)s") % {"due": hanoi(_instant(p["due_at"]))})
    if p.get("outcome"):
        lines.append(str(Outcome(p["outcome"]).label) if p["outcome"] in Outcome.values else "")
    if p.get("recipient_name"):
        who = p["recipient_name"]
        if p.get("recipient_id_number"):
            who += f" ({p['recipient_id_number']})"
        lines.append(_("Collected by %(person)s") % {"person": who})
    if p.get("amount"):
        text = _("Amount: %(amount)s VND") % {"amount": money(int(p["amount"]))}
        if p.get("method") in PaymentMethod.values:
            text += f" ({PaymentMethod(p['method']).label})"
        lines.append(text)
    if event.action == Action.ATTACH and p.get("component"):
        lines.append(_("Component %(order)s digitised") % {"order": p["component"]})
    if event.action == Action.COMPLETE and p.get("result_sha256"):
        lines.append(
            _("Electronic result kept (SHA-256 %(digest)s…)") % {"digest": p["result_sha256"][:12]}
        )
    if isinstance(p.get("scans"), dict) and p["scans"]:
        orders = ", ".join(sorted(p["scans"], key=int))
        lines.append(_("Components %(orders)s digitised") % {"orders": orders})
    if p.get("note"):
        lines.append(_("Note: %(note)s") % {"note": p["note"]})
    return [line for line in lines if line]


def _timeline(events: list[DossierEvent]) -> list[EventView]:
    usernames = {
        e.payload.get(key)
        for e in events
        for key in ("assignee", "to", "on_behalf_of", "approved_by")
        if isinstance(e.payload, dict) and e.payload.get(key)
    }
    names = {
        u.get_username(): person_name(u)
        for u in User.objects.filter(username__in=usernames).select_related("staff_profile")
    }
    return [
        EventView(
            event=e,
            label=str(Action(e.action).label) if e.action in Action.values else e.action,
            where=(e.site.name if e.site else e.agency.name if e.agency else ""),
            details=_event_details(e, names),
            timeliness=(e.payload or {}).get("step_timeliness") or "",
        )
        for e in events
    ]


def _printable_forms(dossier: Dossier, events: list[DossierEvent]) -> list[dict]:
    done = {e.action for e in events}
    forms = []
    for kind, needs in FORM_EVENTS.items():
        form = dossier.forms.get(kind)
        if form and done.intersection(needs):
            forms.append(
                {
                    "kind": kind,
                    "number": form["number"],
                    "title": form["title"],
                    "url": reverse(
                        "api-v1:dossier_form", kwargs={"code": dossier.code, "form": kind}
                    ),
                }
            )
    return sorted(forms, key=lambda f: f["number"])


def _choice(user, role: Role | None = None) -> tuple[str, str]:
    label = person_name(user)
    if role is not None:
        label = f"{label} – {role.label}"
    return user.get_username(), label


def _form_kwargs(action: str, dossier: Dossier, steps: list) -> dict:
    """What each form needs besides the data: the people to choose from, the next step."""
    if action == Action.ASSIGN:
        specialists = agency_people(dossier, roles=(Role.AGENCY_SPECIALIST,))
        return {"people": [_choice(u) for u, _role in specialists]}
    if action == Action.HANDOVER:
        nxt = _next_agency_step(dossier, steps)
        people = agency_people(dossier)
        wanted = [(u, r) for u, r in people if nxt is not None and r == nxt.role]
        others = [(u, r) for u, r in people if (u, r) not in wanted]
        choices: list = []
        if wanted:
            choices.append((_("For the next step"), [_choice(u, r) for u, r in wanted]))
        if others:
            choices.append((_("Others in the agency"), [_choice(u, r) for u, r in others]))
        return {"people": choices, "step_name": nxt.name if nxt else ""}
    if action == Action.REROUTE:
        today = clock.today()
        return {
            "suggested": [
                (a.code, a.name) for a in competence.reroute_suggestions(dossier, day=today)
            ],
            "agencies": [
                (a.code, a.name)
                for a in competence.agencies_in_force(today).exclude(pk=dossier.returned_from_id)
            ],
        }
    if action == Action.SUBMIT_FOR_APPROVAL:
        leaders = agency_people(dossier, roles=(Role.AGENCY_LEADER,))
        return {"people": [_choice(u, r) for u, r in leaders]}
    return {}


def _initial(action: str, dossier: Dossier, request: HttpRequest) -> dict:
    initial: dict[str, Any] = {"version": dossier.version}
    if action == Action.DELIVER:
        initial["recipient_name"] = dossier.applicant_name
        initial["recipient_id_number"] = dossier.applicant_id_number
    elif action == Action.PAY and dossier.fee_due > dossier.fee_paid:
        initial["amount"] = dossier.fee_due - dossier.fee_paid
    elif action == Action.REQUEST_SUPPLEMENT:
        profile = getattr(request.user, "staff_profile", None)
        initial["officer_phone"] = getattr(profile, "phone", "")
    elif action == Action.ASSIGN and dossier.assignee_id:
        initial["assignee"] = dossier.assignee.get_username()
    return initial


def _next_agency_step(dossier: Dossier, steps: list):
    return next(
        (
            s
            for s in steps
            if (dossier.step is None or s.order > dossier.step) and s.actor == StepActor.AGENCY
        ),
        None,
    )


#: Who may take each approval action, by the approval's state and whether the person signs
#: (a leader, or a delegate): §2.4, decision 0009.
_APPROVAL_OFFERS = {
    Action.SUBMIT_FOR_APPROVAL: lambda state, signs: state == "",
    Action.APPROVE: lambda state, signs: state == "awaiting" and signs,
    Action.SEND_BACK: lambda state, signs: state == "awaiting" and signs,
    Action.COMPLETE: lambda state, signs: state == "approved" or signs,
}


def _signs(desk: Desk, dossier: Dossier) -> bool:
    roles = desk.actor.roles_in_agencies.get(dossier.competent_agency_id, frozenset())
    if Role.AGENCY_LEADER in roles:
        return True
    return signing_for(
        user=desk.actor.user, agency_id=dossier.competent_agency_id, day=clock.today()
    )[0]


def _offered(action: str, dossier: Dossier, steps: list, signer=None) -> bool:
    """Actions the state allows but that would only be refused: hide them. ``signer`` is
    ``(approval state, whether the person signs)`` for the approval actions."""
    if action in _APPROVAL_OFFERS and signer is not None:
        return _APPROVAL_OFFERS[action](*signer)
    if action == Action.HANDOVER:
        return _next_agency_step(dossier, steps) is not None
    if action == Action.STOP:
        return dossier.regime.has_stop_notice
    return True


def _extend_notes(dossier: Dossier) -> list[str]:
    """The two limits of an apology (§2.4), and whether they still leave room now."""
    regime = dossier.regime
    notes = [
        _(
            "At the latest %(hours)s working hours before the due time (%(due)s), and only "
            "%(times)s time(s)."
        )
        % {
            "hours": regime.apology_lead_hours,
            "due": hanoi(dossier.due_at),
            "times": regime.max_extensions,
        }
    ]
    if dossier.extension_count >= regime.max_extensions:
        notes.append(_("The appointment was already moved; it cannot move again."))
    elif dossier.due_at is not None and dossier.paused_at is None:
        now = clock.now()
        calendar = calendar_for(dossier.receiving_site)
        lead = timedelta(hours=regime.apology_lead_hours)
        if not rules.apology_possible(now, dossier.due_at, calendar, lead=lead):
            notes.append(_("It is already too late to apologise for this dossier."))
    return notes


def _actions(
    request: HttpRequest,
    dossier: Dossier,
    steps: list,
    failed: ActionForm | None,
    approval_state: str = "",
):
    desk = request.desk
    views = []
    allowed = rules.actions_allowed(dossier.status, returned=dossier.returned_from_id is not None)
    signer = None
    if Action.COMPLETE in allowed and may(desk, Action.COMPLETE, dossier):
        signer = (approval_state, _signs(desk, dossier))
    for action in allowed:
        form_class = ACTION_FORMS.get(action)
        if (
            form_class is None
            or not _offered(action, dossier, steps, signer)
            or not may(desk, action, dossier)
        ):
            continue
        kwargs = _form_kwargs(action, dossier, steps)
        if failed is not None and failed.action == action:
            form = failed  # bound, with the person's values and the errors
        else:
            form = form_class(initial=_initial(action, dossier, request), **kwargs)
        view = ActionView(form=form, open=failed is not None and failed.action == action)
        if action == Action.EXTEND:
            view.notes = _extend_notes(dossier)
        views.append(view)
    nxt = next((v for v in views if v.name in NEXT_STEP), None)
    if nxt is not None:
        nxt.primary = True
        nxt.open = nxt.open or failed is None
    # Dangerous actions last, whatever the order of the mechanism.
    views.sort(key=lambda v: v.form.danger)
    return views


def page_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    failed: ActionForm | None = None,
    failed_attach: AttachForm | None = None,
) -> dict:
    desk = request.desk
    events = list(dossier.events.select_related("site", "agency").order_by("seq"))
    steps = list(dossier.procedure_version.steps.all())
    handovers = list(
        dossier.handovers.select_related(
            "giver__staff_profile", "receiver__staff_profile", "on_behalf_of__staff_profile"
        ).order_by("given_at", "pk")
    )
    signed = approval.signature_rows(dossier, handovers, steps=steps, events=events)
    state = (
        approval.approval_state(dossier, events, steps)
        if dossier.status not in FINAL_STATUSES
        else ""
    )
    attach = rules.allowed(Action.ATTACH, dossier.status) and may(desk, Action.ATTACH, dossier)
    components = []
    for component in dossier.components.all():
        form = None
        if attach and component.received:
            if failed_attach is not None and failed_attach.order == component.order:
                form = failed_attach
            else:
                form = AttachForm(initial={"version": dossier.version}, order=component.order)
        components.append({"c": component, "form": form})
    step = next((s for s in steps if s.order == dossier.step), None)
    return {
        "nav": "dossiers",
        "dossier": dossier,
        "now": clock.now(),
        "timeline": _timeline(events),
        "handovers": [
            {
                "h": h,
                "giver": person_name(h.giver),
                "receiver": person_name(h.receiver),
                "on_behalf_of": person_name(h.on_behalf_of),
                "signed": h.pk in signed,
            }
            for h in handovers
        ],
        "components": components,
        "printable": _printable_forms(dossier, events),
        "actions": _actions(request, dossier, steps, failed, state),
        "step": step,
        "approval": state,
        "custodian_name": person_name(dossier.custodian),
        "assignee_name": person_name(dossier.assignee),
        "return_is_site": dossier.return_method == ReturnMethod.SITE,
        "fee_due": money(dossier.fee_due),
        "fee_paid": money(dossier.fee_paid),
        "obligation": money(dossier.obligation_amount),
        "extended": dossier.extension_count > 0,
        "final": dossier.status in FINAL_STATUSES,
    }


@require_GET
@staff_view
def detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = get_visible(request, code)
    access_record(user=request.user, channel=Channel.PAGE, dossier_id=dossier.pk)
    context = page_context(request, dossier)
    context["viewers"] = viewers_of(actor=request.desk.actor, dossier_id=dossier.pk)
    return render(request, "workspace/dossier/detail.html", context)


# -- actions -------------------------------------------------------------------------------------


def _perform(action: str, desk: Desk, dossier: Dossier, data: dict) -> Dossier:
    """Call the one service of ``action`` with the form's values."""
    site = acting_site(desk)
    common = {"actor": desk.actor, "code": dossier.code, "expected_version": data["version"]}
    handlers = {
        Action.TRANSFER: lambda: svc.dossier_transfer(site=site, **common),
        Action.ACCEPT: lambda: svc.dossier_accept(**common),
        Action.ASSIGN: lambda: svc.dossier_assign(assignee=data["assignee"], **common),
        Action.HANDOVER: lambda: svc.dossier_handover(to=data["to"], note=data["note"], **common),
        Action.REQUEST_SUPPLEMENT: lambda: svc.dossier_request_supplement(
            site=site,
            reason=data["reason"],
            items=data.get("items") or [],
            officer_phone=data["officer_phone"],
            **common,
        ),
        Action.RECEIVE_SUPPLEMENT: lambda: svc.dossier_receive_supplement(
            site=site, note=data["note"], **common
        ),
        Action.REQUIRE_OBLIGATION: lambda: svc.dossier_require_obligation(
            amount=data["amount"], note=data["note"], **common
        ),
        Action.FULFIL_OBLIGATION: lambda: svc.dossier_fulfil_obligation(
            site=site, note=data["note"], **common
        ),
        Action.EXTEND: lambda: svc.dossier_extend(
            new_due_at=data["new_due_at"], reason=data["reason"], **common
        ),
        Action.COMPLETE: lambda: svc.dossier_complete(
            outcome=data["outcome"],
            note=data["note"],
            result_file=data.get("result_file"),
            **common,
        ),
        Action.DELIVER: lambda: svc.dossier_deliver(
            site=site,
            recipient_name=data["recipient_name"],
            recipient_id_number=data["recipient_id_number"],
            note=data["note"],
            **common,
        ),
        Action.WITHDRAW: lambda: svc.dossier_withdraw(site=site, reason=data["reason"], **common),
        Action.STOP: lambda: svc.dossier_stop(reason=data["reason"], **common),
        Action.PAY: lambda: svc.dossier_pay(
            site=site, amount=data["amount"], method=data["method"], **common
        ),
        Action.RETURN_WRONG_AGENCY: lambda: competence.dossier_return_wrong_agency(
            reason=data["reason"], **common
        ),
        Action.REROUTE: lambda: competence.dossier_reroute(
            site=site, agency_code=data["agency"], **common
        ),
        Action.SUBMIT_FOR_APPROVAL: lambda: approval.dossier_submit_for_approval(
            to=data["to"] or "", note=data["note"], **common
        ),
        Action.APPROVE: lambda: approval.dossier_approve(note=data["note"], **common),
        Action.SEND_BACK: lambda: approval.dossier_send_back(reason=data["reason"], **common),
    }
    return handlers[action]()


def _done_message(action: str, dossier: Dossier) -> str:
    form_number = {
        Action.REQUEST_SUPPLEMENT: FormKind.SUPPLEMENT,
        Action.EXTEND: FormKind.APOLOGY,
        Action.STOP: FormKind.STOP,
    }.get(action)
    number = dossier.forms.get(form_number, {}).get("number", "") if form_number else ""
    person = person_name(dossier.assignee if action == Action.ASSIGN else dossier.custodian)
    texts = {
        Action.TRANSFER: _("Transferred to %(agency)s."),
        Action.ACCEPT: _("Accepted: the dossier is now with you."),
        Action.ASSIGN: _("Assigned to %(person)s."),
        Action.HANDOVER: _("Handed over to %(person)s."),
        Action.REQUEST_SUPPLEMENT: _(
            "Supplement requested; the clock is paused. Print form %(number)s for the applicant."
        ),
        Action.RECEIVE_SUPPLEMENT: _(
            "Supplement received; the clock runs again. Appointment: %(due)s."
        ),
        Action.REQUIRE_OBLIGATION: _("Financial obligation of %(amount)s VND required."),
        Action.FULFIL_OBLIGATION: _("Obligation recorded as met; processing resumes."),
        Action.EXTEND: _("New appointment %(due)s recorded. Print the apology (form %(number)s)."),
        Action.COMPLETE: _("Result recorded; the dossier goes to the return desk."),
        Action.DELIVER: _("Result delivered. The dossier is closed."),
        Action.WITHDRAW: _("The dossier is withdrawn."),
        Action.STOP: _("Processing stopped. Print the notice (form %(number)s)."),
        Action.PAY: _("Payment recorded; paid so far: %(amount)s VND."),
        Action.RETURN_WRONG_AGENCY: _(
            "Returned to %(site)s as outside the agency's competence; the site re-routes it."
        ),
        Action.REROUTE: _("Re-routed to %(agency)s."),
        Action.SUBMIT_FOR_APPROVAL: _("Submitted for the leader's approval."),
        Action.APPROVE: _("Approved and signed; the result can now be issued."),
        Action.SEND_BACK: _("Sent back to %(person)s."),
    }
    amount = dossier.fee_paid if action == Action.PAY else dossier.obligation_amount
    return texts[action] % {
        "agency": dossier.competent_agency.name,
        "person": person,
        "number": number,
        "due": hanoi(dossier.due_at),
        "amount": money(amount),
        "site": dossier.receiving_site.name,
    }


def _stale(request: HttpRequest) -> None:
    messages.warning(
        request,
        _(
            "Someone changed this dossier while you were working on it; the page has been "
            "reloaded. Check it, then send your action again."
        ),
    )


@require_POST
@staff_view
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Apply one action from the dossier page; on a refusal, show the page with the error."""
    dossier = get_visible(request, code)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404(_("There is no such action."))
    kwargs = _form_kwargs(action, dossier, list(dossier.procedure_version.steps.all()))
    form = form_class(request.POST, request.FILES, **kwargs)
    status = 422
    if form.is_valid():
        try:
            done = _perform(action, request.desk, dossier, form.cleaned_data)
        except StaleVersion:
            _stale(request)
            dossier = get_visible(request, code)
            data = request.POST.copy()
            data["version"] = str(dossier.version)
            form = form_class(data, **kwargs)
            form.is_valid()
            status = 409
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.detail) from exc
            add_domain_error(form, exc, form.field_map)
            status = exc.status
        else:
            messages.success(request, _done_message(action, get_visible(request, done.code)))
            return redirect("workspace:dossier", code=done.code)
    context = page_context(request, dossier, failed=form)
    if not any(a.form is form for a in context["actions"]):
        # The action is no longer offered (the state moved on, or it is not this person's):
        # say why at the top, since there is no form to show the refusal next to.
        for error in [*form.non_field_errors(), *(e for f in form for e in f.errors)]:
            messages.error(request, error)
    return render(request, "workspace/dossier/detail.html", context, status=status)


def _streamed(
    request: HttpRequest, download: StoredDownload, channel: Channel, detail: str = ""
) -> FileResponse:
    """A dossier's stored file, as a download (see :func:`motcua.core.downloads.attachment`);
    the read is logged."""
    access_record(user=request.user, channel=channel, dossier_id=download.dossier_id, detail=detail)
    return attachment(download.file, filename=download.name, content_type=download.content_type)


@require_GET
@staff_view
def scan(request: HttpRequest, code: str, order: int) -> FileResponse:
    """The scan of component ``order``, to whoever may see the dossier."""
    try:
        download = component_scan(actor=request.desk.actor, code=code, order=order)
        return _streamed(request, download, Channel.FILE, str(order))
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@require_GET
@staff_view
def result_file(request: HttpRequest, code: str) -> FileResponse:
    """The electronic result, to whoever may see the dossier."""
    try:
        return _streamed(
            request, result_download(actor=request.desk.actor, code=code), Channel.RESULT
        )
    except NotFound as exc:
        raise Http404(exc.detail) from exc


@require_POST
@staff_view
def attach(request: HttpRequest, code: str, order: int) -> HttpResponse:
    """Store the scan of a received component."""
    dossier = get_visible(request, code)
    form = AttachForm(request.POST, request.FILES, order=order)
    status = 422
    if form.is_valid():
        try:
            svc.dossier_attach(
                actor=request.desk.actor,
                code=dossier.code,
                order=order,
                file=form.cleaned_data["file"],
                site=acting_site(request.desk),
                expected_version=form.cleaned_data["version"],
            )
        except StaleVersion:
            _stale(request)
            dossier = get_visible(request, code)
            form = AttachForm(initial={"version": dossier.version}, order=order)
            status = 409
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.detail) from exc
            add_domain_error(form, exc, {"order": "file"})
            status = exc.status
        else:
            messages.success(request, _("Component %(order)s digitised.") % {"order": order})
            return redirect("workspace:dossier", code=dossier.code)
    context = page_context(request, dossier, failed_attach=form)
    return render(request, "workspace/dossier/detail.html", context, status=status)


# -- search --------------------------------------------------------------------------------------


def code_in(text: str) -> str:
    """The dossier code in what was typed or scanned: a code, or a lookup URL ``…?ma=<code>``."""
    text = (text or "").strip()
    if "ma=" in text:
        query = urlsplit(text).query if "?" in text else text
        found = parse_qs(query.lstrip("?")).get("ma")
        if found:
            text = found[0].strip()
    return text


def site_choices() -> list[tuple[str, str]]:
    return list(
        Site.objects.exclude(kind=SiteKind.CENTER)
        .order_by("kind", "number", "code")
        .values_list("code", "name")
    )


def procedure_choices(scope) -> list[tuple[str, str]]:
    """The procedures that have dossiers in ``scope``: one probe of the index per procedure."""
    rows = (
        Procedure.objects.filter(Exists(scope.filter(procedure=OuterRef("pk"))))
        .order_by("code")
        .values_list("code", "name")
    )
    return [(code, f"{code} – {name}") for code, name in rows]


@require_GET
@staff_view
def search(request: HttpRequest) -> HttpResponse:
    """Find a dossier by code or applicant name, within one's scope; a full code opens it."""
    actor = request.desk.actor
    data = request.GET.copy()
    if "ma" in data and not data.get("q"):
        data["q"] = data["ma"]
    data["q"] = code_in(data.get("q", ""))
    form = DossierSearchForm(
        data,
        procedures=procedure_choices(dossiers_visible(actor)),
        sites=site_choices(),
    )
    form.is_valid()
    values = getattr(form, "cleaned_data", {})
    q = values.get("q") or ""
    if q and " " not in q:
        found = dossiers_visible(actor).filter(code=q.upper()).values_list("code", flat=True)
        if found:
            return redirect("workspace:dossier", code=found[0])
    qs = dossier_list(
        actor=actor,
        filters=DossierFilters(
            q=q or None,
            status=values.get("status") or None,
            procedure=values.get("procedure") or None,
            site=values.get("site") or None,
            state=request.GET.get("state") or None,
        ),
    ).select_related("assignee__staff_profile")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    returned = [] if request.desk.is_agency else list(dossiers_returned(actor)[:PAGE_SIZE])
    return render(
        request,
        "workspace/dossier/search.html",
        {
            "nav": "dossiers",
            "form": form,
            "page": page,
            "returned": returned,
            "query": keep.urlencode(),
            "searched": any(values.get(k) for k in ("q", "status", "procedure", "site"))
            or bool(request.GET.get("state")),
            "now": clock.now(),
        },
    )


__all__ = ["act", "attach", "detail", "search"]
