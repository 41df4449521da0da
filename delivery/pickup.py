"""Dossier by post (Decision 45/2016/QĐ-TTg): the applicant asks the postman to come for the dossier.

``pickup_request`` writes an inbound shipment (booked after commit) with the procedure's component
list as the postman's checklist, the time window, and how the result should come back (and to whom,
possibly a person the applicant names). The dossier itself is created when the postman has checked
and sealed a complete dossier (``dossier_link.intake_from_pickup``): same code, tracking and lookup as
any other dossier, channel "post". An incomplete dossier is not taken: the applicant is told what is
missing and may ask again.
"""

from __future__ import annotations

import contextlib
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from core.links import absolute_url
from dossiers.constants import Delivery
from notifications.services import NotificationError, notify

from . import services
from .constants import Direction, Payer, PickupSlot
from .models import Shipment


def pickup_request(
    *,
    user,
    procedure,
    agency,
    sender_name: str,
    sender_phone: str,
    address: dict,
    pickup_date: date,
    pickup_slot: str,
    result_delivery: str,
    result_recipient: str = "",
    result_recipient_phone: str = "",
) -> Shipment:
    """Ask the carrier to collect the paper dossier at ``address`` on ``pickup_date`` (``pickup_slot``).

    Preconditions: the procedure is published, detailed and not excluded from postal service, and
    ``agency`` handles it. Raises DeliveryError otherwise. Side effects: the inbound shipment row,
    the booking after commit, and an SMS/email confirming the appointment.
    """
    if not procedure.offers_post:
        raise services.DeliveryError(_("Thủ tục này không tiếp nhận hồ sơ qua bưu chính công ích."))
    if not procedure.agencies.filter(pk=agency.pk).exists():
        raise services.DeliveryError(_("Cơ quan này không giải quyết thủ tục đã chọn."))
    checklist = [
        {"name": c.name, "required": c.required and not c.case_group, "case": c.case_group}
        for c in procedure.components.all()
    ]
    delivery_address = {}
    if result_delivery == Delivery.POST:
        delivery_address = {
            **address,
            "name": result_recipient or sender_name,
            "phone": result_recipient_phone or sender_phone,
            "authorised": bool(result_recipient),
        }
    with transaction.atomic():
        shipment = services.shipment_prepare(
            direction=Direction.INBOUND,
            agency=agency,
            procedure=procedure,
            applicant=user,
            address=address,
            recipient_name=sender_name,
            recipient_phone=sender_phone,
            applicant_name=user.full_name,
            payer=Payer.CITIZEN_AT_PICKUP,
            created_by=user,
            pickup_date=pickup_date,
            pickup_slot=pickup_slot,
            checklist=checklist,
            intake={"delivery": result_delivery, "delivery_address": delivery_address},
        )
        with contextlib.suppress(NotificationError):
            notify(
                event="pickup_requested",
                context={
                    "full_name": sender_name,
                    "procedure_name": procedure.name,
                    "agency_name": agency.name,
                    "date": f"{pickup_date:%d/%m/%Y}, {PickupSlot(pickup_slot).label}",
                    "note": _("mã tham chiếu %(reference)s") % {"reference": shipment.reference},
                    "link": absolute_url("delivery:pickup_detail", shipment.reference),
                },
                user=user,
                phone=shipment.recipient_phone,
                related=shipment,
                related_label=shipment.reference,
            )
    return shipment


def pickups_for_user(user):
    return Shipment.objects.filter(applicant=user, direction=Direction.INBOUND).select_related(
        "procedure", "agency"
    )
