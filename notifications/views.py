"""Provider webhooks and the development outbox."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from . import services
from .models import DevOutboxEntry
from .providers.base import InvalidSignature, MalformedPayload

logger = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 256 * 1024


@csrf_exempt
@require_POST
def sms_webhook(request: HttpRequest, provider: str) -> JsonResponse:
    """Delivery receipts. 403 on a bad signature, 400 on a malformed body, 200 once processed
    (duplicates and receipts for final messages included, so the provider stops retrying)."""
    if len(request.body) > MAX_WEBHOOK_BYTES:
        return JsonResponse({"error": "payload too large"}, status=413)
    headers = {"X-Signature": request.headers.get("X-Signature", "")}
    try:
        outcome = services.handle_sms_webhook(provider, request.body, headers)
    except ImproperlyConfigured as exc:
        raise Http404("unknown provider") from exc
    except InvalidSignature:
        logger.warning("notifications: rejected SMS receipt with a bad signature (provider %s)", provider)
        return JsonResponse({"error": "invalid signature"}, status=403)
    except MalformedPayload as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(
        {
            "status": "ok",
            "applied": outcome.applied,
            "duplicates": outcome.duplicates,
            "ignored": outcome.ignored,
            "unknown": outcome.unknown,
        }
    )


@require_safe
def dev_outbox(request: HttpRequest) -> HttpResponse:
    """Development only (DEV_OUTBOX, on with DEBUG): every SMS and email, newest first, so a person (or a browser test) can read
    the code or link they were sent."""
    if not settings.DEV_OUTBOX:
        raise Http404
    entries = DevOutboxEntry.objects.select_related("message").order_by("-created_at", "-id")[:100]
    return render(request, "notifications/dev_outbox.html", {"outbox": entries})
