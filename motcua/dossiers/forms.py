"""The official forms of one-stop-rules §6, printed as A4 PDF, and the tracking ledger.

Each form reads the dossier and the events the lifecycle services wrote; nothing here changes a
dossier. A dossier prints the form set frozen in ``Dossier.forms`` at receipt, so a new
circular never reprints an old dossier on the new forms. The templates are versioned data
(``templates/dossiers/forms/<regime>/``) and carry the Vietnamese wording themselves: the forms
are legal documents, not translated user interface. Only the error messages go through gettext.

Public API: :func:`lookup_url`, :func:`qr_svg`, :func:`render_form` (with :func:`form_context`
and :func:`form_html` for previews and tests), :func:`ledger_rows`, :func:`ledger_pdf`,
:func:`ledger_csv` (and :func:`ledger_html`); :func:`html_to_pdf` does the printing.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from motcua.core import clock
from motcua.core.errors import Conflict, InvalidInput, NotFound
from motcua.dossiers.choices import Action, FormKind, Outcome, Status
from motcua.dossiers.codes import CodeError, parse_code
from motcua.dossiers.models import Dossier, DossierEvent, FormTemplate, Handover, Regime
from motcua.worktime.rules import HANOI

# Every site of the Center is a Hanoi unit (H26 in every unit identifier), so the place name
# of the date line ("Hà Nội, ngày … tháng … năm …", Decree 30/2020 Annex I) is the city's.
PLACE = "Hà Nội"

# Lines the control slip prints at least, blank ones included.
CONTROL_MIN_ROWS = 4

#: Vietnamese names of a step's or a dossier's timeliness (Decision 766): the control slip and
#: the ledger print them, and the CSV export needs them outside a template.
TIMELINESS_VI = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}

# The ledger's CSV columns (Mẫu 06/07); the PDF prints the same, plus the signature column.
LEDGER_HEADER = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
)


# --- Public lookup and QR code -------------------------------------------------------------


def public_base_url(request: HttpRequest | None = None) -> str:
    """The public site's address: ``PUBLIC_BASE_URL`` when set, else the address ``request``
    was made to (scheme, host and port, checked against ALLOWED_HOSTS), else where this
    server listens (``SERVED_BASE_URL``: ``make run`` passes its PORT)."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SERVED_BASE_URL


def lookup_url(code: str, base_url: str | None = None) -> str:
    """Return the public lookup address of a dossier (relative when no base is known)."""
    base = settings.PUBLIC_BASE_URL if base_url is None else base_url
    return f"{base}/tra-cuu/?ma={quote(code, safe='.-')}"


def qr_svg(text: str) -> str:
    """Return an SVG document of a QR code of ``text`` (error correction M, vector paths)."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=1,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    qr.add_data(text)
    qr.make(fit=True)
    return qr.make_image().to_string(encoding="unicode")


def _qr_data_uri(text: str) -> str:
    payload = base64.b64encode(qr_svg(text).encode()).decode("ascii")
    return f"data:image/svg+xml;base64,{payload}"


# --- Values the templates print -------------------------------------------------------------


@dataclass(frozen=True)
class LocalTime:
    """An instant as the forms write it, in Hanoi time.

    Day and month below 10 carry a leading zero, as Decree 30/2020 writes dates
    ("ngày 05 tháng 02 năm 2026"); the templates assemble the words.
    """

    hour: str
    minute: str
    day: str
    month: str
    year: str
    short: str  # 10/03/2026 09:30, for tables

    @property
    def date_short(self) -> str:
        return self.short[:10]


def local(value: datetime | str | None) -> LocalTime | None:
    """Return ``value`` (aware, or an ISO string from an event payload) in Hanoi time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        raise ValueError(f"A form cannot print the naive datetime {value!r}")
    moment = value.astimezone(HANOI)
    return LocalTime(
        hour=f"{moment:%H}",
        minute=f"{moment:%M}",
        day=f"{moment:%d}",
        month=f"{moment:%m}",
        year=f"{moment:%Y}",
        short=f"{moment:%d/%m/%Y %H:%M}",
    )


def _money(amount: int) -> str:
    # Vietnamese groups thousands with a dot: 1.500.000 đồng.
    return f"{amount:,}".replace(",", ".")


def _person(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return profile.full_name if profile else user.get_username()


def _phone(user) -> str:
    profile = getattr(user, "staff_profile", None) if user is not None else None
    return profile.phone if profile else ""


@dataclass(frozen=True)
class Issuer:
    """The unit that issues a form (top left of the page) and its superior, when known."""

    name: str
    parent: str


def _site_issuer(site) -> Issuer:
    parent = site.parent.name if site.parent_id else ""
    return Issuer(name=site.name, parent=parent)


def _agency_issuer(agency) -> Issuer:
    parent = agency.parent.name if agency.parent_id else ""
    return Issuer(name=agency.name, parent=parent)


def _sequence(code: str) -> tuple[str, str]:
    """Return the ledger book (the day, YYMMDD) and line (XXXX) of a code.

    The sequence restarts every day (§3), so a receiving unit keeps one book per day and the
    code's sequence is the line in it.
    """
    try:
        parsed = parse_code(code)
    except CodeError:
        return "", ""
    return f"{parsed.day:%y%m%d}", f"{parsed.sequence:04d}"


# --- The forms --------------------------------------------------------------------------------


def _latest_event(dossier: Dossier, *actions: str) -> DossierEvent | None:
    """Return the latest event of the first of ``actions`` that the dossier has."""
    events = dossier.events.select_related("actor__staff_profile", "site", "agency")
    for action in actions:
        event = events.filter(action=action).order_by("-seq").first()
        if event is not None:
            return event
    return None


def _require_event(dossier: Dossier, message: str, *actions: str) -> DossierEvent:
    event = _latest_event(dossier, *actions)
    if event is None:
        raise Conflict(message)
    return event


def _require_received(dossier: Dossier) -> DossierEvent:
    return _require_event(dossier, _("This dossier has not been received yet."), Action.RECEIVE)


def _officer(event: DossierEvent) -> str:
    return event.actor_name or _person(event.actor)


def _receipt(dossier: Dossier) -> dict[str, Any]:
    _require_received(dossier)
    components = [c for c in dossier.components.all() if c.received]
    return {
        "components": components,
        "officer": _person(dossier.received_by),
        "appointment": local(dossier.original_due_at or dossier.due_at),
        "fee": _money(dossier.fee_due) if dossier.fee_due else "",
        # A fee whose amount the catalogue lacks is not "none" (Mẫu 01 prints what is due).
        "fee_unknown": not dossier.procedure_version.fee_known,
        "fee_paid": _money(dossier.fee_paid) if dossier.fee_paid else "",
        "issued": local(dossier.submitted_at),
    }


def _supplement(dossier: Dossier) -> dict[str, Any]:
    event = _require_event(
        dossier,
        _("No supplement has been requested for this dossier."),
        Action.REQUEST_SUPPLEMENT,
        Action.GUIDE,
    )
    payload = event.payload
    context: dict[str, Any] = {
        "event": event,
        "reason": payload.get("reason", ""),
        "items": payload.get("items", []),
        "officer": _officer(event),
        "officer_phone": payload.get("officer_phone") or _phone(event.actor),
        "issued": local(event.at),
        "before_receipt": event.action == Action.GUIDE,
    }
    if event.agency is not None:
        context["issuer"] = _agency_issuer(event.agency)
    elif event.site is not None:
        context["issuer"] = _site_issuer(event.site)
    return context


def _refusal(dossier: Dossier) -> dict[str, Any]:
    event = _require_event(dossier, _("This dossier has not been refused."), Action.REFUSE)
    context: dict[str, Any] = {
        "event": event,
        "reason": event.payload.get("reason", ""),
        "officer": _officer(event),
        "issued": local(event.at),
    }
    if event.site is not None:
        context["issuer"] = _site_issuer(event.site)
    return context


def _apology(dossier: Dossier) -> dict[str, Any]:
    event = _require_event(
        dossier, _("This dossier's appointment has not been extended."), Action.EXTEND
    )
    payload = event.payload
    return {
        "event": event,
        "reason": payload.get("reason", ""),
        "old_due": local(payload.get("old_due_at") or dossier.original_due_at),
        "new_due": local(payload.get("new_due_at") or dossier.due_at),
        "issued": local(event.at),
        "issuer": _agency_issuer(event.agency or dossier.competent_agency),
    }


def _stop(dossier: Dossier) -> dict[str, Any]:
    event = _require_event(
        dossier, _("Processing of this dossier has not been stopped."), Action.STOP
    )
    return {
        "event": event,
        "reason": event.payload.get("reason", ""),
        "issued": local(event.at),
        "issuer": _agency_issuer(event.agency or dossier.competent_agency),
    }


@dataclass(frozen=True)
class ControlRow:
    step_name: str
    unit: str
    given: LocalTime | None
    received: LocalTime | None
    giver: str
    receiver: str
    step_due: LocalTime | None
    finished: LocalTime | None
    timeliness: str
    note: str
    signature: str = ""  # "Ký duyệt" / "Ký thay …": the leader's signature (§2.4)


def _signature(h: Handover, signed: set[int]) -> str:
    if h.pk not in signed:
        return ""
    if h.on_behalf_of_id is not None:
        return f"Ký thay {_person(h.on_behalf_of)}"
    return "Ký duyệt"


def _control(dossier: Dossier) -> dict[str, Any]:
    from motcua.dossiers.services.approval import signature_rows

    _require_received(dossier)
    handovers = list(
        Handover.objects.filter(dossier=dossier).select_related(
            "giver__staff_profile", "receiver__staff_profile", "on_behalf_of__staff_profile"
        )
    )
    signed = signature_rows(dossier, handovers)
    rows = [
        ControlRow(
            step_name=h.step_name,
            unit=h.unit,
            given=local(h.given_at),
            received=local(h.received_at),
            giver=_person(h.giver),
            receiver=_person(h.receiver),
            step_due=local(h.step_due_at),
            finished=local(h.finished_at),
            timeliness=TIMELINESS_VI.get(h.timeliness, ""),
            note=h.note,
            signature=_signature(h, signed),
        )
        for h in handovers
    ]
    return {
        "rows": rows,
        # The slip travels with the paper dossier: leave lines for the handovers still to come.
        "blank_rows": range(max(0, CONTROL_MIN_ROWS - len(rows))),
        "appointment": local(dossier.due_at),
        "issued": local(dossier.submitted_at),
        "timeliness": TIMELINESS_VI.get(dossier.timeliness, ""),
        "finished": local(dossier.finished_at),
    }


_CONTEXTS: dict[str, Callable[[Dossier], dict[str, Any]]] = {
    FormKind.RECEIPT: _receipt,
    FormKind.SUPPLEMENT: _supplement,
    FormKind.REFUSAL: _refusal,
    FormKind.APOLOGY: _apology,
    FormKind.STOP: _stop,
    FormKind.CONTROL: _control,
}


def _load(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_related(
            "regime",
            "procedure",
            "procedure_version",
            "receiving_site__parent",
            "return_site",
            "competent_agency__parent",
            "received_by__staff_profile",
        )
        .prefetch_related("components")
        .get(pk=dossier.pk)
    )


def form_context(
    dossier: Dossier, kind: str, *, request: HttpRequest | None = None
) -> tuple[str, dict[str, Any]]:
    """Return the template name and the context of the form ``kind`` of ``dossier``.

    The lookup address and its QR code open the public site (:func:`public_base_url`): the
    server that printed the form, when ``request`` says which and nothing is configured.

    Raise :class:`NotFound` when the dossier's frozen form set has no such form (e.g. ``stop``
    under regime 2018) and :class:`Conflict` when the form does not apply yet (an apology
    without an extension, a refusal without a refusal…).
    """
    if kind == FormKind.LEDGER:
        raise InvalidInput(
            _("The ledger is printed for a site and a period, not for one dossier."), field="kind"
        )
    form = dossier.forms.get(kind)
    if form is None or kind not in _CONTEXTS:
        raise NotFound(_("This dossier's regime has no form %(kind)s.") % {"kind": kind})
    dossier = _load(dossier)
    book, line = _sequence(dossier.code)
    target = lookup_url(dossier.code, public_base_url(request))
    context: dict[str, Any] = {
        "form": form,
        "kind": kind,
        "regime": dossier.regime.code,
        "dossier": dossier,
        "code": dossier.code,
        "book": book,
        "line": line,
        "lookup_url": target,
        "lookup_address": target,
        "qr": _qr_data_uri(target),
        "place": PLACE,
        "issuer": _site_issuer(dossier.receiving_site),
        "agency": dossier.competent_agency,
        "received": local(dossier.submitted_at),
        "request": dossier.request or dossier.procedure.name,
    }
    context.update(_CONTEXTS[kind](dossier))
    return form["template"], context


def form_html(dossier: Dossier, kind: str, *, request: HttpRequest | None = None) -> str:
    """Return the HTML of the form ``kind`` of ``dossier``; raises as :func:`form_context`."""
    template, context = form_context(dossier, kind, request=request)
    return render_to_string(template, context)


def html_to_pdf(html: str) -> bytes:
    """Convert a form's HTML to PDF bytes; the page size comes from the template's CSS.

    Only ``data:`` URIs are fetched: templates are editable data, and printing a form must
    never reach the network or the file system.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def render_form(dossier: Dossier, kind: str, *, request: HttpRequest | None = None) -> bytes:
    """Return the form ``kind`` of ``dossier`` as A4 PDF bytes; raises as :func:`form_context`."""
    return html_to_pdf(form_html(dossier, kind, request=request))


# --- The ledger (Mẫu 06 / 07) ---------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    line: int
    code: str
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    agency: str
    received: LocalTime | None
    appointment: LocalTime | None
    transferred: LocalTime | None
    result_received: LocalTime | None
    returned: LocalTime | None
    note: str

    @property
    def code_wrapped(self) -> str:
        # A hyphen before a digit is no line-break opportunity; a narrow column needs one after
        # the unit identifier.
        return self.code.replace("-", "-\u200b", 1)

    @property
    def moments(self) -> tuple[LocalTime | None, ...]:
        return (
            self.received,
            self.appointment,
            self.transferred,
            self.result_received,
            self.returned,
        )


def _note(dossier: Dossier) -> str:
    notes = []
    if dossier.status == Status.WITHDRAWN:
        notes.append("Rút hồ sơ")
    elif dossier.status == Status.STOPPED:
        notes.append("Dừng giải quyết")
    if dossier.outcome == Outcome.REJECTED:
        notes.append("Trả lại, có văn bản nêu lý do")
    if dossier.supplement_count:
        notes.append("Đã yêu cầu bổ sung")
    if dossier.extension_count:
        notes.append("Đã hẹn lại ngày trả kết quả")
    if dossier.timeliness:
        notes.append(TIMELINESS_VI[dossier.timeliness])
    return "; ".join(notes)


def _local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=HANOI)


def ledger_rows(*, site, start: date, end: date, boundary_free: bool = False) -> list[LedgerRow]:
    """Return the ledger lines of the dossiers ``site`` received from ``start`` to ``end``.

    Both ends are inclusive, as dates in Hanoi. A dossier counts once it has a ``receive``
    event: an online submission still under check, or one refused at the check, was never
    entered in the book. ``boundary_free`` keeps only the dossiers received outside the
    competent agency's territory (``Dossier.outside_territory``, decided at receipt; see
    docs/decisions/0009-leader-approval-and-ledger.md): the ledger of boundary-free dossiers.
    """
    received = DossierEvent.objects.filter(dossier=OuterRef("pk"), action=Action.RECEIVE)
    dossiers = (
        Dossier.objects.filter(
            receiving_site=site,
            submitted_at__gte=_local_day_start(start),
            submitted_at__lt=_local_day_start(end + timedelta(days=1)),
        )
        .filter(Exists(received))
        .filter(**({"outside_territory": True} if boundary_free else {}))
        .select_related("procedure", "competent_agency")
        .order_by("code")
    )
    return [
        LedgerRow(
            line=line,
            code=d.code,
            procedure=d.procedure.name,
            sets=d.sets,
            applicant=d.applicant_name,
            address_phone=", ".join(
                part for part in (d.applicant_address, d.applicant_phone) if part
            ),
            agency=d.competent_agency.name,
            received=local(d.submitted_at),
            appointment=local(d.due_at),
            transferred=local(d.transferred_at),
            result_received=local(d.finished_at),
            returned=local(d.delivered_at),
            note=_note(d),
        )
        for line, d in enumerate(dossiers, start=1)
    ]


def _ledger_form(*, end: date, regime_code: str | None) -> FormTemplate:
    if regime_code is None:
        regime = Regime.objects.on(end).first()
        if regime is None:
            raise NotFound(_("No regime is in force on %(date)s.") % {"date": end.isoformat()})
    else:
        regime = Regime.objects.filter(code=regime_code).first()
        if regime is None:
            raise NotFound(_("There is no regime %(regime)s.") % {"regime": regime_code})
    form = (
        FormTemplate.objects.on(end)
        .filter(regime=regime, kind=FormKind.LEDGER)
        .order_by("-version")
        .first()
    )
    if form is None:
        raise NotFound(
            _("The regime %(regime)s has no ledger form in force on %(date)s.")
            % {"regime": regime.code, "date": end.isoformat()}
        )
    return form


def ledger_html(
    *,
    site,
    start: date,
    end: date,
    regime_code: str | None = None,
    boundary_free: bool = False,
) -> str:
    """Return the HTML of the ledger; arguments and errors as :func:`ledger_pdf`."""
    if end < start:
        raise InvalidInput(_("The period ends before it starts."), field="end")
    form = _ledger_form(end=end, regime_code=regime_code)
    context = {
        "form": {"number": form.number, "title": form.title},
        "regime": form.regime.code,
        "issuer": _site_issuer(site),
        "site": site,
        "start": start,
        "end": end,
        "rows": ledger_rows(site=site, start=start, end=end, boundary_free=boundary_free),
        "boundary_free": boundary_free,
        "place": PLACE,
        "printed": local(clock.now()),
    }
    return render_to_string(form.template_name, context)


def ledger_pdf(
    *,
    site,
    start: date,
    end: date,
    regime_code: str | None = None,
    boundary_free: bool = False,
) -> bytes:
    """Return the ledger as landscape A4 PDF, on the form of the regime in force at ``end``.

    ``regime_code`` chooses another regime's form; ``boundary_free`` prints the ledger of
    boundary-free dossiers (the same form, only those lines, titled so). Raise
    :class:`NotFound` when no regime (or no ledger form) is in force and
    :class:`InvalidInput` when ``end`` is before ``start``.
    """
    return html_to_pdf(
        ledger_html(
            site=site, start=start, end=end, regime_code=regime_code, boundary_free=boundary_free
        )
    )


def ledger_file_name(*, site, start: date, end: date, boundary_free: bool = False) -> str:
    """The download's name without extension, e.g. ``so-phi-dia-gioi-CN01-20250701-20250731``."""
    prefix = "so-phi-dia-gioi" if boundary_free else "so-theo-doi"
    return f"{prefix}-{site.code}-{start:%Y%m%d}-{end:%Y%m%d}"


def _cell(text: str) -> str:
    # A cell that opens with one of these is a formula to a spreadsheet (CSV injection); the
    # applicant typed it, so it is shown as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def ledger_csv(*, site, start: date, end: date, boundary_free: bool = False) -> str:
    """Return the ledger as CSV text that starts with a BOM, so Excel reads it as UTF-8."""
    if end < start:
        raise InvalidInput(_("The period ends before it starts."), field="end")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LEDGER_HEADER)
    for row in ledger_rows(site=site, start=start, end=end, boundary_free=boundary_free):
        writer.writerow(
            [
                row.line,
                row.code,
                _cell(row.procedure),
                row.sets,
                _cell(row.applicant),
                _cell(row.address_phone),
                _cell(row.agency),
                *(moment.short if moment else "" for moment in row.moments),
                row.note,
            ]
        )
    return out.getvalue()
