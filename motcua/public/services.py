"""Online filing by a citizen, without an account (issue 5 §2).

The dossier itself is made by :func:`motcua.dossiers.services.lifecycle.dossier_create` with
``decision="submit"``, like any other; what is here is the citizen's side of it: their files,
checked by the same rules as a staff scan (type by first bytes, size, SHA-256) and stored with
an ``attach`` event whose actor is nobody (the applicant), all in the filing's transaction.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.selectors import procedure_get, version_on
from motcua.core import clock
from motcua.core.errors import Conflict, InvalidInput, InvalidTransition
from motcua.dossiers.audit import event_append
from motcua.dossiers.choices import Action, Channel, ReturnMethod, Status
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.services import lifecycle
from motcua.dossiers.services.lifecycle import ApplicantIn, ComponentIn, Errors
from motcua.organization.models import Site

EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

# How long a second sending of the same form waits for the first to finish.
RESEND_WAIT_SECONDS = 15


def file_field(order: int) -> str:
    """The field name a refusal about component ``order``'s file carries."""
    return f"components.{order}.file"


def _checked(files: dict[int, UploadedFile]) -> dict[int, tuple[str, int, str]]:
    """(sha256, size, type) of every file, or every refusal at once."""
    errors = Errors()
    digests = {}
    for order, upload in sorted(files.items()):
        try:
            digests[order] = lifecycle._digest(upload)
        except InvalidInput as exc:
            errors.add(file_field(order), exc.detail)
    errors.raise_if_any()
    return digests


def dossier_attach_online(
    *,
    dossier: Dossier,
    order: int,
    file: UploadedFile,
    digest: tuple[str, int, str] | None = None,
    at: datetime | None = None,
) -> DossierComponent:
    """Store the applicant's file of component ``order`` of an online dossier under check.

    The same checks as a staff scan (``lifecycle._digest``); the event has no actor, since the
    applicant has no account. ``digest`` spares checking a file already checked.
    """
    at = at or clock.now()
    sha, size, kind = digest or lifecycle._digest(file)
    with transaction.atomic():
        locked = lifecycle._lock(dossier.code, None)
        if locked.channel != Channel.ONLINE or locked.status != Status.SUBMITTED:
            raise InvalidTransition(
                _("Files are added online only while the dossier waits for its check.")
            )
        component = locked.components.filter(order=order).first()
        if component is None:
            raise InvalidInput(
                _("The dossier has no component number %(order)s.") % {"order": order},
                field=file_field(order),
            )
        component.file.save(f"{locked.code}-{order:02d}.{EXTENSIONS[kind]}", file, save=False)
        component.sha256, component.size, component.content_type = sha, size, kind
        component.digitised_at = at
        component.received = True
        component.save(
            update_fields=["file", "sha256", "size", "content_type", "digitised_at", "received"]
        )
        lifecycle._save(locked, [])
        event_append(
            dossier=locked,
            action=Action.ATTACH,
            at=at,
            actor=None,
            from_status=locked.status,
            to_status=locked.status,
            payload={"component": order, "sha256": sha, "size": size, "content_type": kind},
        )
    return component


def _previous(key: str, digest: str) -> Dossier | None:
    """The dossier an earlier sending of the same form made, if any."""
    previous = Dossier.objects.filter(created_by__isnull=True, idempotency_key=key).first()
    if previous is not None and previous.request_digest != digest:
        raise InvalidInput(
            _(
                "This form was already sent and made dossier %(code)s; it cannot be sent again "
                "with other content. To file another dossier, open the form again."
            )
            % {"code": previous.code},
            field="Idempotency-Key",
        )
    return previous


def dossier_file_online(
    *,
    site: Site,
    procedure_code: str,
    applicant: ApplicantIn,
    object_unit_code: str = "",
    files: dict[int, UploadedFile],
    return_method: str,
    return_site_code: str = "",
    return_address: str = "",
    idempotency_key: str,
    at: datetime | None = None,
) -> tuple[Dossier, bool]:
    """File a dossier online at ``site`` with the applicant's ``files`` (component → file).

    Returns ``(dossier, created)``. The same form sent again (the same ``idempotency_key``,
    the same content) returns the first dossier with ``created=False``, even when the two
    sendings overlap; the same key with other content is refused. Every refusal of the
    intake and of the files comes at once, each with its field; nothing is written then.
    """
    at = at or clock.now()
    if not idempotency_key:
        raise InvalidInput(_("The form lost its key; open it again."), field="Idempotency-Key")
    digests = _checked(files)
    procedure = procedure_get(code=procedure_code)
    request = {
        "procedure": procedure.code,
        "site": site.code,
        "applicant": vars(applicant),
        "object_unit": object_unit_code,
        "return": [return_method, return_site_code, return_address],
        "files": {str(order): d[0] for order, d in sorted(digests.items())},
    }
    digest = lifecycle.request_digest(request)
    previous = _previous(idempotency_key, digest)
    if previous is not None:
        return previous, False
    lock = f"motcua:public:filing:{idempotency_key}"
    deadline = time.monotonic() + RESEND_WAIT_SECONDS
    # The unique constraint on (creator, key) cannot tell two filings without a creator apart
    # (NULLs differ), so overlapping sendings of one form queue here instead.
    while not cache.add(lock, 1, timeout=RESEND_WAIT_SECONDS * 4):
        if time.monotonic() > deadline:
            raise Conflict(_("This form is being sent already. Wait a moment and try again."))
        time.sleep(0.2)
        previous = _previous(idempotency_key, digest)
        if previous is not None:
            return previous, False
    try:
        previous = _previous(idempotency_key, digest)
        if previous is not None:
            return previous, False
        return _file(
            site=site,
            procedure_code=procedure_code,
            applicant=applicant,
            object_unit_code=object_unit_code,
            files=files,
            digests=digests,
            return_method=return_method,
            return_site_code=return_site_code,
            return_address=return_address,
            idempotency_key=idempotency_key,
            digest=digest,
            at=at,
        )
    finally:
        cache.delete(lock)


@transaction.atomic
def _file(
    *,
    site: Site,
    procedure_code: str,
    applicant: ApplicantIn,
    object_unit_code: str,
    files: dict[int, UploadedFile],
    digests: dict[int, tuple[str, int, str]],
    return_method: str,
    return_site_code: str,
    return_address: str,
    idempotency_key: str,
    digest: str,
    at: datetime,
) -> tuple[Dossier, bool]:
    version = version_on(
        procedure=procedure_get(code=procedure_code), day=lifecycle.clock_local(at).date()
    )
    components = [
        ComponentIn(order=c.order, received=c.order in files) for c in version.components.all()
    ]
    dossier, created = lifecycle.dossier_create(
        actor=None,
        site=site,
        procedure_code=procedure_code,
        applicant=applicant,
        decision=Action.SUBMIT,
        object_unit_code=object_unit_code,
        components=components,
        return_method=return_method,
        return_site_code=return_site_code if return_method == ReturnMethod.SITE else "",
        return_address=return_address,
        idempotency_key=idempotency_key,
        digest=digest,
        at=at,
    )
    if created:
        for order, upload in sorted(files.items()):
            dossier_attach_online(
                dossier=dossier, order=order, file=upload, digest=digests[order], at=at
            )
        dossier.refresh_from_db()
    return dossier, created
