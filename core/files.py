"""Files people hand us: their type decided from the bytes, never from the name or the browser's header.

``inspect(handle)`` returns the kind (``PDF``, ``PNG``, ``JPEG``, ``DOCX``, ``DOC``) or ``None`` when the
bytes are of no kind we know, and raises ``FileRefused`` when the kind is known but the file carries
what could run on the computer of the officer who opens it:

- a PNG or JPEG with HTML or script markup anywhere in it (a polyglot that a browser might render);
- a PDF with automatic or scripted actions, embedded files, forms that submit or import data, XFA or
  rich media, or markup anywhere in its bytes. Names are compared after decoding ``#xx`` escapes,
  and compressed object streams are inflated and read too;
- a PDF that cannot be inspected within a strict budget: encrypted, a stream we cannot decode, or a
  decompression bomb (``UPLOAD_PDF_MAX_INFLATED_BYTES`` in all).

Such files are refused, never "cleaned": the person is told to print or scan to a plain PDF.

Downloads carry a name built from the kind, never the uploader's extension:
``attachment_response(handle, display_name=..., kind=...)``.
"""

from __future__ import annotations

import base64
import binascii
import mmap
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.http import FileResponse
from django.http.multipartparser import MultiPartParserError

from .text import nfc, strip_diacritics

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
DOCX = "docx"
DOC = "doc"

# kind → (Content-Type, the extension a download carries)
KINDS: dict[str, tuple[str, str]] = {
    PDF: ("application/pdf", "pdf"),
    PNG: ("image/png", "png"),
    JPEG: ("image/jpeg", "jpg"),
    DOCX: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    DOC: ("application/msword", "doc"),
}

# Why a file of a known kind was refused.
ACTIVE_CONTENT = "active_content"  # scripts, automatic actions, embedded files, markup
UNINSPECTABLE = "uninspectable"  # encrypted, undecodable, or too big once inflated


class FileRefused(Exception):
    """The bytes are of a known kind but the file must not reach an officer's computer."""

    def __init__(self, kind: str, reason: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {reason} ({detail})")
        self.kind = kind
        self.reason = reason
        self.detail = detail  # for logs, never shown


_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Markup that must never be inside something we hand back to a browser. A tag name must be followed
# by what ends a tag name, so that compressed or pixel data rarely matches by chance.
# Searched in the lower-cased bytes, each part on its own: with IGNORECASE and the alternation at the
# top, the regex engine tried every position and took 13 ms per megabyte (a 1 MB scan twice per upload
# under load); a literal first character lets it skip ahead (1 ms). Lower-casing bytes is ASCII-only,
# as IGNORECASE on a bytes pattern is.
_MARKUP_TAG = re.compile(rb"<(?:script|html|svg|iframe|!doctype\s+html)[\s/>]")
_MARKUP_SCHEME = b"javascript:"


# --- reading the bytes without copying them ------------------------------------------------------


@contextmanager
def _bytes_of(handle: IO[bytes]) -> Iterator[bytes | memoryview | mmap.mmap]:
    """The whole file as a buffer: a read-only map of a file on disk, the buffer of an in-memory
    file, or (for anything else) its bytes. Uploads are bounded by the upload limits."""
    position = handle.tell()
    handle.seek(0)
    try:
        getbuffer = getattr(handle, "getbuffer", None)
        if getbuffer is not None:
            view = getbuffer()
            try:
                yield view
            finally:
                view.release()
            return
        try:
            fileno = handle.fileno()
        except (AttributeError, OSError, ValueError):
            fileno = None
        if fileno is not None:
            try:
                mapped = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):  # empty file, or not mappable
                mapped = None
            if mapped is not None:
                try:
                    yield mapped
                finally:
                    mapped.close()
                return
        yield handle.read()
    finally:
        handle.seek(position)


def _read_head(handle: IO[bytes], size: int = 8192) -> bytes:
    position = handle.tell()
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
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        handle.seek(position)


def contains_markup(data) -> bool:
    """``<script``, ``<html``, ``<svg``, ``<iframe``, ``<!doctype html`` or ``javascript:``, in any case."""
    lowered = bytes(data).lower()
    return _MARKUP_TAG.search(lowered) is not None or _MARKUP_SCHEME in lowered


# --- PDF ---------------------------------------------------------------------------------------------

# A PDF name is "/" and regular characters (anything but white space and delimiters).
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_WS = rb"[\x00\t\n\x0c\r ]"
_REF = rb"\d+" + _WS + rb"+\d+" + _WS + rb"+R"
# Keys and values that make a PDF act on its own or carry other files. Short names must be followed by
# the kind of value they take, so that a few random bytes in binary data do not count.
_DANGER = re.compile(
    rb"/(JavaScript|Launch|EmbeddedFiles?|FileAttachment|RichMedia|XFA|GoToE|GoToR|SubmitForm|ImportData"
    rb"|Encrypt|OpenAction)(?!" + _REGULAR + rb")"
    rb"|/(JS)" + _WS + rb"*(?:\(|<[0-9A-Fa-f\x00\t\n\x0c\r >]|" + _REF + rb")"
    rb"|/(AA|EF)" + _WS + rb"*(?:<<|" + _REF + rb")"
)
# Any name written with #xx escapes is decoded and compared (/J#61vaScript is /JavaScript).
_ESCAPED_NAME = re.compile(rb"/(" + _REGULAR + rb"*#" + _REGULAR + rb"*)")
_DANGEROUS_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"OpenAction",
        b"AA",
        b"Launch",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"EF",
        b"FileAttachment",
        b"RichMedia",
        b"XFA",
        b"GoToE",
        b"GoToR",
        b"SubmitForm",
        b"ImportData",
        b"Encrypt",
    }
)
# What a document may do when it opens: show a page ("open at page 1, fit width"), as LibreOffice and
# LaTeX write it, either as a destination array or as a /GoTo action, given directly or by reference.
# Any other action (a web address, printing, media, another file…) is refused.
_OPEN_AT_PAGE = re.compile(_WS + rb"*\[")
_OPEN_GOTO = re.compile(
    _WS + rb"*<<(?:(?!>>|/Next)[\s\S]){0,400}?/S" + _WS + rb"*/GoTo(?!" + _REGULAR + rb")"
)
_OPEN_REF = re.compile(_WS + rb"*(\d+)" + _WS + rb"+\d+" + _WS + rb"+R")
_MAX_OBJECT_STREAMS_KEPT = 32 << 20
# The keyword, then checked to follow white space or ">" (``_stream_keyword``): a look-behind in front
# stopped the engine from skipping ahead to "stream" and cost 14 ms per megabyte.
_STREAM = re.compile(rb"stream[ \t]*(?:\r\n|\n|\r)")
_BEFORE_STREAM = frozenset(b"\x00\t\n\x0c\r >")
_STREAM_AFTER_SPACE = re.compile(rb"[\x00\t\n\x0c\r >]stream[ \t]*(?:\r\n|\n|\r)")
_ENDSTREAM = re.compile(rb"endstream")
_OBJ_START = re.compile(rb"(?:endstream|endobj)")
_LENGTH = re.compile(rb"/Length" + _WS + rb"+(\d+)(?!" + _WS + rb"+\d+" + _WS + rb"+R)")
_FILTER = re.compile(rb"/Filter" + _WS + rb"*(\[[^\]]*\]|/" + _REGULAR + rb"+)")
_NAME = re.compile(rb"/(" + _REGULAR + rb"+)")
_FIRST = re.compile(rb"/First" + _WS + rb"+(\d+)")
# An object stream's data starts with pairs of integers (object number, offset); readers skip
# white space and comments first.
_OBJSTM_DATA = re.compile(rb"(?:" + _WS + rb"|%[^\r\n]*[\r\n])*\d+" + _WS + rb"+\d+")
_IMAGE_FILTERS = frozenset({b"DCTDecode", b"DCT", b"JPXDecode", b"CCITTFaxDecode", b"CCF", b"JBIG2Decode"})
_CHUNK = 1 << 16
_MAX_KEPT = 16 << 20  # an object stream is read whole; real ones are far smaller
_MAX_DICT_WINDOW = 1 << 16


def _stream_keyword(data, position: int) -> tuple[int, int] | None:
    """(start, end) of the next ``stream`` keyword from ``position`` that follows white space or ">"
    ("endstream" and "/Substream" do not count), end after its line break.

    The literal search first (real files: the word found is the keyword); past a word that does
    not count, the slower regex that also reads the byte before, so that a file made of such words
    costs one pass of it, not a search per word."""
    found = _STREAM.search(data, position)
    if found is None:
        return None
    if found.start() > 0 and data[found.start() - 1] in _BEFORE_STREAM:
        return found.start(), found.end()
    found = _STREAM_AFTER_SPACE.search(data, found.start())
    return (found.start() + 1, found.end()) if found else None


def _decode_name(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i : i + 1] == b"#" and i + 2 < len(raw) + 1:
            try:
                out.append(int(raw[i + 1 : i + 3], 16))
                i += 3
                continue
            except ValueError:
                pass
        out.append(raw[i])
        i += 1
    return bytes(out)


class _PdfInspector:
    """One pass over a PDF's bytes; raises FileRefused at the first problem."""

    def __init__(self, data, *, budget: int) -> None:
        self.data = data
        self.budget = budget  # inflated bytes still allowed
        self.object_streams: list[tuple[int | None, bytes]] = []  # (/First, data): what /OpenAction points at
        self.kept = 0
        self.open_action_refs: set[int] = set()

    def refuse(self, reason: str, detail: str) -> None:
        raise FileRefused(PDF, reason, detail)

    def check_syntax(self, data, where: str) -> None:
        """Dangerous names anywhere in ``data`` (strings and comments included: better too careful)."""
        for match in _DANGER.finditer(data):
            name = next(group for group in match.groups() if group)
            if name == b"OpenAction" and self._open_action_shows_a_page(data, match.end()):
                continue
            self.refuse(UNINSPECTABLE if name == b"Encrypt" else ACTIVE_CONTENT, f"/{name.decode()} {where}")
        for match in _ESCAPED_NAME.finditer(data):
            name = _decode_name(match.group(1))
            if name in _DANGEROUS_NAMES:
                if name == b"OpenAction" and self._open_action_shows_a_page(data, match.end()):
                    continue
                self.refuse(
                    UNINSPECTABLE if name == b"Encrypt" else ACTIVE_CONTENT,
                    f"/{name.decode(errors='replace')} (escaped) {where}",
                )
        if contains_markup(data):
            self.refuse(ACTIVE_CONTENT, f"markup {where}")

    def _open_action_shows_a_page(self, data, position: int) -> bool:
        if _OPEN_AT_PAGE.match(data, position) or _OPEN_GOTO.match(data, position):
            return True
        reference = _OPEN_REF.match(data, position)
        if reference:
            self.open_action_refs.add(int(reference.group(1)))  # checked once every object is known
            return True
        return False

    def _object_text(self, number: int) -> bytes | None:
        """The start of object ``number``: top level, or inside one of the object streams read."""
        found = re.search(rb"(?<![0-9])" + str(number).encode() + _WS + rb"+\d+" + _WS + rb"+obj", self.data)
        if found:
            return bytes(self.data[found.end() : found.end() + 512])
        for first, stream in self.object_streams:
            pairs = re.findall(rb"(\d+)" + _WS + rb"+(\d+)", stream[: first or 1 << 16])
            if first is None:  # /First not read: the objects start where the header of pairs ends
                first = 0
                for match in re.finditer(rb"\d+" + _WS + rb"+\d+" + _WS + rb"*", stream):
                    if match.start() != first:
                        break
                    first = match.end()
            for object_number, offset in pairs:
                if int(object_number) == number:
                    return stream[first + int(offset) : first + int(offset) + 512]
        return None

    def check_open_actions(self) -> None:
        for number in sorted(self.open_action_refs):
            text = self._object_text(number)
            if text is None or not (_OPEN_AT_PAGE.match(text) or _OPEN_GOTO.match(text)):
                self.refuse(ACTIVE_CONTENT, f"/OpenAction {number} 0 R is not a page")

    def run(self) -> None:
        data = self.data
        self.check_syntax(data, "in the file")
        position = 0
        previous_end = 0
        while True:
            keyword = _stream_keyword(data, position)
            if keyword is None:
                break
            keyword_start, start = keyword
            # The stream's dictionary lies between the end of the previous object and the keyword.
            window_start = max(previous_end, keyword_start - _MAX_DICT_WINDOW)
            dictionary = bytes(data[window_start:keyword_start])
            ends = [match.end() for match in _OBJ_START.finditer(dictionary)]
            if ends:
                dictionary = dictionary[ends[-1] :]
            end = self._body_end(dictionary, start)
            self._inspect_stream(dictionary, start, end)
            after = _ENDSTREAM.match(data, end)
            position = after.end() if after else max(end, start)
            previous_end = position
            if end >= len(data):
                break
        self.check_open_actions()

    def _body_end(self, dictionary: bytes, start: int) -> int:
        data = self.data
        lengths = _LENGTH.findall(dictionary)
        if lengths:
            end = start + int(lengths[-1])
            probe = end
            while probe < len(data) and probe < end + 4 and data[probe : probe + 1] in b"\r\n \t":
                probe += 1
            if _ENDSTREAM.match(data, probe):
                return probe
        found = _ENDSTREAM.search(data, start)
        return found.start() if found else len(data)

    def _inspect_stream(self, dictionary: bytes, start: int, end: int) -> None:
        filters_found = _FILTER.findall(dictionary)
        filters = [_decode_name(n) for n in _NAME.findall(filters_found[-1])] if filters_found else []
        names = {_decode_name(n) for n in _NAME.findall(dictionary)}
        is_object_stream = b"ObjStm" in names or b"First" in names
        is_image = (b"Image" in names or b"Width" in names) and not is_object_stream
        body = memoryview(self.data)[start:end] if not isinstance(self.data, bytes) else self.data[start:end]
        try:
            if not filters:
                if len(body) > 2 and _looks_like_zlib(body[:2]):
                    filters = [b"FlateDecode"]  # a compressed stream whose dictionary we could not read
                else:
                    return  # not compressed: its bytes were read with the rest of the file
            decodable = []
            for name in filters:
                if name in _IMAGE_FILTERS:
                    break
                if name not in (b"FlateDecode", b"Fl", b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"):
                    self.refuse(UNINSPECTABLE, f"filter /{name.decode(errors='replace')}")
                decodable.append(name)
            if not decodable:
                return
            if is_image and decodable[-1] in (b"FlateDecode", b"Fl") and not is_object_stream:
                # Pixels: inflated only to check the size (a bomb hurts the viewer too).
                self._decode(body, decodable, keep=False)
                return
            decoded = self._decode(
                body, decodable, keep=is_object_stream, sniff_object_stream=not is_object_stream
            )
            if decoded is not None:
                self.check_syntax(decoded, "in a compressed stream")
                self.kept += len(decoded)
                if self.kept > _MAX_OBJECT_STREAMS_KEPT:
                    self.refuse(UNINSPECTABLE, "object streams too large to inspect")
                first = _FIRST.search(dictionary)
                self.object_streams.append((int(first.group(1)) if first else None, decoded))
        finally:
            if isinstance(body, memoryview):
                body.release()

    def _decode(self, body, filters: list[bytes], *, keep: bool, sniff_object_stream: bool = False):
        """Run the filters. Returns the decoded bytes when ``keep`` (or when ``sniff_object_stream``
        finds that they start like an object stream); ``None`` otherwise."""
        data = body
        for index, name in enumerate(filters):
            last = index == len(filters) - 1
            if name in (b"ASCIIHexDecode", b"AHx"):
                data = _ascii_hex(bytes(data))
            elif name in (b"ASCII85Decode", b"A85"):
                data = _ascii85(bytes(data))
            else:
                data = self._inflate(data, keep=keep or not last, sniff=sniff_object_stream and last)
                if data is None:
                    return None
                continue
            if data is None:
                self.refuse(UNINSPECTABLE, "undecodable ASCII stream")
            self._spend(len(data))
        return data if keep or sniff_object_stream else None

    def _spend(self, size: int) -> None:
        self.budget -= size
        if self.budget < 0:
            self.refuse(UNINSPECTABLE, "inflates beyond the budget (decompression bomb)")

    def _inflate(self, data, *, keep: bool, sniff: bool) -> bytes | None:
        """Inflate chunk by chunk, counting every byte against the budget. Keeps the output when
        ``keep``, or when ``sniff`` and it starts like an object stream; otherwise lets it go."""
        inflater = zlib.decompressobj()
        out: bytearray | None = bytearray() if keep or sniff else None
        decided = keep
        produced = 0
        view = memoryview(data)
        try:
            offset = 0
            pending = b""
            while not inflater.eof:
                if pending:
                    chunk = pending
                elif offset < len(view):
                    chunk = view[offset : offset + _CHUNK]
                    offset += len(chunk)
                else:
                    break  # truncated stream: what came out was inspected
                try:
                    piece = inflater.decompress(chunk, _CHUNK)
                except zlib.error:
                    if produced == 0:
                        self.refuse(UNINSPECTABLE, "corrupt compressed stream")
                    break  # a damaged tail: what came out was inspected
                pending = inflater.unconsumed_tail
                produced += len(piece)
                self._spend(len(piece))
                if out is not None:
                    out += piece
                    if len(out) > _MAX_KEPT:
                        self.refuse(UNINSPECTABLE, "object stream too large to inspect")
                    if not decided and len(out) >= 64:
                        decided = True
                        if not _OBJSTM_DATA.match(out):
                            out = None
            if out is not None and not decided and not _OBJSTM_DATA.match(out):
                out = None
            return bytes(out) if out is not None else None
        finally:
            view.release()


def _looks_like_zlib(head) -> bool:
    head = bytes(head)
    return head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _ascii_hex(data: bytes) -> bytes | None:
    text = re.sub(rb"[\x00\t\n\x0c\r ]", b"", data.split(b">", 1)[0])
    if len(text) % 2:
        text += b"0"
    try:
        return binascii.unhexlify(text)
    except (binascii.Error, ValueError):
        return None


def _ascii85(data: bytes) -> bytes | None:
    text = data.split(b"~>", 1)[0]
    if text.lstrip().startswith(b"<~"):
        text = text.lstrip()[2:]
    try:
        return base64.a85decode(re.sub(rb"[\x00\t\n\x0c\r ]", b"", text))
    except (ValueError, binascii.Error):
        return None


def _inspect_pdf(handle: IO[bytes]) -> None:
    budget = getattr(settings, "UPLOAD_PDF_MAX_INFLATED_BYTES", 128 * 1024 * 1024)
    with _bytes_of(handle) as data:
        _PdfInspector(data, budget=budget).run()


# --- the kind of a file -----------------------------------------------------------------------------


def inspect(handle: IO[bytes]) -> str | None:
    """The file's kind from its bytes (``None`` when unknown); raises ``FileRefused`` when the kind is
    known but the file is unsafe or cannot be inspected. The handle's position is kept."""
    head = _read_head(handle)
    if head.startswith(b"%PDF-"):
        _inspect_pdf(handle)
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith(_OLE_MAGIC):
        return DOC
    elif head.startswith(b"PK\x03\x04") and _is_docx(handle):
        return DOCX
    else:
        return None
    with _bytes_of(handle) as data:
        if contains_markup(data):
            raise FileRefused(kind, ACTIVE_CONTENT, "markup in an image")
    return kind


def sniff(handle: IO[bytes]) -> str | None:
    """The file's real kind, or ``None`` when unknown, unsafe or impossible to inspect."""
    try:
        return inspect(handle)
    except FileRefused:
        return None


# --- downloads --------------------------------------------------------------------------------------

_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(display_name: str, kind: str) -> tuple[str, str]:
    """The (ASCII, UTF-8) file names a download carries: the person's name for the document without
    whatever extension it came with, and the extension of the kind decided from the bytes."""
    extension = KINDS.get(kind, ("", "bin"))[1]
    base = nfc(display_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '<>:"/\\|?*;').strip(" .")[:120]
    ascii_stem = _UNSAFE_ASCII.sub("-", strip_diacritics(stem)).strip("-.")[:80]
    # Dots left inside the name could still look like an extension to some programs.
    ascii_stem = ascii_stem.replace(".", "-") or "tep"
    utf8_stem = (stem.replace(".", "-") or "tep")[:120]
    return f"{ascii_stem}.{extension}", f"{utf8_stem}.{extension}"


def content_disposition(display_name: str, kind: str, *, inline: bool = False) -> str:
    ascii_name, utf8_name = download_name(display_name, kind)
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name, safe='')}"


def attachment_response(
    handle: IO[bytes], *, display_name: str, kind: str, inline: bool = False
) -> FileResponse:
    """Serve a stored file so that it can never run in the browser or be saved as a program: the name
    and Content-Type come from the kind, with nosniff, a sandboxing CSP and no caching."""
    content_type = KINDS.get(kind, ("application/octet-stream", "bin"))[0]
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(display_name, kind, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- receiving uploads ------------------------------------------------------------------------------


def _short_name(file_name: str | None) -> str | None:
    """Upload handlers keep the name's extension in the temporary file's name: a very long one would
    make the operating system refuse it. The display name is cut to 150 characters later anyway."""
    if not file_name or len(file_name) <= 200:
        return file_name
    stem, dot, extension = file_name.rpartition(".")
    if dot and len(extension) <= 10:
        return f"{stem[:180]}.{extension}"
    return file_name[:200]


class ShortNameMemoryFileUploadHandler(MemoryFileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, _short_name(file_name), *args, **kwargs)


class ShortNameTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, _short_name(file_name), *args, **kwargs)


def unreadable_upload_response(handler):
    """Mark a view whose form posts files: when the browser's request cannot be parsed at all (a part
    header over Django's 1 KB limit, as a 1,000-character file name makes it), ``handler(request,
    *args, **kwargs)`` answers instead of a bare 400 page. It must change nothing."""

    def mark(view):
        view.unreadable_upload_response = handler
        return view

    return mark


class UnreadableUploadMiddleware:
    """Parses a multipart POST before the CSRF check for views marked with ``unreadable_upload_response``,
    so that an unreadable upload gets the upload form's message. Other views keep Django's 400."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        handler = getattr(view_func, "unreadable_upload_response", None)
        if handler is None or request.method != "POST" or request.content_type != "multipart/form-data":
            return None
        try:
            request.POST  # noqa: B018 - parse now; the CSRF check reads it next
        except (MultiPartParserError, TooManyFilesSent):
            return handler(request, *view_args, **view_kwargs)
        return None
