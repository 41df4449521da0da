"""Anonymous catalogue pages served from the cache, with an ETag and a ``Cache-Control`` a CDN honours.

The catalogue is the same for every anonymous visitor in one language, and changes only when an
editor publishes (which bumps ``search.catalogue_version``). So the rendered page is kept in Django's
cache (Redis in production), keyed by path and query, language, catalogue version and day (validity
dates turn over at midnight, as search's own cache does); a publication makes every old entry
unreachable at once. Signed-in people are never served from nor stored into it, and their pages say
``Cache-Control: private``.

Nothing personal may end up in a cached body. These pages are rendered with ``request.public_page``
set, which leaves out of ``base.html`` the two uses of the CSRF token (the htmx header and the
language form; ``set_language`` only sets a language cookie, see ``portal/urls.py``), so the
response sets no cookie. A response that sets a cookie anyway, carries messages for this visitor, or
is not a 200 is sent as it is, ``private``, and not stored.

The key holds only the query parameters the view reads (``params``), and the view is given only
those, so ``?q=a&utm=1`` and ``?q=a`` are one entry and a stranger cannot fill the cache (and evict
the rate-limit counters that share it) by appending random parameters. A value longer than
``MAX_KEYED_VALUE`` (a pasted paragraph in the search box) is rendered for that visitor and not
stored.

``CATALOGUE_PAGE_CACHE_SECONDS`` (default 300) is the ``max-age`` browsers and CDNs are given;
0 switches the whole cache off.
"""

from __future__ import annotations

import hashlib
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language

from . import search

STORED_SECONDS = 3600  # server side: the key changes with every publication anyway
MAX_KEYED_VALUE = 120  # characters; longer values are served but never stored


def _seconds() -> int:
    return int(getattr(settings, "CATALOGUE_PAGE_CACHE_SECONDS", 300))


def _read_params(request: HttpRequest, params: tuple[str, ...]) -> dict[str, str]:
    """The parameters this view reads, one value each (the last, as ``QueryDict.get`` gives)."""
    return {name: request.GET[name] for name in params if request.GET.get(name, "") != ""}


def page_key(request: HttpRequest, params: tuple[str, ...] = ()) -> str:
    """path + the parameters the view reads, language, catalogue version and day: what an anonymous
    page depends on."""
    read = _read_params(request, params)
    canonical = request.path + "?" + urlencode(sorted(read.items()))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:32]
    return (
        f"procedures:page:{search.catalogue_version()}:{get_language()}:"
        f"{timezone.localdate().isoformat()}:{digest}"
    )


def _has_messages(request: HttpRequest) -> bool:
    # len() loads the visitor's messages without marking them shown.
    return len(get_messages(request)) > 0


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """A plain 200 that sets no cookie and touched nothing of this visitor's own."""
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
    )


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, max_age=0)
    return response


def _public(request: HttpRequest, entry: dict) -> HttpResponse:
    etag = entry["etag"]
    if request.headers.get("If-None-Match"):
        wanted = parse_etags(request.headers["If-None-Match"])
        if "*" in wanted or etag in wanted:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            patch_cache_control(response, public=True, max_age=_seconds())
            return response
    response = HttpResponse(entry["content"], content_type=entry["content_type"])
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=_seconds())
    return response


def public_catalogue_page(view=None, *, params: tuple[str, ...] = (), stored_seconds: int = STORED_SECONDS):
    """Serve an anonymous GET/HEAD of a catalogue page from the cache (see the module's docstring).
    ``params`` names the query parameters the view reads; the others never reach it.
    ``stored_seconds``: how long the server keeps a page that depends on more than the catalogue
    (public statistics move with the dossiers)."""
    if view is None:
        return lambda view: public_catalogue_page(view, params=params, stored_seconds=stored_seconds)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or _seconds() <= 0
            or request.user.is_authenticated
            or _has_messages(request)
        ):
            response = view(request, *args, **kwargs)
            return _private(response)
        read = _read_params(request, params)
        canonical = QueryDict(mutable=True)
        for name, value in read.items():
            canonical[name] = value
        canonical._mutable = False
        request.GET = canonical
        request.META["QUERY_STRING"] = canonical.urlencode()  # get_full_path (the language form's "next")
        if any(len(value) > MAX_KEYED_VALUE for value in read.values()):
            request.public_page = True
            return _private(view(request, *args, **kwargs))
        key = page_key(request, params)
        entry = cache.get(key)
        if entry is None:
            request.public_page = True
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if not _cacheable(request, response):
                return _private(response)
            content = response.content
            entry = {
                "content": content,
                "content_type": response["Content-Type"],
                "etag": f'"{hashlib.sha256(content).hexdigest()[:40]}"',
            }
            cache.set(key, entry, stored_seconds)
        return _public(request, entry)

    return wrapper
