"""Fixtures of the ideas tests: uploads go to a temporary MEDIA_ROOT; small images and PDFs; an
item made through its service."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ideas import services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TIERLINE_MAX_ATTACHMENT_MB = 2


def png_bytes(size=(640, 480), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


PDF_BYTES = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
             b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n"
             b"%%EOF\n")
# The first bytes of a Windows executable, renamed to look like a photo.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def png():
    return lambda name="photo.png", **kw: SimpleUploadedFile(name, png_bytes(**kw),
                                                             content_type="image/png")


@pytest.fixture
def pdf():
    return lambda name="drawing.pdf": SimpleUploadedFile(name, PDF_BYTES,
                                                         content_type="application/pdf")


@pytest.fixture
def exe():
    return lambda name="photo.png": SimpleUploadedFile(name, EXE_BYTES, content_type="image/png")


@pytest.fixture
def make_idea(org):
    """``make_idea(**fields)`` logs an item through the service (member on Line 1 by default)."""

    def _make(**kw):
        kw.setdefault("title", "Torque gun keeps slipping")
        kw.setdefault("category", "quality")
        return services.idea_create(actor=kw.pop("actor", org.member),
                                    team=kw.pop("team", org.line1), **kw)

    return _make
