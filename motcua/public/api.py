"""The public lookup API (mounted at /api/v1/): no account, a verifier, a rate limit.

The schemas whitelist what the applicant may read: the name masked, no ID, phone, e-mail or
address, no staff member's name. An unknown code and a wrong verifier get the same 404.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from motcua.core.api import PROBLEM_CONTENT_TYPE
from motcua.public.limits import check_lookup, verified
from motcua.public.otp import one_time_code_send
from motcua.public.selectors import PublicDossier, PublicSite, dossier_lookup

router = Router(tags=["public"])

ReturnName = Literal["site", "post", "online"]
ChannelName = Literal["in_person", "online", "post"]
PROBLEM = {"content": {PROBLEM_CONTENT_TYPE: {}}}
LIMITED = "Too many requests from this address, or this code is locked; see Retry-After"


class PublicProcedureOut(Schema):
    code: str
    name: str


class PublicSiteOut(Schema):
    code: str
    name: str
    address: str
    phone: str
    office_hours: list[list[str]] = Field(
        description='Working periods of a working day, e.g. [["08:00", "12:00"], …].'
    )
    office_hours_text: str


class PublicStatusOut(Schema):
    national_code: int = Field(description="The national status code, 1 to 10.")
    national_label: str
    explanation: str = Field(description="What the status means and what happens next.")


class PublicResultOut(Schema):
    method: ReturnName
    label: str
    site: PublicSiteOut | None = Field(description="Where to collect it, when at a site.")
    instructions: str


class PublicItemOut(Schema):
    name: str
    originals: int
    certified_copies: int
    copies: int


class PublicEventOut(Schema):
    at: datetime
    action: str
    label: str
    where: str = Field(description="The site or agency; never a person.")
    details: list[str]


class PublicDossierOut(Schema):
    code: str = Field(
        description="The official dossier code; for an online filing not yet received at its "
        "check, its online reference (TT-…)."
    )
    online_reference: str = Field(
        description="An online filing's reference (TT-…), which looks it up before and after "
        "its check; empty for other dossiers."
    )
    procedure: PublicProcedureOut
    applicant: str = Field(description='The applicant\'s name, masked: "Nguyễn V. A.".')
    channel: ChannelName
    status: PublicStatusOut
    submitted_at: datetime
    check_due_at: datetime | None = Field(
        description="While filed online and not yet checked: when the check is due."
    )
    appointment: datetime | None = Field(description="When the result is due.")
    finished_at: datetime | None
    delivered_at: datetime | None
    outcome: str
    received_at: PublicSiteOut = Field(description="The site that received the dossier.")
    competent_agency: str
    result: PublicResultOut
    reason: str = Field(description="The reason of a guidance, refusal, request or stop.")
    to_add: list[PublicItemOut] = Field(description="What the applicant must bring, if asked.")
    timeline: list[PublicEventOut]


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


def _site(site: PublicSite | None) -> dict | None:
    if site is None:
        return None
    return {
        "code": site.code,
        "name": site.name,
        "address": site.address,
        "phone": site.phone,
        "office_hours": [list(p) for p in site.office_hours],
        "office_hours_text": site.hours_text,
    }


def public_dossier_out(d: PublicDossier) -> dict:
    return {
        "code": d.code,
        "online_reference": d.online_reference,
        "procedure": {"code": d.procedure_code, "name": d.procedure_name},
        "applicant": d.applicant,
        "channel": d.channel,
        "status": {
            "national_code": d.national_code,
            "national_label": d.national_label,
            "explanation": d.explanation,
        },
        "submitted_at": _utc(d.submitted_at),
        "check_due_at": _utc(d.check_due_at),
        "appointment": _utc(d.due_at),
        "finished_at": _utc(d.finished_at),
        "delivered_at": _utc(d.delivered_at),
        "outcome": d.outcome,
        "received_at": _site(d.receiving_site),
        "competent_agency": d.competent_agency,
        "result": {
            "method": d.return_method,
            "label": d.return_label,
            "site": _site(d.return_site),
            "instructions": d.return_text,
        },
        "reason": d.reason,
        "to_add": [vars(i) for i in d.to_add],
        "timeline": [
            {
                "at": _utc(e.at),
                "action": e.action,
                "label": e.label,
                "where": e.where,
                "details": list(e.details),
            }
            for e in d.timeline
        ],
    }


class VerifierQuery(Schema):
    verifier: str = Field(
        pattern=r"^[0-9]{4}$",
        description="The last 4 digits of the applicant's phone number or ID (tax) number.",
    )


@router.get(
    "/public/dossiers/{code}",
    response={200: PublicDossierOut},
    auth=None,
    summary="Look a dossier up (public, no account)",
    openapi_extra={
        "responses": {
            404: {"description": "Unknown code or wrong verifier (one answer for both)", **PROBLEM},
            429: {"description": LIMITED, **PROBLEM},
        }
    },
)
def public_dossier(
    request: HttpRequest, code: str, query: Query[VerifierQuery], response: HttpResponse
):
    """The status, appointment, timeline and return of a dossier, for its applicant.

    `verifier` is the last 4 digits of the phone number or of the ID number given at filing.
    Lookups are limited per client address (10 a minute), and a code is locked for every
    address after a few wrong verifiers; beyond, 429 with `Retry-After`.
    """
    check_lookup(request)
    response["Cache-Control"] = "no-store"
    found = verified(request, code, lambda: dossier_lookup(code=code, verifier=query.verifier))
    return public_dossier_out(found)


class OneTimeCodeIn(Schema):
    verifier: str = Field(
        pattern=r"^[0-9]{4}$",
        description="The last 4 digits of the applicant's phone number or ID (tax) number.",
    )


class OneTimeCodeOut(Schema):
    channel: Literal["sms", "email"] = Field(description="Where the code went.")
    sent_to: str = Field(description='Masked: "098•••••21" or "l•••@example.vn".')
    expires_at: datetime


@router.post(
    "/public/dossiers/{code}/one-time-code",
    response={202: OneTimeCodeOut},
    auth=None,
    summary="Send a one-time code to the applicant (public, no account)",
    openapi_extra={
        "responses": {
            404: {"description": "Unknown code or wrong verifier (one answer for both)", **PROBLEM},
            409: {"description": "The code could not be sent now", **PROBLEM},
            422: {"description": "No phone or e-mail on file", **PROBLEM},
            429: {"description": LIMITED, **PROBLEM},
        }
    },
)
def one_time_code(request: HttpRequest, code: str, payload: OneTimeCodeIn, response: HttpResponse):
    """Send a 6-digit code to the phone (else the e-mail) given at filing. Rating a dossier
    and complaining about it as its applicant need it (`one_time_code`); it works once, for
    a few minutes (`expires_at`), for 5 tries. A new code replaces the previous one."""
    check_lookup(request)
    verified(request, code, lambda: dossier_lookup(code=code, verifier=payload.verifier))
    sent = one_time_code_send(dossier_code=code)
    response["Cache-Control"] = "no-store"
    return HttpStatus(
        202,
        {"channel": sent.channel, "sent_to": sent.sent_to, "expires_at": _utc(sent.expires_at)},
    )
