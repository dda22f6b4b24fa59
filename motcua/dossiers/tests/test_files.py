"""Uploads are typed by parsing, not by their first bytes or their name."""

from __future__ import annotations

import io
import time

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers.files import identify
from motcua.dossiers.tests.samples import jpeg_bytes, pdf_bomb, pdf_bytes, png_bytes


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(InvalidInput) as caught:
        identify(name, io.BytesIO(content))
    assert caught.value.field == "file"
    return caught.value.detail


def test_real_files_pass_with_an_agreeing_name():
    assert identify("to-khai.pdf", io.BytesIO(pdf_bytes())) == "application/pdf"
    assert identify("Anh.PNG", io.BytesIO(png_bytes())) == "image/png"
    assert identify("anh.jpeg", io.BytesIO(jpeg_bytes())) == "image/jpeg"
    assert identify("anh.jpg", io.BytesIO(jpeg_bytes())) == "image/jpeg"


def test_a_program_behind_pdf_bytes_is_refused():
    """Before: `%PDF-1.4\\nMZ…` named setup.exe was stored as a PDF."""
    program = b"%PDF-1.4\nMZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
    assert "“.exe”" in refusal("setup.exe", program)
    assert refusal("setup.pdf", program) == "Tệp này không phải tài liệu PDF hợp lệ."


def test_a_real_pdf_under_another_name_is_refused():
    assert "PDF" in refusal("setup.exe", pdf_bytes())
    assert refusal("scan", pdf_bytes())
    assert refusal("anh.png", jpeg_bytes())


def test_magic_bytes_alone_are_not_an_image():
    assert refusal("anh.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    assert refusal("anh.jpg", b"\xff\xd8\xff" + b"\x00" * 32)


def test_an_image_of_too_many_pixels_is_refused():
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # 144 million pixels in 200 kB
    assert "triệu điểm ảnh" in refusal("bomb.png", out.getvalue())


def test_a_pdf_that_inflates_to_a_gigabyte_is_refused_without_inflating_it_all():
    bomb = pdf_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    started = time.monotonic()
    assert "MB" in refusal("bomb.pdf", bomb)
    assert time.monotonic() - started < 20


def test_a_damaged_pdf_is_refused():
    assert refusal("a.pdf", pdf_bytes()[:40])
