"""Decide a file's type from its bytes, never from its name or the browser's header."""

from __future__ import annotations

import zipfile
from typing import IO

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
DOCX = "docx"
DOC = "doc"

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Markup that must never be inside something we will hand back to a browser.
_ACTIVE_MARKERS = (b"<script", b"<html", b"<!doctype html", b"<svg", b"<iframe", b"javascript:")


def _read_head(handle: IO[bytes], size: int = 8192) -> bytes:
    position = handle.tell() if hasattr(handle, "tell") else 0
    handle.seek(0)
    head = handle.read(size)
    handle.seek(position)
    return head


def _is_docx(handle: IO[bytes]) -> bool:
    position = handle.tell()
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        handle.seek(position)


def _contains_active_markup(handle: IO[bytes]) -> bool:
    """A PNG header followed by HTML passes a naive check: look through the whole file."""
    position = handle.tell()
    handle.seek(0)
    tail = b""
    try:
        while chunk := handle.read(65536):
            window = (tail + chunk).lower()
            if any(marker in window for marker in _ACTIVE_MARKERS):
                return True
            tail = window[-32:]
    finally:
        handle.seek(position)
    return False


def sniff(handle: IO[bytes]) -> str | None:
    """The file's real type (one of the constants above) or ``None`` when unknown or unsafe."""
    head = _read_head(handle)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(_OLE_MAGIC):
        kind = DOC
    elif head.startswith(b"PK\x03\x04") and _is_docx(handle):
        kind = DOCX
    if kind in (PNG, JPEG) and _contains_active_markup(handle):
        return None
    return kind
