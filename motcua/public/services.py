"""Online filing by a citizen, without an account (issue 5 §2).

The dossier itself is made by :func:`motcua.dossiers.services.lifecycle.dossier_create` with
``decision="submit"``, like any other; what is here is the citizen's side of it: their files,
checked by the same rules as a staff scan (type by first bytes, size, SHA-256) and stored with
the components they digitise, their checksums in the ``submit`` event (whose actor is nobody:
the applicant), all in the filing's transaction.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.selectors import procedure_get, version_in_force
from motcua.core import clock
from motcua.core.errors import Conflict, InvalidInput
from motcua.dossiers.choices import Action, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import lifecycle
from motcua.dossiers.services.lifecycle import ApplicantIn, ComponentIn, Errors
from motcua.organization.models import Site
from motcua.worktime.selectors import clock_local

# How long a second sending of the same form waits for the first to finish.
RESEND_WAIT_SECONDS = 15


file_field = lifecycle.component_file_field


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
    version = version_in_force(procedure_code=procedure_code, day=clock_local(at).date())
    # Each file (checked once, by ``_checked``) is stored with the dossier it digitises, its
    # checksum in the submission's event: one event, and nothing written when one is refused.
    components = [
        ComponentIn(order=c.order, received=c.order in files, file=files.get(c.order),
                    digest=digests.get(c.order))
        for c in version.components.all()
    ]  # fmt: skip
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
    return dossier, created
