"""The rows a plan leaves in the database, computed as the lifecycle services write them.

Pure: no ORM, no clock. :func:`dossier_rows` turns one :class:`~motcua.simulation.plan.
DossierPlan` and the day's :class:`Book` (the ids and names of the reference rows it touches)
into the dossier row, its components, its handovers (the control slip), its events with
their hash chain and the applicant's rating and complaints, column for column what
:mod:`motcua.dossiers.services.lifecycle` and :mod:`motcua.feedback.services` would have
written replaying the plan (``test_bulk`` compares the two paths row by row). The bulk writer
(:mod:`motcua.simulation.bulk`) only adds ids and complaint numbers and copies the tuples.

Each ``_<action>`` function below mirrors one service: which columns it sets, the payload of
its event, which handover it writes. A change to a service that changes its rows must be
made here too; the equivalence test fails until it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from hashlib import sha256
from operator import itemgetter
from typing import Any

from motcua.core.text import fold, normalize, normalize_lines
from motcua.dossiers.audit import GENESIS
from motcua.dossiers.choices import Action, Channel, ReturnMethod, Status
from motcua.dossiers.codes import format_code
from motcua.dossiers.rules import grade
from motcua.feedback.choices import ComplaintAction, ComplaintStatus
from motcua.feedback.rules import complaint_deadlines, publish_due
from motcua.simulation.plan import (
    CITIZEN,
    COMPLAIN,
    HANDLE,
    LEADER,
    OFFICER,
    RATE,
    SYSTEM,
    DossierPlan,
    Step,
    paper_transfer_due,
)
from motcua.simulation.samples import RESULT, SCAN
from motcua.worktime.rules import WorkCalendar, add_working_time, extend_for_pause
from motcua.worktime.rules import working_time_between as _between

STAFF_PREFIX = "sim."
RECEIVED_COMPLAINT = ComplaintStatus.RECEIVED.value
SUBMIT_COMPLAINT = ComplaintAction.SUBMIT.value
ACCEPT_COMPLAINT, ANSWER_COMPLAINT = ComplaintAction.ACCEPT.value, ComplaintAction.ANSWER.value
IN_HANDLING, ANSWERED = ComplaintStatus.IN_HANDLING.value, ComplaintStatus.ANSWERED.value
PUBLISHED = ComplaintStatus.PUBLISHED.value
ONE_HOUR = timedelta(hours=1)
AGENCY_STEP = "agency"
ONE_STOP_STEP = "one_stop"

#: The columns of ``dossiers_dossier`` in the order :func:`dossier_rows` fills them
#: (``test_bulk`` checks that they are the model's columns, all of them).
DOSSIER_COLUMNS = (
    "id", "code", "online_reference", "version", "status", "channel", "regime_id", "forms",
    "procedure_id", "procedure_version_id", "time_limit", "time_limit_unit", "applicant_kind",
    "applicant_name", "applicant_name_folded", "applicant_id_number", "applicant_phone",
    "applicant_email", "applicant_address", "applicant_unit_id", "object_unit_id", "request",
    "sets", "receiving_site_id", "received_by_id", "competent_agency_id", "outside_territory",
    "return_method", "return_site_id", "return_address", "submitted_at", "deemed_received_at",
    "due_at", "original_due_at", "check_due_at", "transfer_due_at", "transferred_at",
    "paused_at", "paused_status", "supplement_count", "extension_count", "finished_at",
    "timeliness", "outcome", "result_file", "result_sha256", "delivered_at", "custodian_site_id",
    "custodian_agency_id", "custodian_id", "returned_from_id", "assignee_id", "step",
    "step_started_at", "fee_due",
    "fee_paid", "payment_method", "obligation_amount", "idempotency_key", "request_digest",
    "created_by_id", "created_at", "updated_at",
)  # fmt: skip
COMPONENT_COLUMNS = (
    "dossier_id", "order", "name", "originals", "certified_copies", "copies", "shown", "received",
    "file", "sha256", "size", "content_type", "digitised_at",
)  # fmt: skip
HANDOVER_COLUMNS = (
    "id", "dossier_id", "step", "step_name", "unit", "giver_id", "receiver_id", "given_at",
    "received_at", "step_due_at", "finished_at", "timeliness", "note",
    "on_behalf_of_id",  # a delegate's signature (0009); the generator's leaders sign themselves
)  # fmt: skip
RATING_COLUMNS = (
    "dossier_id", "level", *(f"criterion_{n}" for n in range(1, 10)), "survey_points", "comment",
    "rated_at", "created_at",
)  # fmt: skip
COMPLAINT_COLUMNS = (
    "id", "code", "kind", "dossier_id", "site_id", "agency_id", "subject", "content",
    "sender_name", "sender_phone", "sender_email", "received_at", "status", "refuse_due_at",
    "info_due_at", "answer_due_at", "publish_due_at", "paused_at", "info_request",
    "refusal_reason", "answer", "answered_at", "public_subject", "published_at",
    "handled_by_id", "created_at", "updated_at",
)  # fmt: skip
COMPLAINT_EVENT_COLUMNS = (
    "complaint_id", "action", "at", "actor_id", "actor_name", "from_status", "to_status", "note",
    "on_time",
)  # fmt: skip
EVENT_COLUMNS = (
    "dossier_id", "seq", "action", "actor_id", "actor_name", "site_id", "agency_id", "at",
    "from_status", "to_status", "payload", "prev_hash", "hash",
)  # fmt: skip


_dossier_tuple = itemgetter(*DOSSIER_COLUMNS)
_handover_tuple = itemgetter(*HANDOVER_COLUMNS)


def officer_username(site_code: str) -> str:
    """The generator's receiving officer at a site."""
    return f"{STAFF_PREFIX}{site_code.lower()}"


def agency_username(agency_code: str, actor: str) -> str:
    """The generator's specialist (``.cv``) or leader (``.ld``) of an agency."""
    return f"{STAFF_PREFIX}{agency_code.lower()}.{'ld' if actor == LEADER else 'cv'}"


def step_username(plan: DossierPlan, step: Step) -> str | None:
    """Who takes ``step`` of ``plan``: ``None`` for the citizen filing online and for a
    reorganization's handover."""
    if step.actor in (CITIZEN, SYSTEM):
        return None
    if step.actor == OFFICER:
        return officer_username(step.params["site"])
    return agency_username(plan.agency_at(step.at), step.actor)


# -- the reference rows of a day ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SiteRef:
    id: int
    code: str
    unit_id: str
    name: str


@dataclass(frozen=True, slots=True)
class AgencyRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class StaffRef:
    id: int
    username: str
    name: str  # as the event's actor_name: the staff profile's full name


@dataclass(frozen=True, slots=True)
class ProcessStepRef:
    order: int
    name: str
    actor: str
    allowance: timedelta  # whole minutes, as the services count them


@dataclass(frozen=True, slots=True)
class VersionRef:
    """The procedure version a dossier freezes, with its process and its components.

    ``components``: (order, name, originals, certified copies, copies, shown) as a counter receipt
    with every component present records them.
    """

    id: int
    procedure_id: int
    request: str  # the procedure's name, the default request
    time_limit: int
    time_limit_unit: str
    fee: int
    cutoff: time  # the version's, else the regime's default
    steps: tuple[ProcessStepRef, ...]
    components: tuple[tuple[int, str, int, int, int, int], ...]

    def step(self, order: int | None) -> ProcessStepRef | None:
        if order is None:
            return None
        return next((s for s in self.steps if s.order == order), None)

    def next_step(self, order: int | None, actor: str) -> ProcessStepRef | None:
        return next(
            (s for s in self.steps if (order is None or s.order > order) and s.actor == actor),
            None,
        )


@dataclass(frozen=True)
class SuccessionRef:
    """What a reorganization's handover writes: the decisions by ceasing agency code (id,
    number, effective day), the control slip's words, and ``inside`` on the effective day."""

    decisions: Mapping[str, tuple[int, str, date]]
    step_name: str
    note: str  # "%(successor)s … %(decision)s"
    inside: Callable[[int, int], bool]


@dataclass(frozen=True)
class Book:
    """The reference rows of a day that dossier rows point to, by natural key.

    ``inside(agency id, site id)``: whether the site lies in the agency's territory, as the
    intake decides ``outside_territory``. ``calendar(site code)``: the working calendar with
    the site's office hours. ``assignment``: the translated word that names an assignment
    row of the control slip.
    """

    day: date
    regime_id: int
    forms: str  # the regime's form set as JSON text (payload_json)
    online_check_hours: int
    sites: Mapping[str, SiteRef]
    agencies: Mapping[str, AgencyRef]
    wards: Mapping[str, int]
    versions: Mapping[str, VersionRef]
    staff: Mapping[str, StaffRef]
    inside: Callable[[int, int], bool]
    calendar: Callable[[str], WorkCalendar]
    assignment: str
    #: Read on first use: the next reorganization after the day (``None`` without one).
    succession: Callable[[], SuccessionRef | None] = lambda: None


@dataclass(slots=True)
class DossierRows:
    """The rows of a dossier. ``complaints`` are :data:`COMPLAINT_COLUMNS` rows whose ``id``
    and ``code`` the writer fills: a complaint's number is the next of its day, wherever the
    day's other complaints come from."""

    dossier: tuple
    components: list[tuple] = field(default_factory=list)
    handovers: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    rating: tuple | None = None
    complaints: list[dict[str, Any]] = field(default_factory=list)


# -- JSON as the services store and hash it -----------------------------------------------------


def json_instant(moment: datetime) -> str:
    """A datetime as :class:`~django.core.serializers.json.DjangoJSONEncoder` writes it."""
    text = moment.isoformat()
    if moment.microsecond:
        text = text[:23] + text[26:]
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text


def _stored(moment: datetime) -> datetime:
    """An instant as a dossier read back from the database holds it (UTC)."""
    return moment.astimezone(UTC)


_string = json.encoder.encode_basestring  # a JSON string as ``ensure_ascii=False`` writes it


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The encoder ``json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` makes
# for each call, made once (CPython's C encoder; no check for cycles, payloads have none):
# json.dumps built a JSONEncoder per event, three quarters of the time it took.
_c_encode = (
    json.encoder.c_make_encoder(None, _not_json, _string, None, ":", ",", True, False, True)
    if json.encoder.c_make_encoder is not None
    else None
)


def payload_json(payload: dict[str, Any]) -> str:
    """A payload of JSON values as canonical JSON text (sorted keys, no blanks): how the
    hash covers it, and what the bulk writer stores (the database keeps the same value)."""
    if _c_encode is None:
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "".join(_c_encode(payload, 0))


def event_hash(
    *,
    prev_hash: str,
    dossier_code: str,
    seq: int,
    action: str,
    actor_id: int | None,
    site_id: int | None,
    agency_id: int | None,
    at: datetime,
    from_status: str,
    to_status: str,
    payload: str,
) -> str:
    """:func:`motcua.dossiers.audit.event_hash` of an event whose payload is already
    canonical JSON text (:func:`payload_json`).

    The same canonical text, keys in sorted order, formatted directly instead of through
    the JSON encoder (a third of the bulk path's time otherwise); ``test_rows`` checks that
    both agree byte for byte.
    """
    text = (
        f'{{"action":{_string(action)},"actor":{_int(actor_id)},"agency":{_int(agency_id)},'
        f'"at":"{at.astimezone(UTC).isoformat(timespec="microseconds")}",'
        f'"dossier":{_string(dossier_code)},"from":{_string(from_status)},"payload":{payload},'
        f'"prev":{_string(prev_hash)},"seq":{seq:d},"site":{_int(site_id)},'
        f'"to":{_string(to_status)}}}'
    )
    return sha256(text.encode()).hexdigest()


def _int(value: int | None) -> str:
    return "null" if value is None else str(int(value))


# -- one dossier --------------------------------------------------------------------------------


class _Dossier:
    """The dossier row while the plan's steps are applied, and what they write."""

    def __init__(self, plan: DossierPlan, book: Book, handover_ids: Iterator[int]):
        self.plan, self.book, self.handover_ids = plan, book, handover_ids
        self.site = book.sites[plan.site]
        self.agency = book.agencies[plan.agency]
        self.version = book.versions[plan.procedure]
        self.calendar = book.calendar(plan.site)
        self.row: dict[str, Any] = {}
        self.handovers: list[dict[str, Any]] = []
        self.events: list[tuple] = []
        self.prev_hash = GENESIS

    # -- helpers as in the services module

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """:func:`add_working_time` on the dossier's calendar, by its index when it has one
        (the same result, without the checks: rows hold aware instants only)."""
        index = self.calendar.index
        if index is None or not duration:
            return add_working_time(start, duration, self.calendar)
        return index.add(start.astimezone(self.calendar.tz), duration)

    def step_due(self, started: datetime, step: ProcessStepRef | None) -> datetime | None:
        if step is None:
            return None
        return self.add(started, step.allowance)

    def close_step(
        self, at: datetime, *, giver: StaffRef, unit: str, receiver: StaffRef | None = None,
        received: bool = True, note: str = "",
    ) -> dict[str, Any]:  # fmt: skip
        row = self.row
        step = self.version.step(row["step"])
        started = row["step_started_at"] or at
        step_due = self.step_due(started, step)
        handover = {
            "id": next(self.handover_ids),
            "dossier_id": row["id"],
            "step": row["step"],
            "step_name": step.name if step else "",
            "unit": unit,
            "giver_id": giver.id,
            "receiver_id": receiver.id if receiver else None,
            "given_at": at,
            "received_at": at if received else None,
            "step_due_at": step_due,
            "finished_at": at,
            "timeliness": grade(at, step_due, self.calendar).value if step_due else "",
            "note": note,
            "on_behalf_of_id": None,
        }
        self.handovers.append(handover)
        return handover

    def finish(self, at: datetime) -> None:
        row = self.row
        row["finished_at"] = at
        if row["due_at"] is not None:
            row["timeliness"] = grade(
                at, row["due_at"], self.calendar, too_many_supplements=row["supplement_count"] > 1
            ).value

    def event(
        self, action: str, at: datetime, actor: StaffRef | None, *, from_status: str,
        site: SiteRef | None = None, agency: AgencyRef | None = None,
        payload: dict[str, Any],
    ) -> None:  # fmt: skip
        seq = len(self.events) + 1
        actor_id = actor.id if actor else None
        site_id = site.id if site else None
        agency_id = agency.id if agency else None
        to_status = self.row["status"]
        text = payload_json(payload)
        digest = event_hash(
            prev_hash=self.prev_hash, dossier_code=self.row["code"], seq=seq, action=action,
            actor_id=actor_id, site_id=site_id, agency_id=agency_id, at=at,
            from_status=from_status, to_status=to_status, payload=text,
        )  # fmt: skip
        self.events.append(
            (self.row["id"], seq, action, actor_id, actor.name if actor else "", site_id,
             agency_id, at, from_status, to_status, text, self.prev_hash, digest)
        )  # fmt: skip
        self.prev_hash = digest

    def staff(self, step: Step) -> StaffRef | None:
        username = step_username(self.plan, step)
        return None if username is None else self.book.staff[username]

    def member(self, actor: str) -> StaffRef:
        """An agency member named by the plan (assignee, the next step's holder)."""
        return self.book.staff[agency_username(self.agency.code, actor)]

    def step_site(self, step: Step) -> SiteRef:
        return self.book.sites[step.params["site"]]


def dossier_rows(
    plan: DossierPlan,
    book: Book,
    *,
    dossier_id: int,
    sequence: int,
    handover_ids: Iterator[int],
    written_at: datetime,
) -> DossierRows:
    """The rows of ``plan``'s dossier: number ``sequence`` of its site's unit on its day.

    ``handover_ids`` gives the id of each control-slip row in the order they are written
    (the transfer event's payload names its row); ``written_at`` fills ``created_at`` and
    ``updated_at``, the time of writing.
    """
    d = _Dossier(plan, book, handover_ids)
    first, *rest = plan.steps
    _create(d, first, dossier_id=dossier_id, sequence=sequence)
    for step in rest:
        APPLY[step.action](d, step)
    row = d.row
    row["version"] = len(d.events)
    row["created_at"] = row["updated_at"] = written_at
    rating, complaints = None, {}
    for step in plan.feedback:
        if step.action == RATE:
            rating = _rating(dossier_id, step, written_at)
        elif step.action == HANDLE:
            _handle(complaints[step.params["kind"]], step, d)
        else:
            complaints[step.params["kind"]] = _complaint(d, step, written_at)
    if first.params.get("scans"):
        scan = (SCAN.name, SCAN.sha256, SCAN.size, SCAN.content_type, first.at)
    else:
        scan = ("", "", None, "", None)
    return DossierRows(
        dossier=_dossier_tuple(row),
        components=[
            (dossier_id, order, name, originals, certified, copies, shown, True, *scan)
            for order, name, originals, certified, copies, shown in d.version.components
        ],
        handovers=[_handover_tuple(h) for h in d.handovers],
        events=d.events,
        rating=rating,
        complaints=list(complaints.values()),
    )


# -- the services, one by one -------------------------------------------------------------------


_CREATED = {Action.RECEIVE: Status.RECEIVED.value, Action.REFUSE: Status.REFUSED.value,
            Action.SUBMIT: Status.SUBMITTED.value}  # fmt: skip


def _create(d: _Dossier, first: Step, *, dossier_id: int, sequence: int) -> None:
    """``dossier_create`` (with ``_insert`` and ``_set_deadlines``)."""
    plan, book, version, site = d.plan, d.book, d.version, d.site
    at, decision = first.at, first.action
    code = format_code(site.unit_id, plan.day, sequence)
    user = d.staff(first)
    applicant = plan.applicant
    name = normalize(applicant.name)
    d.row = row = {
        "id": dossier_id,
        "code": code,
        "online_reference": "",  # numbered at filing (docs/decisions/0013-abuse-limits.md)
        "status": _CREATED[decision],
        "channel": plan.channel,
        "regime_id": book.regime_id,
        "forms": book.forms,
        "procedure_id": version.procedure_id,
        "procedure_version_id": version.id,
        "time_limit": version.time_limit,
        "time_limit_unit": version.time_limit_unit,
        "applicant_kind": "individual",
        "applicant_name": name,
        "applicant_name_folded": fold(name),
        "applicant_id_number": applicant.id_number.strip().replace(" ", ""),
        "applicant_phone": applicant.phone.strip(),
        "applicant_email": applicant.email.strip(),
        "applicant_address": normalize(applicant.address),
        "applicant_unit_id": book.wards[plan.applicant_ward],
        "object_unit_id": book.wards[plan.object_ward],
        "request": version.request,
        "sets": 1,
        "receiving_site_id": site.id,
        "received_by_id": user.id if decision == Action.RECEIVE else None,
        "competent_agency_id": d.agency.id,
        "outside_territory": not book.inside(d.agency.id, site.id),
        "return_method": plan.return_method,
        "return_site_id": book.sites[plan.return_site].id if plan.return_site else None,
        "return_address": normalize(plan.return_address),
        "submitted_at": at,
        "deemed_received_at": None,
        "due_at": None,
        "original_due_at": None,
        "check_due_at": None,
        "transfer_due_at": None,
        "transferred_at": None,
        "paused_at": None,
        "paused_status": "",
        "supplement_count": 0,
        "extension_count": 0,
        "finished_at": None,
        "timeliness": "",
        "outcome": "",
        "result_file": "",
        "result_sha256": "",
        "delivered_at": None,
        "custodian_site_id": site.id,
        "custodian_agency_id": None,
        "custodian_id": user.id if user else None,
        "returned_from_id": None,
        "assignee_id": None,
        "step": None,
        "step_started_at": None,
        "fee_due": version.fee,
        "fee_paid": plan.fee_paid,
        "payment_method": plan.payment_method if plan.fee_paid else "",
        "obligation_amount": 0,
        "idempotency_key": "",
        "request_digest": "",
        "created_by_id": user.id if user else None,
    }
    payload: dict[str, Any] = {"channel": plan.channel, "code": code}
    if first.params.get("scans") and version.components:
        payload["scans"] = {str(c[0]): SCAN.sha256 for c in version.components}
    if decision in (Action.RECEIVE, Action.SUBMIT):
        # The plan computed the deadlines with the same rules, calendar and cut-off.
        calendar = d.calendar
        row["deemed_received_at"] = plan.deemed_received_at
        row["due_at"] = row["original_due_at"] = plan.original_due_at
        if plan.channel == Channel.ONLINE:
            row["transfer_due_at"] = d.add(at, ONE_HOUR)
        else:
            row["transfer_due_at"] = paper_transfer_due(at, calendar, version.cutoff)
        if decision == Action.SUBMIT:
            row["check_due_at"] = d.add(
                plan.deemed_received_at, timedelta(hours=book.online_check_hours)
            )
        else:
            row["step"] = 1 if version.steps else None
            row["step_started_at"] = at
        payload["due_at"] = json_instant(plan.original_due_at)
    else:
        payload["reason"] = normalize(first.params["reason"])
        row["finished_at"] = at
    d.event(decision, at, user, from_status="", site=site, payload=payload)


def _accept_online(d: _Dossier, s: Step) -> None:
    """``dossier_accept_online`` of a submitted (not guided) online dossier."""
    row, user, site = d.row, d.staff(s), d.step_site(s)
    before = row["status"]
    row["transfer_due_at"] = d.add(s.at, ONE_HOUR)
    row["status"] = Status.RECEIVED.value
    row["received_by_id"] = user.id
    row["custodian_site_id"] = site.id
    row["custodian_id"] = user.id
    row["step"] = 1 if d.version.steps else None
    row["step_started_at"] = s.at
    d.event(Action.RECEIVE, s.at, user, from_status=before, site=site,
            payload={"due_at": json_instant(_stored(row["due_at"]))})  # fmt: skip


def _refuse(d: _Dossier, s: Step) -> None:
    row, user, site = d.row, d.staff(s), d.step_site(s)
    before = row["status"]
    row["status"] = Status.REFUSED.value
    row["finished_at"] = s.at
    d.event(Action.REFUSE, s.at, user, from_status=before, site=site,
            payload={"reason": normalize(s.params["reason"])})  # fmt: skip


def _transfer(d: _Dossier, s: Step) -> None:
    row, user, site = d.row, d.staff(s), d.step_site(s)
    before = row["status"]
    handover = d.close_step(s.at, giver=user, unit=d.site.name, received=False)
    due = row["transfer_due_at"]
    on_time = due is None or s.at <= due
    row["status"] = Status.TRANSFERRED.value
    row["transferred_at"] = s.at
    row["custodian_site_id"] = None
    row["custodian_agency_id"] = d.agency.id
    row["custodian_id"] = None
    d.event(
        Action.TRANSFER, s.at, user, from_status=before, site=site, agency=d.agency,
        payload={
            "to_agency": d.agency.code,
            "transfer_due_at": json_instant(_stored(due)) if due is not None else None,
            "transfer_on_time": on_time,
            "handover": handover["id"],
            "step_timeliness": handover["timeliness"],
        },
    )  # fmt: skip


def _accept(d: _Dossier, s: Step) -> None:
    row, user = d.row, d.staff(s)
    before = row["status"]
    pending = [h for h in d.handovers if h["received_at"] is None]
    if pending:
        latest = max(pending, key=lambda h: h["given_at"])
        latest["received_at"] = s.at
        latest["receiver_id"] = user.id
    step = d.version.next_step(row["step"], AGENCY_STEP)
    row["status"] = Status.IN_PROGRESS.value
    row["step"] = step.order if step else row["step"]
    row["step_started_at"] = s.at
    row["custodian_id"] = user.id
    row["custodian_agency_id"] = d.agency.id
    d.event(Action.ACCEPT, s.at, user, from_status=before, agency=d.agency,
            payload={"step": row["step"]})  # fmt: skip


def _assign(d: _Dossier, s: Step) -> None:
    row, user = d.row, d.staff(s)
    assignee = d.member(s.params["assignee"])
    step = d.version.step(row["step"])
    d.handovers.append(
        {
            "id": next(d.handover_ids),
            "dossier_id": row["id"],
            "step": row["step"],
            "step_name": d.book.assignment + (f": {step.name}" if step else ""),
            "unit": d.agency.name,
            "giver_id": user.id,
            "receiver_id": assignee.id,
            "given_at": s.at,
            "received_at": s.at,
            "step_due_at": None,
            "finished_at": None,
            "timeliness": "",
            "note": "",
            "on_behalf_of_id": None,
        }
    )
    row["assignee_id"] = assignee.id
    row["custodian_id"] = assignee.id
    d.event(Action.ASSIGN, s.at, user, from_status=row["status"], agency=d.agency,
            payload={"assignee": assignee.username})  # fmt: skip


def _handover(d: _Dossier, s: Step) -> None:
    row, user = d.row, d.staff(s)
    following = d.version.next_step(row["step"], AGENCY_STEP)
    receiver = d.member(s.params["to"])
    handover = d.close_step(s.at, giver=user, receiver=receiver, unit=d.agency.name)
    row["step"] = following.order
    row["step_started_at"] = s.at
    row["custodian_id"] = receiver.id
    d.event(
        Action.HANDOVER, s.at, user, from_status=row["status"], agency=d.agency,
        payload={"to": receiver.username, "step": following.order,
                 "step_timeliness": handover["timeliness"]},
    )  # fmt: skip


def _request_supplement(d: _Dossier, s: Step) -> None:
    row, user = d.row, d.staff(s)
    before = row["status"]
    row["status"] = Status.AWAITING_SUPPLEMENT.value
    row["paused_at"] = s.at
    row["paused_status"] = before
    row["supplement_count"] += 1
    items = [
        {"name": normalize(name), "originals": max(0, int(originals or 0)),
         "certified_copies": 0, "copies": 0}
        for name, originals in s.params["items"]
    ]  # fmt: skip
    d.event(
        Action.REQUEST_SUPPLEMENT, s.at, user, from_status=before, agency=d.agency,
        payload={"reason": normalize(s.params["reason"]), "items": items, "officer_phone": ""},
    )  # fmt: skip


def _receive_supplement(d: _Dossier, s: Step) -> None:
    """``dossier_receive_supplement`` with ``_resume``."""
    row, user, site, calendar = d.row, d.staff(s), d.step_site(s), d.calendar
    before = row["status"]
    old_due, paused_at = row["due_at"], row["paused_at"]
    paused_for = _between(paused_at, s.at, calendar)
    if old_due is not None:
        row["due_at"] = extend_for_pause(old_due, paused_at, s.at, calendar)
    if row["step_started_at"] is not None:
        row["step_started_at"] = add_working_time(row["step_started_at"], paused_for, calendar)
    row["status"] = row["paused_status"] or Status.IN_PROGRESS.value
    row["paused_at"] = None
    row["paused_status"] = ""
    d.event(
        Action.RECEIVE_SUPPLEMENT, s.at, user, from_status=before, site=site,
        payload={
            "old_due_at": json_instant(_stored(old_due)) if old_due is not None else None,
            "due_at": json_instant(row["due_at"]) if row["due_at"] is not None else None,
            "paused_working_minutes": int(paused_for.total_seconds() // 60),
            "note": "",
        },
    )  # fmt: skip


def _extend(d: _Dossier, s: Step) -> None:
    row, user = d.row, d.staff(s)
    before = row["status"]
    old_due, new_due = row["due_at"], s.params["new_due_at"]
    row["due_at"] = new_due
    row["extension_count"] += 1
    d.event(
        Action.EXTEND, s.at, user, from_status=before, agency=d.agency,
        payload={"reason": normalize(s.params["reason"]),
                 "old_due_at": json_instant(_stored(old_due)),
                 "new_due_at": json_instant(new_due)},
    )  # fmt: skip


def _complete(d: _Dossier, s: Step) -> None:
    row, user, plan = d.row, d.staff(s), d.plan
    before = row["status"]
    note = normalize(s.params["note"])
    handover = d.close_step(s.at, giver=user, unit=d.agency.name, received=False, note=note)
    last = d.version.next_step(row["step"], ONE_STOP_STEP)
    row["status"] = Status.RESULT_READY.value
    row["outcome"] = s.params["outcome"]
    d.finish(s.at)
    row["step"] = last.order if last else row["step"]
    row["step_started_at"] = s.at
    row["custodian_agency_id"] = None
    row["custodian_id"] = None
    row["custodian_site_id"] = (
        row["return_site_id"] if plan.return_method == ReturnMethod.SITE else d.site.id
    )
    if s.params.get("electronic"):
        row["result_file"], row["result_sha256"] = RESULT.name, RESULT.sha256
    d.event(
        Action.COMPLETE, s.at, user, from_status=before, agency=d.agency,
        payload={"outcome": s.params["outcome"], "note": note, "timeliness": row["timeliness"],
                 "step_timeliness": handover["timeliness"],
                 "result_sha256": row["result_sha256"], "return_site": plan.return_site},
    )  # fmt: skip


def _deliver(d: _Dossier, s: Step) -> None:
    row, user, site = d.row, d.staff(s), d.step_site(s)
    before = row["status"]
    recipient = normalize(s.params["recipient_name"])
    if row["step"] is not None and d.version.step(row["step"]) is not None:
        d.close_step(s.at, giver=user, unit=site.name, note=recipient)
    row["status"] = Status.DELIVERED.value
    row["delivered_at"] = s.at
    row["custodian_site_id"] = None
    row["custodian_id"] = None
    d.event(
        Action.DELIVER, s.at, user, from_status=before, site=site,
        payload={"recipient_name": recipient,
                 "recipient_id_number": s.params["recipient_id_number"].strip(), "note": ""},
    )  # fmt: skip


def _withdraw(d: _Dossier, s: Step) -> None:
    row, user, site = d.row, d.staff(s), d.step_site(s)
    before = row["status"]
    row["status"] = Status.WITHDRAWN.value
    row["finished_at"] = s.at
    row["paused_at"] = None
    d.event(Action.WITHDRAW, s.at, user, from_status=before, site=site,
            payload={"reason": normalize(s.params["reason"])})  # fmt: skip


def _stop(d: _Dossier, s: Step) -> None:
    row, user = d.row, d.staff(s)
    before = row["status"]
    row["status"] = Status.STOPPED.value
    row["paused_at"] = None
    d.finish(s.at)
    d.event(Action.STOP, s.at, user, from_status=before, agency=d.agency,
            payload={"reason": normalize(s.params["reason"])})  # fmt: skip


def _succeed(d: _Dossier, s: Step) -> None:
    """``competence.dossier_succeed`` (``_hand_over``)."""
    row, ceasing = d.row, d.agency
    successor = d.book.agencies[s.params["to"]]
    ref = d.book.succession()
    reorganization, number, effective_on = ref.decisions[ceasing.code]
    decision = number or f"{ceasing.name} – {effective_on:%d/%m/%Y}"
    payload: dict[str, Any] = {
        "from_agency": ceasing.code, "to_agency": successor.code,
        "reorganization": reorganization, "decision": number,
        "effective_on": effective_on.isoformat(), "basis": s.params["basis"],
        "due_at": json_instant(_stored(row["due_at"])) if row["due_at"] is not None else None,
    }  # fmt: skip
    if row["custodian_agency_id"] == ceasing.id:
        handover = {
            "id": next(d.handover_ids), "dossier_id": row["id"], "step": row["step"],
            "step_name": ref.step_name, "unit": ceasing.name, "giver_id": row["custodian_id"],
            "receiver_id": None, "given_at": s.at, "received_at": s.at, "step_due_at": None,
            "finished_at": None, "timeliness": "",
            "note": ref.note % {"successor": successor.name, "decision": decision},
            "on_behalf_of_id": None,
        }  # fmt: skip
        d.handovers.append(handover)
        row["custodian_agency_id"] = successor.id
        row["custodian_id"] = None
        payload["handover"] = handover["id"]
    row["competent_agency_id"] = successor.id
    row["assignee_id"] = None
    row["outside_territory"] = not ref.inside(successor.id, d.site.id)
    d.agency = successor
    d.event(Action.SUCCEED, s.at, None, from_status=row["status"], agency=successor,
            payload=payload)  # fmt: skip


#: How each later action of a plan changes the rows (as ``services.REPLAY`` replays it).
APPLY: dict[str, Callable[[_Dossier, Step], None]] = {
    Action.RECEIVE: _accept_online,
    Action.REFUSE: _refuse,
    Action.TRANSFER: _transfer,
    Action.ACCEPT: _accept,
    Action.ASSIGN: _assign,
    Action.HANDOVER: _handover,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.RECEIVE_SUPPLEMENT: _receive_supplement,
    Action.EXTEND: _extend,
    Action.COMPLETE: _complete,
    Action.DELIVER: _deliver,
    Action.WITHDRAW: _withdraw,
    Action.STOP: _stop,
    Action.SUCCEED: _succeed,
}


# -- the applicant's feedback (motcua.feedback.services) -----------------------------------------


def _rating(dossier_id: int, s: Step, written_at: datetime) -> tuple:
    """``rating_submit``: the level, the nine answers and their total when all are given."""
    answers = s.params["criteria"] or (None,) * 9
    points = None if any(a is None for a in answers) else sum(answers)
    return (dossier_id, s.params["level"], *answers, points, normalize(s.params["comment"]),
            s.at, written_at)  # fmt: skip


def _complaint(d: _Dossier, s: Step, written_at: datetime) -> dict[str, Any]:
    """``complaint_submit`` by the applicant: about the dossier (its receiving site and
    competent agency) or, for a suggestion, to the site named."""
    about = s.action == COMPLAIN
    site = d.book.sites[s.params["site"]] if s.params.get("site") else d.site
    deadlines = complaint_deadlines(s.at, d.book.calendar(site.code))
    applicant = d.plan.applicant
    return {
        "kind": s.params["kind"],
        "dossier_id": d.row["id"] if about else None,
        "site_id": site.id,
        "site_code": site.code,  # not a column: the calendar of the handling
        "agency_id": d.agency.id if about else None,
        "subject": normalize(s.params["subject"]),
        "content": normalize_lines(s.params["content"]),
        "sender_name": normalize(applicant.name),
        "sender_phone": normalize(applicant.phone),
        "sender_email": normalize(applicant.email),
        "received_at": s.at,
        "status": RECEIVED_COMPLAINT,
        "refuse_due_at": deadlines.refuse_due_at,
        "info_due_at": deadlines.info_due_at,
        "answer_due_at": deadlines.answer_due_at,
        "publish_due_at": None,
        "paused_at": None,
        "info_request": "",
        "refusal_reason": "",
        "answer": "",
        "answered_at": None,
        "public_subject": "",
        "published_at": None,
        "handled_by_id": None,
        "created_at": written_at,
        "updated_at": written_at,
    }


def _handle(c: dict[str, Any], s: Step, d: _Dossier) -> None:
    """The office's step ``s`` on complaint ``c`` (``complaint_accept``, ``complaint_answer``,
    ``complaint_publish``), and its log row in ``c["log"]``."""
    officer, before, on_time = d.staff(s), c["status"], None
    if s.params["step"] == ACCEPT_COMPLAINT:
        c["status"], c["handled_by_id"] = IN_HANDLING, officer.id
    elif s.params["step"] == ANSWER_COMPLAINT:
        c["status"], c["handled_by_id"] = ANSWERED, officer.id
        c["answer"] = normalize_lines(s.params["answer"])
        c["answered_at"] = s.at
        c["publish_due_at"] = publish_due(s.at, d.book.calendar(c["site_code"]))
        on_time = s.at <= c["answer_due_at"]
    else:
        c["status"], c["public_subject"], c["published_at"] = PUBLISHED, c["subject"], s.at
        on_time = c["publish_due_at"] is None or s.at <= c["publish_due_at"]
    c.setdefault("log", []).append(
        (s.params["step"], s.at, officer.id, officer.name, before, c["status"], "", on_time)
    )


def complaint_events(complaint_id: int, complaint: dict[str, Any]) -> list[tuple]:
    """The log rows of a complaint (``feedback.services._log``): its submission, then the
    office's steps."""
    first = (SUBMIT_COMPLAINT, complaint["received_at"], None, "", "", RECEIVED_COMPLAINT, "",
             None)  # fmt: skip
    return [(complaint_id, *row) for row in (first, *complaint.get("log", ()))]


complaint_tuple = itemgetter(*COMPLAINT_COLUMNS)


def handovers_needed(plan: DossierPlan) -> int:
    """How many control-slip rows ``plan`` writes (to reserve their ids, which the events'
    hashes cover: exactly, or the next dossier's ids would shift). A reorganization's
    handover writes one only when the agency holds the paper (after the transfer, before
    the result), as ``_succeed`` decides."""
    count, held = 0, False
    for s in plan.steps:
        if s.action in _HANDING:
            count += 1
        if s.action in (Action.TRANSFER, Action.ACCEPT):
            held = True
        elif s.action == Action.COMPLETE:
            held = False
        elif s.action == Action.SUCCEED and held:
            count += 1
    return count


_HANDING = frozenset(
    {Action.TRANSFER, Action.ASSIGN, Action.HANDOVER, Action.COMPLETE, Action.DELIVER}
)
