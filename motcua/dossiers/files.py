"""The files a dossier keeps (scans of its components, its electronic result): what kinds are
accepted, how a stored one is named, and a file already in storage. Pure: no ORM."""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput

#: Accepted types, first told by their first bytes, then decided by parsing the whole file
#: (:func:`identify`), never by the name the sender gave.
ALLOWED_UPLOADS = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
#: The extensions a sender's file name may carry for each type.
ACCEPTED_EXTENSIONS = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: A dossier's scan is a few pages; a law's annex a few hundred.
MAX_PDF_PAGES = 1000
MAX_PDF_OBJECTS = 200_000
#: What a PDF's compressed streams may inflate to, all together: a 20 MB scan of JPEG pages
#: inflates to little; a "zip bomb" PDF (1 GB from a few MB) is refused once past this, without
#: inflating the rest.
MAX_PDF_INFLATED_BYTES = 256 * 1024 * 1024
#: 80 million pixels: a 600 dpi A3 scan is 7,000 × 9,900 (69 million); below Pillow's own
#: warning (89 million) and its refusal (twice that).
MAX_IMAGE_PIXELS = 80_000_000
_INFLATE_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file already in storage (``name`` there) with its digest, attached by reference
    instead of copied: the workload generator's sample scan and result, one stored file for
    many simulated dossiers. Only code passes one; uploads from people are checked."""

    name: str
    sha256: str
    size: int
    content_type: str


def _refuse(message: str) -> InvalidInput:
    return InvalidInput(message, field="file")


def identify(name: str, stream: BinaryIO) -> str:
    """The type of an uploaded file, decided by parsing it (pypdf for PDF, Pillow for JPEG and
    PNG, with limits against decompression bombs); the extension of ``name`` must agree.
    Raises :class:`InvalidInput` on ``file``. Leaves ``stream`` at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    kind = next((t for t, magic in ALLOWED_UPLOADS.items() if head.startswith(magic)), None)
    if kind is None:
        raise _refuse(_("Only PDF, JPEG and PNG files are accepted; this file is neither."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED_EXTENSIONS[kind]:
        raise _refuse(
            _("The file's name ends in “.%(extension)s” but the file is a %(kind)s.")
            % {"extension": extension, "kind": EXTENSIONS[kind].upper()}
        )
    try:
        if kind == "application/pdf":
            _check_pdf(stream)
        else:
            _check_image(stream, kind)
    finally:
        stream.seek(0)
    return kind


def _check_pdf(stream: BinaryIO) -> None:
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    broken = _("This file is not a valid PDF document.")
    try:
        reader = PdfReader(stream, strict=False)
        pages = len(reader.pages)
        numbers = [n for by_number in reader.xref.values() for n in by_number]
        numbers += list(reader.xref_objStm)
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise _refuse(broken) from exc
    if pages == 0:
        raise _refuse(broken)
    if pages > MAX_PDF_PAGES or len(numbers) > MAX_PDF_OBJECTS:
        raise _refuse(
            _("The PDF has more than %(pages)s pages or too many parts; split it.")
            % {"pages": MAX_PDF_PAGES}
        )
    budget = MAX_PDF_INFLATED_BYTES
    for number in numbers:
        try:
            obj = reader.get_object(number)
        except Exception as exc:
            raise _refuse(broken) from exc
        if not isinstance(obj, StreamObject):
            continue
        filters = obj.get("/Filter")
        first = filters[0] if isinstance(filters, list) and filters else filters
        if first in ("/FlateDecode", "/Fl"):
            budget -= _inflated_size(getattr(obj, "_data", b""), budget)
            if budget < 0:
                raise _refuse(
                    _("The PDF expands to more than %(limit)s MB when opened; it is refused.")
                    % {"limit": MAX_PDF_INFLATED_BYTES // 1024 // 1024}
                )


def _inflated_size(data: bytes, budget: int) -> int:
    """How many bytes ``data`` inflates to, counted chunk by chunk and abandoned once past
    ``budget`` (a damaged stream counts what inflated before the damage)."""
    inflater = zlib.decompressobj()
    total = 0
    pending = data
    try:
        while pending and total <= budget:
            total += len(inflater.decompress(pending, _INFLATE_CHUNK))
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return total


def _check_image(stream: BinaryIO, kind: str) -> None:
    from PIL import Image

    broken = _("This file is not a valid JPEG or PNG image.")
    too_large = _(
        "The image is larger than %(limit)s million pixels; scan at a lower resolution."
    ) % {"limit": MAX_IMAGE_PIXELS // 1_000_000}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream, formats=["JPEG", "PNG"]) as image:
                if Image.MIME.get(image.format) != kind:
                    raise _refuse(broken)
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _refuse(too_large)
                image.verify()
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(too_large) from exc
    except Exception as exc:  # Pillow's errors on a damaged or hostile image
        raise _refuse(broken) from exc
