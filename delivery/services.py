"""Writes to shipments: hand-over, booking (through the outbox), tracking events, cancellation.

Booking is an outbox: ``shipment_prepare`` writes the row inside the transaction that hands the
parcel to the post and enqueues ``delivery.book_shipment`` after commit; ``shipment_book`` claims
the row with a conditional update (pending → booking), asks the carrier (create is idempotent on
our reference, so a retry or a re-drive is never a second order) and records the answer; the
sweeper (``bookings_sweep``, on beat) re-drives rows left pending because the broker was down, and
rows stuck "booking" because a worker died.

Tracking events (callbacks or polls) go through ``events_record``: each event is stored once
(unique on the carrier's event id), then applied only if the shipment is not final, the event is
not older than the latest applied one, and the table allows the move. What it means for the dossier
(returned, back at the counter, intake) is ``dossier_link``'s business, in the same transaction:
this module sends ``delivery.signals`` and never imports it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import normalize_vn_phone
from core.jobs import enqueue
from core.signing import InvalidSignature
from core.text import nfc

from . import addresses, s10, signals
from .carriers import carrier_for, carriers
from .carriers.base import (
    CarrierError,
    CarrierEvent,
    MalformedCallback,
    OrderRequest,
    PermanentCarrierError,
    TemporaryCarrierError,
)
from .constants import (
    CANCELLABLE,
    FINAL_STATUSES,
    BookingState,
    Direction,
    EventOutcome,
    Payer,
    ShipmentStatus,
    can_move,
)
from .models import AgencyPostage, Shipment, TrackingEvent

logger = logging.getLogger(__name__)
MAX_CALLBACK_BYTES = 256 * 1024


class DeliveryError(Exception):
    """A rule says no; the message is for the person (officer or citizen)."""


# --- quotes and hand-over ----------------------------------------------------------------------------


def agency_pays(agency) -> bool:
    return AgencyPostage.objects.filter(agency=agency, agency_pays=True).exists()


def quote(*, agency, province_code: str, commune_code: str, weight_grams: int | None = None) -> int | None:
    """Postage in đồng from the agency to an address (None when the carrier cannot quote now)."""
    snapshot = addresses.agency_snapshot(agency)
    receiver = addresses.PostalAddress(
        name="",
        phone="",
        street="",
        commune_code=commune_code,
        commune_name="",
        province_code=province_code,
        province_name="",
    )
    try:
        result = carrier_for().quote(
            sender=addresses.agency_postal_address(snapshot),
            receiver=receiver,
            weight_grams=weight_grams or settings.DELIVERY_DEFAULT_WEIGHT_GRAMS,
        )
    except (CarrierError, ImproperlyConfigured, OSError):
        logger.warning("delivery: the carrier could not quote now")
        return None
    return result.total_vnd


def clean_phone(value: str) -> str:
    try:
        return normalize_vn_phone(value or "")
    except ValidationError as exc:
        raise DeliveryError(" ".join(exc.messages)) from None


def shipment_prepare(
    *,
    direction: str,
    agency,
    address: dict,
    recipient_name: str,
    recipient_phone: str,
    payer: str,
    dossier=None,
    procedure=None,
    applicant=None,
    applicant_name: str = "",
    authorised_recipient: bool = False,
    created_by=None,
    pickup_date: date | None = None,
    pickup_slot: str = "",
    checklist: list[dict] | None = None,
    intake: dict | None = None,
    weight_grams: int | None = None,
) -> Shipment:
    """Write a shipment to be booked after commit (call it inside the hand-over transaction).

    ``address`` holds province/commune codes and names and the street, as the person chose them;
    they are checked against today's units (``addresses.resolve``: a renumbered commune is found
    again by its name, with a note) and DeliveryError says what to fix otherwise.
    Raises DeliveryError when the dossier already has a parcel on its way in this direction.
    Side effects: the row (status created, booking pending) and, after commit, the booking task.
    """
    try:
        resolved = addresses.resolve(
            province_code=address.get("province_code", ""),
            province_name=address.get("province_name", ""),
            commune_code=address.get("commune_code", ""),
            commune_name=address.get("commune_name", ""),
            street=address.get("street", ""),
        )
    except addresses.AddressProblem as exc:
        raise DeliveryError(str(exc)) from None
    name = nfc(recipient_name).strip()[:200]
    if not name:
        raise DeliveryError(_("Thiếu tên người nhận."))
    phone = clean_phone(recipient_phone)
    weight = weight_grams or settings.DELIVERY_DEFAULT_WEIGHT_GRAMS
    carrier_name = carriers.chosen()
    postage = quote(
        agency=agency,
        province_code=resolved.province_code,
        commune_code=resolved.commune_code,
        weight_grams=weight,
    )
    shipment = Shipment(
        direction=direction,
        dossier=dossier,
        agency=agency,
        procedure=procedure,
        applicant=applicant,
        carrier=carrier_name,
        recipient_name=name,
        recipient_phone=phone,
        applicant_name=nfc(applicant_name)[:200],
        authorised_recipient=authorised_recipient,
        province_code=resolved.province_code,
        province_name=resolved.province_name,
        commune_code=resolved.commune_code,
        commune_name=resolved.commune_name,
        street=resolved.street,
        address_note=resolved.note[:300],
        agency_address=addresses.agency_snapshot(agency),
        pickup_date=pickup_date,
        pickup_slot=pickup_slot,
        checklist=checklist or [],
        intake=intake or {},
        weight_grams=weight,
        postage_vnd=postage or 0,
        payer=payer,
        cod_amount_vnd=(postage or 0) if payer == Payer.CITIZEN_COD else 0,
        booking_next_at=timezone.now(),
        created_by=created_by,
    )
    try:
        with transaction.atomic():
            shipment.save()
    except IntegrityError:
        raise DeliveryError(_("Hồ sơ này đã có một bưu gửi đang trên đường.")) from None
    transaction.on_commit(lambda: _enqueue_booking(shipment.pk))
    return shipment


# --- booking (the outbox) ---------------------------------------------------------------------------


def _enqueue_booking(shipment_id: int) -> None:
    enqueue("delivery.book_shipment", shipment_id)  # broker down: the row stays pending for the sweeper


def _order_request(shipment: Shipment) -> OrderRequest:
    citizen = addresses.shipment_postal_address(shipment)
    agency = addresses.agency_postal_address(
        shipment.agency_address or addresses.agency_snapshot(shipment.agency)
    )
    outbound = shipment.direction == Direction.OUTBOUND
    receiver_pays = shipment.payer == Payer.CITIZEN_COD
    return OrderRequest(
        reference=shipment.reference,
        direction=shipment.direction,
        service=shipment.service,
        sender=agency if outbound else citizen,
        receiver=citizen if outbound else agency,
        weight_grams=shipment.weight_grams,
        cod_amount_vnd=shipment.cod_amount_vnd,
        payer="receiver" if receiver_pays else "sender",
        note=(shipment.dossier.code if shipment.dossier_id else "")
        or _("Hồ sơ thủ tục hành chính: kiểm tra giấy tờ theo danh mục, niêm phong trước mặt người gửi."),
        checklist=tuple(
            {"name": c.get("name", ""), "required": bool(c.get("required"))} for c in shipment.checklist
        ),
        pickup_date=shipment.pickup_date,
        pickup_slot=shipment.pickup_slot,
    )


def _backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(settings.DELIVERY_BOOKING_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 1800)
    )


@dataclass
class BookingOutcome:
    state: str
    retry_in: timedelta | None = None
    error: str = ""


def shipment_book(shipment_id: int) -> BookingOutcome | None:
    """Book one pending shipment with its carrier, once.

    Returns None when there is nothing to do (claimed by someone else, booked, cancelled, not due),
    which makes duplicated and redelivered tasks harmless. A temporary error (timeout, 5xx) puts the
    row back to pending with exponential backoff until ``DELIVERY_BOOKING_RETRY_WINDOW_SECONDS``;
    a permanent one (address not served, an invalid item number) fails it with a message for the
    officer. Creating again is safe: the carrier returns the order it already has for our reference.
    """
    now = timezone.now()
    claimed = (
        Shipment.objects.filter(
            pk=shipment_id, booking_state=BookingState.PENDING, status=ShipmentStatus.CREATED
        )
        .filter(Q(booking_next_at__isnull=True) | Q(booking_next_at__lte=now))
        .update(
            booking_state=BookingState.BOOKING,
            booking_claimed_at=now,
            booking_attempts=F("booking_attempts") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    shipment = Shipment.objects.select_related("agency", "dossier").get(pk=shipment_id)
    try:
        carrier = carrier_for(shipment.carrier)
        booking = carrier.create(_order_request(shipment))
        item_number = carrier.validate_item_number(booking.item_number)
    except TemporaryCarrierError as exc:
        return _retry_or_fail(shipment, exc.detail)
    except PermanentCarrierError as exc:
        _booking_failed(shipment, exc.detail)
        return BookingOutcome(BookingState.FAILED, error=exc.detail)
    except s10.InvalidItemNumber as exc:
        detail = _("Bưu chính trả về số hiệu bưu gửi không hợp lệ (%(error)s).") % {"error": exc}
        _booking_failed(shipment, detail)
        return BookingOutcome(BookingState.FAILED, error=detail)
    except ImproperlyConfigured as exc:
        _booking_failed(shipment, str(exc))
        return BookingOutcome(BookingState.FAILED, error=str(exc))
    except Exception as exc:  # a bug or an unexpected library error: retry, keep the class only
        logger.exception("delivery: carrier %s crashed booking shipment %s", shipment.carrier, shipment_id)
        return _retry_or_fail(shipment, f"technical: {exc.__class__.__name__}")
    cancel_after = False
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment_id)
        locked.carrier_order_code = booking.order_code[:60]
        locked.item_number = item_number
        if booking.fee_vnd:
            locked.postage_vnd = booking.fee_vnd
            if locked.payer == Payer.CITIZEN_COD:
                locked.cod_amount_vnd = booking.fee_vnd
        locked.booking_state = BookingState.BOOKED
        locked.booking_error = ""
        locked.booked_at = locked.booked_at or timezone.now()
        if locked.status == ShipmentStatus.CREATED:
            locked.status = ShipmentStatus.BOOKED
        cancel_after = locked.status == ShipmentStatus.CANCELLED  # the officer cancelled while we booked
        locked.save()
        _relink_orphans(locked)
    if cancel_after:
        transaction.on_commit(lambda: _cancel_at_carrier_quietly(shipment_id))
    else:
        transaction.on_commit(lambda: _enqueue_label(shipment_id))
    return BookingOutcome(BookingState.BOOKED)


# --- labels -------------------------------------------------------------------------------------------


def _enqueue_label(shipment_id: int) -> None:
    enqueue("delivery.render_label", shipment_id)  # broker down: the sweeper renders labels still missing


def label_render(shipment_id: int) -> bool:
    """Render and keep the A6 label of a booked shipment, once (False when there is nothing to do)."""
    from django.core.files.base import ContentFile

    from .documents import label_pdf

    shipment = Shipment.objects.select_related("agency", "dossier").filter(pk=shipment_id).first()
    if shipment is None or shipment.label_file or not shipment.item_number:
        return False
    pdf = label_pdf(shipment)
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment_id)
        if locked.label_file:
            return False
        locked.label_file.save(f"nhan-{locked.item_number}.pdf", ContentFile(pdf), save=False)
        locked.save(update_fields=["label_file", "updated_at"])
    return True


def _retry_or_fail(shipment: Shipment, detail: str) -> BookingOutcome:
    deadline = shipment.created_at + timedelta(seconds=settings.DELIVERY_BOOKING_RETRY_WINDOW_SECONDS)
    delay = _backoff(shipment.booking_attempts)
    if timezone.now() + delay > deadline:
        _booking_failed(shipment, _("Bưu chính không trả lời (%(detail)s).") % {"detail": detail})
        return BookingOutcome(BookingState.FAILED, error=detail)
    Shipment.objects.filter(pk=shipment.pk, booking_state=BookingState.BOOKING).update(
        booking_state=BookingState.PENDING,
        booking_next_at=timezone.now() + delay,
        booking_error=detail[:500],
        updated_at=timezone.now(),
    )
    return BookingOutcome(BookingState.PENDING, retry_in=delay, error=detail)


def _booking_failed(shipment: Shipment, detail: str) -> None:
    with transaction.atomic():
        changed = Shipment.objects.filter(pk=shipment.pk, booking_state=BookingState.BOOKING).update(
            booking_state=BookingState.FAILED, booking_error=detail[:500], updated_at=timezone.now()
        )
        if changed:
            signals.booking_failed.send(sender=Shipment, shipment=Shipment.objects.get(pk=shipment.pk))


def shipment_rebook(*, shipment: Shipment, actor) -> Shipment:
    """The officer asks to try a failed booking again (same reference: never a second order)."""
    changed = Shipment.objects.filter(
        pk=shipment.pk, booking_state=BookingState.FAILED, status=ShipmentStatus.CREATED
    ).update(
        booking_state=BookingState.PENDING,
        booking_next_at=timezone.now(),
        booking_attempts=0,
        created_at=timezone.now(),  # a fresh retry window
        updated_at=timezone.now(),
    )
    if not changed:
        raise DeliveryError(_("Bưu gửi này không chờ đặt lại."))
    logger.info(
        "delivery: booking of %s re-driven by user %s", shipment.reference, getattr(actor, "pk", None)
    )
    transaction.on_commit(lambda: _enqueue_booking(shipment.pk))
    shipment.refresh_from_db()
    return shipment


def bookings_sweep(*, pending_after: timedelta | None = None, booking_after: timedelta | None = None) -> dict:
    """Re-drive bookings (beat, every minute): pending and due for longer than ``pending_after`` (the
    broker was down at commit) are enqueued again; "booking" for longer than ``booking_after`` (a
    worker died mid-call) go back to pending first. Nothing is booked twice: create is idempotent."""
    now = timezone.now()
    pending_after = (
        pending_after
        if pending_after is not None
        else timedelta(seconds=settings.DELIVERY_BOOKING_SWEEP_AFTER_SECONDS)
    )
    booking_after = (
        booking_after
        if booking_after is not None
        else timedelta(seconds=settings.DELIVERY_BOOKING_STALE_SECONDS)
    )
    stale = list(
        Shipment.objects.filter(
            booking_state=BookingState.BOOKING, booking_claimed_at__lt=now - booking_after
        ).values_list("id", flat=True)[:500]
    )
    reset = Shipment.objects.filter(id__in=stale, booking_state=BookingState.BOOKING).update(
        booking_state=BookingState.PENDING, booking_next_at=now, updated_at=now
    )
    due = list(
        Shipment.objects.filter(
            booking_state=BookingState.PENDING,
            status=ShipmentStatus.CREATED,
            booking_next_at__lte=now - pending_after,
        ).values_list("id", flat=True)[:500]
    )
    ids = sorted(set(due) | set(stale))
    for shipment_id in ids:
        _enqueue_booking(shipment_id)
    unlabelled = list(
        Shipment.objects.filter(
            booking_state=BookingState.BOOKED, label_file="", booked_at__lt=now - pending_after
        )
        .exclude(item_number="")
        .exclude(status=ShipmentStatus.CANCELLED)
        .values_list("id", flat=True)[:200]
    )
    for shipment_id in unlabelled:
        _enqueue_label(shipment_id)
    return {"reset": reset, "enqueued": len(ids), "labels": len(unlabelled)}


# --- cancellation -----------------------------------------------------------------------------------


def _cancel_at_carrier_quietly(shipment_id: int) -> None:
    shipment = Shipment.objects.get(pk=shipment_id)
    try:
        carrier_for(shipment.carrier).cancel(
            reference=shipment.reference, order_code=shipment.carrier_order_code
        )
    except CarrierError as exc:
        logger.warning("delivery: could not cancel %s at the carrier: %s", shipment.reference, exc.detail)


def shipment_cancel(*, shipment: Shipment, actor, reason: str = "") -> Shipment:
    """Cancel before pickup (the officer will hand the result over at the counter, or ship again).

    The carrier is asked first when it has the order; once the postman has the parcel, it refuses
    and so do we. Side effects: status cancelled and the ``shipment_stopped`` signal (``dossier_link`` stops the dossier's hand-off).
    """
    if shipment.status not in CANCELLABLE:
        raise DeliveryError(_("Bưu tá đã nhận bưu gửi: không hủy được nữa."))
    if shipment.carrier_order_code:
        try:
            carrier_for(shipment.carrier).cancel(
                reference=shipment.reference, order_code=shipment.carrier_order_code
            )
        except TemporaryCarrierError:
            raise DeliveryError(_("Bưu chính chưa trả lời. Hãy thử hủy lại sau ít phút.")) from None
        except PermanentCarrierError as exc:
            raise DeliveryError(exc.detail) from None
    with transaction.atomic():
        locked = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if locked.status not in CANCELLABLE:
            raise DeliveryError(_("Bưu tá đã nhận bưu gửi: không hủy được nữa."))
        locked.status = ShipmentStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.status_reason = nfc(reason)[:300] or _("Cơ quan hủy gửi")
        if locked.booking_state != BookingState.BOOKED:
            locked.booking_state = BookingState.FAILED
            locked.booking_error = locked.status_reason
        locked.save()
        signals.shipment_stopped.send(sender=Shipment, shipment=locked, actor=actor)
    logger.info("delivery: %s cancelled by user %s", locked.reference, getattr(actor, "pk", None))
    return locked


# --- tracking events --------------------------------------------------------------------------------


@dataclass
class RecordOutcome:
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    unknown: int = 0
    outcomes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "applied": self.applied,
            "duplicates": self.duplicates,
            "ignored": self.ignored,
            "unknown": self.unknown,
        }


def _locate(carrier: str, event: CarrierEvent) -> Shipment | None:
    lookup = Q(pk__in=[])
    if event.reference:
        lookup |= Q(reference=event.reference)
    if event.item_number:
        lookup |= Q(item_number=event.item_number)
    if event.order_code:
        lookup |= Q(carrier_order_code=event.order_code)
    return Shipment.objects.select_for_update().filter(lookup, carrier=carrier).order_by("id").first()


def _decide(shipment: Shipment, event: TrackingEvent) -> str:
    if shipment.status in FINAL_STATUSES:
        return EventOutcome.FINAL
    if event.item_number and shipment.item_number and event.item_number != shipment.item_number:
        return EventOutcome.NOT_ALLOWED  # another parcel's number on our reference: never trusted
    if shipment.last_event_at and event.occurred_at < shipment.last_event_at:
        return EventOutcome.OLDER
    if not can_move(shipment.status, event.status):
        return EventOutcome.NOT_ALLOWED
    return EventOutcome.APPLIED


def _apply(shipment: Shipment, row: TrackingEvent) -> str:
    """Move the (locked) shipment by one recorded event, if the rules allow. Returns the outcome."""
    outcome = _decide(shipment, row)
    row.shipment = shipment
    row.outcome = outcome
    row.save(update_fields=["shipment", "outcome"])
    if row.status == ShipmentStatus.FAILED_ATTEMPT and outcome != EventOutcome.NOT_ALLOWED:
        # Each failed attempt happened, whatever order its callback arrived in.
        shipment.attempts = shipment.events.filter(
            status=ShipmentStatus.FAILED_ATTEMPT,
            outcome__in=[EventOutcome.APPLIED, EventOutcome.OLDER, EventOutcome.FINAL],
        ).count()
        if outcome != EventOutcome.APPLIED:
            shipment.save(update_fields=["attempts", "updated_at"])
    if outcome != EventOutcome.APPLIED:
        return outcome
    previous = shipment.status
    shipment.status = row.status
    shipment.last_event_at = row.occurred_at
    shipment.last_location = row.location or shipment.last_location
    shipment.status_reason = row.reason
    if not shipment.item_number and row.item_number:
        shipment.item_number = row.item_number
    if not shipment.carrier_order_code and row.order_code:
        shipment.carrier_order_code = row.order_code
    if row.status == ShipmentStatus.FAILED_ATTEMPT:
        shipment.next_attempt_on = row.next_attempt_on
    elif row.status in (ShipmentStatus.OUT_FOR_DELIVERY, ShipmentStatus.DELIVERED):
        shipment.next_attempt_on = None
    if row.status == ShipmentStatus.DELIVERED:
        shipment.delivered_at = row.occurred_at
    elif row.status == ShipmentStatus.RETURNED:
        shipment.returned_at = row.occurred_at
    elif row.status == ShipmentStatus.CANCELLED:
        shipment.cancelled_at = row.occurred_at
    if row.status != ShipmentStatus.CANCELLED and shipment.booking_state != BookingState.BOOKED:
        # The carrier evidently has the order (its answer to our create may still be on its way).
        shipment.booking_state = BookingState.BOOKED
        shipment.booked_at = shipment.booked_at or timezone.now()
        shipment.booking_error = ""
    shipment.save()
    signals.shipment_moved.send(sender=Shipment, shipment=shipment, row=row, previous=previous)
    return outcome


def _relink_orphans(shipment: Shipment) -> None:
    """Events that arrived before we knew the item number (the callback raced our booking)."""
    lookup = Q(reference=shipment.reference)
    if shipment.item_number:
        lookup |= Q(item_number=shipment.item_number)
    for row in TrackingEvent.objects.filter(lookup, shipment__isnull=True, carrier=shipment.carrier).order_by(
        "occurred_at", "id"
    ):
        _apply(shipment, row)


def events_record(*, carrier: str, events: list[CarrierEvent], source: str = "callback") -> RecordOutcome:
    """Store each event once and apply it if the rules allow (see the module docstring).

    Each event in its own transaction: a duplicate (same carrier event id) changes nothing; an event
    for no known shipment is kept (``unknown``) and applied once the booking tells us its number.
    """
    outcome = RecordOutcome()
    for event in events:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = TrackingEvent.objects.create(
                        carrier=carrier,
                        carrier_event_id=event.event_id,
                        reference=event.reference[:40],
                        item_number=event.item_number,
                        order_code=event.order_code,
                        status=event.status,
                        carrier_status=event.carrier_status,
                        occurred_at=event.occurred_at,
                        location=event.location,
                        reason=event.reason,
                        missing=list(event.missing),
                        next_attempt_on=event.next_attempt_on,
                        source=source,
                        outcome=EventOutcome.UNKNOWN,
                        raw=event.raw,
                    )
            except IntegrityError:
                outcome.duplicates += 1
                outcome.outcomes.append("duplicate")
                continue
            shipment = _locate(carrier, event)
            if shipment is None:
                outcome.unknown += 1
                outcome.outcomes.append(EventOutcome.UNKNOWN)
                logger.info("delivery: %s event %s for no known shipment, kept", carrier, event.event_id)
                continue
            result = _apply(shipment, row)
            outcome.outcomes.append(result)
            if result == EventOutcome.APPLIED:
                outcome.applied += 1
            else:
                outcome.ignored += 1
    return outcome


def callback_receive(*, carrier_name: str, body: bytes, headers: dict, query: dict) -> tuple[int, dict]:
    """A carrier's status callback, from the webhook view (or the simulator's direct transport).

    Returns the HTTP status and JSON body the carrier expects: 401 on a bad signature or secret,
    400 on a malformed body (nothing stored), otherwise its success answer once every event is
    stored, duplicates and events for final or unknown shipments included (so it stops retrying).
    """
    try:
        carrier = carrier_for(carrier_name)
    except ImproperlyConfigured:
        return 404, {"success": False, "error": "unknown carrier"}
    if len(body) > MAX_CALLBACK_BYTES:
        return carrier.callback_error(status=413, error="payload too large")
    try:
        parsed = carrier.parse_callback(body=body, headers=headers, query=query)
    except InvalidSignature:
        logger.warning("delivery: refused a %s callback with a bad signature", carrier_name)
        return carrier.callback_error(status=401, error="invalid signature")
    except MalformedCallback as exc:
        return carrier.callback_error(status=400, error=str(exc))
    result = events_record(carrier=carrier.name, events=parsed.events, source="callback")
    status, answer = parsed.answer
    return status, {**answer, **result.as_dict()}


def tracking_poll(*, older_than: timedelta | None = None, limit: int = 200) -> dict[str, int]:
    """Ask carriers about parcels without news for a while (beat): fills gaps left by lost callbacks."""
    older_than = (
        older_than if older_than is not None else timedelta(seconds=settings.DELIVERY_POLL_AFTER_SECONDS)
    )
    cutoff = timezone.now() - older_than
    shipments = list(
        Shipment.objects.exclude(status__in=[*FINAL_STATUSES, ShipmentStatus.CREATED])
        .filter(Q(last_event_at__lt=cutoff) | Q(last_event_at__isnull=True, booked_at__lt=cutoff))
        .order_by("last_event_at")[:limit]
    )
    totals = {"polled": 0, "applied": 0, "failed": 0}
    for shipment in shipments:
        try:
            events = carrier_for(shipment.carrier).track(
                reference=shipment.reference,
                order_code=shipment.carrier_order_code,
                item_number=shipment.item_number,
            )
        except (CarrierError, ImproperlyConfigured) as exc:
            logger.warning("delivery: tracking %s failed: %s", shipment.reference, exc)
            totals["failed"] += 1
            continue
        totals["polled"] += 1
        totals["applied"] += events_record(carrier=shipment.carrier, events=events, source="poll").applied
    return totals
