"""An HTTP SMS provider shaped like a Vietnamese brand-name SMS gateway.

Send:    POST {SMS_HTTP_URL}/send   JSON {"to", "text", "brandname", "client_ref", "callback_url", "unicode"}
         Authorization: Bearer {SMS_API_KEY}
         → 200 {"message_id": "...", "status": "accepted"}; 4xx = rejected (permanent, except 408/429);
           5xx, 408, 429 and network errors = temporary.
         The gateway deduplicates on client_ref, so a retried send never reaches the phone twice.
Receipt: POST {our}/notifications/webhooks/sms/http/ with header X-Signature = hex HMAC-SHA256 of the
         raw body with SMS_WEBHOOK_SECRET, body JSON
         {"event_id", "message_id", "client_ref", "status": "delivered"|"failed", "permanent": bool, "error"}
         or a list of such objects.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings

from core.links import absolute_url

from ..base import (
    MalformedPayload,
    PermanentFailure,
    Provider,
    Receipt,
    SendResult,
    TemporaryFailure,
    verify_signature,
)

if TYPE_CHECKING:
    from ...models import Message


def parse_receipts(body: bytes) -> list[Receipt]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedPayload("body is not JSON") from exc
    items = data if isinstance(data, list) else [data]
    receipts = []
    for item in items:
        if not isinstance(item, dict):
            raise MalformedPayload("each receipt must be an object")
        status = item.get("status")
        event_id = str(item.get("event_id") or "")
        if status not in ("delivered", "failed") or not event_id or len(event_id) > 200:
            raise MalformedPayload("event_id and a status of delivered/failed are required")
        receipts.append(
            Receipt(
                event_id=event_id,
                status=status,
                provider_message_id=str(item.get("message_id") or "")[:200],
                reference=str(item.get("client_ref") or "")[:64],
                permanent=bool(item.get("permanent")),
                error=str(item.get("error") or "")[:200],
                raw=item,
            )
        )
    return receipts


class HttpSmsProvider(Provider):
    def send(self, message: Message) -> SendResult:
        if not settings.SMS_HTTP_URL or not settings.SMS_API_KEY:
            raise TemporaryFailure("SMS_HTTP_URL / SMS_API_KEY not configured")
        payload = {
            "to": message.recipient,
            "text": message.body_text,
            "brandname": settings.SMS_BRANDNAME,
            "client_ref": str(message.uuid),
            "callback_url": absolute_url("notifications:sms_webhook", self.name),
            "unicode": not message.body_text.isascii(),
        }
        request = urllib.request.Request(  # noqa: S310 - the URL is operator configuration
            settings.SMS_HTTP_URL.rstrip("/") + "/send",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_API_KEY}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:  # noqa: S310
                data = json.loads(response.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as exc:
            if exc.code in (408, 429) or exc.code >= 500:
                raise TemporaryFailure(f"gateway HTTP {exc.code}") from exc
            raise PermanentFailure(f"gateway rejected: HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TemporaryFailure(f"gateway unreachable: {exc.__class__.__name__}") from exc
        except json.JSONDecodeError as exc:
            raise TemporaryFailure("gateway answered with something that is not JSON") from exc
        message_id = str(data.get("message_id") or "")
        if not message_id:
            raise TemporaryFailure("gateway answered without a message_id")
        return SendResult(provider_message_id=message_id[:200])

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[Receipt]:
        verify_signature(settings.SMS_WEBHOOK_SECRET, body, headers.get("X-Signature"))
        return parse_receipts(body)
