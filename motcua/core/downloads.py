"""How every stored file (a scan, an electronic result, an applicant's upload) leaves the
server: as an attachment that no browser runs as a page."""

from __future__ import annotations

from typing import BinaryIO

from django.http import FileResponse


def attachment(file: BinaryIO, *, filename: str, content_type: str | None) -> FileResponse:
    """A download of a stored file: saved, not shown (``attachment``), never sniffed as
    another type, and sandboxed should a browser open it anyway (no script, no same origin)."""
    response = FileResponse(
        file,
        as_attachment=True,
        filename=filename,
        content_type=content_type or None,  # guessed from the file name when unknown
    )
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
