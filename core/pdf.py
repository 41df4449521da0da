"""PDF rendering: the one helper behind dossier receipts and the one-stop-shop forms 01–07.

``render_to_pdf("pdf/receipt.html", context)`` renders a Django template (which extends
``templates/pdf/base.html``) to HTML and lays it out with WeasyPrint. ``qr_data_uri`` makes the
"scan to look up this dossier" QR code as a ``data:`` URI the template can embed.

Why a ``url_fetcher``
    WeasyPrint fetches every URL it meets: ``<img src>``, ``<link href>``, CSS ``url()``,
    ``@import``, ``<link rel=attachment>`` (which embeds the bytes *into the PDF*). Its default
    fetcher happily opens ``file:///etc/passwd`` or ``http://169.254.169.254/…``, so one
    user-entered URL reaching a template would turn the PDF worker into a file reader and an SSRF
    probe (reliability.md, S6). ``StaticOnlyURLFetcher`` serves only the project's own static
    files (looked up through the staticfiles finders, then ``STATIC_ROOT``; read from disk, never
    over the network) and ``data:`` URIs. Everything else is refused: WeasyPrint then skips the
    resource and the refusal is logged at WARNING, without the URL's query string or userinfo
    (WeasyPrint's own "Failed to load …" lines get the same redaction through a log filter).
    Relative URLs resolve against ``INTERNAL_BASE_URL`` (a reserved ``.invalid`` host) unless a
    ``base_url`` is given; either way ``/static/…`` maps to local files.

Why complete font files
    WeasyPrint embeds (a subset of) the fonts named in ``@font-face`` in ``static/pdf/pdf.css``.
    Web-font packages split one font into latin / latin-ext / vietnamese files with
    ``unicode-range``; WeasyPrint then draws wrong letters ("HẸN" → "HHN"). The PDFs therefore
    use complete DejaVu Sans files shipped in ``static/fonts/`` (licence next to them): they
    cover every Vietnamese letter and tone mark, the combining marks of decomposed input, "₫",
    and round-trip through ``pdftotext``. They are loaded through the same fetcher, so the
    output does not depend on which fonts the server happens to have installed.

Layout cost
    Avoid nested flexbox in PDF templates: WeasyPrint's layout time explodes with nesting.
    Use tables (as ``base.html`` does for the two-column header) and plain blocks.

Text
    Templates should receive NFC text (Vietnamese typed on some keyboards arrives decomposed);
    ``nfc_context`` normalises a context built from raw input.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.safestring import SafeData, mark_safe

from core.text import nfc

logger = logging.getLogger(__name__)

# Relative URLs in PDF templates resolve against this origin. ".invalid" is reserved (RFC 2606),
# so nothing could ever be fetched from it even by mistake; the fetcher maps its /static/ to disk.
INTERNAL_BASE_URL = "https://pdf.portal.invalid/"

_CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


class URLRefused(ValueError):
    """A PDF template referenced something other than a project static file or a ``data:`` URI.

    WeasyPrint catches it (any ``Exception`` from the fetcher is a failed fetch) and skips the
    resource. The message never contains the URL.
    """


def redact_url(url: str) -> str:
    """``url`` without query string, fragment or userinfo, for logs; ``data:`` URIs cut short."""
    if url[:5].lower() == "data:":
        return url.split(",", 1)[0][:64] + ",…"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<malformed URL>"
    if parts.scheme and (host or url[len(parts.scheme) + 1 :].startswith("//")):
        return f"{parts.scheme}://{host}{port}{parts.path}"
    if parts.scheme:
        return f"{parts.scheme}:{parts.path}"
    return parts.path


def static_prefixes(base_url: str | None = None) -> tuple[str, ...]:
    """Absolute URL prefixes that mean "a project static file" for a document at ``base_url``."""
    bases = [INTERNAL_BASE_URL] + ([base_url] if base_url else [])
    # urljoin keeps STATIC_URL as is when it is absolute (a CDN), else puts it under each base.
    return tuple(dict.fromkeys(urljoin(base, settings.STATIC_URL) for base in bases))


def _static_relative_path(url: str, prefixes: tuple[str, ...]) -> str:
    """The path of ``url`` below STATIC_URL, or URLRefused. Rejects any traversal trick."""
    without_query = url.split("#", 1)[0].split("?", 1)[0]
    prefix = next((p for p in prefixes if without_query.startswith(p)), None)
    if prefix is None:
        raise URLRefused("not a project static file")
    relative = unquote(without_query[len(prefix) :])
    segments = relative.split("/")
    if (
        not relative
        or "\\" in relative
        or "\x00" in relative
        or ":" in relative
        or any(segment in ("", ".", "..") for segment in segments)
    ):
        raise URLRefused("unsafe static path")
    return relative


def _find_static_file(relative: str) -> Path | None:
    """Source static files first (finders), then collected ones (hashed names in production)."""
    try:
        found = finders.find(relative)  # safe_join inside: refuses anything outside the roots
    except SuspiciousFileOperation as error:
        raise URLRefused("unsafe static path") from error
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


def open_static_url(url: str, prefixes: tuple[str, ...]) -> tuple[bytes, str]:
    """Bytes and content type of the project static file ``url`` names; URLRefused otherwise.

    The policy behind ``StaticOnlyURLFetcher`` (kept free of WeasyPrint so it can be tested
    and reused). Side effect: a WARNING log line per refusal, with the URL redacted.
    """
    try:
        relative = _static_relative_path(url, prefixes)
        path = _find_static_file(relative)
        if path is None:
            raise URLRefused("no such static file")
    except URLRefused as refusal:
        logger.warning("PDF resource refused (%s): %s", refusal, redact_url(url))
        raise
    content_type = _CONTENT_TYPES.get(path.suffix.lower()) or (
        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    return path.read_bytes(), content_type


_URL_ARG = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")


class _RedactURLs(logging.Filter):
    """Redacts URL arguments of WeasyPrint's own log records ("Failed to load image at …").

    WeasyPrint logs every failed fetch with the full URL, query string included; a refused URL
    can come from user input and carry a token, so it gets the same redaction as ours.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(arg) if isinstance(arg, str) and _URL_ARG.match(arg) else arg
                for arg in record.args
            )
        return True


@functools.cache
def _fetcher_class() -> type:
    # Built on first use so importing this module does not import WeasyPrint (slow, native libs).
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    logging.getLogger("weasyprint").addFilter(_RedactURLs())

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves project static files and ``data:`` URIs; refuses every other URL."""

        def __init__(self, prefixes: tuple[str, ...]) -> None:
            # allowed_protocols=("data",): even the inherited urllib machinery can only decode
            # data: URIs; no redirects; a refused resource is skipped, not fatal.
            super().__init__(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
            self._prefixes = prefixes

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            body, content_type = open_static_url(url, self._prefixes)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return StaticOnlyURLFetcher


def static_only_url_fetcher(base_url: str | None = None) -> Any:
    """A WeasyPrint URL fetcher limited to the project's static files and ``data:`` URIs."""
    return _fetcher_class()(static_prefixes(base_url))


def render_to_pdf(template_name: str, context: dict[str, Any], *, base_url: str | None = None) -> bytes:
    """Render ``template_name`` with ``context`` and return the PDF bytes.

    Preconditions: the template extends ``pdf/base.html`` (or links ``pdf/pdf.css`` itself);
    context strings are NFC (see ``nfc_context``). ``base_url`` only changes how relative URLs
    resolve (and so relative ``<a href>`` links); resources still come from local static files.
    Side effects: none besides logging; nothing is fetched over the network or outside static.
    """
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_to_string(template_name, context)
    document_base = base_url or INTERNAL_BASE_URL
    # One FontConfiguration per document: the @font-face rules of pdf.css register the shipped
    # fonts in it (fetched through the same fetcher), and layout must use that same instance.
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=document_base, url_fetcher=static_only_url_fetcher(base_url))
    return document.write_pdf(font_config=font_config)


def qr_data_uri(text: str, *, scale: int = 4) -> str:
    """A PNG ``data:`` URI of a QR code for ``text`` (e.g. the dossier look-up URL).

    Always a full QR code (phones' camera apps do not read Micro QR), error correction at
    least M, with the standard 4-module quiet zone.
    """
    import segno

    qr = segno.make(text, error="m", micro=False)
    return qr.png_data_uri(scale=scale, border=4)


def nfc_context(value: Any) -> Any:
    """``value`` with every string inside dicts, lists and tuples normalised to NFC.

    Safe strings stay safe; other objects (model instances, dates) are returned unchanged, so
    normalise model fields when they are stored, not here.
    """
    if isinstance(value, str):
        normalised = nfc(value)
        return mark_safe(normalised) if isinstance(value, SafeData) else normalised  # noqa: S308
    if isinstance(value, dict):
        return {key: nfc_context(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nfc_context(item) for item in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(nfc_context(item) for item in value)
    return value
