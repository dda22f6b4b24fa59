"""Every change of a dossier's state: one service per action (one-stop-rules §2).

Each service validates first, then, inside one transaction with the dossier's row locked,
changes the dossier, writes its handover rows and appends one event to the audit chain.
Side effects (notifications) run after commit. The API, the staff UI, the admin and the
commands call these functions and nothing else.

Times: ``at`` defaults to :func:`motcua.core.clock.now`; it exists for commands that replay
history (the workload generator), never for the API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import competent_agency_for, version_in_force
from motcua.core import clock
from motcua.core.errors import Conflict, InvalidInput, InvalidTransition, NotFound, StaleVersion
from motcua.core.refcache import reference_cache
from motcua.core.rows import insert_rows, rows_together
from motcua.core.text import fold, normalize
from motcua.dossiers import rules
from motcua.dossiers.audit import event_append
from motcua.dossiers.choices import (
    Action,
    ApplicantKind,
    Channel,
    Outcome,
    PaymentMethod,
    ReturnMethod,
    Status,
)
from motcua.dossiers.codes import format_code, format_reference
from motcua.dossiers.errors import AlreadyExtended, ApologyTooLate, SupplementAlreadyRequested
from motcua.dossiers.files import EXTENSIONS, MAX_UPLOAD_BYTES, StoredFile, identify
from motcua.dossiers.models import Dossier, DossierComponent, Handover, Regime
from motcua.dossiers.notifications import NotificationEvent, notify_on_commit
from motcua.dossiers.permissions import Actor, authorize, site_by_code
from motcua.dossiers.services.sequence import next_reference, next_sequence
from motcua.organization.choices import SiteKind, UnitLevel
from motcua.organization.models import AdministrativeUnit, Agency, Site, UnitSuccession
from motcua.worktime import rules as worktime
from motcua.worktime.selectors import calendar_for, clock_local

User = get_user_model()

ONE_DAY_CLOSE = time(17, 0)


# -- inputs ------------------------------------------------------------------------------------


@dataclass
class ApplicantIn:
    name: str
    kind: str = ApplicantKind.INDIVIDUAL
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    unit_code: str = ""

    @classmethod
    def from_fields(cls, data: dict) -> ApplicantIn:
        """From a form's ``applicant_*`` fields (the counter's and the online filing's)."""
        return cls(
            kind=data["applicant_kind"],
            name=data["applicant_name"],
            id_number=data["applicant_id_number"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            unit_code=data["applicant_unit"],
        )


@dataclass
class ComponentIn:
    """A component as received: its counts, and the scan or upload that digitises it."""

    order: int
    received: bool = True
    originals: int | None = None
    certified_copies: int | None = None
    copies: int | None = None
    #: Papers shown at the counter and handed back (identity papers, originals compared).
    shown: int | None = None
    file: UploadedFile | StoredFile | None = None
    #: (sha256, size, type) of ``file`` when the caller already checked it (``_digest``).
    digest: tuple[str, int, str] | None = None


@dataclass
class SupplementItem:
    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0


@dataclass
class Errors:
    """Collects field errors so that a form can show each next to its field."""

    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.items.append({"field": field_name, "message": str(message)})

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            raise InvalidInput(
                "; ".join(e["message"] for e in self.items),
                field=first["field"] if len(self.items) == 1 else None,
                **({"errors": self.items} if len(self.items) > 1 else {}),
            )


# -- helpers -----------------------------------------------------------------------------------


def _calendar(dossier: Dossier, at: datetime):
    start = min(at, dossier.deemed_received_at or at)
    return calendar_for(dossier.receiving_site, start)


def _regime_on(day) -> tuple[Regime, dict[str, dict[str, str]]]:
    """The regime in force on ``day`` and its form set, as a dossier freezes it."""

    def read():
        regime = Regime.objects.on(day).first()
        if regime is None:
            raise Conflict(_("No one-stop regime is in force on %(day)s.") % {"day": day})
        forms = {
            f.kind: {"number": f.number, "title": f.title, "template": f.template_name}
            for f in regime.forms.on(day)
        }
        return regime, forms

    return reference_cache.get_or_set(("regime", day), read)


def _unit(code: str, *, day, field_name: str) -> AdministrativeUnit | None:
    if not code:
        return None
    unit = reference_cache.get_or_set(
        ("ward", code.strip(), day),
        lambda: (
            AdministrativeUnit.objects.filter(code=code.strip(), level=UnitLevel.WARD)
            .on(day)
            .select_related("parent")
            .first()
        ),
    )
    if unit is None:
        raise InvalidInput(
            _("There is no commune or ward with code %(code)s on %(day)s.")
            % {"code": code, "day": day.strftime("%d/%m/%Y")},
            field=field_name,
        )
    return unit


def _site(code: str, *, field_name: str) -> Site:
    site = site_by_code(code)
    if site is not None and site.kind == SiteKind.CENTER:
        site = None
    if site is None:
        raise InvalidInput(
            _("There is no one-stop site with code %(code)s.") % {"code": code}, field=field_name
        )
    return site


def _inside_territory(agency: Agency, site: Site, day) -> bool:
    """Whether ``site`` lies in ``agency``'s territory (else the dossier is boundary-free)."""
    return reference_cache.get_or_set(
        ("inside", agency.pk, site.pk, day), lambda: _read_inside(agency, site, day)
    )


def _read_inside(agency: Agency, site: Site, day) -> bool:
    territory = agency.territory_id
    if territory is None:
        return True
    unit = site.located_in
    seen = 0
    while unit is not None and seen < 5:
        if unit.pk == territory:
            return True
        unit, seen = unit.parent, seen + 1
    covered = site.coverages.on(day).values_list("unit_id", "unit__parent_id")
    if any(territory in pair for pair in covered):
        return True
    # A site is located by its former district; a commune formed in 2025 lies in it when one
    # of the wards it was formed from belonged to that district (the 2025 mapping).
    located = site.located_in
    if (
        located is not None
        and AdministrativeUnit.objects.filter(pk=territory, parent_id=located.pk).exists()
    ):
        return True  # a commune of the district where the site stands (before 2025)
    if located is not None and located.level == UnitLevel.DISTRICT:
        return UnitSuccession.objects.filter(
            successor_id=territory, predecessor__parent_id=located.pk
        ).exists()
    return False


def _lock(dossier: Dossier | str, expected_version: int | None) -> Dossier:
    code = dossier if isinstance(dossier, str) else dossier.code
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("regime", "receiving_site", "competent_agency", "procedure_version")
        .filter(code=code)
        .first()
    )
    if locked is None:
        raise NotFound(_("There is no dossier with code %(code)s.") % {"code": code})
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(
            _(
                "Dossier %(code)s has changed since you read it (version %(yours)s, now "
                "%(now)s). Reload it and try again."
            )
            % {"code": code, "yours": expected_version, "now": locked.version},
            current_version=locked.version,
        )
    return locked


def _check_state(dossier: Dossier, action: str) -> None:
    if not rules.allowed(action, dossier.status):
        raise InvalidTransition(
            _("A dossier that is “%(status)s” cannot be given the action “%(action)s”.")
            % {"status": Status(dossier.status).label, "action": Action(action).label},
            current_status=dossier.status,
            allowed_actions=rules.actions_allowed(dossier.status),
        )


def _save(dossier: Dossier, fields: Iterable[str]) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*set(fields), "version", "updated_at"])


def _event(
    dossier: Dossier,
    action: str,
    *,
    at: datetime,
    actor: Actor | None,
    from_status: str,
    site: Site | None = None,
    agency: Agency | None = None,
    payload: dict[str, Any] | None = None,
    first: bool = False,
):
    return event_append(
        dossier=dossier,
        action=action,
        at=at,
        actor=actor.user if actor is not None else None,
        site=site,
        agency=agency,
        from_status=from_status,
        to_status=dossier.status,
        payload=payload,
        first=first,
    )


def _steps(dossier: Dossier) -> list:
    return list(dossier.procedure_version.steps.all())


def _step(dossier: Dossier, order: int | None):
    if order is None:
        return None
    return next((s for s in _steps(dossier) if s.order == order), None)


def _step_due(dossier: Dossier, started: datetime, step, calendar) -> datetime | None:
    if step is None:
        return None
    minutes = int(Decimal(step.allowance_hours) * 60)
    return worktime.add_working_time(started, minutes, calendar)


def _close_step(
    dossier: Dossier,
    *,
    at: datetime,
    calendar,
    giver,
    receiver=None,
    unit: str,
    received: bool = True,
    note: str = "",
    on_behalf_of=None,
) -> Handover:
    """Record the handover that ends the current step, graded against its allowance."""
    step = _step(dossier, dossier.step)
    started = dossier.step_started_at or at
    step_due = _step_due(dossier, started, step, calendar)
    return Handover.objects.create(
        dossier=dossier,
        step=dossier.step,
        step_name=step.name if step else "",
        unit=unit,
        giver=giver,
        receiver=receiver,
        given_at=at,
        received_at=at if received else None,
        step_due_at=step_due,
        finished_at=at,
        timeliness=rules.grade(at, step_due, calendar) if step_due else "",
        note=note,
        on_behalf_of=on_behalf_of,
    )


def _next_step(dossier: Dossier, *, actor_kind: str | None = None):
    later = [s for s in _steps(dossier) if dossier.step is None or s.order > dossier.step]
    if actor_kind is not None:
        later = [s for s in later if s.actor == actor_kind]
    return later[0] if later else None


def _finish(dossier: Dossier, at: datetime, calendar) -> None:
    dossier.finished_at = at
    if dossier.due_at is not None:
        dossier.timeliness = rules.grade(
            at,
            dossier.due_at,
            calendar,
            too_many_supplements=dossier.supplement_count > 1,
        )


def _digest(uploaded: UploadedFile) -> tuple[str, int, str]:
    """Check an upload's size, and its type by parsing it; return (sha256, size, type)."""
    size = uploaded.size or 0
    if size == 0:
        raise InvalidInput(_("The file is empty."), field="file")
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": MAX_UPLOAD_BYTES // 1024 // 1024},
            field="file",
        )
    kind = identify(uploaded.name or "", uploaded)
    uploaded.seek(0)
    sha = hashlib.sha256()
    for chunk in uploaded.chunks():
        sha.update(chunk)
    uploaded.seek(0)
    return sha.hexdigest(), size, kind


# -- creation ----------------------------------------------------------------------------------


def _validate_applicant(applicant: ApplicantIn, errors: Errors, *, year: int) -> ApplicantIn:
    name = normalize(applicant.name or "").strip()
    if not name:
        errors.add("applicant.name", _("Enter the applicant's full name."))
    kind = applicant.kind or ApplicantKind.INDIVIDUAL
    if kind not in ApplicantKind.values:
        errors.add("applicant.kind", _("The applicant is an individual or an organization."))
    id_number = (applicant.id_number or "").strip().replace(" ", "")
    if kind == ApplicantKind.INDIVIDUAL:
        problem = rules.citizen_id_problem(id_number, today_year=year) if id_number else "missing"
        messages = {
            "missing": _("Enter the 12-digit citizen ID number."),
            "length": _("A citizen ID number has exactly 12 digits."),
            "province": _("The first three digits of a citizen ID number name a province; "
                          "%(prefix)s names none.") % {"prefix": id_number[:3]},
            "year": _("This citizen ID number gives a year of birth in the future."),
        }  # fmt: skip
        if problem:
            errors.add("applicant.id_number", messages[problem])
    elif id_number and (not id_number.isdigit() or len(id_number) not in (10, 13)):
        errors.add("applicant.id_number", _("A tax code has 10 or 13 digits."))
    phone = (applicant.phone or "").strip()
    if phone and rules.phone_problem(phone):
        errors.add(
            "applicant.phone",
            _("Enter a Vietnamese phone number: 10 digits starting with 0, or +84…"),
        )
    email = (applicant.email or "").strip()
    if email:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors.add("applicant.email", _("Enter a valid e-mail address."))
    return ApplicantIn(
        name=name,
        kind=kind,
        id_number=id_number,
        phone=phone,
        email=email,
        address=normalize(applicant.address or "").strip(),
        unit_code=(applicant.unit_code or "").strip(),
    )


def _components(
    version: ProcedureVersion, given: list[ComponentIn] | None, errors: Errors
) -> list[dict[str, Any]]:
    catalog = {c.order: c for c in version.components.all()}
    chosen = {c.order: c for c in given} if given is not None else {}
    for order in chosen:
        if order not in catalog:
            errors.add(
                "components",
                _("The procedure has no component number %(order)s.") % {"order": order},
            )
    rows = []
    for order, component in catalog.items():
        # Without a list, the required components were handed in as the catalogue describes
        # them; an optional one ("if any") is received only when it is named.
        default = ComponentIn(order=order, received=component.required)
        pick = chosen.get(order) if given is not None else default
        received = pick is not None and pick.received
        scan = _scan(pick, received, errors) if pick is not None else None
        counts = _counts_of(component.copy_kind, component.quantity if received else 0)
        if pick is not None:
            for key in counts:
                value = getattr(pick, key)
                if value is not None:
                    counts[key] = value
        rows.append(
            {
                "order": order,
                "name": component.name,
                "required": component.required,
                "received": received,
                "copy_kind": component.copy_kind,
                "scan": scan,
                **counts,
            }
        )
    return rows


def component_file_field(order: int) -> str:
    """The field a refusal of component ``order``'s file names."""
    return f"components.{order}.file"


def _scan(
    pick: ComponentIn, received: bool, errors: Errors
) -> tuple[UploadedFile | StoredFile, StoredFile] | None:
    """The file of a component and its digest (an upload's as a nameless ``StoredFile``)."""
    if pick.file is None:
        return None
    if not received:
        errors.add(
            component_file_field(pick.order),
            _("A component that was not received has no scan."),
        )
        return None
    if isinstance(pick.file, StoredFile):
        return pick.file, pick.file
    try:
        sha, size, kind = pick.digest or _digest(pick.file)
    except InvalidInput as exc:
        errors.add(component_file_field(pick.order), exc.detail)
        return None
    return pick.file, StoredFile(name="", sha256=sha, size=size, content_type=kind)


def _store(field_file, name: str, file: UploadedFile | StoredFile) -> None:
    """Put ``file`` in a model's file field: an upload is saved under ``name``; a file
    already in storage is referenced under its own name."""
    if isinstance(file, StoredFile):
        field_file.name = file.name
    else:
        field_file.save(name, file, save=False)


@dataclass
class Intake:
    """Everything checked about a new dossier before anything is written."""

    version: ProcedureVersion
    regime: Regime
    forms: dict[str, dict[str, str]]
    applicant: ApplicantIn
    applicant_unit: AdministrativeUnit | None
    object_unit: AdministrativeUnit | None
    agency: Agency
    components: list[dict[str, Any]]
    return_site: Site | None
    missing: list[dict[str, Any]]


def _intake(
    *,
    site: Site,
    procedure_code: str,
    channel: str,
    applicant: ApplicantIn,
    object_unit_code: str,
    components: list[ComponentIn] | None,
    return_method: str,
    return_site_code: str,
    return_address: str,
    fee_paid: int,
    payment_method: str,
    sets: int,
    at: datetime,
) -> Intake:
    day = clock_local(at).date()
    errors = Errors()
    version = version_in_force(procedure_code=procedure_code, day=day)
    if channel not in Channel.values:
        errors.add("channel", _("Choose in person, online or post."))
    applicant = _validate_applicant(applicant, errors, year=day.year)
    applicant_unit = object_unit = None
    try:
        applicant_unit = _unit(applicant.unit_code, day=day, field_name="applicant.unit")
    except InvalidInput as exc:
        errors.add(exc.field, exc.detail)
    try:
        object_unit = _unit(object_unit_code, day=day, field_name="object_unit")
    except InvalidInput as exc:
        errors.add(exc.field, exc.detail)
    agency = None
    try:
        unit = object_unit or applicant_unit
        agency = reference_cache.get_or_set(
            ("agency", version.pk, unit.pk if unit else None, day),
            lambda: competent_agency_for(version=version, unit=unit, day=day),
        )
    except InvalidInput as exc:
        errors.add(exc.field or "object_unit", exc.detail)
    if (
        not version.boundary_free
        and agency is not None
        and not _inside_territory(agency, site, day)
    ):
        errors.add(
            "site",
            _("This procedure is not received outside the competent agency's territory."),
        )
    rows = _components(version, components, errors)
    return_site = None
    if return_method not in ReturnMethod.values:
        errors.add("return_method", _("Choose a one-stop site, post or online for the result."))
    elif return_method == ReturnMethod.SITE:
        if not return_site_code:
            errors.add("return_site", _("Choose the site where the result will be collected."))
        else:
            try:
                return_site = _site(return_site_code, field_name="return_site")
            except InvalidInput as exc:
                errors.add(exc.field, exc.detail)
    elif return_method == ReturnMethod.POST and not (return_address or applicant.address):
        errors.add("return_address", _("Enter the postal address for the result."))
    elif return_method == ReturnMethod.ONLINE and not (applicant.email or applicant.phone):
        errors.add(
            "return_method",
            _("An electronic result needs the applicant's e-mail address or phone number."),
        )
    if fee_paid < 0:
        errors.add("fee_paid", _("The amount paid cannot be negative."))
    if fee_paid > 0 and payment_method not in PaymentMethod.values:
        errors.add("payment_method", _("Say how the fees were paid: cash, transfer or online."))
    if not 1 <= sets <= 99:
        errors.add("sets", _("The number of sets runs from 1 to 99."))
    errors.raise_if_any()
    regime, forms = _regime_on(day)
    missing = [_missing_item(r) for r in rows if r["required"] and not r["received"]]
    return Intake(
        version=version,
        regime=regime,
        forms=forms,
        applicant=applicant,
        applicant_unit=applicant_unit,
        object_unit=object_unit,
        agency=agency,
        components=rows,
        return_site=return_site,
        missing=missing,
    )


def _missing_item(row: dict[str, Any]) -> dict[str, Any]:
    """A required component not handed in, as a line of form 02: a paper to be shown is
    brought as an original."""
    kind = "original" if row["copy_kind"] == "shown" else row["copy_kind"]
    counts = _counts_of(kind, 1)
    del counts["shown"]
    return {"name": row["name"], **counts}


def _counts_of(copy_kind: str, n: int) -> dict[str, int]:
    """``n`` papers of one kind as the counts a component records (the others zero)."""
    return {
        key: n if copy_kind == kind else 0
        for key, kind in (
            ("originals", "original"),
            ("certified_copies", "certified_copy"),
            ("copies", "copy"),
            ("shown", "shown"),
        )
    }


def request_digest(data: Any) -> str:
    """A stable digest of a create request, to tell a retry from a different request."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    text = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def dossier_create(
    *,
    actor: Actor | None,
    site: Site,
    procedure_code: str,
    applicant: ApplicantIn,
    channel: str = Channel.IN_PERSON,
    decision: str = Action.RECEIVE,
    object_unit_code: str = "",
    request: str = "",
    sets: int = 1,
    components: list[ComponentIn] | None = None,
    return_method: str = ReturnMethod.SITE,
    return_site_code: str = "",
    return_address: str = "",
    fee_paid: int = 0,
    payment_method: str = "",
    reason: str = "",
    items: list[SupplementItem] | None = None,
    idempotency_key: str = "",
    digest: str = "",
    at: datetime | None = None,
    numbered_at_filing: bool = False,
) -> tuple[Dossier, bool]:
    """Register a dossier at ``site`` and return ``(dossier, created)``.

    ``decision`` is what the officer does with it at the counter: ``receive`` (form 01; every
    required component present), ``guide`` (form 02: what is missing, before receipt) or
    ``refuse`` (form 03, with the reason). ``actor=None`` with ``decision="submit"`` is online
    filing by a citizen: the dossier waits for the site's check.

    An online filing takes its own reference (``TT-…``), not the site's official code: that
    comes when the check accepts it (:func:`dossier_accept_online`), so that filings nobody
    checked yet never use up the site's 9,999 codes of the day. ``numbered_at_filing`` gives
    it the official code at once (the simulation, which models the history before; see
    docs/decisions/0013-abuse-limits.md).

    A retry with the same ``idempotency_key`` by the same person returns the first dossier
    (``created`` is ``False``); the same key with a different request is refused.
    """
    at = at or clock.now()
    if decision not in (Action.RECEIVE, Action.GUIDE, Action.REFUSE, Action.SUBMIT):
        raise InvalidInput(_("Choose receive, guide or refuse."), field="decision")
    if decision == Action.SUBMIT:
        channel = Channel.ONLINE
    elif actor is None:
        raise InvalidInput(_("Only online filing needs no officer."), field="decision")
    else:
        authorize(actor, decision, site=site)
    creator = actor.user if actor is not None else None
    # A retry is recognised by the unique (creator, key) constraint when its insert fails, so
    # the common case, a first attempt, pays no lookup.
    if site.kind == SiteKind.CENTER:
        raise InvalidInput(_("The Center coordinates; it receives no dossiers."), field="site")
    intake = _intake(
        site=site,
        procedure_code=procedure_code,
        channel=channel,
        applicant=applicant,
        object_unit_code=object_unit_code,
        components=components,
        return_method=return_method,
        return_site_code=return_site_code,
        return_address=return_address,
        fee_paid=fee_paid,
        payment_method=payment_method,
        sets=sets,
        at=at,
    )
    reason = normalize(reason or "").strip()
    if decision == Action.RECEIVE and intake.missing:
        _refuse_missing(intake)
    if decision == Action.REFUSE and not reason:
        raise InvalidInput(_("Give the reason for refusing the dossier."), field="reason")
    if decision == Action.GUIDE and not (items or intake.missing):
        raise InvalidInput(_("List what the applicant must add or complete."), field="items")
    try:
        with transaction.atomic():
            dossier = _insert(
                intake,
                actor=actor,
                site=site,
                channel=channel,
                decision=decision,
                request=request,
                sets=sets,
                return_method=return_method,
                return_address=return_address,
                fee_paid=fee_paid,
                payment_method=payment_method,
                reason=reason,
                items=items,
                idempotency_key=idempotency_key,
                digest=digest,
                at=at,
                reference=decision == Action.SUBMIT and not numbered_at_filing,
            )
    except IntegrityError:
        if idempotency_key:
            previous = _replayed(creator, idempotency_key, digest)
            if previous is not None:
                return previous, False
        raise
    return dossier, True


def component_received_field(order: int) -> str:
    """The field a refusal about component ``order`` not being received names."""
    return f"components.{order}.received"


def _refuse_missing(intake: Intake) -> None:
    """A receipt lists what was handed in: every required component must be among it."""
    errors = Errors()
    errors.add(
        "components",
        _("Required components are missing: %(names)s. Guide the applicant (form 02).")
        % {"names": "; ".join(m["name"] for m in intake.missing)},
    )
    for row in intake.components:
        if row["required"] and not row["received"]:
            errors.add(
                component_received_field(row["order"]),
                _("Required and not handed in: tick it once received, or guide the applicant "
                  "(form 02)."),
            )  # fmt: skip
    errors.raise_if_any()


def _replayed(creator, key: str, digest: str) -> Dossier | None:
    previous = Dossier.objects.filter(created_by=creator, idempotency_key=key).first()
    if previous is not None and digest and previous.request_digest != digest:
        raise InvalidInput(
            _("This Idempotency-Key was used for a different request (dossier %(code)s).")
            % {"code": previous.code},
            field="Idempotency-Key",
        )
    return previous


def _insert(
    intake: Intake,
    *,
    actor: Actor | None,
    site: Site,
    channel: str,
    decision: str,
    request: str,
    sets: int,
    return_method: str,
    return_address: str,
    fee_paid: int,
    payment_method: str,
    reason: str,
    items: list[SupplementItem] | None,
    idempotency_key: str,
    digest: str,
    at: datetime,
    reference: bool = False,
) -> Dossier:
    version = intake.version
    day = clock_local(at).date()
    if reference:
        code = format_reference(site.unit_id, day, next_reference(unit_id=site.unit_id, day=day))
    else:
        code = format_code(site.unit_id, day, next_sequence(unit_id=site.unit_id, day=day))
    calendar = calendar_for(site, at)
    status = {
        Action.RECEIVE: Status.RECEIVED,
        Action.GUIDE: Status.GUIDED,
        Action.REFUSE: Status.REFUSED,
        Action.SUBMIT: Status.SUBMITTED,
    }[decision]
    user = actor.user if actor is not None else None
    dossier = Dossier(
        code=code,
        online_reference=code if reference else "",
        status=status,
        channel=channel,
        regime=intake.regime,
        forms=intake.forms,
        procedure=version.procedure,
        procedure_version=version,
        time_limit=version.time_limit,
        time_limit_unit=version.time_limit_unit,
        applicant_kind=intake.applicant.kind,
        applicant_name=intake.applicant.name,
        applicant_name_folded=fold(intake.applicant.name),
        applicant_id_number=intake.applicant.id_number,
        applicant_phone=intake.applicant.phone,
        applicant_email=intake.applicant.email,
        applicant_address=intake.applicant.address,
        applicant_unit=intake.applicant_unit,
        object_unit=intake.object_unit,
        request=normalize(request or "").strip() or version.procedure.name,
        sets=sets,
        receiving_site=site,
        received_by=user if decision == Action.RECEIVE else None,
        competent_agency=intake.agency,
        outside_territory=not _inside_territory(intake.agency, site, day),
        return_method=return_method,
        return_site=intake.return_site,
        return_address=normalize(return_address or "").strip(),
        submitted_at=at,
        custodian_site=site,
        custodian=user,
        fee_due=version.fee,
        fee_paid=fee_paid,
        payment_method=payment_method if fee_paid else "",
        idempotency_key=idempotency_key,
        request_digest=digest,
        created_by=user,
    )
    payload: dict[str, Any] = {"channel": channel, "code": code}
    if decision in (Action.RECEIVE, Action.SUBMIT):
        _set_deadlines(dossier, version, calendar, submitted=at)
        if decision == Action.SUBMIT:
            dossier.check_due_at = worktime.add_working_time(
                dossier.deemed_received_at,
                timedelta(hours=intake.regime.online_check_hours),
                calendar,
            )
        else:
            dossier.step = 1 if version.steps.exists() else None
            dossier.step_started_at = at
        payload["due_at"] = dossier.due_at
    elif decision == Action.GUIDE:
        payload["reason"] = reason
        payload["items"] = [vars(i) for i in items] if items else intake.missing
    else:
        payload["reason"] = reason
        dossier.finished_at = at
    insert_rows([dossier])
    components = []
    scans = {}
    for row in intake.components:
        component = DossierComponent(
            dossier=dossier,
            order=row["order"],
            name=row["name"],
            originals=row["originals"],
            certified_copies=row["certified_copies"],
            copies=row["copies"],
            shown=row["shown"],
            received=row["received"],
        )
        if row["scan"] is not None:
            file, digest = row["scan"]
            name = f"{code}-{row['order']:02d}.{EXTENSIONS.get(digest.content_type, 'bin')}"
            _store(component.file, name, file)
            component.sha256, component.size = digest.sha256, digest.size
            component.content_type, component.digitised_at = digest.content_type, at
            scans[str(row["order"])] = digest.sha256
        components.append(component)
    if scans:
        # Digitised at receipt: the checksums of the scans (or uploads) join the chain here,
        # as a later scan's do in its own event (``dossier_attach``).
        payload["scans"] = scans
    # The components, the first event and the notification's task row need nothing back
    # from each other: one round trip writes them.
    with rows_together():
        insert_rows(components)
        _event(
            dossier, decision, at=at, actor=actor, from_status="", site=site, payload=payload,
            first=True,
        )  # fmt: skip
        if decision == Action.RECEIVE:
            notify_on_commit(dossier=dossier, event=NotificationEvent.RECEIVED)
        elif decision == Action.GUIDE:
            notify_on_commit(dossier=dossier, event=NotificationEvent.SUPPLEMENT_REQUESTED)
    # The API answers with the components just written; spare it reading them back (a
    # queryset holding them, as ``prefetch_related`` leaves it: ``.filter()`` still queries).
    written = dossier.components.all()
    written._result_cache, written._prefetch_done = components, True
    dossier._prefetched_objects_cache = {"components": written}
    return dossier


def _set_deadlines(dossier: Dossier, version, calendar, *, submitted: datetime) -> None:
    cutoff = version.cutoff or dossier.regime.default_cutoff
    deemed = worktime.deemed_receipt(submitted, calendar, cutoff)
    due = worktime.due_at(deemed, version.time_limit, version.time_limit_unit, calendar)
    dossier.deemed_received_at = deemed
    dossier.due_at = dossier.original_due_at = due
    dossier.transfer_due_at = _transfer_due(dossier, submitted, calendar, cutoff)


def _transfer_due(dossier: Dossier, submitted: datetime, calendar, cutoff: time) -> datetime:
    """Electronic dossiers go at once; paper ones the same working day, or, when received at
    or after the cut-off, by the end of the next working day's first period (§2.3) [ours]."""
    if dossier.channel == Channel.ONLINE:
        # [ours] "at once" for an electronic dossier: within a working hour of its receipt.
        return worktime.add_working_time(submitted, timedelta(hours=1), calendar)
    local = calendar.local(submitted)
    if calendar.is_working_day(local.date()) and local.time() < cutoff:
        return calendar.closing_of(local.date())
    day = calendar.next_working_day(local.date())
    return calendar.periods(day)[0][1]


# -- actions on an existing dossier --------------------------------------------------------------


def _begin(
    *,
    actor: Actor,
    code: str,
    action: str,
    expected_version: int | None,
    site: Site | None,
) -> Dossier:
    dossier = _lock(code, expected_version)
    authorize(actor, action, dossier, site=site)
    _check_state(dossier, action)
    return dossier


@transaction.atomic
def dossier_accept_online(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The receiving site's check of an online dossier found it complete: receive it."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor, code=code, action=Action.RECEIVE, expected_version=expected_version, site=site
    )
    before = dossier.status
    calendar = _calendar(dossier, at)
    if before == Status.GUIDED:
        # Completed at the counter after guidance: the clock starts from this receipt.
        dossier.submitted_at = at
        _set_deadlines(dossier, dossier.procedure_version, calendar, submitted=at)
    elif dossier.channel == Channel.ONLINE:
        # The electronic dossier goes to the agency once received, not once filed.
        dossier.transfer_due_at = worktime.add_working_time(at, timedelta(hours=1), calendar)
    payload: dict[str, Any] = {"due_at": dossier.due_at}
    if dossier.online_reference and dossier.code == dossier.online_reference:
        # Accepted at the check: the filing now takes the site's official code of the day.
        unit_id = dossier.receiving_site.unit_id
        day = clock_local(at).date()
        dossier.code = format_code(unit_id, day, next_sequence(unit_id=unit_id, day=day))
        payload["code"] = dossier.code
    dossier.status = Status.RECEIVED
    dossier.received_by = actor.user
    dossier.custodian_site = site or dossier.receiving_site
    dossier.custodian = actor.user
    dossier.step = 1 if dossier.procedure_version.steps.exists() else None
    dossier.step_started_at = at
    _save(
        dossier,
        [
            "code",
            "status",
            "received_by",
            "custodian_site",
            "custodian",
            "step",
            "step_started_at",
            "submitted_at",
            "deemed_received_at",
            "due_at",
            "original_due_at",
            "transfer_due_at",
        ],
    )
    _event(
        dossier,
        Action.RECEIVE,
        at=at,
        actor=actor,
        from_status=before,
        site=site,
        payload=payload,
    )
    notify_on_commit(dossier=dossier, event=NotificationEvent.RECEIVED)
    return dossier


@transaction.atomic
def dossier_guide(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    reason: str,
    items: list[SupplementItem],
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Send an online dossier back for completion before receipt (form 02)."""
    at = at or clock.now()
    items = _clean_items(items)
    dossier = _begin(
        actor=actor, code=code, action=Action.GUIDE, expected_version=expected_version, site=site
    )
    before = dossier.status
    dossier.status = Status.GUIDED
    _save(dossier, ["status"])
    _event(
        dossier,
        Action.GUIDE,
        at=at,
        actor=actor,
        from_status=before,
        site=site,
        payload={"reason": normalize(reason or "").strip(), "items": [vars(i) for i in items]},
    )
    notify_on_commit(dossier=dossier, event=NotificationEvent.SUPPLEMENT_REQUESTED)
    return dossier


@transaction.atomic
def dossier_refuse(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Refuse an online or guided dossier at receipt (form 03), with the reason."""
    at = at or clock.now()
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for refusing the dossier."), field="reason")
    dossier = _begin(
        actor=actor, code=code, action=Action.REFUSE, expected_version=expected_version, site=site
    )
    before = dossier.status
    dossier.status = Status.REFUSED
    dossier.finished_at = at
    _save(dossier, ["status", "finished_at"])
    _event(
        dossier,
        Action.REFUSE,
        at=at,
        actor=actor,
        from_status=before,
        site=site,
        payload={"reason": reason},
    )
    return dossier


@transaction.atomic
def dossier_transfer(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Send the dossier from the one-stop site to the competent agency (§2.3)."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor, code=code, action=Action.TRANSFER, expected_version=expected_version, site=site
    )
    calendar = _calendar(dossier, at)
    before = dossier.status
    handover = _close_step(
        dossier,
        at=at,
        calendar=calendar,
        giver=actor.user,
        unit=dossier.receiving_site.name,
        received=False,
    )
    on_time = dossier.transfer_due_at is None or at <= dossier.transfer_due_at
    dossier.status = Status.TRANSFERRED
    dossier.transferred_at = at
    dossier.custodian_site = None
    dossier.custodian_agency = dossier.competent_agency
    dossier.custodian = None
    _save(
        dossier,
        ["status", "transferred_at", "custodian_site", "custodian_agency", "custodian"],
    )
    _event(
        dossier,
        Action.TRANSFER,
        at=at,
        actor=actor,
        from_status=before,
        site=site,
        agency=dossier.competent_agency,
        payload={
            "to_agency": dossier.competent_agency.code,
            "transfer_due_at": dossier.transfer_due_at,
            "transfer_on_time": on_time,
            "handover": handover.pk,
            "step_timeliness": handover.timeliness,
        },
    )
    return dossier


@transaction.atomic
def dossier_accept(
    *, actor: Actor, code: str, expected_version: int | None = None, at: datetime | None = None
) -> Dossier:
    """The agency takes the transferred dossier in and the next step starts."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor, code=code, action=Action.ACCEPT, expected_version=expected_version, site=None
    )
    before = dossier.status
    pending = dossier.handovers.filter(received_at__isnull=True).order_by("-given_at").first()
    if pending is not None:
        pending.received_at = at
        pending.receiver = actor.user
        pending.save(update_fields=["received_at", "receiver"])
    step = _next_step(dossier, actor_kind="agency")
    dossier.status = Status.IN_PROGRESS
    dossier.step = step.order if step else dossier.step
    dossier.step_started_at = at
    dossier.custodian = actor.user
    dossier.custodian_agency = dossier.competent_agency
    _save(dossier, ["status", "step", "step_started_at", "custodian", "custodian_agency"])
    _event(
        dossier,
        Action.ACCEPT,
        at=at,
        actor=actor,
        from_status=before,
        agency=dossier.competent_agency,
        payload={"step": dossier.step},
    )
    return dossier


def _agency_member(dossier: Dossier, username: str, *, field_name: str, at: datetime):
    from motcua.dossiers.permissions import actor_for

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput(
            _("There is no active account %(username)s.") % {"username": username},
            field=field_name,
        )
    member = actor_for(user, clock_local(at).date())
    if dossier.competent_agency_id not in member.roles_in_agencies:
        raise InvalidInput(
            _("%(username)s does not work for %(agency)s today.")
            % {"username": username, "agency": dossier.competent_agency.name},
            field=field_name,
        )
    return user


@transaction.atomic
def dossier_assign(
    *,
    actor: Actor,
    code: str,
    assignee: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Give the dossier to a specialist of the competent agency (a handover in the step)."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor, code=code, action=Action.ASSIGN, expected_version=expected_version, site=None
    )
    user = _agency_member(dossier, assignee, field_name="assignee", at=at)
    step = _step(dossier, dossier.step)
    Handover.objects.create(
        dossier=dossier,
        step=dossier.step,
        step_name=_("Assignment") + (f": {step.name}" if step else ""),
        unit=dossier.competent_agency.name,
        giver=actor.user,
        receiver=user,
        given_at=at,
        received_at=at,
    )
    dossier.assignee = user
    dossier.custodian = user
    _save(dossier, ["assignee", "custodian"])
    _event(
        dossier,
        Action.ASSIGN,
        at=at,
        actor=actor,
        from_status=dossier.status,
        agency=dossier.competent_agency,
        payload={"assignee": user.get_username()},
    )
    return dossier


@transaction.atomic
def dossier_handover(
    *,
    actor: Actor,
    code: str,
    to: str,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Finish the current step and give the dossier to the person who does the next one."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor, code=code, action=Action.HANDOVER, expected_version=expected_version, site=None
    )
    nxt = _next_step(dossier, actor_kind="agency")
    if nxt is None:
        raise InvalidTransition(
            _("This is the last step of the agency's process: complete the dossier instead."),
            field="to",
        )
    user = _agency_member(dossier, to, field_name="to", at=at)
    calendar = _calendar(dossier, at)
    handover = _close_step(
        dossier,
        at=at,
        calendar=calendar,
        giver=actor.user,
        receiver=user,
        unit=dossier.competent_agency.name,
        note=normalize(note or "").strip(),
    )
    dossier.step = nxt.order
    dossier.step_started_at = at
    dossier.custodian = user
    _save(dossier, ["step", "step_started_at", "custodian"])
    _event(
        dossier,
        Action.HANDOVER,
        at=at,
        actor=actor,
        from_status=dossier.status,
        agency=dossier.competent_agency,
        payload={
            "to": user.get_username(),
            "step": nxt.order,
            "step_timeliness": handover.timeliness,
        },
    )
    return dossier


def _clean_items(items: list[SupplementItem] | None) -> list[SupplementItem]:
    cleaned = [
        SupplementItem(
            name=normalize(i.name or "").strip(),
            originals=max(0, int(i.originals or 0)),
            certified_copies=max(0, int(i.certified_copies or 0)),
            copies=max(0, int(i.copies or 0)),
        )
        for i in (items or [])
    ]
    if not cleaned or any(not i.name for i in cleaned):
        raise InvalidInput(
            _("List every component to add or complete, each with its name."), field="items"
        )
    return cleaned


@transaction.atomic
def dossier_request_supplement(
    *,
    actor: Actor,
    code: str,
    reason: str,
    items: list[SupplementItem],
    site: Site | None = None,
    officer_phone: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Ask, once and completely, for what is missing (form 02); the clock pauses (§2.4)."""
    at = at or clock.now()
    items = _clean_items(items)
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the supplement request."), field="reason")
    dossier = _begin(
        actor=actor,
        code=code,
        action=Action.REQUEST_SUPPLEMENT,
        expected_version=expected_version,
        site=site,
    )
    if dossier.supplement_count >= dossier.regime.max_supplements:
        raise SupplementAlreadyRequested(
            _(
                "A supplement was already requested for this dossier; the rules allow "
                "%(max)s request after receipt."
            )
            % {"max": dossier.regime.max_supplements}
        )
    before = dossier.status
    dossier.status = Status.AWAITING_SUPPLEMENT
    dossier.paused_at = at
    dossier.paused_status = before
    dossier.supplement_count += 1
    _save(dossier, ["status", "paused_at", "paused_status", "supplement_count"])
    _event(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        at=at,
        actor=actor,
        from_status=before,
        site=site,
        agency=dossier.competent_agency if site is None else None,
        payload={
            "reason": reason,
            "items": [vars(i) for i in items],
            "officer_phone": officer_phone,
        },
    )
    notify_on_commit(dossier=dossier, event=NotificationEvent.SUPPLEMENT_REQUESTED)
    return dossier


def _resume(dossier: Dossier, at: datetime, calendar) -> dict[str, Any]:
    old_due = dossier.due_at
    paused_for = worktime.working_time_between(dossier.paused_at, at, calendar)
    if dossier.due_at is not None:
        dossier.due_at = worktime.extend_for_pause(dossier.due_at, dossier.paused_at, at, calendar)
    if dossier.step_started_at is not None:
        dossier.step_started_at = worktime.add_working_time(
            dossier.step_started_at, paused_for, calendar
        )
    dossier.status = dossier.paused_status or Status.IN_PROGRESS
    dossier.paused_at = None
    dossier.paused_status = ""
    return {
        "old_due_at": old_due,
        "due_at": dossier.due_at,
        "paused_working_minutes": int(paused_for.total_seconds() // 60),
    }


@transaction.atomic
def dossier_receive_supplement(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The complete supplement arrived: the clock resumes and the due time moves (§5)."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor,
        code=code,
        action=Action.RECEIVE_SUPPLEMENT,
        expected_version=expected_version,
        site=site,
    )
    before = dossier.status
    payload = _resume(dossier, at, _calendar(dossier, at))
    payload["note"] = normalize(note or "").strip()
    _save(dossier, ["status", "paused_at", "paused_status", "due_at", "step_started_at"])
    _event(
        dossier, Action.RECEIVE_SUPPLEMENT, at=at, actor=actor, from_status=before, site=site,
        payload=payload,
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_require_obligation(
    *,
    actor: Actor,
    code: str,
    amount: int,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Ask the applicant to meet a financial obligation (fees, land tax) before the result."""
    at = at or clock.now()
    if amount is None or amount <= 0:
        raise InvalidInput(_("Enter the amount due, in VND, above zero."), field="amount")
    dossier = _begin(
        actor=actor,
        code=code,
        action=Action.REQUIRE_OBLIGATION,
        expected_version=expected_version,
        site=None,
    )
    before = dossier.status
    dossier.status = Status.AWAITING_OBLIGATION
    dossier.obligation_amount = amount
    fields = ["status", "obligation_amount"]
    if dossier.regime.obligation_pauses_clock:
        dossier.paused_at = at
        dossier.paused_status = before
        fields += ["paused_at", "paused_status"]
    _save(dossier, fields)
    _event(
        dossier, Action.REQUIRE_OBLIGATION, at=at, actor=actor, from_status=before,
        agency=dossier.competent_agency,
        payload={"amount": amount, "note": normalize(note or "").strip()},
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_fulfil_obligation(
    *,
    actor: Actor,
    code: str,
    site: Site | None = None,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The obligation is met (receipt of payment seen): processing and the clock resume."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor,
        code=code,
        action=Action.FULFIL_OBLIGATION,
        expected_version=expected_version,
        site=site,
    )
    before = dossier.status
    if dossier.paused_at is not None:
        payload = _resume(dossier, at, _calendar(dossier, at))
    else:
        dossier.status = Status.IN_PROGRESS
        payload = {}
    payload["note"] = normalize(note or "").strip()
    _save(dossier, ["status", "paused_at", "paused_status", "due_at", "step_started_at"])
    _event(
        dossier, Action.FULFIL_OBLIGATION, at=at, actor=actor, from_status=before, site=site,
        agency=dossier.competent_agency if site is None else None, payload=payload,
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_extend(
    *,
    actor: Actor,
    code: str,
    new_due_at: datetime,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Apologise and set a new appointment (form 04), once, and early enough (§2.4)."""
    at = at or clock.now()
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the delay."), field="reason")
    if new_due_at is None or new_due_at.tzinfo is None:
        raise InvalidInput(
            _("Give the new appointment as a date and time with its UTC offset."),
            field="new_due_at",
        )
    dossier = _begin(
        actor=actor, code=code, action=Action.EXTEND, expected_version=expected_version, site=None
    )
    regime = dossier.regime
    if dossier.extension_count >= regime.max_extensions:
        raise AlreadyExtended(
            _("The appointment of this dossier was already moved once; it cannot move again.")
        )
    calendar = _calendar(dossier, at)
    if not rules.apology_possible(
        at, dossier.due_at, calendar, lead=timedelta(hours=regime.apology_lead_hours)
    ):
        raise ApologyTooLate(
            _(
                "Too late to apologise: the apology must be issued at least %(hours)s working "
                "hours before the due time (%(due)s)."
            )
            % {
                "hours": regime.apology_lead_hours,
                "due": calendar.local(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
            }
        )
    if new_due_at <= dossier.due_at:
        raise InvalidInput(
            _("The new appointment must be later than the current one (%(due)s).")
            % {"due": calendar.local(dossier.due_at).strftime("%H:%M %d/%m/%Y")},
            field="new_due_at",
        )
    before = dossier.status
    old_due = dossier.due_at
    dossier.due_at = new_due_at
    dossier.extension_count += 1
    _save(dossier, ["due_at", "extension_count"])
    _event(
        dossier, Action.EXTEND, at=at, actor=actor, from_status=before,
        agency=dossier.competent_agency,
        payload={"reason": reason, "old_due_at": old_due, "new_due_at": new_due_at},
    )  # fmt: skip
    notify_on_commit(dossier=dossier, event=NotificationEvent.EXTENDED)
    return dossier


@transaction.atomic
def dossier_complete(
    *,
    actor: Actor,
    code: str,
    outcome: str = Outcome.GRANTED,
    note: str = "",
    result_file: UploadedFile | StoredFile | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The agency's result is signed and goes to the return site (or by post or online);
    ``result_file``, its electronic copy, is kept with it."""
    at = at or clock.now()
    if outcome not in Outcome.values:
        raise InvalidInput(_("The outcome is granted or rejected."), field="outcome")
    note = normalize(note or "").strip()
    if outcome == Outcome.REJECTED and not note:
        raise InvalidInput(_("Give the written reason for rejecting the request."), field="note")
    if isinstance(result_file, StoredFile):
        digest = (result_file.sha256, result_file.size, result_file.content_type)
    else:
        digest = _digest(result_file) if result_file is not None else None
    dossier = _begin(
        actor=actor, code=code, action=Action.COMPLETE, expected_version=expected_version, site=None
    )
    calendar = _calendar(dossier, at)
    before = dossier.status
    # §2.4: a leader signs; a specialist issues only a result a leader approved (0009).
    from motcua.dossiers.services.approval import signature_for_complete

    signature = signature_for_complete(dossier, actor=actor, at=at)
    handover = signature.handover or _close_step(
        dossier, at=at, calendar=calendar, giver=actor.user, unit=dossier.competent_agency.name,
        received=False, note=note, on_behalf_of=signature.on_behalf_of,
    )  # fmt: skip
    last = _next_step(dossier, actor_kind="one_stop")
    dossier.status = Status.RESULT_READY
    dossier.outcome = outcome
    _finish(dossier, at, calendar)
    dossier.step = last.order if last else dossier.step
    dossier.step_started_at = at
    dossier.custodian_agency = None
    dossier.custodian = None
    dossier.custodian_site = (
        dossier.return_site
        if dossier.return_method == ReturnMethod.SITE
        else dossier.receiving_site
    )
    fields = [
        "status", "outcome", "finished_at", "timeliness", "step", "step_started_at",
        "custodian_agency", "custodian", "custodian_site",
    ]  # fmt: skip
    if digest is not None:
        _store(dossier.result_file, result_file.name, result_file)
        dossier.result_sha256 = digest[0]
        fields += ["result_file", "result_sha256"]
    _save(dossier, fields)
    _event(
        dossier, Action.COMPLETE, at=at, actor=actor, from_status=before,
        agency=dossier.competent_agency,
        payload={
            "outcome": outcome, "note": note, "timeliness": dossier.timeliness,
            "step_timeliness": handover.timeliness,
            "result_sha256": dossier.result_sha256,
            "return_site": dossier.return_site.code if dossier.return_site else "",
            **signature.payload,
        },
    )  # fmt: skip
    notify_on_commit(dossier=dossier, event=NotificationEvent.RESULT_READY)
    return dossier


@transaction.atomic
def dossier_deliver(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    recipient_name: str,
    recipient_id_number: str = "",
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Hand the result over, signed for in the ledger (§2.5)."""
    at = at or clock.now()
    recipient_name = normalize(recipient_name or "").strip()
    if not recipient_name:
        raise InvalidInput(_("Enter the name of the person who collects the result."),
                           field="recipient_name")  # fmt: skip
    dossier = _begin(
        actor=actor, code=code, action=Action.DELIVER, expected_version=expected_version, site=site
    )
    before = dossier.status
    calendar = _calendar(dossier, at)
    if dossier.step is not None and _step(dossier, dossier.step) is not None:
        _close_step(
            dossier, at=at, calendar=calendar, giver=actor.user,
            unit=(site or dossier.receiving_site).name, note=recipient_name,
        )  # fmt: skip
    dossier.status = Status.DELIVERED
    dossier.delivered_at = at
    dossier.custodian_site = None
    dossier.custodian = None
    _save(dossier, ["status", "delivered_at", "custodian_site", "custodian"])
    _event(
        dossier, Action.DELIVER, at=at, actor=actor, from_status=before, site=site,
        payload={
            "recipient_name": recipient_name,
            "recipient_id_number": (recipient_id_number or "").strip(),
            "note": normalize(note or "").strip(),
        },
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_withdraw(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    reason: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (national status 7)."""
    at = at or clock.now()
    dossier = _begin(
        actor=actor, code=code, action=Action.WITHDRAW, expected_version=expected_version, site=site
    )
    before = dossier.status
    dossier.status = Status.WITHDRAWN
    dossier.finished_at = at
    dossier.paused_at = None
    _save(dossier, ["status", "finished_at", "paused_at"])
    _event(
        dossier, Action.WITHDRAW, at=at, actor=actor, from_status=before, site=site,
        payload={"reason": normalize(reason or "").strip()},
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_stop(
    *,
    actor: Actor,
    code: str,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Stop processing with a notice (form 05, regime 2025 only; §2.6)."""
    at = at or clock.now()
    reason = normalize(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for stopping."), field="reason")
    dossier = _begin(
        actor=actor, code=code, action=Action.STOP, expected_version=expected_version, site=None
    )
    if not dossier.regime.has_stop_notice:
        raise InvalidTransition(
            _("Regime %(regime)s has no notice of stopping; the dossier cannot be stopped.")
            % {"regime": dossier.regime.code},
        )
    before = dossier.status
    calendar = _calendar(dossier, at)
    dossier.status = Status.STOPPED
    dossier.paused_at = None
    _finish(dossier, at, calendar)
    _save(dossier, ["status", "finished_at", "timeliness", "paused_at"])
    _event(
        dossier, Action.STOP, at=at, actor=actor, from_status=before,
        agency=dossier.competent_agency, payload={"reason": reason},
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_pay(
    *,
    actor: Actor,
    code: str,
    site: Site | None,
    amount: int,
    method: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Dossier:
    """Record fees paid after receipt (cash, transfer or online)."""
    at = at or clock.now()
    if amount is None or amount <= 0:
        raise InvalidInput(_("Enter the amount paid, in VND, above zero."), field="amount")
    if method not in PaymentMethod.values:
        raise InvalidInput(_("Say how the fees were paid: cash, transfer or online."),
                           field="method")  # fmt: skip
    dossier = _begin(
        actor=actor, code=code, action=Action.PAY, expected_version=expected_version, site=site
    )
    dossier.fee_paid += amount
    dossier.payment_method = method
    _save(dossier, ["fee_paid", "payment_method"])
    _event(
        dossier, Action.PAY, at=at, actor=actor, from_status=dossier.status, site=site,
        payload={"amount": amount, "method": method, "total_paid": dossier.fee_paid},
    )  # fmt: skip
    return dossier


@transaction.atomic
def dossier_attach(
    *,
    actor: Actor,
    code: str,
    order: int,
    file: UploadedFile,
    site: Site | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> DossierComponent:
    """Store the scan of a received component (digitisation), with its checksum."""
    at = at or clock.now()
    sha, size, kind = _digest(file)
    dossier = _begin(
        actor=actor, code=code, action=Action.ATTACH, expected_version=expected_version, site=site
    )
    component = dossier.components.filter(order=order).first()
    if component is None:
        raise InvalidInput(
            _("The dossier has no component number %(order)s.") % {"order": order},
            field="order",
        )
    if not component.received:
        raise InvalidInput(
            _("Component %(name)s was not received; it cannot be digitised.")
            % {"name": component.name},
            field="order",
        )
    component.file.save(f"{dossier.code}-{order:02d}.{EXTENSIONS[kind]}", file, save=False)
    component.sha256, component.size, component.content_type = sha, size, kind
    component.digitised_at = at
    component.save(update_fields=["file", "sha256", "size", "content_type", "digitised_at"])
    _save(dossier, [])
    _event(
        dossier, Action.ATTACH, at=at, actor=actor, from_status=dossier.status, site=site,
        payload={"component": order, "sha256": sha, "size": size, "content_type": kind},
    )  # fmt: skip
    return component
