"""The tamper-evident trail: each event's hash covers its content and the previous hash.

``event_hash`` is pure; :func:`event_append` is the only writer of events (called by the
services inside their transaction); :func:`chain_breaks` re-computes every chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from motcua.core.rows import insert_rows

GENESIS = "0" * 64


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
    payload: dict[str, Any],
) -> str:
    """Return the SHA-256 of an event's content in a canonical JSON form."""
    content = {
        "prev": prev_hash,
        "dossier": dossier_code,
        "seq": seq,
        "action": action,
        "actor": actor_id,
        "site": site_id,
        "agency": agency_id,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "from": from_status,
        "to": to_status,
        "payload": payload,
    }
    canonical = json.dumps(
        content, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def canonical_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the payload as it will read back from the JSON column (dates become strings)."""
    return json.loads(json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False))


def payload_instant(value: Any) -> datetime | None:
    """Read back an instant that :func:`canonical_payload` stored as ISO text (else ``None``)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def chain_code(code: str, online_reference: str) -> str:
    """The name a dossier's chain hashes: its first one, so that the official code an online
    filing gets at its check (recorded in that event's payload) breaks no earlier link."""
    return online_reference or code


def event_append(
    *,
    dossier,
    action: str,
    at: datetime,
    actor=None,
    site=None,
    agency=None,
    from_status: str = "",
    to_status: str,
    payload: dict[str, Any] | None = None,
    first: bool = False,
):
    """Append an event to ``dossier``'s chain. Call inside the transaction that changed it.

    The caller holds the dossier's row lock (services take ``select_for_update``), so the
    previous event read here is the last one. ``first`` says the dossier was just created in
    this transaction and has no event yet, which spares the read.
    """
    from motcua.dossiers.models import DossierEvent

    last = None
    if not first:
        last = (
            DossierEvent.objects.filter(dossier=dossier)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    payload = canonical_payload(payload or {})
    actor_name = ""
    if actor is not None:
        profile = getattr(actor, "staff_profile", None)
        actor_name = profile.full_name if profile else actor.get_username()
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        action=action,
        actor=actor,
        actor_name=actor_name,
        site=site,
        agency=agency,
        at=at,
        from_status=from_status,
        to_status=to_status,
        payload=payload,
        prev_hash=prev_hash,
        hash=event_hash(
            prev_hash=prev_hash,
            dossier_code=chain_code(dossier.code, dossier.online_reference),
            seq=seq,
            action=action,
            actor_id=getattr(actor, "pk", None),
            site_id=getattr(site, "pk", None),
            agency_id=getattr(agency, "pk", None),
            at=at,
            from_status=from_status,
            to_status=to_status,
            payload=payload,
        ),
    )
    insert_rows([event])  # append-only: a new row, never a save() of an existing one
    return event


@dataclass(frozen=True)
class ChainBreak:
    dossier_code: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"{self.dossier_code} #{self.seq}: {self.reason}"


def chain_breaks(dossier_ids=None, *, batch: int = 2000) -> Iterator[ChainBreak]:
    """Yield every break in the chains of the given dossiers (all when ``None``)."""
    from motcua.dossiers.models import DossierEvent

    events = DossierEvent.objects.select_related(None).order_by("dossier_id", "seq")
    if dossier_ids is not None:
        events = events.filter(dossier_id__in=list(dossier_ids))
    rows = events.values_list(
        "dossier_id",
        "dossier__code",
        "dossier__online_reference",
        "seq",
        "action",
        "actor_id",
        "site_id",
        "agency_id",
        "at",
        "from_status",
        "to_status",
        "payload",
        "prev_hash",
        "hash",
    )
    current, expected_prev, expected_seq = None, GENESIS, 1
    for row in rows.iterator(chunk_size=batch):
        (dossier_id, code, reference, seq, action, actor_id, site_id, agency_id, at,
         from_status, to_status, payload, prev_hash, stored_hash) = row  # fmt: skip
        if dossier_id != current:
            current, expected_prev, expected_seq = dossier_id, GENESIS, 1
        if seq != expected_seq:
            yield ChainBreak(code, seq, f"sequence jumps from {expected_seq - 1} to {seq}")
        if prev_hash != expected_prev:
            yield ChainBreak(code, seq, "previous hash does not match the event before it")
        recomputed = event_hash(
            prev_hash=prev_hash,
            dossier_code=chain_code(code, reference),
            seq=seq,
            action=action,
            actor_id=actor_id,
            site_id=site_id,
            agency_id=agency_id,
            at=at,
            from_status=from_status,
            to_status=to_status,
            payload=payload,
        )
        if recomputed != stored_hash:
            yield ChainBreak(code, seq, "content does not match its hash (altered)")
        expected_prev, expected_seq = stored_hash, seq + 1
