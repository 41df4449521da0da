"""A small URL fuzzer for the test suite: every pattern of a URLconf, malformed input, no HTTP 500.

``routes()`` walks the resolver recursively (the admin's generated patterns, allauth's and every
app's) and turns each pattern into a URL template with its parameters. ``Prober`` sends one request
inside a savepoint that is always rolled back (so a forged POST changes nothing for the next one),
with the persona's cookies restored first, and records what is wrong with the answer:

* an HTTP 500;
* a record at ERROR or above from ``django.request`` / ``django.server`` (an exception swallowed
  into a friendly page still counts);
* traceback text in the body;
* ``HEAD`` answering 405 where ``GET`` does not (monitoring uses HEAD).

Each problem is a ``Problem`` naming the persona, the method, the URL and the input, so a failing
test says exactly what to fix.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

HUGE = "99999999999999999999"
LONG = "x" * 5000
VIETNAMESE = "Đăng-ký-hộ-tịch-Nguyễn"
WRONG_UUID = "12345678-1234-5678-1234-567812345678"
# Substituted for every converter / regex group of a URL.
MALFORMED_PATH_VALUES = [
    "abc",
    "-1",
    "0",
    HUGE,
    VIETNAMESE,
    "../etc/passwd",
    LONG,
    "%00",
    WRONG_UUID,
    "00000000-0000-0000-0000-00000000000g",
]
WATCHED_LOGGERS = ("django.request", "django.server")
TRACEBACK = re.compile(rb"Traceback \(most recent call last\)|File \"[^\"]+\.py\", line \d+|Exception Value:")


@dataclass(frozen=True)
class Route:
    """One URL pattern: ``template`` is a %-format string over ``params`` (no leading slash)."""

    name: str
    template: str
    params: tuple[str, ...]
    callback: Callable

    @property
    def model_admin(self):
        """The ModelAdmin behind an admin URL (Django's own URLs say so; added ones are its methods)."""
        from django.contrib.admin.options import BaseModelAdmin

        if getattr(self.callback, "model_admin", None) is not None:
            return self.callback.model_admin
        view = self.callback
        while view is not None:  # admin_view(bound method): the first bound method on the chain
            if isinstance(getattr(view, "__self__", None), BaseModelAdmin):
                return view.__self__
            view = getattr(view, "__wrapped__", None)
        return None

    @property
    def label(self) -> str:
        return "/" + self.template % {p: f"<{p}>" for p in self.params}

    def url(self, values: dict[str, str]) -> str:
        return "/" + self.template % {p: quote(str(values[p]), safe="/%") for p in self.params}


def routes(urlconf: str | None = None) -> list[Route]:
    """Every endpoint of the URLconf, in resolution order."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            regex = entry.pattern.regex.pattern.removeprefix("^")
            if isinstance(entry, URLResolver):
                walk(entry, prefix + regex, namespace + (f"{entry.namespace}:" if entry.namespace else ""))
            elif isinstance(entry, URLPattern):
                template, params = normalize(prefix + regex)[0]
                found.append(
                    Route(
                        name=namespace + (entry.name or "?"),
                        template=template,
                        params=tuple(params),
                        callback=entry.callback,
                    )
                )

    walk(get_resolver(urlconf), "", "")
    return found


@dataclass(frozen=True)
class Problem:
    persona: str
    method: str
    url: str
    what: str
    sent: str = ""  # what the POST carried, in words

    def __str__(self) -> str:
        url = (
            self.url
            if len(self.url) < 240
            else self.url[:120] + f"…({len(self.url)} chars)…" + self.url[-40:]
        )
        sent = f" [{self.sent}]" if self.sent else ""
        return f"{self.persona}: {self.method} {url}{sent} → {self.what}"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Persona:
    name: str
    client: Client
    cookies: SimpleCookie = field(default_factory=SimpleCookie)

    @classmethod
    def signed_in(cls, name: str, login: Callable[[Client], None] | None) -> Persona:
        client = Client(raise_request_exception=False)
        if login is not None:
            login(client)
        cookies = SimpleCookie()
        cookies.load(client.cookies.output(header="", sep=";"))
        return cls(name=name, client=client, cookies=cookies)


class Prober:
    """Sends requests and collects ``Problem``s. Use as a context manager (it watches the loggers)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.requests = 0
        self.last_location = ""
        self._handler = _Collect()

    def __enter__(self) -> Prober:
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).addHandler(self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for name in WATCHED_LOGGERS:
            logging.getLogger(name).removeHandler(self._handler)

    def request(
        self, persona: Persona, method: str, url: str, *, data: dict | None = None, sent: str = ""
    ) -> int | None:
        """One request, rolled back afterwards; returns the status code (None if the database broke).

        ``sent`` says in words what ``data`` holds, for the failure message."""
        client = persona.client
        client.cookies = SimpleCookie()
        client.cookies.load(persona.cookies.output(header="", sep=";"))
        cache.clear()  # rate limits must not hide a view behind a 429
        self._handler.records.clear()
        self.requests += 1
        status = None
        self.last_location = ""
        try:
            with transaction.atomic():
                response = client.post(url, data or {}) if method == "POST" else client.generic(method, url)
                status = response.status_code
                self.last_location = response.headers.get("Location", "")
                body = _body(response)
                transaction.set_rollback(True)
        except DatabaseError as exc:  # the view left the transaction broken (PostgreSQL)
            self._add(persona, method, url, sent, f"database left broken: {exc.__class__.__name__}: {exc}")
            return None
        wrong = []
        if status == 500:
            wrong.append("HTTP 500")
        for record in self._handler.records:
            detail = f"{record.name} logged {record.levelname}"
            if record.exc_info and record.exc_info[1] is not None:
                detail += f" {record.exc_info[0].__name__}: {str(record.exc_info[1])[:160]}"
            else:
                detail += f" {record.getMessage()[:160]}"
            wrong.append(detail)
        if TRACEBACK.search(body):
            wrong.append("traceback text in the body")
        if wrong:
            self._add(persona, method, url, sent, "; ".join(wrong))
        return status

    def get_and_head(self, persona: Persona, url: str) -> tuple[int | None, str]:
        """GET, then HEAD: HEAD must work wherever GET does. Returns GET's status and Location."""
        get_status = self.request(persona, "GET", url)
        location = self.last_location
        head_status = self.request(persona, "HEAD", url)
        if get_status not in (None, 405) and head_status == 405:
            self._add(persona, "HEAD", url, "", f"HEAD answered 405 where GET answered {get_status}")
        return get_status, location

    def _add(self, persona: Persona, method: str, url: str, sent: str, what: str) -> None:
        self.problems.append(Problem(persona.name, method, url, what, sent))


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        # The test client closes it once consumed, with the database connection kept open: closing
        # it again here would close the connection inside the test's transaction (PostgreSQL).
        return b"".join(response.streaming_content)
    return response.content


def with_query(url: str, query: dict | Iterable[tuple[str, str]]) -> str:
    return f"{url}?{urlencode(query, doseq=True)}"
