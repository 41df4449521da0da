"""Absolute links for messages, PDFs and QR codes: one helper, one base (``PORTAL_BASE_URL``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse


def absolute_url(target: str, *args: Any, query: dict[str, Any] | None = None, **kwargs: Any) -> str:
    """``absolute_url("dossiers:detail", code)`` or ``absolute_url("/admin/")``, on ``PORTAL_BASE_URL``.

    ``target`` starting with "/" is a path; anything else is a URL name reversed with ``args``/``kwargs``.
    """
    path = target if target.startswith("/") else reverse(target, args=args or None, kwargs=kwargs or None)
    url = settings.PORTAL_BASE_URL.rstrip("/") + path
    if query:
        url += "?" + urlencode({k: v for k, v in query.items() if v is not None})
    return url
