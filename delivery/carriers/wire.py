"""The common courier shape (GHN, GHTK and Viettel Post share it), used by the HTTP adapter and
spoken by the simulator, so the simulator exercises the very parser a real carrier would.

Order (``POST {CARRIER_HTTP_URL}/orders``)::

    {"client_order_code": "DVC…", "service": "E", "direction": "outbound",
     "from": {name, phone, address, commune_code, commune_name, province_code, province_name},
     "to":   {… the same …},
     "weight": 200, "cod_amount": 32000, "payment_type": "receiver" | "sender",
     "note": "…", "items": [{"name": "…", "required": true}], "pickup_date": "2026-11-24",
     "pickup_shift": "morning"}
    → 200 {"order_code": "…", "tracking_number": "EE123456785VN", "total_fee": 32000,
           "expected_delivery_time": "2026-11-26"}

Status callback (one object or a list), GHN's status names::

    {"event_id": "…", "order_code": "…", "client_order_code": "DVC…",
     "tracking_number": "EE…VN", "status": "delivering", "time": "2026-11-25T08:10:00+07:00",
     "location": "Bưu cục Kinh Bắc", "reason": "…", "missing_items": ["…"],
     "next_attempt_date": "2026-11-26"}
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .. import s10
from ..constants import ShipmentStatus as S
from .base import CarrierEvent, MalformedCallback, OrderRequest

# GHN's status names (and a few GHTK/Viettel Post synonyms) → ours.
STATUS_MAP: dict[str, str] = {
    "ready_to_pick": S.BOOKED,
    "picking": S.BOOKED,
    "money_collect_picking": S.BOOKED,
    "picked": S.PICKED_UP,
    "storing": S.IN_TRANSIT,
    "transporting": S.IN_TRANSIT,
    "sorting": S.IN_TRANSIT,
    "delivering": S.OUT_FOR_DELIVERY,
    "money_collect_delivering": S.OUT_FOR_DELIVERY,
    "delivered": S.DELIVERED,
    "delivery_fail": S.FAILED_ATTEMPT,
    "waiting_to_return": S.RETURNING,
    "return": S.RETURNING,
    "return_transporting": S.RETURNING,
    "return_sorting": S.RETURNING,
    "returning": S.RETURNING,
    "return_fail": S.RETURNING,
    "returned": S.RETURNED,
    "cancel": S.CANCELLED,
    "exception": S.LOST,
    "damage": S.LOST,
    "lost": S.LOST,
}
# Ours → the name we send (the simulator speaks GHN's names).
WIRE_STATUS: dict[str, str] = {
    S.BOOKED: "ready_to_pick",
    S.PICKED_UP: "picked",
    S.IN_TRANSIT: "transporting",
    S.OUT_FOR_DELIVERY: "delivering",
    S.DELIVERED: "delivered",
    S.FAILED_ATTEMPT: "delivery_fail",
    S.RETURNING: "returning",
    S.RETURNED: "returned",
    S.CANCELLED: "cancel",
    S.LOST: "lost",
}
MAX_EVENTS_PER_CALLBACK = 100


def order_payload(order: OrderRequest) -> dict[str, Any]:
    return {
        "client_order_code": order.reference,
        "service": order.service,
        "direction": order.direction,
        "from": order.sender.as_dict(),
        "to": order.receiver.as_dict(),
        "weight": order.weight_grams,
        "cod_amount": order.cod_amount_vnd,
        "payment_type": order.payer,
        "note": order.note,
        "items": list(order.checklist),
        "pickup_date": order.pickup_date.isoformat() if order.pickup_date else None,
        "pickup_shift": order.pickup_slot or None,
    }


def event_payload(
    *,
    event_id: str,
    status: str,
    at: datetime,
    reference: str,
    order_code: str,
    item_number: str,
    location: str = "",
    reason: str = "",
    missing: list[str] | None = None,
    next_attempt_on: date | None = None,
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "order_code": order_code,
        "client_order_code": reference,
        "tracking_number": item_number,
        "status": WIRE_STATUS[status],
        "time": timezone.localtime(at).isoformat(),
        "location": location,
        "reason": reason,
        "missing_items": list(missing or []),
        "next_attempt_date": next_attempt_on.isoformat() if next_attempt_on else None,
    }


def _text(item: dict, key: str, limit: int) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise MalformedCallback(f"{key} must be text")
    return str(value).strip()[:limit]


def parse_event(item: Any) -> CarrierEvent:
    """One callback object → a normalised event; MalformedCallback says what is wrong."""
    if not isinstance(item, dict):
        raise MalformedCallback("each event must be a JSON object")
    raw_status = _text(item, "status", 40).lower()
    if raw_status not in STATUS_MAP:
        raise MalformedCallback(f"unknown status {raw_status!r}")
    when = item.get("time")
    try:
        occurred = parse_datetime(when) if isinstance(when, str) else None
    except ValueError:  # well formed but impossible, e.g. month 13
        occurred = None
    if occurred is None:
        raise MalformedCallback("time must be an ISO 8601 date and time")
    if timezone.is_naive(occurred):  # couriers send GMT+7 without an offset
        occurred = timezone.make_aware(occurred, timezone.get_default_timezone())
    item_number = _text(item, "tracking_number", 20)
    if item_number:
        try:
            item_number = s10.validate(item_number)
        except s10.InvalidItemNumber as exc:
            raise MalformedCallback(f"tracking_number: {exc}") from exc
    reference = _text(item, "client_order_code", 40)
    order_code = _text(item, "order_code", 60)
    if not (reference or item_number or order_code):
        raise MalformedCallback("client_order_code, order_code or tracking_number is required")
    event_id = _text(item, "event_id", 120)
    if not event_id:
        # Some couriers send no event id: the same status at the same time of the same order is one event.
        basis = f"{order_code or reference or item_number}|{raw_status}|{occurred.isoformat()}"
        event_id = "h-" + hashlib.sha256(basis.encode()).hexdigest()[:40]
    missing = item.get("missing_items") or []
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        raise MalformedCallback("missing_items must be a list of text")
    next_raw = item.get("next_attempt_date")
    try:
        next_attempt = parse_date(next_raw) if isinstance(next_raw, str) and next_raw else None
    except ValueError:
        raise MalformedCallback("next_attempt_date must be a date") from None
    return CarrierEvent(
        event_id=event_id,
        status=STATUS_MAP[raw_status],
        carrier_status=raw_status,
        occurred_at=occurred,
        reference=reference,
        item_number=item_number,
        order_code=order_code,
        location=_text(item, "location", 200),
        reason=_text(item, "reason", 300),
        missing=tuple(m.strip()[:300] for m in missing[:50]),
        next_attempt_on=next_attempt,
        raw=item,
    )


def parse_events(body: bytes) -> list[CarrierEvent]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedCallback("body is not JSON") from exc
    items = data if isinstance(data, list) else [data]
    if not items or len(items) > MAX_EVENTS_PER_CALLBACK:
        raise MalformedCallback(f"between 1 and {MAX_EVENTS_PER_CALLBACK} events per callback")
    return [parse_event(item) for item in items]
