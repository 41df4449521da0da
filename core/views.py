"""Health, readiness and metrics endpoints, and the friendly error pages."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language as django_set_language

from . import health

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 when the database answers (the broker is reported; only the database is fatal).

    Cheap by design: one ``SELECT 1`` and a ``PING`` on a connection pool this process keeps.
    """
    database_ok = health.database_ok()
    broker_ok = health.broker_ok()
    status = "ok" if database_ok and broker_ok else ("degraded" if database_ok else "down")
    return JsonResponse(
        {
            "status": status,
            "database": {"ok": database_ok, "vendor": connection.vendor},
            "broker": {"ok": broker_ok, "mode": health.broker_mode()},
        },
        status=200 if database_ok else 503,
    )


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 only when the database, broker, storage, migrations and outbox are all fine;
    otherwise 503 with the reasons (no internals: the details are in the log)."""
    ready, report = health.readiness()
    return JsonResponse(report, status=200 if ready else 503)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition; 404 unless the request is allowed (``core.metrics.allowed``)."""
    from . import metrics as portal_metrics

    if not portal_metrics.allowed(request):
        return page_not_found(request)
    body, content_type = portal_metrics.render()
    return HttpResponse(body, content_type=content_type)


def _from_another_site(request: HttpRequest) -> bool:
    """A post a page of another site made the browser send (its ``Sec-Fetch-Site`` or ``Origin``
    says so). A browser too old to send either, or a client that is not a browser, is not refused."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if not origin:
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` without a CSRF token, refusing posts from other sites.

    The language form is on the cached anonymous catalogue pages, which carry no per-visitor token
    (``procedures.page_cache``), so the form cannot have one. Without a check, any site could switch
    a visitor's language with a hidden form; the browser's own headers say where a post comes from.
    """
    if request.method == "POST" and _from_another_site(request):
        return permission_denied(request)
    return django_set_language(request)


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    next_url = request.GET.get("next") or "/admin/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/admin/"
    return redirect(reverse("account_login") + "?" + urlencode({"next": next_url}))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """A plain page with a reference the person can quote; no context processors, no database."""
    reference = uuid.uuid4().hex[:10].upper()
    logger.error("server error reference=%s path=%s", reference, request.path)
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"reference": reference}), status=500)
