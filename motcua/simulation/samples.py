"""The sample files a simulated dossier references: one scan for every component digitised
at receipt, one electronic result. Pure: the bytes and their digests, no storage.

A year at Hanoi's scale digitises some 13 million components; stored one by one, real scans
would take about a terabyte. The generator stores each sample once (``simulation_samples_
store``) and every simulated component or result references it by name, with its checksum,
as :class:`~motcua.dossiers.files.StoredFile`. The files are real one-page PDFs that say
what they are, so a page that opens a simulated scan shows a document, not an error.
"""

from __future__ import annotations

from hashlib import sha256

from motcua.dossiers.files import StoredFile


def one_page_pdf(lines: tuple[str, ...]) -> bytes:
    """A valid one-page A4 PDF showing ``lines`` (ASCII) in Helvetica: the same bytes for
    the same lines, so its checksum is fixed (no creation date)."""
    text = "".join(
        f"({line.replace(chr(92), chr(92) * 2).replace('(', r'\(').replace(')', r'\)')}) Tj T* "
        for line in lines
    )
    stream = f"BT /F1 14 Tf 18 TL 72 770 Td {text}ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1, the first the catalogue) with its
    cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _sample(name: str, content: bytes) -> tuple[StoredFile, bytes]:
    digest = sha256(content).hexdigest()
    return StoredFile(name, digest, len(content), "application/pdf"), content


SCAN, SCAN_BYTES = _sample(
    "simulation/scan-sample.pdf",
    one_page_pdf(("motcua - simulated data", "Sample scan of a dossier component",
                  "(Ban quet mau - du lieu mo phong)")),
)  # fmt: skip
RESULT, RESULT_BYTES = _sample(
    "simulation/result-sample.pdf",
    one_page_pdf(("motcua - simulated data", "Sample electronic result",
                  "(Ket qua dien tu mau - du lieu mo phong)")),
)  # fmt: skip

#: Every sample with its bytes, as ``simulation_samples_store`` writes them.
SAMPLES = ((SCAN, SCAN_BYTES), (RESULT, RESULT_BYTES))
