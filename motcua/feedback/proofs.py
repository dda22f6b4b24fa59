"""Short-lived signed proofs that a citizen gave a dossier's verifier.

The lookup checks the code and the four digits once; the links it then shows (rate this
service, file a complaint about this dossier) carry a signed token naming the dossier, so the
next page needs no second check and the digits never travel in an address. The token names
the dossier code only (which is printed on the receipt and is no secret); its signature and
age are what prove the check.
"""

from __future__ import annotations

from django.core import signing
from django.utils.translation import gettext as _

from motcua.feedback.errors import ProofExpired

PROOF_SALT = "motcua.feedback.proof"
#: Two hours: a citizen reads the result, then rates; a link found later in a history or a
#: shared screen no longer works.
PROOF_MAX_AGE = 2 * 3600

FOLLOW_SALT = "motcua.feedback.follow"


def proof_for(dossier_code: str) -> str:
    """A token proving that the verifier of ``dossier_code`` was given just now."""
    return signing.dumps(dossier_code, salt=PROOF_SALT, compress=True)


def dossier_code_from(token: str, *, max_age: int = PROOF_MAX_AGE) -> str:
    """The dossier code a valid, fresh token names; :class:`ProofExpired` otherwise."""
    try:
        code = signing.loads(token or "", salt=PROOF_SALT, max_age=max_age)
    except signing.BadSignature as exc:
        raise ProofExpired(
            _("This link has expired or is not valid. Look the dossier up again to continue.")
        ) from exc
    if not isinstance(code, str) or not code:
        raise ProofExpired(_("This link has expired or is not valid."))
    return code


def follow_token(complaint_code: str) -> str:
    """A token proving that a complaint's sender gave its code and digits (to add information)."""
    return signing.dumps(complaint_code, salt=FOLLOW_SALT, compress=True)


def complaint_code_from(token: str, *, max_age: int = PROOF_MAX_AGE) -> str:
    try:
        code = signing.loads(token or "", salt=FOLLOW_SALT, max_age=max_age)
    except signing.BadSignature as exc:
        raise ProofExpired(
            _("This link has expired or is not valid. Enter the code and the digits again.")
        ) from exc
    if not isinstance(code, str) or not code:
        raise ProofExpired(_("This link has expired or is not valid."))
    return code
