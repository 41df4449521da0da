"""The simulator's callbacks over real HTTP to a running portal (pytest-django's live_server), as a
courier's would: signed, at least once, sometimes twice and newest first."""

import pytest
from django.db import transaction

from delivery import services
from delivery.constants import BookingState, Direction, EventOutcome, Payer
from delivery.constants import ShipmentStatus as S
from delivery.models import SimulatedParcel, TrackingEvent


@pytest.fixture
def agency(transactional_db):
    """Its own agency: a transactional test does not see the session's reference data after a flush."""
    from accounts import units
    from tests.factories import AgencyFactory

    code, name = units.communes("24")[1]
    return AgencyFactory(
        unit_code=code, unit_name=name, address=f"Bộ phận Một cửa {name}", phone="02223822888"
    )


@pytest.fixture
def over_http(live_server, settings):
    settings.PORTAL_BASE_URL = live_server.url
    settings.CARRIER_SIMULATOR_CALLBACK = "http"
    return live_server


def hand_over(agency, address, phone="+84999000020"):
    with transaction.atomic():
        shipment = services.shipment_prepare(
            direction=Direction.OUTBOUND,
            agency=agency,
            address=address,
            recipient_name="Nguyễn Văn An",
            recipient_phone=phone,
            payer=Payer.CITIZEN_COD,
        )
    shipment.refresh_from_db()
    return shipment


def test_callbacks_over_http_deliver_the_parcel(over_http, agency, address, settings):
    settings.CARRIER_SIMULATOR_CHAOS = "always"
    shipment = hand_over(agency, address, phone="+84999000021")
    assert shipment.booking_state == BookingState.BOOKED
    assert shipment.status == S.DELIVERED and shipment.attempts == 1
    parcel = SimulatedParcel.objects.get()
    assert all(step["callback"] == "acked" for step in parcel.plan)
    events = TrackingEvent.objects.filter(shipment=shipment)
    assert events.count() == len(parcel.plan)  # every callback sent twice, each stored once
    assert events.filter(outcome=EventOutcome.APPLIED).count() >= 1


def test_a_portal_that_is_down_gets_the_callbacks_later(over_http, agency, address, settings):
    from datetime import timedelta

    from django.utils import timezone

    from delivery.carriers import simulator

    real = settings.PORTAL_BASE_URL
    settings.PORTAL_BASE_URL = "http://127.0.0.1:9"  # the portal is unreachable when the events happen
    shipment = hand_over(agency, address)
    assert shipment.status == S.CREATED or shipment.status == S.BOOKED
    assert not TrackingEvent.objects.exists()
    parcel = SimulatedParcel.objects.get()
    assert parcel.pending_callbacks == len(parcel.plan)
    settings.PORTAL_BASE_URL = real
    later = timezone.now() + timedelta(minutes=2)  # past the resend delay
    simulator.send_callbacks(parcel.pk, now=later)
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED
    parcel.refresh_from_db()
    assert parcel.pending_callbacks == 0
