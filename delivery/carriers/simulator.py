"""Carrier simulator: behaves like a Vietnamese courier's partner API without leaving the machine.

It keeps its own order log (``SimulatedParcel``, unique on our reference, as couriers deduplicate
``client_order_code``), gives S10 item numbers, plans the parcel's journey, and reports each event
by a **signed HTTP callback** to the portal's webhook (``X-Signature``: hex HMAC-SHA256 of the raw
body with ``CARRIER_WEBHOOK_SECRET``) in the common courier shape (``wire.py``), from a Celery task:
at least once (an unacknowledged callback is sent again), sometimes twice, sometimes newest first,
and with ``CARRIER_SIMULATOR_CHAOS=lossy`` some never (then only the tracking poll finds them).

Clock: a planned event happens ``hours × CARRIER_SIMULATOR_HOUR_SECONDS`` after booking (3600: a
realistic day from hand-over to delivery; 0 in tests: everything at once, in order). The beat job
``delivery.simulator_tick`` reports what is due; ``manage.py carrier_simulator`` and the desk's
"next step" button (``CARRIER_SIMULATOR_CONTROLS``) move a parcel on by hand.

Scenarios, chosen by the applicant's phone number (the receiver of a result, the sender of a
dossier), in the SMS simulator's reserved test range (``+849990000NN``; the SMS simulator delivers
these numbers' messages normally):

  +84999000020 (and any other)  picked up, in transit, out for delivery, delivered
  +84999000021                  one failed attempt (nobody home), delivered the next day
  +84999000022                  three failed attempts, returned to the sender
  +84999000023                  lost in transit
  +84999000024                  cancelled by the carrier before pickup
  +84999000025                  pickup of a dossier: the postal worker finds a required document
                                missing and does not take the dossier (cancel, with the list)
  +84999000026                  the order is created but the answer times out (once): the retry
                                gets the same order back
  +84999000027                  every create times out (the booking is retried, then given up)
  +84999000028                  the carrier refuses the order (address not served)
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.jobs import enqueue
from core.links import absolute_url
from core.signing import hmac_hex, verify_hmac

from .. import s10
from ..constants import Direction
from ..constants import ShipmentStatus as S
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
from .wire import event_payload, parse_event, parse_events

logger = logging.getLogger(__name__)

SCENARIOS = {
    "+84999000021": "failed_once",
    "+84999000022": "returned",
    "+84999000023": "lost",
    "+84999000024": "cancelled_by_carrier",
    "+84999000025": "documents_missing",
    "+84999000026": "timeout_once",
    "+84999000027": "timeout_always",
    "+84999000028": "rejected",
}
# Tariff (đồng): within the province, between provinces, per extra 500 g above the first 500 g.
TARIFF_SAME_PROVINCE = 22_000
TARIFF_OTHER_PROVINCE = 32_000
TARIFF_PER_EXTRA_500G = 5_000
RESEND_AFTER = timedelta(seconds=60)
MAX_SENDS = 10


def signed_callback(body: bytes) -> dict[str, str]:
    return {"X-Signature": hmac_hex(settings.CARRIER_WEBHOOK_SECRET, body, "sha256")}


def _post_office(name: str) -> str:
    return f"Bưu cục {name}" if name else "Bưu cục"


def _hub(province: str) -> str:
    return f"Trung tâm khai thác {province}" if province else "Trung tâm khai thác"


def _step(status: str, hours: float, location: str = "", reason: str = "", **extra) -> dict:
    return {"status": status, "hours": hours, "location": location, "reason": reason, **extra}


def build_plan(
    *, scenario: str, sender: PostalAddress, receiver: PostalAddress, direction: str
) -> list[dict]:
    """The journey the simulated carrier will report, in order (hours after booking)."""
    origin, destination = _post_office(sender.commune_name), _post_office(receiver.commune_name)
    hubs = [_hub(sender.province_name)]
    if receiver.province_code != sender.province_code:
        hubs.append(_hub(receiver.province_name))
    plan = [_step(S.BOOKED, 0, origin)]
    if scenario == "cancelled_by_carrier":
        return [*plan, _step(S.CANCELLED, 2, origin, "Bưu cục không lấy được hàng trong khung giờ hẹn")]
    if scenario == "documents_missing" and direction == Direction.INBOUND:
        return plan  # the cancel with the missing documents is added at create (needs the checklist)
    plan.append(_step(S.PICKED_UP, 1, origin))
    plan += [_step(S.IN_TRANSIT, 3 + 4 * i, hub) for i, hub in enumerate(hubs)]
    if scenario == "lost":
        return [*plan, _step(S.LOST, 30, hubs[-1], "Bưu gửi thất lạc trong quá trình vận chuyển")]
    fails = {"failed_once": 1, "returned": 3}.get(scenario, 0)
    hours = 20.0
    for attempt in range(fails):
        plan.append(_step(S.OUT_FOR_DELIVERY, hours, destination))
        plan.append(
            _step(
                S.FAILED_ATTEMPT,
                hours + 2,
                destination,
                "Không liên lạc được người nhận",
                next_attempt_days=1 if attempt < 2 else None,
            )
        )
        hours += 24
    if scenario == "returned":
        return [
            *plan,
            _step(S.RETURNING, hours, destination, "Hoàn trả sau 3 lần giao không thành công"),
            _step(S.RETURNED, hours + 24, origin, "Đã hoàn trả nơi gửi"),
        ]
    return [*plan, _step(S.OUT_FOR_DELIVERY, hours, destination), _step(S.DELIVERED, hours + 2, destination)]


def _chaos_flags(reference: str, index: int, count: int) -> tuple[bool, bool, bool]:
    """(duplicate, newest first, drop) for event ``index`` of ``count``, deterministic per parcel.

    ``sometimes``: a third of the callbacks twice, half the batches newest first (by a hash of the
    reference); ``always``: every callback twice, every batch newest first; ``lossy``: as
    ``sometimes``, and the callbacks of every third event and of the last one never come.
    """
    mode = settings.CARRIER_SIMULATOR_CHAOS
    if mode == "off":
        return False, False, False
    if mode == "always":
        return True, True, False
    digest = hashlib.sha256(f"{reference}:{index}".encode()).digest()
    drop = mode == "lossy" and (index == count - 1 or index % 3 == 1)
    return digest[0] % 3 == 0, digest[1] % 2 == 0, drop


class SimulatorCarrier(Carrier):
    name = "simulator"
    label = "Bưu chính mô phỏng (EMS)"
    is_simulator = True

    def quote(
        self, *, sender: PostalAddress, receiver: PostalAddress, weight_grams: int, cod_amount_vnd: int = 0
    ) -> Quote:
        base = (
            TARIFF_SAME_PROVINCE if sender.province_code == receiver.province_code else TARIFF_OTHER_PROVINCE
        )
        extra = max(0, (weight_grams - 1) // 500) * TARIFF_PER_EXTRA_500G
        return Quote(
            total_vnd=base + extra, service="E", expected_days=1 if base == TARIFF_SAME_PROVINCE else 2
        )

    # --- orders -----------------------------------------------------------------------------------

    def create(self, order: OrderRequest) -> Booking:
        from ..models import SimulatedParcel

        citizen = order.receiver if order.direction == Direction.OUTBOUND else order.sender
        scenario = SCENARIOS.get(citizen.phone, "delivered")
        if scenario == "timeout_always":
            raise TemporaryCarrierError("carrier timed out (simulated)")
        if scenario == "rejected":
            raise PermanentCarrierError("Bưu chính từ chối: địa chỉ chưa được phục vụ (mô phỏng)")
        existing = SimulatedParcel.objects.filter(reference=order.reference).first()
        if existing is not None:
            existing.creates += 1
            existing.save(update_fields=["creates"])
            return self._booking(existing)
        fee = self.quote(
            sender=order.sender, receiver=order.receiver, weight_grams=order.weight_grams
        ).total_vnd
        plan = build_plan(
            scenario=scenario, sender=order.sender, receiver=order.receiver, direction=order.direction
        )
        checklist = [dict(item, present=True) for item in order.checklist]
        if scenario == "documents_missing" and order.direction == Direction.INBOUND:
            required = [item for item in checklist if item.get("required")] or checklist
            missing = [required[-1]["name"]] if required else ["Giấy tờ theo danh mục thủ tục"]
            for item in checklist:
                if item["name"] in missing:
                    item["present"] = False
            plan.append(
                _step(
                    S.CANCELLED,
                    1,
                    _post_office(order.sender.commune_name),
                    "Bưu tá không nhận hồ sơ: còn thiếu giấy tờ",
                    missing=missing,
                )
            )
        now = timezone.now()
        for index, step in enumerate(plan):
            step["n"] = index
            step["event_id"] = f"sim-{order.reference}-{index}"
            step["due_at"] = (
                now + timedelta(seconds=step["hours"] * settings.CARRIER_SIMULATOR_HOUR_SECONDS)
            ).isoformat()
            step["happened_at"] = None
            step["callback"] = "pending"
            step["sends"] = 0
        for _attempt in range(5):
            serial = secrets.randbelow(100_000_000)
            try:
                with transaction.atomic():
                    parcel = SimulatedParcel.objects.create(
                        reference=order.reference,
                        order_code=f"SIM{serial:08d}",
                        item_number=s10.generate(serial, service=order.service or "E", operator="B"),
                        scenario=scenario,
                        direction=order.direction,
                        phone=citizen.phone,
                        fee_vnd=fee,
                        cod_amount_vnd=order.cod_amount_vnd,
                        checklist=checklist,
                        plan=plan,
                        next_due_at=now,
                    )
                break
            except IntegrityError:
                existing = SimulatedParcel.objects.filter(reference=order.reference).first()
                if existing is not None:  # the same reference won a race: one order
                    return self._booking(existing)
        else:  # pragma: no cover - five colliding random serials
            raise TemporaryCarrierError("could not allocate an item number")
        transaction.on_commit(lambda: _enqueue_emit(parcel.pk))
        if scenario == "timeout_once" and parcel.creates == 1:
            # The order exists at the carrier but its answer never reaches us; our retry must get it back.
            raise TemporaryCarrierError("carrier timed out after accepting the order (simulated)")
        return self._booking(parcel)

    @staticmethod
    def _booking(parcel) -> Booking:
        return Booking(order_code=parcel.order_code, item_number=parcel.item_number, fee_vnd=parcel.fee_vnd)

    def cancel(self, *, reference: str, order_code: str) -> None:
        from ..models import SimulatedParcel

        with transaction.atomic():
            parcel = SimulatedParcel.objects.select_for_update().filter(reference=reference).first()
            if parcel is None:
                return  # never created: nothing to cancel
            happened = [step for step in parcel.plan if step["happened_at"]]
            if any(step["status"] not in (S.BOOKED, S.CANCELLED) for step in happened):
                raise PermanentCarrierError("Bưu tá đã lấy hàng: không hủy được")
            if parcel.cancelled:
                return
            now = timezone.now()
            plan = [step for step in parcel.plan if step["happened_at"]]
            plan.append(
                {
                    **_step(S.CANCELLED, 0, "", "Hủy theo yêu cầu của người gửi"),
                    "n": len(parcel.plan),
                    "event_id": f"sim-{reference}-cancel",
                    "due_at": now.isoformat(),
                    "happened_at": None,
                    "callback": "pending",
                    "sends": 0,
                }
            )
            parcel.plan = plan
            parcel.cancelled = True
            parcel.next_due_at = now
            parcel.save(update_fields=["plan", "cancelled", "next_due_at"])
        transaction.on_commit(lambda: _enqueue_emit(parcel.pk))

    def track(self, *, reference: str, order_code: str, item_number: str) -> list[CarrierEvent]:
        from ..models import SimulatedParcel

        parcel = SimulatedParcel.objects.filter(reference=reference).first()
        if parcel is None and item_number:
            parcel = SimulatedParcel.objects.filter(item_number=item_number).first()
        if parcel is None:
            return []
        happen_due(parcel.pk)
        parcel.refresh_from_db()
        return [parse_event(_payload(parcel, step)) for step in parcel.plan if step["happened_at"]]

    # --- callbacks ----------------------------------------------------------------------------------

    def parse_callback(
        self, *, body: bytes, headers: dict[str, str], query: dict[str, str]
    ) -> ParsedCallback:
        verify_hmac(settings.CARRIER_WEBHOOK_SECRET, body, headers.get("X-Signature"), "sha256")
        return ParsedCallback(events=parse_events(body), answer=(200, {"success": True}))


# --- the simulated carrier's side: events happen, callbacks go out ------------------------------------


def _payload(parcel, step: dict) -> dict:
    next_days = step.get("next_attempt_days")
    happened = datetime.fromisoformat(step["happened_at"])
    return event_payload(
        event_id=step["event_id"],
        status=step["status"],
        at=happened,
        reference=parcel.reference,
        order_code=parcel.order_code,
        item_number=parcel.item_number,
        location=step.get("location", ""),
        reason=step.get("reason", ""),
        missing=step.get("missing"),
        next_attempt_on=timezone.localtime(happened).date() + timedelta(days=next_days)
        if next_days
        else None,
    )


def _enqueue_emit(parcel_id: int) -> None:
    enqueue("delivery.simulator_emit", parcel_id)  # broker down: the tick sends it later


def _refresh_counters(parcel) -> None:
    pending = [s for s in parcel.plan if not s["happened_at"]]
    parcel.next_due_at = min((datetime.fromisoformat(s["due_at"]) for s in pending), default=None)
    parcel.pending_callbacks = sum(1 for s in parcel.plan if s["happened_at"] and s["callback"] == "pending")


def happen_due(parcel_id: int, *, now: datetime | None = None, advance: int = 0) -> int:
    """Mark the events due by ``now`` as happened (with strictly increasing times, in plan order).
    ``advance`` makes the next N planned events due now (a developer moving a parcel on)."""
    from ..models import SimulatedParcel

    now = now or timezone.now()
    with transaction.atomic():
        parcel = SimulatedParcel.objects.select_for_update().filter(pk=parcel_id).first()
        if parcel is None:
            return 0
        pending = [s for s in parcel.plan if not s["happened_at"]]
        for step in pending[:advance]:
            step["due_at"] = now.isoformat()
        last = max(
            (datetime.fromisoformat(s["happened_at"]) for s in parcel.plan if s["happened_at"]),
            default=None,
        )
        happened = 0
        for step in pending:
            if datetime.fromisoformat(step["due_at"]) > now:
                break  # in order: a later event never happens before an earlier one
            at = now if last is None or now > last else last + timedelta(milliseconds=1)
            step["happened_at"] = at.isoformat()
            last = at
            happened += 1
        _refresh_counters(parcel)
        parcel.save(update_fields=["plan", "next_due_at", "pending_callbacks"])
    return happened


def send_callbacks(parcel_id: int, *, now: datetime | None = None) -> dict[str, int]:
    """Send the callbacks of happened events not yet acknowledged (at least once; chaos applies).

    Claims under a short lock, sends outside any transaction (the portal's handler writes to the
    same database), then records the acknowledgements.
    """
    from ..models import SimulatedParcel

    now = now or timezone.now()
    with transaction.atomic():
        parcel = SimulatedParcel.objects.select_for_update().filter(pk=parcel_id).first()
        if parcel is None:
            return {"sent": 0, "acked": 0}
        batch = []
        for step in parcel.plan:
            if not step["happened_at"] or step["callback"] != "pending":
                continue
            last_sent = step.get("last_sent_at")
            if last_sent and datetime.fromisoformat(last_sent) > now - RESEND_AFTER:
                continue
            duplicate, newest_first, drop = _chaos_flags(parcel.reference, step["n"], len(parcel.plan))
            if drop and step["sends"] == 0:
                step["callback"] = "dropped"  # the courier's notifier lost it; only tracking shows it
                continue
            if step["sends"] >= MAX_SENDS:
                step["callback"] = "gave_up"
                continue
            step["sends"] += 1
            step["last_sent_at"] = now.isoformat()
            batch.append((step["n"], _payload(parcel, step), duplicate, newest_first))
        _refresh_counters(parcel)
        parcel.save(update_fields=["plan", "next_due_at", "pending_callbacks"])
    if not batch:
        return {"sent": 0, "acked": 0}
    if any(newest_first for *_rest, newest_first in batch):
        batch.reverse()
    deliveries = []
    for n, payload, duplicate, _newest_first in batch:
        deliveries.append((n, payload))
        if duplicate:
            deliveries.append((n, payload))
    acked = set()
    for n, payload in deliveries:
        if _deliver(payload):
            acked.add(n)
    if acked:
        with transaction.atomic():
            parcel = SimulatedParcel.objects.select_for_update().get(pk=parcel_id)
            for step in parcel.plan:
                if step["n"] in acked and step["callback"] == "pending":
                    step["callback"] = "acked"
            _refresh_counters(parcel)
            parcel.save(update_fields=["plan", "pending_callbacks"])
    return {"sent": len(deliveries), "acked": len(acked)}


def _deliver(payload: dict) -> bool:
    """One callback, signed, over HTTP as a courier would (or straight to the handler in tests)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", **signed_callback(body)}
    if settings.CARRIER_SIMULATOR_CALLBACK == "direct":
        from .. import services

        status, _answer = services.callback_receive(
            carrier_name="simulator", body=body, headers=headers, query={}
        )
        return status == 200
    request = urllib.request.Request(  # noqa: S310 - our own webhook URL
        absolute_url("delivery:carrier_webhook", "simulator"), data=body, headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer = json.loads(response.read().decode("utf-8") or "{}")
            return response.status == 200 and answer.get("success") is True
    except (urllib.error.URLError, TimeoutError, OSError, json.JSONDecodeError) as exc:
        logger.info("delivery simulator: callback not acknowledged (%s); will resend", exc.__class__.__name__)
        return False


def emit(parcel_id: int, *, advance: int = 0) -> dict[str, int]:
    """What the simulator's task does: events due happen, their callbacks go out."""
    happened = happen_due(parcel_id, advance=advance)
    return {"happened": happened, **send_callbacks(parcel_id)}


def tick() -> dict[str, int]:
    """Beat: every parcel with an event due or a callback to (re)send."""
    from django.db.models import Q

    from ..models import SimulatedParcel

    now = timezone.now()
    ids = list(
        SimulatedParcel.objects.filter(Q(next_due_at__lte=now) | Q(pending_callbacks__gt=0)).values_list(
            "id", flat=True
        )[:500]
    )
    totals = {"parcels": len(ids), "happened": 0, "sent": 0, "acked": 0}
    for parcel_id in ids:
        for key, value in emit(parcel_id).items():
            totals[key] += value
    return totals
