"""The files a dossier keeps (scans of its components, its electronic result): what kinds are
accepted, how a stored one is named, and a file already in storage. Pure: no ORM."""

from __future__ import annotations

from dataclasses import dataclass

#: Accepted types, recognised by their first bytes, not by the name the sender gave.
ALLOWED_UPLOADS = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file already in storage (``name`` there) with its digest, attached by reference
    instead of copied: the workload generator's sample scan and result, one stored file for
    many simulated dossiers. Only code passes one; uploads from people are checked."""

    name: str
    sha256: str
    size: int
    content_type: str
