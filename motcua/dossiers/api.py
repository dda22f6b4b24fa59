"""The dossier API (mounted at /api/v1/): intake, reads, actions, events, forms, the ledger.

Endpoints stay thin: they parse, call one service or selector, and shape the answer. Every
error is a DomainError that :mod:`motcua.core.api` turns into problem+json.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status as HttpStatus

from motcua.core import clock
from motcua.core.api import IsoDate, IsoDatetime, Ref, ref
from motcua.core.auth import STAFF_AUTH
from motcua.core.downloads import attachment
from motcua.core.errors import InvalidInput, NotFound
from motcua.dossiers import rules
from motcua.dossiers.choices import (
    NATIONAL_STATUS,
    Action,
    NationalStatus,
    Status,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import ACTION_ROLES, Actor, acting_site, actor_for
from motcua.dossiers.selectors import (
    DossierFilters,
    StoredDownload,
    component_scan,
    dossier_get,
    dossier_list,
    events_of,
    result_download,
)
from motcua.dossiers.services import approval, competence
from motcua.dossiers.services import lifecycle as svc
from motcua.privacy.models import Channel
from motcua.privacy.services import access_record

router = Router(tags=["dossiers"])

ChannelName = Literal["in_person", "online", "post"]
ReturnName = Literal["site", "post", "online"]
StatusName = Literal[tuple(Status.values)]  # type: ignore[valid-type]
ActionName = Literal[
    "receive",
    "guide",
    "refuse",
    "transfer",
    "accept",
    "assign",
    "handover",
    "request_supplement",
    "receive_supplement",
    "require_obligation",
    "fulfil_obligation",
    "extend",
    "complete",
    "deliver",
    "withdraw",
    "stop",
    "pay",
    "return_wrong_agency",
    "reroute",
    "submit_for_approval",
    "approve",
    "send_back",
]


# -- schemas -----------------------------------------------------------------------------------


class ApplicantSchema(Schema):
    kind: Literal["individual", "organization"] = "individual"
    name: str = Field(max_length=300)
    id_number: str = Field("", max_length=20, description="12-digit citizen ID, or tax code.")
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)
    unit: str = Field("", max_length=10, description="GSO code of the applicant's commune/ward.")


class ComponentSchema(Schema):
    order: int = Field(ge=1, le=999)
    received: bool = True
    originals: int | None = Field(None, ge=0, le=99)
    certified_copies: int | None = Field(None, ge=0, le=99)
    copies: int | None = Field(None, ge=0, le=99)
    shown: int | None = Field(
        None, ge=0, le=99, description="Papers shown at the counter and handed back."
    )


class ItemSchema(Schema):
    name: str = Field(max_length=500)
    originals: int = Field(0, ge=0, le=99)
    certified_copies: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)


DOSSIER_EXAMPLE = {
    "procedure": "2.000815",
    "applicant": {
        "name": "Nguyễn Văn An",
        "id_number": "001085012345",
        "phone": "0912345678",
        "address": "Số 1 phố Điện Biên Phủ, phường Ba Đình, Hà Nội",
        "unit": "00004",
    },
    "return_method": "site",
    "return_site": "CN01",
    "fee_paid": 2000,
    "payment_method": "cash",
}


class DossierIn(Schema):
    model_config = {"json_schema_extra": {"examples": [DOSSIER_EXAMPLE]}}

    procedure: str = Field(max_length=20, description="National procedure code, e.g. 2.000908.")
    site: str | None = Field(
        None, max_length=40, description="Receiving site code; default: your only site today."
    )
    channel: Literal["in_person", "post"] = "in_person"
    decision: Literal["receive", "guide", "refuse"] = "receive"
    applicant: ApplicantSchema
    object_unit: str = Field(
        "",
        max_length=10,
        description="GSO code of the commune/ward where the procedure's object (its "
        "object_label: land, building, business location) is, when it decides.",
    )
    request: str = Field("", max_length=2000)
    sets: int = Field(1, ge=1, le=99)
    components: list[ComponentSchema] | None = Field(
        None,
        description="What was handed in, and how. Omit to record the procedure's required "
        "components as received in the catalogue's kind and number (optional ones as not).",
    )
    return_method: ReturnName = "site"
    return_site: str = Field("", max_length=40)
    return_address: str = Field("", max_length=500)
    fee_paid: int = Field(0, ge=0, le=10_000_000_000)
    payment_method: Literal["", "cash", "transfer", "online"] = ""
    reason: str = Field("", max_length=2000, description="Reason for guide or refuse.")
    items: list[ItemSchema] | None = Field(None, description="What to add, for guide.")


class DossierComponentOut(Schema):
    order: int
    name: str
    originals: int
    certified_copies: int
    copies: int
    shown: int
    received: bool
    digitised: bool
    sha256: str


class ApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    phone: str
    email: str
    address: str
    unit: str | None


class CustodianOut(Schema):
    site: Ref | None
    agency: Ref | None
    person: str | None


class DossierOut(Schema):
    code: str
    version: int
    status: str
    status_label: str
    national_status: int
    national_status_label: str
    channel: str
    regime: str
    procedure: Ref
    procedure_version: int
    time_limit: int
    time_limit_unit: str
    applicant: ApplicantOut
    object_unit: str | None
    request: str
    sets: int
    receiving_site: Ref
    competent_agency: Ref
    outside_territory: bool
    return_method: str
    return_site: Ref | None
    return_address: str
    submitted_at: datetime
    deemed_received_at: datetime | None
    due_at: datetime | None
    original_due_at: datetime | None
    check_due_at: datetime | None
    transfer_due_at: datetime | None
    transferred_at: datetime | None
    paused_at: datetime | None
    finished_at: datetime | None
    delivered_at: datetime | None
    timeliness: str
    outcome: str
    supplement_count: int
    extension_count: int
    step: int | None
    custodian: CustodianOut
    assignee: str | None
    fee_due: int
    fee_paid: int
    payment_method: str
    obligation_amount: int
    components: list[DossierComponentOut]
    forms: list[str]
    returned_from: Ref | None = Field(
        description="The agency that returned the dossier as outside its competence, until "
        "the site re-routes it."
    )
    allowed_actions: list[str] = Field(
        description="Actions the state allows (your role may still be refused)."
    )


class DossierRow(Schema):
    code: str
    version: int
    status: str
    national_status: int
    channel: str
    procedure: Ref
    applicant_name: str
    receiving_site: Ref
    competent_agency: Ref
    return_site: Ref | None
    submitted_at: datetime
    due_at: datetime | None
    timeliness: str


class DossierPage(Schema):
    count: int
    items: list[DossierRow]


class DossierEventOut(Schema):
    seq: int
    action: str
    action_label: str
    at: datetime
    actor: str
    site: Ref | None
    agency: Ref | None
    from_status: str
    to_status: str
    payload: dict
    hash: str
    prev_hash: str


class ActionIn(Schema):
    site: str | None = Field(None, max_length=40, description="Where you act (one-stop actions).")
    reason: str = Field("", max_length=2000)
    items: list[ItemSchema] | None = None
    note: str = Field("", max_length=2000)
    assignee: str = Field("", max_length=150, description="Username, for assign.")
    to: str = Field("", max_length=150, description="Username of the next step's holder.")
    new_due_at: IsoDatetime | None = Field(None, description="New appointment, for extend.")
    amount: int | None = Field(None, ge=0, le=100_000_000_000)
    method: Literal["", "cash", "transfer", "online"] = ""
    outcome: Literal["granted", "rejected"] = "granted"
    recipient_name: str = Field("", max_length=300)
    recipient_id_number: str = Field("", max_length=20)
    officer_phone: str = Field("", max_length=20)
    agency: str = Field("", max_length=40, description="Agency code, for reroute.")


class ListQuery(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    site: str | None = Field(
        None, description="Receiving site code; a branch's code includes its reception points."
    )
    state: Literal["open", "late", "due_soon"] | None = Field(
        None,
        description="open: being processed; late: open past its due time; due_soon: "
        "open and due within one working day.",
    )
    agency: str | None = Field(None, description="Competent agency code.")
    procedure: str | None = None
    channel: ChannelName | None = None
    due_before: IsoDatetime | None = None
    due_after: IsoDatetime | None = None
    q: str | None = Field(None, max_length=100, description="Code or applicant name.")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000_000)


class LedgerQuery(Schema):
    site: str
    start: IsoDate
    end: IsoDate
    format: Literal["pdf", "csv"] = "pdf"
    boundary_free: bool = Field(
        False,
        description="Only the dossiers received outside the competent agency's territory "
        "(the ledger of boundary-free dossiers).",
    )


# -- shaping -----------------------------------------------------------------------------------


def _utc(moment: datetime | None) -> datetime | None:
    """Every time in the API is given in UTC, whichever zone it was computed in."""
    return None if moment is None else moment.astimezone(UTC)


def _person(user) -> str | None:
    if user is None:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.full_name if profile else user.get_username()


def dossier_out(dossier: Dossier) -> dict:
    national = NATIONAL_STATUS[dossier.status]
    return {
        "code": dossier.code,
        "version": dossier.version,
        "status": dossier.status,
        "status_label": str(Status(dossier.status).label),
        "national_status": int(national),
        "national_status_label": str(NationalStatus(national).label),
        "channel": dossier.channel,
        "regime": dossier.regime.code,
        "procedure": ref(dossier.procedure),
        "procedure_version": dossier.procedure_version.number,
        "time_limit": dossier.time_limit,
        "time_limit_unit": dossier.time_limit_unit,
        "applicant": {
            "kind": dossier.applicant_kind,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
            "unit": dossier.applicant_unit.code if dossier.applicant_unit else None,
        },
        "object_unit": dossier.object_unit.code if dossier.object_unit else None,
        "request": dossier.request,
        "sets": dossier.sets,
        "receiving_site": ref(dossier.receiving_site),
        "competent_agency": ref(dossier.competent_agency),
        "outside_territory": dossier.outside_territory,
        "return_method": dossier.return_method,
        "return_site": ref(dossier.return_site),
        "return_address": dossier.return_address,
        "submitted_at": _utc(dossier.submitted_at),
        "deemed_received_at": _utc(dossier.deemed_received_at),
        "due_at": _utc(dossier.due_at),
        "original_due_at": _utc(dossier.original_due_at),
        "check_due_at": _utc(dossier.check_due_at),
        "transfer_due_at": _utc(dossier.transfer_due_at),
        "transferred_at": _utc(dossier.transferred_at),
        "paused_at": _utc(dossier.paused_at),
        "finished_at": _utc(dossier.finished_at),
        "delivered_at": _utc(dossier.delivered_at),
        "timeliness": dossier.timeliness,
        "outcome": dossier.outcome,
        "supplement_count": dossier.supplement_count,
        "extension_count": dossier.extension_count,
        "step": dossier.step,
        "custodian": {
            "site": ref(dossier.custodian_site),
            "agency": ref(dossier.custodian_agency),
            "person": _person(dossier.custodian),
        },
        "assignee": _person(dossier.assignee),
        "fee_due": dossier.fee_due,
        "fee_paid": dossier.fee_paid,
        "payment_method": dossier.payment_method,
        "obligation_amount": dossier.obligation_amount,
        "components": [
            {
                "order": c.order,
                "name": c.name,
                "originals": c.originals,
                "certified_copies": c.certified_copies,
                "copies": c.copies,
                "shown": c.shown,
                "received": c.received,
                "digitised": c.digitised_at is not None,
                "sha256": c.sha256,
            }
            for c in dossier.components.all()
        ],
        "forms": sorted(dossier.forms),
        "returned_from": ref(dossier.returned_from),
        "allowed_actions": rules.actions_allowed(
            dossier.status, returned=dossier.returned_from_id is not None
        ),
    }


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user, clock.today())


def _expected_version(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() in ("", "*"):
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise InvalidInput(
            _('If-Match must carry the dossier\'s version number, e.g. "3".'), field="If-Match"
        )
    return int(value)


def _fresh(code: str, actor: Actor) -> Dossier:
    return dossier_get(actor=actor, code=code)


def _with_etag(response_data: dict, response: HttpResponse) -> dict:
    response["ETag"] = f'"{response_data["version"]}"'
    return response_data


# -- endpoints ---------------------------------------------------------------------------------


@router.post(
    "/dossiers",
    response={200: DossierOut, 201: DossierOut},
    auth=STAFF_AUTH,
    summary="Register a dossier at a one-stop site",
)
def dossier_create(
    request: HttpRequest,
    payload: DossierIn,
    response: HttpResponse,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=200),
):
    """Receive (form 01), guide (form 02) or refuse (form 03) a dossier at the counter.

    Send an `Idempotency-Key` header: a retry with the same key returns the first dossier
    (200) instead of making a second one (201).
    """
    actor = _actor(request)
    site = acting_site(actor, payload.site)
    if site is None:
        raise InvalidInput(
            _("Say at which site you receive: you work at several sites, or at none, today."),
            field="site",
        )
    data = payload.dict()
    dossier, created = svc.dossier_create(
        actor=actor,
        site=site,
        procedure_code=payload.procedure,
        applicant=svc.ApplicantIn(
            kind=payload.applicant.kind,
            name=payload.applicant.name,
            id_number=payload.applicant.id_number,
            phone=payload.applicant.phone,
            email=payload.applicant.email,
            address=payload.applicant.address,
            unit_code=payload.applicant.unit,
        ),
        channel=payload.channel,
        decision=payload.decision,
        object_unit_code=payload.object_unit,
        request=payload.request,
        sets=payload.sets,
        components=(
            [svc.ComponentIn(**c.dict()) for c in payload.components]
            if payload.components is not None
            else None
        ),
        return_method=payload.return_method,
        return_site_code=payload.return_site,
        return_address=payload.return_address,
        fee_paid=payload.fee_paid,
        payment_method=payload.payment_method,
        reason=payload.reason,
        items=[svc.SupplementItem(**i.dict()) for i in payload.items] if payload.items else None,
        idempotency_key=idempotency_key or "",
        digest=svc.request_digest(data) if idempotency_key else "",
    )
    # A new dossier was just built with its related rows; a replay is read back in scope.
    body = _with_etag(dossier_out(dossier if created else _fresh(dossier.code, actor)), response)
    response["Location"] = f"/api/v1/dossiers/{dossier.code}"
    return HttpStatus(201 if created else 200, body)


@router.get("/dossiers", response=DossierPage, auth=STAFF_AUTH, summary="Dossiers in your scope")
def dossier_index(request: HttpRequest, filters: Query[ListQuery]):
    """Dossiers you may see, most recent first, filtered and paginated (limit/offset)."""
    qs = dossier_list(
        actor=_actor(request),
        filters=DossierFilters(
            status=filters.status,
            site=filters.site,
            agency=filters.agency,
            procedure=filters.procedure,
            channel=filters.channel,
            due_before=filters.due_before,
            due_after=filters.due_after,
            q=filters.q,
            state=filters.state,
        ),
    )
    rows = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "items": [
            {
                "code": d.code,
                "version": d.version,
                "status": d.status,
                "national_status": int(NATIONAL_STATUS[d.status]),
                "channel": d.channel,
                "procedure": ref(d.procedure),
                "applicant_name": d.applicant_name,
                "receiving_site": ref(d.receiving_site),
                "competent_agency": ref(d.competent_agency),
                "return_site": ref(d.return_site),
                "submitted_at": d.submitted_at,
                "due_at": d.due_at,
                "timeliness": d.timeliness,
            }
            for d in rows
        ],
    }


@router.get("/dossiers/{code}", response=DossierOut, auth=STAFF_AUTH, summary="One dossier")
def dossier_detail(request: HttpRequest, code: str, response: HttpResponse):
    """The dossier with its status (internal and national), deadlines, custodian and parts.

    The `ETag` header carries the version to send back in `If-Match` with an action.
    """
    dossier = dossier_get(actor=_actor(request), code=code)
    access_record(user=request.user, channel=Channel.API, dossier_id=dossier.pk)
    return _with_etag(dossier_out(dossier), response)


def _items(body: ActionIn) -> list[svc.SupplementItem]:
    return [svc.SupplementItem(**i.dict()) for i in body.items or []]


@router.post(
    "/dossiers/{code}/actions/{action}",
    response=DossierOut,
    auth=STAFF_AUTH,
    summary="Act on a dossier",
)
def dossier_action(
    request: HttpRequest,
    code: str,
    action: ActionName,
    body: ActionIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Apply one action of the one-stop mechanism. Send `If-Match: "<version>"`: a dossier
    changed by someone else since you read it answers 409 instead of acting twice.

    Fields used per action: `guide` reason, items; `refuse` reason; `assign` assignee;
    `handover` to, note; `request_supplement` reason, items, officer_phone;
    `require_obligation` amount, note; `extend` new_due_at, reason; `complete` outcome, note;
    `deliver` recipient_name, recipient_id_number, note; `withdraw` reason; `stop` reason;
    `pay` amount, method; `return_wrong_agency` reason (a leader of the competent agency);
    `reroute` agency (the site of a dossier returned by an agency); `submit_for_approval` to
    (the leader or delegate, optional), note; `approve` note; `send_back` reason. One-stop
    actions take `site` when you work at several sites.

    A leader signs (§2.4): `complete` by a specialist needs an `approve` by a leader of the
    agency, or by a person a leader delegated to, first (409 `approval_required`); a leader
    (or delegate) may still complete directly, signing in the same act.
    """
    actor = _actor(request)
    version = _expected_version(if_match)
    site = acting_site(actor, body.site)
    common = {"actor": actor, "code": code.strip().upper(), "expected_version": version}
    handlers = {
        "receive": lambda: svc.dossier_accept_online(site=site, **common),
        "guide": lambda: svc.dossier_guide(
            site=site, reason=body.reason, items=_items(body), **common
        ),
        "refuse": lambda: svc.dossier_refuse(site=site, reason=body.reason, **common),
        "transfer": lambda: svc.dossier_transfer(site=site, **common),
        "accept": lambda: svc.dossier_accept(**common),
        "assign": lambda: svc.dossier_assign(assignee=body.assignee, **common),
        "handover": lambda: svc.dossier_handover(to=body.to, note=body.note, **common),
        "request_supplement": lambda: svc.dossier_request_supplement(
            site=site if _acts_at_site(actor, site) else None,
            reason=body.reason,
            items=_items(body),
            officer_phone=body.officer_phone,
            **common,
        ),
        "receive_supplement": lambda: svc.dossier_receive_supplement(
            site=site, note=body.note, **common
        ),
        "require_obligation": lambda: svc.dossier_require_obligation(
            amount=body.amount or 0, note=body.note, **common
        ),
        "fulfil_obligation": lambda: svc.dossier_fulfil_obligation(
            site=site if _acts_at_site(actor, site) else None, note=body.note, **common
        ),
        "extend": lambda: svc.dossier_extend(
            new_due_at=body.new_due_at, reason=body.reason, **common
        ),
        "complete": lambda: svc.dossier_complete(outcome=body.outcome, note=body.note, **common),
        "deliver": lambda: svc.dossier_deliver(
            site=site,
            recipient_name=body.recipient_name,
            recipient_id_number=body.recipient_id_number,
            note=body.note,
            **common,
        ),
        "withdraw": lambda: svc.dossier_withdraw(site=site, reason=body.reason, **common),
        "stop": lambda: svc.dossier_stop(reason=body.reason, **common),
        "pay": lambda: svc.dossier_pay(
            site=site, amount=body.amount or 0, method=body.method, **common
        ),
        "return_wrong_agency": lambda: competence.dossier_return_wrong_agency(
            reason=body.reason, **common
        ),
        "reroute": lambda: competence.dossier_reroute(site=site, agency_code=body.agency, **common),
        "submit_for_approval": lambda: approval.dossier_submit_for_approval(
            to=body.to, note=body.note, **common
        ),
        "approve": lambda: approval.dossier_approve(note=body.note, **common),
        "send_back": lambda: approval.dossier_send_back(reason=body.reason, **common),
    }
    dossier = handlers[action]()
    return _with_etag(dossier_out(_fresh(dossier.code, actor)), response)


def _acts_at_site(actor: Actor, site) -> bool:
    return site is not None and bool(actor.roles_at_site(site.pk))


@router.post(
    "/dossiers/{code}/components/{order}/file",
    response=DossierComponentOut,
    auth=STAFF_AUTH,
    summary="Attach the scan of a received component",
)
def component_attach(
    request: HttpRequest,
    code: str,
    order: int,
    file: File[UploadedFile],
    site: Form[str] = "",
    if_match: str | None = Header(None, alias="If-Match"),
):
    """Digitise a component: PDF, JPEG or PNG up to 20 MB; stored with its SHA-256."""
    actor = _actor(request)
    component = svc.dossier_attach(
        actor=actor,
        code=code.strip().upper(),
        order=order,
        file=file,
        site=acting_site(actor, site or None),
        expected_version=_expected_version(if_match),
    )
    return {
        "order": component.order,
        "name": component.name,
        "originals": component.originals,
        "certified_copies": component.certified_copies,
        "copies": component.copies,
        "shown": component.shown,
        "received": component.received,
        "digitised": component.digitised_at is not None,
        "sha256": component.sha256,
    }


def _download(download: StoredDownload) -> FileResponse:
    return attachment(download.file, filename=download.name, content_type=download.content_type)


@router.get(
    "/dossiers/{code}/components/{order}/file",
    auth=STAFF_AUTH,
    summary="The stored scan of a component",
    response={200: bytes},
    openapi_extra={
        "responses": {200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}}}}
    },
)
def component_file(request: HttpRequest, code: str, order: int):
    """The file stored when the component was digitised (its SHA-256 is in the dossier's
    `components` and in the audit event that stored it); 404 when there is none."""
    download = component_scan(actor=_actor(request), code=code, order=order)
    access_record(
        user=request.user, channel=Channel.FILE, dossier_id=download.dossier_id, detail=str(order)
    )
    return _download(download)


@router.get(
    "/dossiers/{code}/result",
    auth=STAFF_AUTH,
    summary="The electronic result of a completed dossier",
    response={200: bytes},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}},
)
def result_file(request: HttpRequest, code: str):
    """The result file kept at completion (its SHA-256 is in the `complete` event); 404 when
    the result was not kept electronically."""
    download = result_download(actor=_actor(request), code=code)
    access_record(user=request.user, channel=Channel.RESULT, dossier_id=download.dossier_id)
    return _download(download)


@router.get(
    "/dossiers/{code}/events",
    response=list[DossierEventOut],
    auth=STAFF_AUTH,
    summary="The dossier's audit trail",
)
def dossier_events(request: HttpRequest, code: str):
    """Every event in order, each with the hash that chains it to the one before."""
    events = list(events_of(actor=_actor(request), code=code))
    if events:
        access_record(
            user=request.user, channel=Channel.API_EVENTS, dossier_id=events[0].dossier_id
        )
    return [
        {
            "seq": e.seq,
            "action": e.action,
            "action_label": str(Action(e.action).label),
            "at": e.at,
            "actor": e.actor_name,
            "site": ref(e.site),
            "agency": ref(e.agency),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "payload": e.payload,
            "hash": e.hash,
            "prev_hash": e.prev_hash,
        }
        for e in events
    ]


@router.get(
    "/dossiers/{code}/forms/{form}.pdf",
    auth=STAFF_AUTH,
    summary="An official form of the dossier as PDF",
    response={200: bytes},
    openapi_extra={
        "responses": {
            200: {"content": {"application/pdf": {}}},
            409: {"description": "The dossier's state has nothing for this form yet"},
        }
    },
)
def dossier_form(request: HttpRequest, code: str, form: str):
    """`form` is the kind (receipt, supplement, refusal, apology, stop, control) or its number
    in the dossier's regime (01…07)."""
    from motcua.dossiers.forms import render_form

    dossier = dossier_get(actor=_actor(request), code=code)
    kind = form
    if form.isdigit():
        kind = next((k for k, f in dossier.forms.items() if f["number"] == form.zfill(2)), form)
    if kind == "ledger" or kind not in dossier.forms:
        raise NotFound(
            _("Dossier %(code)s has no form %(form)s.") % {"code": dossier.code, "form": form}
        )
    pdf = render_form(dossier, kind, request=request)
    access_record(user=request.user, channel=Channel.FORM, dossier_id=dossier.pk, detail=kind)
    response = HttpResponse(pdf, content_type="application/pdf")
    number = dossier.forms[kind]["number"]
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{number}.pdf"'
    return response


@router.get(
    "/ledger",
    auth=STAFF_AUTH,
    summary="The tracking ledger of a site (PDF or CSV)",
    response={200: bytes},
    openapi_extra={"responses": {200: {"content": {"application/pdf": {}, "text/csv": {}}}}},
)
def ledger(request: HttpRequest, filters: Query[LedgerQuery]):
    """Dossiers received at `site` from `start` to `end` (inclusive), as the ledger form;
    with `boundary_free=true`, only those received outside the competent agency's territory
    (the ledger of boundary-free dossiers)."""
    from motcua.dossiers.forms import ledger_csv, ledger_file_name, ledger_pdf
    from motcua.dossiers.selectors import ledger_site

    site = ledger_site(actor=_actor(request), code=filters.site, start=filters.start,
                       end=filters.end)  # fmt: skip
    period = {"site": site, "start": filters.start, "end": filters.end,
              "boundary_free": filters.boundary_free}  # fmt: skip
    name = ledger_file_name(**period)
    access_record(user=request.user, channel=Channel.LEDGER, detail=f"{name}.{filters.format}")
    if filters.format == "csv":
        response = HttpResponse(ledger_csv(**period), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(ledger_pdf(**period), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


__all__ = ["router", "ACTION_ROLES"]
