"""An HTTP carrier in the common courier shape (GHN, GHTK, Viettel Post): see ``wire.py``.

Requests go to ``CARRIER_HTTP_URL`` with the header ``Token: $CARRIER_API_TOKEN`` and JSON bodies:

  POST /orders/fee              {"from", "to", "weight", "cod_amount"} → {"total_fee", "expected_days"}
  POST /orders                  the order (``wire.order_payload``) → {"order_code", "tracking_number",
                                "total_fee", "expected_delivery_time"}; the same client_order_code again
                                answers the existing order (200, or 409 with the order in the body)
  POST /orders/<code>/cancel    → 200; 4xx once the parcel is picked up
  GET  /orders/<code>/tracking  → {"events": [callback objects]}

408, 429, 5xx, timeouts and network errors are temporary (retried); other 4xx are permanent.

Status callbacks arrive at ``/delivery/webhooks/http/`` authenticated only by a shared secret, as
several couriers do: ``?token=…`` in the URL registered with the carrier, or an ``X-Webhook-Token``
header, compared in constant time with ``CARRIER_WEBHOOK_SECRET``. The answer is ``{"success": true}``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_date

from core.signing import InvalidSignature, constant_time_equals

from .base import (
    Booking,
    Carrier,
    CarrierEvent,
    OrderRequest,
    ParsedCallback,
    PermanentCarrierError,
    PostalAddress,
    Quote,
    TemporaryCarrierError,
)
from .wire import order_payload, parse_event, parse_events


class HttpCarrier(Carrier):
    name = "http"
    label = "Bưu chính"

    def _call(
        self, method: str, path: str, payload: dict | None = None, *, conflict_ok: bool = False
    ) -> dict:
        if not settings.CARRIER_HTTP_URL or not settings.CARRIER_API_TOKEN:
            raise TemporaryCarrierError("CARRIER_HTTP_URL / CARRIER_API_TOKEN not configured")
        request = urllib.request.Request(  # noqa: S310 - the URL is operator configuration
            settings.CARRIER_HTTP_URL.rstrip("/") + path,
            data=json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None,
            headers={"Content-Type": "application/json", "Token": settings.CARRIER_API_TOKEN},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.CARRIER_HTTP_TIMEOUT) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            if conflict_ok and exc.code == 409:
                raw = exc.read()
            elif exc.code in (408, 429) or exc.code >= 500:
                raise TemporaryCarrierError(f"carrier HTTP {exc.code}") from exc
            else:
                raise PermanentCarrierError(f"Bưu chính từ chối (HTTP {exc.code}): {_message(exc)}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TemporaryCarrierError(f"carrier unreachable: {exc.__class__.__name__}") from exc
        try:
            data = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TemporaryCarrierError("carrier answered with something that is not JSON") from exc
        if not isinstance(data, dict):
            raise TemporaryCarrierError("carrier answered with something that is not a JSON object")
        return data.get("data", data) if isinstance(data.get("data"), dict) else data

    def quote(
        self, *, sender: PostalAddress, receiver: PostalAddress, weight_grams: int, cod_amount_vnd: int = 0
    ) -> Quote:
        data = self._call(
            "POST",
            "/orders/fee",
            {
                "from": sender.as_dict(),
                "to": receiver.as_dict(),
                "weight": weight_grams,
                "cod_amount": cod_amount_vnd,
            },
        )
        try:
            return Quote(total_vnd=int(data["total_fee"]), expected_days=data.get("expected_days"))
        except (KeyError, TypeError, ValueError) as exc:
            raise TemporaryCarrierError("carrier answered a quote without total_fee") from exc

    def create(self, order: OrderRequest) -> Booking:
        data = self._call("POST", "/orders", order_payload(order), conflict_ok=True)
        order_code = str(data.get("order_code") or "")
        item_number = str(data.get("tracking_number") or "")
        if not order_code or not item_number:
            raise TemporaryCarrierError("carrier answered without order_code or tracking_number")
        try:
            fee = int(data.get("total_fee") or 0)
        except (TypeError, ValueError):
            fee = 0
        expected = data.get("expected_delivery_time")
        return Booking(
            order_code=order_code[:60],
            item_number=item_number,
            fee_vnd=fee,
            expected_delivery=parse_date(expected[:10]) if isinstance(expected, str) else None,
        )

    def cancel(self, *, reference: str, order_code: str) -> None:
        self._call(
            "POST",
            f"/orders/{urllib.parse.quote(order_code, safe='')}/cancel",
            {"client_order_code": reference},
        )

    def track(self, *, reference: str, order_code: str, item_number: str) -> list[CarrierEvent]:
        data = self._call("GET", f"/orders/{urllib.parse.quote(order_code or reference, safe='')}/tracking")
        items = data.get("events")
        if not isinstance(items, list):
            raise TemporaryCarrierError("carrier answered tracking without events")
        events = []
        for item in items:
            try:
                events.append(parse_event(item))
            except Exception as exc:  # one odd event must not hide the others
                raise TemporaryCarrierError(f"carrier tracking event not understood: {exc}") from exc
        return events

    def parse_callback(
        self, *, body: bytes, headers: dict[str, str], query: dict[str, str]
    ) -> ParsedCallback:
        token = headers.get("X-Webhook-Token") or query.get("token") or ""
        if not constant_time_equals(settings.CARRIER_WEBHOOK_SECRET, token.strip()):
            raise InvalidSignature("bad webhook token")
        return ParsedCallback(events=parse_events(body), answer=(200, {"success": True}))


def _message(error: urllib.error.HTTPError) -> str:
    try:
        data: Any = json.loads(error.read().decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError, OSError):
        return ""
    message = data.get("message") if isinstance(data, dict) else ""
    return str(message or "")[:200]
