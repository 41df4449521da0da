"""The post on the applicant's dossier page (``extensions.citizen_panels``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .constants import Direction, EventOutcome, Payer
from .constants import ShipmentStatus as S
from .models import Shipment

MILESTONES = (
    (_("Bưu chính đã nhận"), {S.BOOKED, S.PICKED_UP}),
    (_("Đang vận chuyển"), {S.IN_TRANSIT}),
    (_("Đang giao"), {S.OUT_FOR_DELIVERY}),
    (_("Đã giao"), {S.DELIVERED}),
)


def milestones(shipment: Shipment, events) -> list[dict]:
    """Accepted, in transit, out for delivery, delivered: each done or not, with when and where."""
    applied = [e for e in events if e.outcome == EventOutcome.APPLIED]
    out = []
    for label, statuses in MILESTONES:
        hits = [e for e in applied if e.status in statuses]
        latest = hits[-1] if hits else None
        out.append(
            {
                "label": label,
                "done": latest is not None,
                "at": latest.occurred_at if latest else None,
                "place": latest.location if latest else "",
            }
        )
    return out


def citizen_panel_context(request, dossier) -> dict | None:
    shipments = list(
        Shipment.objects.filter(dossier=dossier).order_by("-created_at", "-id").prefetch_related("events")
    )
    if not shipments:
        return None
    parcels = []
    for shipment in shipments:
        events = sorted(shipment.events.all(), key=lambda e: (e.occurred_at, e.id))
        parcels.append(
            {
                "shipment": shipment,
                "outbound": shipment.direction == Direction.OUTBOUND,
                "milestones": milestones(shipment, events),
                "events": [e for e in events if e.outcome == EventOutcome.APPLIED][::-1],
                "cod": shipment.cod_amount_vnd if shipment.payer == Payer.CITIZEN_COD else 0,
            }
        )
    return {"dossier": dossier, "parcels": parcels}


def quote_slot_context(request, dossier) -> dict:
    """The wizard's postage slot (``extensions.post_address_panels``): the template reads the dossier."""
    return {"dossier": dossier}
