"""Everything the post means for a dossier, in one module (the dossiers app never imports us).

- **Result by post**: the officer hands the result to the post (``hand_to_post``: the transition
  and the shipment row in one transaction); carrier events then move the dossier as the system
  actor ``delivery:<carrier>``: delivered → ``post_delivered`` (status 10, returned by post),
  returned to sender → ``post_returned``, lost → ``post_lost`` (both: the result is back at the
  counter; the officer ships it again or hands it over there). Out for delivery and a failed attempt
  are told to the applicant by SMS.
- **Dossier by post**: when the postman has picked up a complete dossier, ``intake`` creates the
  dossier (``submit_by_post``, channel post, same code and lookup as any other); when it reaches the
  one-stop shop, the 8 working hours to accept it start; until then the officer cannot receive it.
- Everything runs inside the transaction of the event that caused it; a dossier that has moved on
  (e.g. the result was handed over at the counter meanwhile) is noted in the log, never forced.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.text import fold, nfc
from notifications.services import NotificationError, notify

from .constants import Direction, Payer, ShipmentStatus
from .models import Shipment

logger = logging.getLogger(__name__)


class PostError(Exception):
    """The post cannot take this dossier now; the message is for the person."""


def _workflow():
    from dossiers import workflow

    return workflow


def _system(shipment: Shipment):
    return _workflow().Actor.system(f"delivery:{shipment.carrier}")


def _when(at: datetime | None) -> datetime:
    now = timezone.now()
    return min(at, now) if at else now  # a carrier clock ahead of ours never dates the future


def note_for(shipment: Shipment) -> str:
    """ "bưu gửi EB…VN, thu 22.000 đ khi nhận" (what the applicant must know at the door)."""
    from .documents import money

    parts = [_("bưu gửi %(item)s") % {"item": shipment.item_number}] if shipment.item_number else []
    if shipment.payer == Payer.CITIZEN_COD and shipment.cod_amount_vnd:
        parts.append(_("thu %(amount)s đ khi nhận") % {"amount": money(shipment.cod_amount_vnd)})
    return ", ".join(parts)


# --- contact of the applicant ----------------------------------------------------------------------------


def applicant_phone(dossier) -> str:
    """The phone of a dossier whose applicant has no account of their own yet (counter intake)."""
    from .models import CounterApplicant

    record = CounterApplicant.objects.filter(dossier=dossier, claimed_at__isnull=True).only("phone").first()
    return record.phone if record else ""


def _notify_applicant(dossier, event: str, *, now: datetime | None = None, **extra) -> None:
    from dossiers.workflow import notification_context

    context = notification_context(dossier, now=now, extra=extra)
    phone = None if dossier.applicant.phone or dossier.applicant.email else (applicant_phone(dossier) or None)
    try:
        notify(
            event=event,
            context=context,
            user=dossier.applicant,
            phone=phone,
            related=dossier,
            related_label=dossier.code or "",
        )
    except NotificationError:
        logger.warning("delivery: nobody to tell about %s of dossier %s", event, dossier.pk)


# --- result by post --------------------------------------------------------------------------------------


def result_address(dossier) -> dict:
    """The address the applicant chose for the result (the wizard's delivery step), as the desk prefills it."""
    saved = dossier.delivery_address or {}
    return {
        "name": saved.get("name") or dossier.applicant.full_name,
        "phone": saved.get("phone") or dossier.applicant.phone or applicant_phone(dossier),
        "province_code": saved.get("province_code", ""),
        "province_name": saved.get("province_name", ""),
        "commune_code": saved.get("commune_code", ""),
        "commune_name": saved.get("commune_name", ""),
        "street": saved.get("street", ""),
    }


def can_hand_to_post(user, dossier) -> bool:
    workflow = _workflow()
    return "hand_to_post" in workflow.allowed_transitions(workflow.Actor.staff(user), dossier)


def hand_to_post(
    *,
    dossier_id: int,
    user,
    expected_version: int | None,
    address: dict,
    recipient_name: str,
    recipient_phone: str,
    now: datetime | None = None,
) -> Shipment:
    """ "Giao bưu chính": the ``hand_to_post`` transition and the shipment row, in one transaction.

    The shipment is booked after commit (outbox). Raises PostError (bad address, a parcel already on
    its way) or the workflow's TransitionError/ConflictError; either way nothing is saved.
    """
    from . import services

    workflow = _workflow()
    try:
        with transaction.atomic():
            dossier = workflow.dossier_transition(
                dossier_id=dossier_id,
                name="hand_to_post",
                actor=workflow.Actor.staff(user),
                expected_version=expected_version,
                now=now,
            )
            applicant_name = dossier.applicant.full_name
            shipment = services.shipment_prepare(
                direction=Direction.OUTBOUND,
                agency=dossier.agency,
                dossier=dossier,
                procedure=dossier.procedure,
                applicant=dossier.applicant,
                address=address,
                recipient_name=recipient_name,
                recipient_phone=recipient_phone,
                applicant_name=applicant_name,
                authorised_recipient=bool(applicant_name) and fold(recipient_name) != fold(applicant_name),
                payer=Payer.AGENCY if services.agency_pays(dossier.agency) else Payer.CITIZEN_COD,
                created_by=user,
            )
    except services.DeliveryError as exc:
        raise PostError(str(exc)) from exc
    return shipment


def shipment_moved(shipment: Shipment, row, *, previous: str) -> None:
    """An event was applied to ``shipment`` (inside its transaction): what it means for the dossier."""
    if shipment.direction == Direction.OUTBOUND:
        _outbound_moved(shipment, row)
    else:
        _inbound_moved(shipment, row)


def _transition(shipment: Shipment, name: str, at: datetime | None, **kwargs) -> None:
    workflow = _workflow()
    try:
        with transaction.atomic():
            workflow.dossier_transition(
                dossier_id=shipment.dossier_id,
                name=name,
                actor=_system(shipment),
                expected_version=None,
                now=_when(at),
                data={"item_number": shipment.item_number, "shipment": shipment.reference},
                **kwargs,
            )
    except workflow.TransitionError as exc:
        # The dossier moved on without the post (e.g. handed over at the counter): keep the parcel's
        # news, leave the dossier alone.
        logger.info("delivery: %s not applied to dossier %s: %s", name, shipment.dossier_id, exc)


def _outbound_moved(shipment: Shipment, row) -> None:
    if shipment.dossier_id is None:
        return
    status = row.status
    if status == ShipmentStatus.DELIVERED:
        _transition(shipment, "post_delivered", row.occurred_at, note_to_applicant=row.location)
    elif status == ShipmentStatus.RETURNED:
        _transition(shipment, "post_returned", row.occurred_at, reason=row.reason)
    elif status == ShipmentStatus.LOST:
        _transition(shipment, "post_lost", row.occurred_at, reason=row.reason)
    elif status == ShipmentStatus.CANCELLED:
        _transition(shipment, "post_returned", row.occurred_at, reason=row.reason)
    elif status == ShipmentStatus.OUT_FOR_DELIVERY:
        _notify_applicant(
            shipment.dossier, "post_out_for_delivery", now=row.occurred_at, note=note_for(shipment)
        )
    elif status == ShipmentStatus.FAILED_ATTEMPT:
        next_day = shipment.next_attempt_on.strftime("%d/%m/%Y") if shipment.next_attempt_on else "—"
        _notify_applicant(
            shipment.dossier,
            "post_failed_attempt",
            now=row.occurred_at,
            reason=row.reason or _("không gặp người nhận"),
            date=next_day,
        )


def booking_failed(shipment: Shipment) -> None:
    """The carrier refused the booking or never answered: the officer sees it on the desk (and may
    book again, or cancel and hand the result over at the counter). Nothing to tell the applicant yet."""
    logger.warning("delivery: booking of %s failed: %s", shipment.reference, shipment.booking_error)


def shipment_stopped(shipment: Shipment, *, actor) -> None:
    """The officer cancelled the parcel before pickup: the result is back at the counter."""
    if shipment.direction != Direction.OUTBOUND or shipment.dossier_id is None:
        return
    workflow = _workflow()
    try:
        with transaction.atomic():
            # The officer decided on the parcel, not on a page of the dossier: its consequence
            # follows the dossier as it is now.
            workflow.dossier_transition(
                dossier_id=shipment.dossier_id,
                name="post_cancelled",
                actor=workflow.Actor.staff(actor),
                expected_version=workflow.current_version(shipment.dossier_id),
                reason=shipment.status_reason,
                data={"shipment": shipment.reference},
            )
    except workflow.TransitionError as exc:
        logger.info("delivery: post_cancelled not applied to dossier %s: %s", shipment.dossier_id, exc)


# --- dossier by post ------------------------------------------------------------------------------------


# Any of these means the postman took the dossier, even when the "picked up" callback itself came late
# (then it is older than what was applied, and is only recorded).
_AFTER_PICKUP = frozenset(
    {
        ShipmentStatus.PICKED_UP,
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.OUT_FOR_DELIVERY,
        ShipmentStatus.FAILED_ATTEMPT,
        ShipmentStatus.DELIVERED,
    }
)


def _inbound_moved(shipment: Shipment, row) -> None:
    status = row.status
    if status in _AFTER_PICKUP and shipment.dossier_id is None:
        picked = shipment.events.filter(status=ShipmentStatus.PICKED_UP).order_by("occurred_at").first()
        intake_from_pickup(shipment, at=picked.occurred_at if picked else row.occurred_at)
    if status == ShipmentStatus.CANCELLED and shipment.dossier_id is None:
        _tell_pickup_failed(shipment, row)
    elif status == ShipmentStatus.DELIVERED and shipment.dossier_id:
        _arrived(shipment, row.occurred_at)
    elif status == ShipmentStatus.LOST and shipment.dossier_id:
        logger.error("delivery: the paper dossier %s was lost by the post", shipment.dossier_id)


def intake_from_pickup(shipment: Shipment, *, at: datetime | None) -> None:
    """The postman has the complete, sealed dossier: it becomes a dossier (status 1, channel post)."""
    from dossiers.constants import Channel
    from dossiers.intake import dossier_intake

    workflow = _workflow()
    intake = shipment.intake or {}
    dossier = dossier_intake(
        procedure=shipment.procedure,
        agency=shipment.agency,
        applicant=shipment.applicant,
        channel=Channel.POST,
        transition="submit_by_post",
        actor=workflow.Actor.system(f"delivery:{shipment.carrier}"),
        delivery=intake.get("delivery", ""),
        delivery_address=intake.get("delivery_address") or {},
        components=[c.get("name", "") for c in shipment.checklist if c.get("present", True)],
        now=_when(at),
        data={"item_number": shipment.item_number, "shipment": shipment.reference},
    )
    shipment.dossier = dossier
    shipment.save(update_fields=["dossier", "updated_at"])


def _tell_pickup_failed(shipment: Shipment, row) -> None:
    if shipment.applicant is None:
        return
    missing = list(row.missing)
    items = (
        _("Giấy tờ còn thiếu: %(items)s.") % {"items": "; ".join(missing)}
        if missing
        else _("Bưu tá không gặp được người gửi trong khung giờ hẹn.")
    )
    try:
        notify(
            event="pickup_incomplete",
            context={
                "procedure_name": shipment.procedure.name if shipment.procedure_id else "",
                "agency_name": shipment.agency.name,
                "reason": row.reason or _("bưu tá không nhận được hồ sơ"),
                "items": items,
                "link": absolute_url("delivery:pickup_detail", shipment.reference),
            },
            user=shipment.applicant,
            related=shipment,
            related_label=shipment.item_number or shipment.reference,
        )
    except NotificationError:
        logger.warning("delivery: nobody to tell that pickup %s failed", shipment.reference)


def _arrived(shipment: Shipment, at: datetime | None) -> None:
    """The sealed dossier reached the one-stop shop: the 8 working hours to accept it start now."""
    from dossiers import workdays
    from dossiers.constants import EventKind, Status
    from dossiers.models import Dossier, DossierEvent

    arrived = _when(at)
    updated = Dossier.objects.filter(pk=shipment.dossier_id, status=Status.SUBMITTED).update(
        acceptance_due_at=workdays.add_working_hours(arrived, 8), version=F("version") + 1, updated_at=arrived
    )
    if updated:
        DossierEvent.objects.create(
            dossier_id=shipment.dossier_id,
            at=arrived,
            kind=EventKind.NOTE,
            action="post_arrived",
            actor_kind="system",
            actor_display=_("Hệ thống (%(name)s)") % {"name": f"delivery:{shipment.carrier}"},
            agency=shipment.agency,
            note_to_applicant=_("Hồ sơ giấy đã đến Bộ phận Một cửa qua bưu chính (bưu gửi %(item)s).")
            % {"item": shipment.item_number},
            data={"item_number": shipment.item_number},
        )


def pickup_pending(dossier) -> Shipment | None:
    """The inbound parcel of a dossier still on its way to the one-stop shop, if any."""
    return (
        Shipment.objects.filter(dossier=dossier, direction=Direction.INBOUND)
        .exclude(status__in=[ShipmentStatus.DELIVERED, ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED])
        .first()
    )


# --- the on_transition extension ------------------------------------------------------------------------


def on_transition(*, dossier, name: str, event, actor, now) -> None:
    """Inside every dossier transition: refuse receiving a paper dossier still in the post; tell a
    counter applicant without an account (their phone is ours, not their account's)."""
    workflow = _workflow()
    if name == "receive" and dossier.channel == "post":
        parcel = pickup_pending(dossier)
        if parcel is not None:
            raise workflow.TransitionError(
                _(
                    "Hồ sơ giấy còn trên đường bưu chính (bưu gửi %(item)s, %(status)s): tiếp nhận khi hồ sơ đến."
                )
                % {"item": parcel.item_number or parcel.reference, "status": parcel.get_status_display()}
            )
    if dossier.applicant.phone or dossier.applicant.email:
        return
    from dossiers.transitions import TRANSITIONS

    row = TRANSITIONS.get(name)
    phone = applicant_phone(dossier)
    if row is None or not row.notification or not phone:
        return
    from dossiers.workflow import notification_context

    context = notification_context(
        dossier, reason=(event.data or {}).get("reason", ""), note=nfc(event.note_to_applicant)[:500], now=now
    )
    context["full_name"] = dossier.applicant.full_name
    # Their dossier page is theirs once they claim it: the link leads there (sign in, claim, read).
    context["link"] = absolute_url("delivery:counter_claim", query={"code": dossier.code})
    try:
        notify(
            event=row.notification,
            context=context,
            phone=phone,
            related=dossier,
            related_label=dossier.code or "",
        )
    except NotificationError:
        logger.warning("delivery: could not tell counter applicant of %s about %s", dossier.code, name)


def connect_signals() -> None:
    """Listen to what ``services`` reports about parcels (called once, from ``DeliveryConfig.ready``)."""
    from . import signals

    signals.booking_failed.connect(
        _on_booking_failed, sender=Shipment, dispatch_uid="delivery.booking_failed"
    )
    signals.shipment_stopped.connect(_on_stopped, sender=Shipment, dispatch_uid="delivery.shipment_stopped")
    signals.shipment_moved.connect(_on_moved, sender=Shipment, dispatch_uid="delivery.shipment_moved")


def _on_booking_failed(sender, *, shipment: Shipment, **kwargs) -> None:
    booking_failed(shipment)


def _on_stopped(sender, *, shipment: Shipment, actor, **kwargs) -> None:
    shipment_stopped(shipment, actor=actor)


def _on_moved(sender, *, shipment: Shipment, row, previous: str, **kwargs) -> None:
    shipment_moved(shipment, row, previous=previous)
