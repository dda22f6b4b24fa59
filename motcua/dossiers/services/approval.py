"""A leader signs (one-stop-rules §2.4; docs/decisions/0009-leader-approval-and-ledger.md).

A specialist cannot issue a result alone. The internal process's approval step (the step whose
role is ``agency_leader``) is taken by a leader of the competent agency, or by a person a leader
delegated to (:mod:`motcua.organization.services.delegation`):

- ``submit_for_approval``: the specialist closes their step and the dossier waits at the
  leader's step (a ``handover`` to the leader's step waits the same way);
- ``approve``: the leader (or delegate) signs; the control slip's row of the leader's step names
  them, and on whose behalf they signed when delegated;
- ``send_back``: the leader returns the draft with a reason; the dossier goes back to the
  specialist's step;
- ``complete`` then issues the result: by anyone of the agency once approved, or by a leader
  (or delegate) who signs in the same act, as before this change.

A new ``assign``, ``handover`` or supplement request after an approval needs a new approval.
Each step writes one audit event, like every service of :mod:`lifecycle`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import InvalidInput, InvalidTransition, PermissionDenied
from motcua.core.text import normalize
from motcua.dossiers.choices import Action
from motcua.dossiers.errors import ApprovalRequired
from motcua.dossiers.models import Dossier, DossierEvent, Handover
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services.lifecycle import (
    _agency_member,
    _begin,
    _calendar,
    _close_step,
    _event,
    _save,
    _steps,
    clock_local,
)
from motcua.organization.choices import Role
from motcua.organization.selectors.staff import signing_for

#: The events after which an earlier approval no longer holds (or a new one begins).
APPROVAL_TRAIL = (
    Action.ASSIGN,
    Action.HANDOVER,
    Action.REQUEST_SUPPLEMENT,
    Action.SUBMIT_FOR_APPROVAL,
    Action.APPROVE,
    Action.SEND_BACK,
)


@dataclass(frozen=True)
class Signature:
    """Who signed the result a ``complete`` issues."""

    handover: Handover | None = None  # the approval's control-slip row, when approved before
    on_behalf_of: Any = None  # the delegating leader, when a delegate signs in the same act
    payload: dict[str, str] = field(default_factory=dict)


def _last(dossier: Dossier, events=None) -> DossierEvent | None:
    """The last event of the approval's trail; from ``events`` (all of the dossier's, in
    order) when the caller has them, else one query."""
    if events is not None:
        return next((e for e in reversed(events) if e.action in APPROVAL_TRAIL), None)
    return (
        DossierEvent.objects.filter(dossier=dossier, action__in=APPROVAL_TRAIL)
        .select_related("actor")
        .order_by("-seq")
        .first()
    )


def _approval(dossier: Dossier, events=None) -> DossierEvent | None:
    """The approval event that still holds, if any."""
    last = _last(dossier, events)
    return last if last is not None and last.action == Action.APPROVE else None


def awaits_signature(dossier: Dossier, events=None, steps=None) -> bool:
    """Whether the draft result waits for a leader: submitted for approval, or handed over to
    the leader's step, and neither approved nor sent back since."""
    last = _last(dossier, events)
    if last is not None and last.action == Action.SUBMIT_FOR_APPROVAL:
        return True
    if last is not None and last.action in (Action.APPROVE, Action.SEND_BACK):
        return False
    steps = _steps(dossier) if steps is None else steps
    step = next((s for s in steps if s.order == dossier.step), None)
    return step is not None and step.role == Role.AGENCY_LEADER


def approval_state(dossier: Dossier, events=None, steps=None) -> str:
    """``approved``, ``awaiting`` or ``""``: for the dossier page (``events`` and ``steps``
    as already read by the caller spare the queries)."""
    if _approval(dossier, events) is not None:
        return "approved"
    return "awaiting" if awaits_signature(dossier, events, steps) else ""


def _signer(actor: Actor, dossier: Dossier, at: datetime):
    """The leader on whose behalf ``actor`` signs (``None`` for a leader); refuse others."""
    signs, on_behalf_of = signing_for(
        user=actor.user, agency_id=dossier.competent_agency_id, day=clock_local(at).date()
    )
    if not signs:
        raise PermissionDenied(
            _("Only a leader of %(agency)s, or a person a leader delegated to, signs the result.")
            % {"agency": dossier.competent_agency.name}
        )
    return on_behalf_of


def _behalf(user) -> dict[str, str]:
    return {"on_behalf_of": user.get_username()} if user is not None else {}


def _not_twice(dossier: Dossier) -> None:
    if _approval(dossier) is not None:
        raise InvalidTransition(
            _("The result is already approved: issue it (complete the dossier)."),
            current_status=dossier.status,
        )


def _awaiting(dossier: Dossier) -> None:
    _not_twice(dossier)
    if not awaits_signature(dossier):
        raise InvalidTransition(
            _("No draft result awaits a signature: the specialist submits it for approval first."),
            current_status=dossier.status,
        )


@transaction.atomic
def dossier_submit_for_approval(
    *,
    actor: Actor,
    code: str,
    to: str = "",
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The specialist's draft result goes to the leader's step; ``to`` names the leader (or
    the delegate) who is to sign, when the specialist knows."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor, code=code, action=Action.SUBMIT_FOR_APPROVAL,
        expected_version=expected_version, site=None,
    )  # fmt: skip
    _not_twice(dossier)
    if awaits_signature(dossier):
        raise InvalidTransition(
            _("The draft result already awaits the leader's signature."),
            current_status=dossier.status,
        )
    receiver = None
    if to:
        receiver = _agency_member(dossier, to, field_name="to", at=at)
        signs, _behalf_of = signing_for(
            user=receiver, agency_id=dossier.competent_agency_id, day=clock_local(at).date()
        )
        if not signs:
            raise InvalidInput(
                _(
                    "%(username)s does not sign for %(agency)s: choose a leader, or a person "
                    "a leader delegated to."
                )
                % {"username": to, "agency": dossier.competent_agency.name},
                field="to",
            )
    handover = _close_step(
        dossier, at=at, calendar=_calendar(dossier, at), giver=actor.user, receiver=receiver,
        unit=dossier.competent_agency.name, received=receiver is not None,
        note=normalize(note or "").strip(),
    )  # fmt: skip
    current = dossier.step or 0
    leader_step = next(
        (s for s in _steps(dossier) if s.order > current and s.role == Role.AGENCY_LEADER), None
    )
    if leader_step is not None:
        dossier.step = leader_step.order
    dossier.step_started_at = at
    fields = ["step", "step_started_at"]
    if receiver is not None:
        dossier.custodian = receiver
        fields.append("custodian")
    _save(dossier, fields)
    _event(
        dossier, Action.SUBMIT_FOR_APPROVAL, at=at, actor=actor, from_status=dossier.status,
        agency=dossier.competent_agency,
        payload={
            "to": receiver.get_username() if receiver else "",
            "step": dossier.step,
            "step_timeliness": handover.timeliness,
        },
    )  # fmt: skip
    return dossier


def _leader_closes_step(
    *, actor: Actor, code: str, action: str, expected_version: int | None, at: datetime,
    note: str,
):  # fmt: skip
    """Lock the dossier awaiting a signature, check that ``actor`` signs, and close the
    leader's step on the control slip; return the dossier, that row, and on whose behalf."""
    dossier = _begin(
        actor=actor, code=code, action=action, expected_version=expected_version, site=None
    )
    _awaiting(dossier)
    on_behalf_of = _signer(actor, dossier, at)
    handover = _close_step(
        dossier, at=at, calendar=_calendar(dossier, at), giver=actor.user,
        receiver=dossier.assignee, unit=dossier.competent_agency.name,
        received=dossier.assignee_id is not None, note=note, on_behalf_of=on_behalf_of,
    )  # fmt: skip
    return dossier, handover, on_behalf_of


@transaction.atomic
def dossier_approve(
    *,
    actor: Actor,
    code: str,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """A leader of the agency (or their delegate) approves and signs the draft result."""
    at = at or clock.now()
    dossier, handover, on_behalf_of = _leader_closes_step(
        actor=actor, code=code, action=Action.APPROVE, expected_version=expected_version,
        at=at, note=normalize(note or "").strip(),
    )  # fmt: skip
    dossier.step_started_at = at
    dossier.custodian = dossier.assignee or actor.user
    _save(dossier, ["step_started_at", "custodian"])
    _event(
        dossier, Action.APPROVE, at=at, actor=actor, from_status=dossier.status,
        agency=dossier.competent_agency,
        payload={"handover": handover.pk, "step_timeliness": handover.timeliness,
                 **_behalf(on_behalf_of)},
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_send_back(
    *,
    actor: Actor,
    code: str,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The leader (or delegate) returns the draft result to the specialist, with a reason."""
    at = at or clock.now()
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for sending the draft back."), field="reason")
    dossier, handover, on_behalf_of = _leader_closes_step(
        actor=actor, code=code, action=Action.SEND_BACK, expected_version=expected_version,
        at=at, note=reason,
    )  # fmt: skip
    current = dossier.step or 0
    earlier = [
        s for s in _steps(dossier)
        if s.order < current and s.actor == "agency" and s.role != Role.AGENCY_LEADER
    ]  # fmt: skip
    if earlier:
        dossier.step = earlier[-1].order
    dossier.step_started_at = at
    dossier.custodian = dossier.assignee
    _save(dossier, ["step", "step_started_at", "custodian"])
    _event(
        dossier, Action.SEND_BACK, at=at, actor=actor, from_status=dossier.status,
        agency=dossier.competent_agency,
        payload={"reason": reason, "step": dossier.step, "step_timeliness": handover.timeliness,
                 "handover": handover.pk, **_behalf(on_behalf_of)},
    )  # fmt: skip
    return dossier


def signature_rows(dossier: Dossier, handovers, *, steps=None, events=None) -> set[int]:
    """The control-slip rows that are a leader's signature: rows of the leader's step (the
    approval, or a leader's ``complete``), except those that sent the draft back. No query
    when no row has a step, or when the caller passes the ``steps`` and ``events`` it read."""
    numbered = [h for h in handovers if h.step is not None and h.giver_id is not None]
    if not numbered:
        return set()
    steps = _steps(dossier) if steps is None else steps
    leader_steps = {s.order for s in steps if s.role == Role.AGENCY_LEADER}
    candidates = [h for h in numbered if h.step in leader_steps]
    if not candidates:
        return set()
    if events is None:
        payloads = DossierEvent.objects.filter(
            dossier=dossier, action=Action.SEND_BACK
        ).values_list("payload", flat=True)
    else:
        payloads = [e.payload for e in events if e.action == Action.SEND_BACK]
    sent_back = {(payload or {}).get("handover") for payload in payloads}
    return {h.pk for h in candidates if h.pk not in sent_back}


def signature_for_complete(dossier: Dossier, *, actor: Actor, at: datetime) -> Signature:
    """Who signed the result that ``actor`` is about to issue; refuse a specialist alone.

    Approved before: the approval's row stands for the leader's step. Otherwise ``actor``
    signs now, as a leader or a delegate; anyone else gets :class:`ApprovalRequired`.
    """
    approval = _approval(dossier)
    if approval is not None:
        handover = Handover.objects.filter(
            pk=approval.payload.get("handover"), dossier=dossier
        ).first()
        return Signature(
            handover=handover,
            payload={"approved_by": approval.actor.get_username() if approval.actor else ""},
        )
    signs, on_behalf_of = signing_for(
        user=actor.user, agency_id=dossier.competent_agency_id, day=clock_local(at).date()
    )
    if not signs:
        raise ApprovalRequired(
            _(
                "A leader of %(agency)s signs the result: submit the draft result for approval "
                "first."
            )
            % {"agency": dossier.competent_agency.name}
        )
    return Signature(on_behalf_of=on_behalf_of, payload=_behalf(on_behalf_of))
