"""Public reads: what anyone may learn of a dossier, the catalogue and the network.

A dossier is read here only after its verifier matched, and always as plain values built from
whitelisted fields: the applicant's name masked ("Nguyễn V. A."), never their ID, phone,
e-mail or address, and never a staff member's name (events are told by what happened and
where, not by whom). The HTML pages and the API render these values, never a model.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.selectors import procedure_get, procedures_search, version_on
from motcua.core.errors import DomainError, NotFound
from motcua.core.refcache import reference_cache
from motcua.core.text import normalize
from motcua.dossiers.audit import payload_instant as _instant
from motcua.dossiers.choices import (
    NATIONAL_STATUS,
    Action,
    NationalStatus,
    Outcome,
    ReturnMethod,
    Status,
)
from motcua.dossiers.models import Dossier, DossierEvent, Regime
from motcua.organization.choices import SiteKind, UnitLevel
from motcua.organization.models import AdministrativeUnit, Site, UnitSuccession
from motcua.organization.selectors.network import network_on
from motcua.worktime.rules import HANOI

#: Procedures a citizen may file online (one-stop-rules §7, indicator 3.1).
ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)

#: The one answer to an unknown code and to a wrong verifier alike: telling them apart would
#: let anyone learn which codes exist.
NOT_FOUND_MESSAGE = gettext_lazy(
    "No dossier matches this code and these four digits. Check both and try again: the digits "
    "are the last four of the phone number, or of the ID number, given when the dossier was filed."
)

# Compared with when the dossier is unknown, so that a miss costs what a wrong verifier costs.
_NO_DIGITS = "\x00" * 4


def by_code(code: str) -> Q:
    """A dossier by its code or, for an online filing, by the reference it had before its
    check gave it the official code: the citizen may hold either."""
    return Q(code=code) | Q(online_reference=code)


# -- masking and the verifier ------------------------------------------------------------------


def mask_name(name: str) -> str:
    """The family name in full, then the initial of every other word: "Nguyễn V. A."."""
    words = normalize(name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0].upper() + "."
    return " ".join([words[0], *(w[0].upper() + "." for w in words[1:])])


def last_four(value: str) -> str:
    """The last four digits of a phone or ID number, or "" when it has fewer."""
    digits = "".join(ch for ch in value or "" if ch.isascii() and ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def verifier_matches(verifier: str, *, phone: str, id_number: str) -> bool:
    """Whether ``verifier`` is the last four digits of ``phone`` or of ``id_number``.

    Both comparisons always run, in constant time, whatever the first one gave.
    """
    given = (verifier or "").encode()
    if len(given) != 4 or not given.isdigit():
        given = b"????"
    by_phone = hmac.compare_digest(given, (last_four(phone) or _NO_DIGITS).encode())
    by_id = hmac.compare_digest(given, (last_four(id_number) or _NO_DIGITS).encode())
    return by_phone | by_id


# -- sites -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicSite:
    code: str
    name: str
    kind: str
    address: str
    phone: str
    office_hours: tuple[tuple[str, str], ...]

    @property
    def hours_text(self) -> str:
        return hours_text(self.office_hours)


def hours_text(office_hours) -> str:
    """Office hours as a sentence: "working days (Monday to Friday…), 08:00–12:00, 13:00–17:00"."""
    periods = ", ".join(f"{start}–{end}" for start, end in office_hours or ())
    return _("working days (Monday to Friday, except public holidays), %(hours)s") % {
        "hours": periods or "08:00–12:00, 13:00–17:00"
    }


def public_site(site: Site | None) -> PublicSite | None:
    if site is None:
        return None
    return PublicSite(
        code=site.code,
        name=site.name,
        kind=site.kind,
        address=site.address,
        phone=site.phone,
        office_hours=tuple((str(a), str(b)) for a, b in (site.office_hours or ())),
    )


def sites_on(day: date) -> list[Site]:
    """The receiving sites operating on ``day`` (the Center left out), with their coverage."""
    return reference_cache.get_or_set(("public-network", day), lambda: network_on(day=day))


def sites_grouped(sites: list[Site]) -> list[tuple[str, list[Site]]]:
    """Sites by kind, in the network's order: branches, reception points, commune points."""
    groups = [
        (SiteKind.BRANCH, gettext_lazy("Branches")),
        (SiteKind.RECEPTION_POINT, gettext_lazy("Reception points")),
        (SiteKind.COMMUNE_POINT, gettext_lazy("Commune service points")),
    ]
    return [
        (str(label), [s for s in sites if s.kind == kind])
        for kind, label in groups
        if any(s.kind == kind for s in sites)
    ]


_KIND_RANK = {
    SiteKind.COMMUNE_POINT: 0,
    SiteKind.RECEPTION_POINT: 1,
    SiteKind.BRANCH: 2,
}


def default_site_for(*, unit: AdministrativeUnit | None, sites: list[Site]) -> Site | None:
    """The site that serves ``unit`` (a commune or ward), chosen from ``sites``.

    First the site that lies in the ward or covers exactly it (the commune service point);
    then a branch or reception point of the district the ward belongs to, or was formed from
    in 2025; else the first branch. Since every site receives for the whole city, this is a
    convenience for the citizen, who may choose any other.
    """
    if not sites:
        return None
    if unit is not None:
        here = [
            s
            for s in sites
            if s.located_in_id == unit.pk or any(c.unit_id == unit.pk for c in s.covers_on_day)
        ]
        if here:
            return min(here, key=lambda s: _KIND_RANK.get(s.kind, 9))
        districts = _districts_of(unit)
        near = [
            s
            for s in sites
            if s.kind in (SiteKind.BRANCH, SiteKind.RECEPTION_POINT)
            and (
                s.located_in_id in districts or any(c.unit_id in districts for c in s.covers_on_day)
            )
        ]
        if near:
            return max(near, key=lambda s: _KIND_RANK.get(s.kind, 9))
    branches = [s for s in sites if s.kind == SiteKind.BRANCH]
    return branches[0] if branches else sites[0]


def _districts_of(unit: AdministrativeUnit) -> set[int]:
    districts: set[int] = set()
    parent = unit.parent if unit.parent_id else None
    if parent is not None and parent.level == UnitLevel.DISTRICT:
        districts.add(parent.pk)
    # A commune formed on 1 July 2025 belongs to the districts its former wards were in.
    districts |= set(
        UnitSuccession.objects.filter(
            successor=unit, predecessor__parent__level=UnitLevel.DISTRICT
        ).values_list("predecessor__parent_id", flat=True)
    )
    return districts


# -- the catalogue -----------------------------------------------------------------------------


def procedures_public(
    *, query: str = "", sector: str | None = None, online_only: bool = False, day: date
) -> QuerySet[Procedure]:
    """Procedures in force on ``day`` matching ``query`` (diacritics ignored) and ``sector``;
    with ``online_only``, only those a citizen may file online."""
    procedures = procedures_search(query=query, sector=sector or None, day=day)
    if online_only:
        online = ProcedureVersion.objects.on(day).filter(
            procedure=OuterRef("pk"), online_level__in=ONLINE_LEVELS
        )
        procedures = procedures.filter(Exists(online))
    return procedures


def procedure_public(*, code: str, day: date) -> ProcedureVersion:
    """The version of procedure ``code`` in force on ``day``; ``NotFound`` if there is none."""
    try:
        return version_on(procedure=procedure_get(code=code), day=day)
    except NotFound:
        raise
    except DomainError as exc:
        raise NotFound(exc.detail) from exc


def files_online(version: ProcedureVersion) -> bool:
    return version.online_level in ONLINE_LEVELS


def online_check_hours(day: date) -> int:
    """Working hours a site has to check an online dossier, by the regime in force on ``day``."""
    hours = Regime.objects.on(day).values_list("online_check_hours", flat=True).first()
    return hours if hours is not None else 8


# -- one dossier, as its applicant may see it ---------------------------------------------------


@dataclass(frozen=True)
class PublicItem:
    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0

    @property
    def text(self) -> str:
        """The name with how many of each kind: "Tờ khai (1 original, 2 copies)"."""
        return items_text([self])


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    action: str
    label: str
    where: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicDossier:
    code: str
    procedure_code: str
    procedure_name: str
    applicant: str  # masked
    status: str
    national_code: int
    national_label: str
    explanation: str
    channel: str
    submitted_at: datetime
    check_due_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    delivered_at: datetime | None
    outcome: str
    receiving_site: PublicSite
    competent_agency: str
    return_method: str
    return_label: str
    return_site: PublicSite | None
    return_text: str
    reason: str = ""
    to_add: tuple[PublicItem, ...] = ()
    #: The result was chosen electronically and its signed file is there to download.
    electronic_result: bool = False
    result_sha256: str = ""
    timeline: tuple[PublicEvent, ...] = field(default_factory=tuple)
    #: An online filing's reference: its code until the check receives it, then kept beside
    #: the official code; empty for other dossiers.
    online_reference: str = ""

    @property
    def awaiting_code(self) -> bool:
        """Filed online, not yet received: the code shown is the reference."""
        return bool(self.online_reference) and self.code == self.online_reference


def dossier_lookup(*, code: str, verifier: str) -> PublicDossier:
    """The dossier with ``code`` whose applicant's phone or ID number ends in ``verifier``.

    Raise :class:`NotFound` with one and the same message when the code is unknown and when the
    verifier is wrong; both read one row and compare both numbers, so that they also take
    about the same time.
    """
    code = normalize(code or "").upper()
    row = None
    if code and len(code) <= 60:
        row = (
            Dossier.objects.filter(by_code(code))
            .values_list("pk", "applicant_phone", "applicant_id_number")
            .first()
        )
    phone, id_number = (row[1], row[2]) if row else ("", "")
    matches = verifier_matches(verifier, phone=phone, id_number=id_number)
    if row is None or not matches:
        raise NotFound(str(NOT_FOUND_MESSAGE))
    return public_dossier(pk=row[0])


def public_dossier_by_code(code: str) -> PublicDossier:
    """The whitelisted view of dossier ``code`` (or reference): call after the verifier."""
    pk = Dossier.objects.filter(by_code(code)).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(str(NOT_FOUND_MESSAGE))
    return public_dossier(pk=pk)


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment, HANOI).strftime("%H:%M %d/%m/%Y") if moment else ""


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def public_dossier(*, pk: int) -> PublicDossier:
    """Build the whitelisted view of dossier ``pk`` (no check here: call after the verifier)."""
    dossier = (
        Dossier.objects.select_related(
            "regime", "procedure", "receiving_site", "return_site", "competent_agency"
        )
        .only(
            "code",
            "online_reference",
            "status",
            "channel",
            "submitted_at",
            "check_due_at",
            "due_at",
            "finished_at",
            "delivered_at",
            "outcome",
            "return_method",
            "result_file",
            "result_sha256",
            "obligation_amount",
            "applicant_name",
            "regime__online_check_hours",
            "procedure__code",
            "procedure__name",
            "receiving_site__code",
            "receiving_site__name",
            "receiving_site__kind",
            "receiving_site__address",
            "receiving_site__phone",
            "receiving_site__office_hours",
            "return_site__code",
            "return_site__name",
            "return_site__kind",
            "return_site__address",
            "return_site__phone",
            "return_site__office_hours",
            "competent_agency__name",
        )  # fmt: skip
        .get(pk=pk)
    )
    events = list(
        DossierEvent.objects.filter(dossier_id=pk)
        .select_related("site", "agency")
        .only("action", "at", "payload", "site__name", "agency__name")
        .order_by("seq")
    )
    receiving = public_site(dossier.receiving_site)
    returning = (
        public_site(dossier.return_site or dossier.receiving_site)
        if dossier.return_method == ReturnMethod.SITE
        else None
    )
    return_text = _return_text(dossier.return_method, returning)
    reason, to_add = _open_request(dossier, events)
    national = NATIONAL_STATUS[dossier.status]
    electronic = _has_electronic_result(dossier)
    return PublicDossier(
        code=dossier.code,
        online_reference=dossier.online_reference,
        procedure_code=dossier.procedure.code,
        procedure_name=dossier.procedure.name,
        applicant=mask_name(dossier.applicant_name),
        status=dossier.status,
        national_code=int(national),
        national_label=str(NationalStatus(national).label),
        explanation=_explanation(dossier, receiving, return_text),
        channel=dossier.channel,
        submitted_at=dossier.submitted_at,
        check_due_at=dossier.check_due_at if dossier.status == Status.SUBMITTED else None,
        due_at=dossier.due_at,
        finished_at=dossier.finished_at,
        delivered_at=dossier.delivered_at,
        outcome=str(Outcome(dossier.outcome).label) if dossier.outcome else "",
        receiving_site=receiving,
        competent_agency=dossier.competent_agency.name,
        return_method=dossier.return_method,
        return_label=str(ReturnMethod(dossier.return_method).label),
        return_site=returning,
        return_text=return_text,
        reason=reason,
        to_add=to_add,
        timeline=tuple(e for e in map(_public_event, events) if e is not None),
        electronic_result=electronic,
        result_sha256=dossier.result_sha256 if electronic else "",
    )


def _has_electronic_result(dossier: Dossier) -> bool:
    return (
        dossier.return_method == ReturnMethod.ONLINE
        and bool(dossier.result_file)
        and dossier.status in (Status.RESULT_READY, Status.DELIVERED)
    )


def electronic_result(*, code: str):
    """The electronic result file of dossier ``code`` (call after the verifier was proved).

    Raise :class:`NotFound` unless the applicant chose an electronic result and it is ready.
    """
    dossier = (
        Dossier.objects.filter(by_code(code))
        .only("code", "status", "return_method", "result_file", "result_sha256")
        .first()
    )
    if dossier is None or not _has_electronic_result(dossier):
        raise NotFound(_("There is no electronic result to download for this dossier."))
    return dossier.result_file


def _return_text(method: str, site: PublicSite | None) -> str:
    if method == ReturnMethod.POST:
        return _("The result is sent by public postal service to the address given when filing.")
    if method == ReturnMethod.ONLINE:
        return _("The result is sent electronically, to the e-mail address or phone given.")
    if site is None:
        return ""
    return _(
        "Collect the result at %(site)s (%(address)s), %(hours)s. Bring your ID card and the "
        "receipt."
    ) % {"site": site.name, "address": site.address or "—", "hours": site.hours_text}


def _explanation(dossier: Dossier, site: PublicSite, collect: str) -> str:
    """What the status means for the applicant, and what happens next."""
    values = {
        "site": site.name,
        "agency": dossier.competent_agency.name,
        "due": _local(dossier.due_at),
        "check_due": _local(dossier.check_due_at),
        "hours": dossier.regime.online_check_hours,
        "amount": _money(dossier.obligation_amount),
        "when": _local(dossier.delivered_at),
        "collect": collect,
    }
    status = dossier.status
    if status == Status.RESULT_READY and dossier.outcome == Outcome.REJECTED:
        text = _(
            "The agency decided not to grant the request; its written answer gives the reason. "
            "%(collect)s"
        )
        return text % values
    texts = {
        Status.SUBMITTED: ngettext(
            "The dossier was filed online and waits for the check of %(site)s, within "
            "%(hours)s working hour (by %(check_due)s). The site then receives it and gives "
            "the appointment, asks you to complete it, or refuses it with the reason.",
            "The dossier was filed online and waits for the check of %(site)s, within "
            "%(hours)s working hours (by %(check_due)s). The site then receives it and gives "
            "the appointment, asks you to complete it, or refuses it with the reason.",
            values["hours"],
        ),
        Status.GUIDED: _(
            "The dossier is not complete, so it was not received yet. Complete it as listed "
            "below and bring the documents to %(site)s."
        ),
        Status.RECEIVED: _(
            "The dossier was received at %(site)s and goes to %(agency)s, which decides. "
            "Appointment for the result: %(due)s."
        ),
        Status.REFUSED: _("The dossier was not received; the reason is below."),
        Status.TRANSFERRED: _(
            "%(agency)s is processing the dossier. Appointment for the result: %(due)s."
        ),
        Status.IN_PROGRESS: _(
            "%(agency)s is processing the dossier. Appointment for the result: %(due)s."
        ),
        Status.AWAITING_SUPPLEMENT: _(
            "%(agency)s needs more documents, listed below. The time limit is paused until "
            "you bring them to a one-stop site of the Center."
        ),
        Status.AWAITING_OBLIGATION: _(
            "Pay the fees or taxes due (%(amount)s VND); processing goes on once the payment "
            "is recorded."
        ),
        Status.WITHDRAWN: _("The dossier was withdrawn at the applicant's request."),
        Status.STOPPED: _("Processing of the dossier was stopped; the reason is below."),
        Status.RESULT_READY: _("The result is ready. %(collect)s"),
        Status.DELIVERED: _("The result was handed over at %(when)s."),
    }
    return texts[status] % values


# Events a citizen reads, each with a plain label; the others (digitisation, assignment inside
# the agency) are the office's own business.
_EVENT_LABELS = {
    Action.SUBMIT: gettext_lazy("Filed online"),
    Action.RECEIVE: gettext_lazy("Dossier received"),
    Action.GUIDE: gettext_lazy("Returned to complete before receipt"),
    Action.REFUSE: gettext_lazy("Not received"),
    Action.TRANSFER: gettext_lazy("Sent to the agency that decides"),
    Action.ACCEPT: gettext_lazy("Taken up by the agency"),
    Action.HANDOVER: gettext_lazy("Moved to the next step of processing"),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("More documents requested; time limit paused"),
    Action.RECEIVE_SUPPLEMENT: gettext_lazy("Documents received; time limit runs again"),
    Action.REQUIRE_OBLIGATION: gettext_lazy("Fees or taxes to pay"),
    Action.FULFIL_OBLIGATION: gettext_lazy("Payment recorded"),
    Action.EXTEND: gettext_lazy("Apology and new appointment"),
    Action.COMPLETE: gettext_lazy("Result ready"),
    Action.DELIVER: gettext_lazy("Result handed over"),
    Action.WITHDRAW: gettext_lazy("Withdrawn"),
    Action.STOP: gettext_lazy("Processing stopped"),
    Action.PAY: gettext_lazy("Fees paid"),
}

# Events whose reason the applicant must read (it is printed on the form they receive).
_REASONED = {Action.GUIDE, Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.STOP, Action.EXTEND}


def _items(payload: dict) -> tuple[PublicItem, ...]:
    return tuple(
        PublicItem(
            name=str(i.get("name", "")),
            originals=int(i.get("originals") or 0),
            certified_copies=int(i.get("certified_copies") or 0),
            copies=int(i.get("copies") or 0),
        )
        for i in payload.get("items") or ()
        if isinstance(i, dict)
    )


def items_text(items) -> str:
    parts = []
    for item in items:
        counts = []
        if item.originals:
            counts.append(
                ngettext("%(n)s original", "%(n)s originals", item.originals)
                % {"n": item.originals}
            )
        if item.certified_copies:
            counts.append(
                ngettext("%(n)s certified copy", "%(n)s certified copies", item.certified_copies)
                % {"n": item.certified_copies}
            )
        if item.copies:
            counts.append(ngettext("%(n)s copy", "%(n)s copies", item.copies) % {"n": item.copies})
        parts.append(item.name + (f" ({', '.join(counts)})" if counts else ""))
    return "; ".join(parts)


def _public_event(event: DossierEvent) -> PublicEvent | None:
    label = _EVENT_LABELS.get(event.action)
    if label is None:
        return None
    p = event.payload if isinstance(event.payload, dict) else {}
    details: list[str] = []
    where = event.site.name if event.site else event.agency.name if event.agency else ""
    if event.action == Action.TRANSFER and event.agency is not None:
        details.append(_("To: %(agency)s") % {"agency": event.agency.name})
    if event.action == Action.RECEIVE and p.get("due_at"):
        details.append(_("Appointment: %(due)s") % {"due": _local(_instant(p["due_at"]))})
    if event.action == Action.EXTEND and p.get("new_due_at"):
        details.append(_("New appointment: %(due)s") % {"due": _local(_instant(p["new_due_at"]))})
    if event.action in _REASONED and p.get("reason"):
        details.append(_("Reason: %(reason)s") % {"reason": p["reason"]})
    items = _items(p) if event.action in (Action.GUIDE, Action.REQUEST_SUPPLEMENT) else ()
    if items:
        details.append(_("To add: %(items)s") % {"items": items_text(items)})
    if event.action == Action.COMPLETE and p.get("outcome") in Outcome.values:
        details.append(str(Outcome(p["outcome"]).label))
        if p["outcome"] == Outcome.REJECTED and p.get("note"):
            details.append(_("Reason: %(reason)s") % {"reason": p["note"]})
    if event.action == Action.REQUIRE_OBLIGATION and p.get("amount"):
        details.append(_("Amount: %(amount)s VND") % {"amount": _money(int(p["amount"]))})
    if event.action == Action.PAY and p.get("amount"):
        details.append(_("Amount: %(amount)s VND") % {"amount": _money(int(p["amount"]))})
    return PublicEvent(
        at=event.at, action=event.action, label=str(label), where=where, details=tuple(details)
    )


def _open_request(dossier: Dossier, events: list[DossierEvent]) -> tuple[str, tuple]:
    """The reason and the list of what to add that the current status is about, if any."""
    wanted = {
        Status.GUIDED: (Action.GUIDE,),
        Status.AWAITING_SUPPLEMENT: (Action.REQUEST_SUPPLEMENT,),
        Status.REFUSED: (Action.REFUSE,),
        Status.STOPPED: (Action.STOP,),
    }.get(dossier.status)
    if wanted is None:
        if dossier.status == Status.RESULT_READY and dossier.outcome == Outcome.REJECTED:
            wanted = (Action.COMPLETE,)
        else:
            return "", ()
    event = next((e for e in reversed(events) if e.action in wanted), None)
    if event is None:
        return "", ()
    p = event.payload if isinstance(event.payload, dict) else {}
    reason = (p.get("note") if event.action == Action.COMPLETE else p.get("reason")) or ""
    return str(reason), _items(p)


# -- after filing online ----------------------------------------------------------------------


@dataclass(frozen=True)
class FiledDossier:
    """What the page after online filing says: the code, where it goes, how to look it up."""

    code: str
    procedure_name: str
    site: PublicSite
    check_due_at: datetime | None
    check_hours: int
    verifier_source: str  # "phone" or "id_number"
    files: int
    submitted_at: datetime
    awaiting_code: bool = False  # the code is the online reference, before the check


def filed_dossier(*, code: str) -> FiledDossier:
    """The summary of a dossier just filed online (call with a code from a signed token)."""
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_site", "regime")
        .filter(by_code(code))
        .first()
    )
    if dossier is None:
        raise NotFound(str(NOT_FOUND_MESSAGE))
    files = dossier.components.exclude(sha256="").count()
    return FiledDossier(
        code=dossier.code,
        procedure_name=dossier.procedure.name,
        site=public_site(dossier.receiving_site),
        check_due_at=dossier.check_due_at,
        check_hours=dossier.regime.online_check_hours,
        verifier_source="phone" if last_four(dossier.applicant_phone) else "id_number",
        files=files,
        submitted_at=dossier.submitted_at,
        awaiting_code=bool(dossier.online_reference) and dossier.code == dossier.online_reference,
    )
