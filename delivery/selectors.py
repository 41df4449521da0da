"""Reads of shipments, always through who is asking: the public sees no personal data, a citizen
sees the parcels of dossiers they may see, an officer those of their agencies."""

from __future__ import annotations

from django.db.models import QuerySet

from .constants import Direction, EventOutcome
from .models import Shipment, TrackingEvent


def shipment_for_public_tracking(*, item_number: str) -> Shipment | None:
    return (
        Shipment.objects.filter(item_number=item_number)
        .only("id", "item_number", "status", "direction", "last_location", "next_attempt_on")
        .first()
    )


def public_events(shipment: Shipment) -> list[TrackingEvent]:
    """What happened, newest first: the events that moved the parcel (time, status, place, reason)."""
    return list(
        TrackingEvent.objects.filter(shipment=shipment, outcome=EventOutcome.APPLIED)
        .only("occurred_at", "status", "location", "reason")
        .order_by("-occurred_at", "-id")
    )


def shipments_of_dossier(dossier) -> QuerySet[Shipment]:
    """Every parcel of a dossier the caller was allowed to see (fetched through dossiers.selectors)."""
    return Shipment.objects.filter(dossier=dossier).order_by("-created_at", "-id")


def outbound_of_dossier(dossier) -> Shipment | None:
    return shipments_of_dossier(dossier).filter(direction=Direction.OUTBOUND).first()


def shipments_for_staff(user) -> QuerySet[Shipment]:
    """Parcels of the agencies where the person processes dossiers (officers and leaders)."""
    from dossiers.admin_queue import staff_agency_ids

    if not getattr(user, "is_staff", False):
        return Shipment.objects.none()
    if user.is_superuser:
        return Shipment.objects.all()
    return Shipment.objects.filter(agency_id__in=staff_agency_ids(user))
