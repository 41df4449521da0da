"""Booking and tracking through a REAL ``celery -A portal worker`` on PostgreSQL and Redis, with the
simulator calling back over HTTP to a live portal (pytest-django's live_server), as a courier would.

Runs only with DATABASE_URL=postgres://… and REDIS_URL (as CI does); skipped on SQLite, like
tests/notifications/test_worker.py, whose harness (a throwaway redis-server, a worker in its own
process group, bounded waits) it reuses.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from delivery import services
from delivery.constants import BookingState
from delivery.constants import ShipmentStatus as S
from delivery.dossier_link import hand_to_post
from delivery.models import Shipment, SimulatedParcel, TrackingEvent
from dossiers.constants import Status
from dossiers.models import Dossier
from notifications.services import ensure_default_templates
from tests.worker_harness import _skip_reason, quiet, wait_for

from .result_helpers import Office, post_address

pytestmark = [
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def portal(live_server, settings, monkeypatch):
    """The worker's simulator calls back to this live portal over HTTP; the clock is compressed."""
    settings.PORTAL_BASE_URL = live_server.url
    settings.CARRIER_SIMULATOR_CALLBACK = "http"
    settings.CARRIER_SIMULATOR_CHAOS = "sometimes"
    for name, value in {
        "PORTAL_BASE_URL": live_server.url,
        "CARRIER": "simulator",
        "CARRIER_SIMULATOR_CALLBACK": "http",
        "CARRIER_SIMULATOR_HOUR_SECONDS": "0",
        "CARRIER_SIMULATOR_CHAOS": "always",  # every callback twice, newest first
        "CARRIER_WEBHOOK_SECRET": "test-carrier-secret",
    }.items():
        monkeypatch.setenv(name, value)
    ensure_default_templates()
    return live_server


def hand_over(office, dossier):
    return hand_to_post(
        dossier_id=dossier.pk,
        user=office.officer,
        expected_version=dossier.version,
        address=post_address(),
        recipient_name="Nguyễn Văn An",
        recipient_phone="+84999000021",
    )


def state(dossier_id):
    dossier = Dossier.objects.get(pk=dossier_id)
    shipment = Shipment.objects.filter(dossier_id=dossier_id).first()
    return {
        "dossier": (dossier.status, dossier.processing_step),
        "shipment": (shipment.status, shipment.booking_state) if shipment else None,
        "parcels": list(SimulatedParcel.objects.values_list("creates", "pending_callbacks")),
        "events": TrackingEvent.objects.count(),
    }


def test_a_result_by_post_delivered_through_a_real_worker(portal, workers, broker):  # noqa: F811 - shared fixtures
    office = Office()
    dossier = office.result_ready(phone="+84999000021")
    workers.start()
    shipment = hand_over(office, dossier)
    wait_for(
        lambda: Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED,
        "the parcel delivered and the result returned",
        diagnostics=lambda: f"{state(dossier.pk)}\n{workers.logs()}",
    )
    wait_for(lambda: quiet(broker), "the queue to drain", diagnostics=workers.logs)
    workers.kill_all()
    shipment.refresh_from_db()
    parcel = SimulatedParcel.objects.get()
    assert shipment.status == S.DELIVERED and shipment.attempts == 1
    assert parcel.creates == 1 and parcel.pending_callbacks == 0
    assert TrackingEvent.objects.filter(shipment=shipment).count() == len(
        parcel.plan
    )  # twice sent, once stored
    assert Dossier.objects.get(pk=dossier.pk).events.filter(action="post_delivered").count() == 1


def test_broker_down_at_hand_over_then_the_sweeper_books_once(portal, workers, broker):  # noqa: F811
    office = Office()
    dossier = office.result_ready()
    broker.stop()
    shipment = hand_over(office, dossier)  # the officer's action succeeds with the broker down
    assert Shipment.objects.get(pk=shipment.pk).booking_state == BookingState.PENDING
    assert not SimulatedParcel.objects.exists()
    broker.start()
    workers.start()
    swept = services.bookings_sweep(pending_after=timedelta(0))
    assert swept["enqueued"] == 1
    wait_for(
        lambda: Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED,
        "delivery after the broker came back",
        diagnostics=lambda: f"{state(dossier.pk)}\n{workers.logs()}",
    )
    # A second sweep (beat runs every minute) finds nothing to book again.
    assert services.bookings_sweep(pending_after=timedelta(0))["enqueued"] == 0
    wait_for(lambda: quiet(broker), "the queue to drain", diagnostics=workers.logs)
    workers.kill_all()
    assert SimulatedParcel.objects.get().creates == 1
    assert Shipment.objects.filter(dossier=dossier).count() == 1
