"""Real files for upload tests: uploads are parsed (pypdf, Pillow), so a few magic bytes no
longer pass for a PDF or an image."""

from __future__ import annotations

import io
from functools import cache

from motcua.simulation.samples import one_page_pdf, pdf_of


def pdf_bytes(text: str = "a scanned page") -> bytes:
    """A valid one-page PDF that says ``text`` (ASCII)."""
    return one_page_pdf((text,))


@cache
def png_bytes(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


@cache
def jpeg_bytes(width: int = 8, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "JPEG")
    return out.getvalue()


@cache
def pdf_bomb(inflated: int = 1024 * 1024 * 1024) -> bytes:
    """A one-page PDF whose page content inflates to ``inflated`` bytes of blanks (1 GB from
    about 1 MB): what a viewer or a text extractor would expand."""
    import zlib

    squeeze = zlib.compressobj(9)
    chunk = b" " * (16 * 1024 * 1024)
    parts = [squeeze.compress(chunk) for _ in range(inflated // len(chunk))]
    stream = b"".join(parts) + squeeze.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    return pdf_of(objects)


def assert_safe_download(response) -> None:
    """A stored file leaves as an attachment that no browser runs as a page."""
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
