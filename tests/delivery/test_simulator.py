"""The carrier simulator through the booking outbox and the signed callback handler (in-process)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from delivery import s10, services
from delivery.carriers import simulator
from delivery.constants import BookingState, EventOutcome
from delivery.constants import ShipmentStatus as S
from delivery.models import Shipment, SimulatedParcel, TrackingEvent

from .helpers import ship

pytestmark = pytest.mark.django_db


def statuses(shipment):
    return list(shipment.events.filter(outcome=EventOutcome.APPLIED).values_list("status", flat=True))


def test_a_result_by_post_travels_to_delivered(django_capture_on_commit_callbacks, agency, address):
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    assert shipment.status == S.DELIVERED
    assert shipment.booking_state == BookingState.BOOKED
    assert s10.is_valid(shipment.item_number)
    assert statuses(shipment) == [S.BOOKED, S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED]
    assert shipment.delivered_at == shipment.last_event_at
    assert shipment.postage_vnd == simulator.TARIFF_SAME_PROVINCE == shipment.cod_amount_vnd
    parcel = SimulatedParcel.objects.get()
    assert parcel.reference == shipment.reference and parcel.item_number == shipment.item_number
    assert parcel.pending_callbacks == 0 and all(step["callback"] == "acked" for step in parcel.plan)


def test_one_failed_attempt_then_delivered(django_capture_on_commit_callbacks, agency, address):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84999000021")
    assert shipment.status == S.DELIVERED and shipment.attempts == 1
    failed = shipment.events.get(status=S.FAILED_ATTEMPT)
    assert failed.reason == "Không liên lạc được người nhận"
    assert failed.next_attempt_on == timezone.localtime(failed.occurred_at).date() + timedelta(days=1)


def test_three_failed_attempts_return_the_parcel(django_capture_on_commit_callbacks, agency, address):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84999000022")
    assert shipment.status == S.RETURNED and shipment.attempts == 3 and shipment.returned_at
    assert statuses(shipment)[-2:] == [S.RETURNING, S.RETURNED]


def test_lost_in_transit(django_capture_on_commit_callbacks, agency, address):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84999000023")
    assert shipment.status == S.LOST
    assert "thất lạc" in shipment.status_reason


def test_cancelled_by_the_carrier_before_pickup(django_capture_on_commit_callbacks, agency, address):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84999000024")
    assert shipment.status == S.CANCELLED and shipment.cancelled_at
    assert statuses(shipment) == [S.BOOKED, S.CANCELLED]


def test_the_carrier_refuses_the_order(django_capture_on_commit_callbacks, agency, address):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84999000028")
    assert shipment.status == S.CREATED and shipment.booking_state == BookingState.FAILED
    assert "địa chỉ chưa được phục vụ" in shipment.booking_error
    assert not SimulatedParcel.objects.exists()


def test_a_carrier_that_always_times_out_is_retried_then_given_up(
    django_capture_on_commit_callbacks, agency, address, settings
):
    settings.DELIVERY_BOOKING_RETRY_WINDOW_SECONDS = 3600
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84999000027")
    assert shipment.booking_state == BookingState.PENDING and shipment.booking_attempts == 1
    assert "timed out" in shipment.booking_error
    assert shipment.booking_next_at > timezone.now()
    # Not due yet: a duplicated task does nothing.
    assert services.shipment_book(shipment.pk) is None
    # Due again, past the window: failed, with the reason for the officer.
    Shipment.objects.filter(pk=shipment.pk).update(
        booking_next_at=timezone.now(), created_at=timezone.now() - timedelta(hours=2)
    )
    outcome = services.shipment_book(shipment.pk)
    shipment.refresh_from_db()
    assert outcome.state == BookingState.FAILED and shipment.booking_state == BookingState.FAILED
    assert shipment.booking_attempts == 2 and "không trả lời" in shipment.booking_error
    assert not SimulatedParcel.objects.exists()


def test_an_answer_lost_after_the_carrier_accepted_is_booked_once_on_retry(
    django_capture_on_commit_callbacks, agency, address, settings
):
    """The nastiest timeout: the carrier created the order but we never heard. The retry (same
    reference) gets the same order back: one parcel, one item number."""
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600  # nothing happens yet, so no callback tells us either
    settings.CARRIER_SIMULATOR_CALLBACK = "http"
    settings.PORTAL_BASE_URL = "http://127.0.0.1:9"  # and the only callback due cannot reach us
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84999000026")
    assert shipment.booking_state == BookingState.PENDING and shipment.item_number == ""
    parcel = SimulatedParcel.objects.get()
    Shipment.objects.filter(pk=shipment.pk).update(booking_next_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        swept = services.bookings_sweep()
    assert swept == {"reset": 0, "enqueued": 1, "labels": 0}
    shipment.refresh_from_db()
    parcel.refresh_from_db()
    assert shipment.booking_state == BookingState.BOOKED and shipment.status == S.BOOKED
    assert shipment.item_number == parcel.item_number and parcel.creates == 2
    assert SimulatedParcel.objects.count() == 1


def test_a_worker_killed_mid_booking_is_re_driven_without_a_second_order(
    django_capture_on_commit_callbacks, agency, address
):
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    number = shipment.item_number
    # As if a worker died between its claim and its answer: the row is stuck "booking".
    Shipment.objects.filter(pk=shipment.pk).update(
        booking_state=BookingState.BOOKING,
        booking_claimed_at=timezone.now() - timedelta(hours=1),
        status=S.CREATED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        swept = services.bookings_sweep()
    assert swept["reset"] == 1
    shipment.refresh_from_db()
    assert shipment.booking_state == BookingState.BOOKED and shipment.item_number == number
    assert SimulatedParcel.objects.get().creates == 2


def test_duplicated_and_shuffled_callbacks_end_in_the_same_place(
    django_capture_on_commit_callbacks, agency, address, settings
):
    settings.CARRIER_SIMULATOR_CHAOS = "always"  # every callback twice, newest first
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    assert shipment.status == S.DELIVERED
    events = shipment.events.all()
    assert events.count() == 5  # each event stored once despite two deliveries of each
    applied = events.filter(outcome=EventOutcome.APPLIED)
    assert list(applied.values_list("status", flat=True)) == [S.DELIVERED]
    assert set(events.exclude(outcome=EventOutcome.APPLIED).values_list("outcome", flat=True)) == {
        EventOutcome.FINAL
    }


def test_lost_callbacks_are_filled_by_the_tracking_poll(
    django_capture_on_commit_callbacks, agency, address, settings
):
    settings.CARRIER_SIMULATOR_CHAOS = "lossy"  # the last event's callback, and every third, never come
    shipments = [ship(django_capture_on_commit_callbacks, agency, address) for _ in range(3)]
    dropped = sum(
        1 for parcel in SimulatedParcel.objects.all() for step in parcel.plan if step["callback"] == "dropped"
    )
    assert dropped > 0, "the lossy simulator dropped nothing: pick other references"
    stuck = [s.pk for s in shipments if s.status != S.DELIVERED]
    assert len(stuck) == 3 and {s.status for s in shipments} == {S.OUT_FOR_DELIVERY}
    with django_capture_on_commit_callbacks(execute=True):
        polled = services.tracking_poll(older_than=timedelta(0))
    assert polled["polled"] == len(stuck)  # final shipments are never asked about
    assert TrackingEvent.objects.filter(source="poll", outcome=EventOutcome.APPLIED).count() >= len(stuck)
    for shipment in shipments:
        shipment.refresh_from_db()
        assert shipment.status == S.DELIVERED
    assert polled["failed"] == 0


def test_the_simulator_keeps_its_clock(django_capture_on_commit_callbacks, agency, address, settings):
    """On a realistic clock only the booking is reported at once; later events come with time."""
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    assert shipment.status == S.BOOKED and statuses(shipment) == [S.BOOKED]
    assert simulator.tick()["happened"] == 0
    parcel = SimulatedParcel.objects.get()
    simulator.emit(parcel.pk, advance=2)  # a developer moves it on two steps
    shipment.refresh_from_db()
    assert shipment.status == S.IN_TRANSIT
    later = timezone.now() + timedelta(days=2)
    simulator.happen_due(parcel.pk, now=later)
    simulator.send_callbacks(parcel.pk, now=later)
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED


def test_cancel_before_pickup(django_capture_on_commit_callbacks, agency, address, settings):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    with django_capture_on_commit_callbacks(execute=True):
        services.shipment_cancel(shipment=shipment, actor=None, reason="Người nhận đến lấy trực tiếp")
    shipment.refresh_from_db()
    assert shipment.status == S.CANCELLED
    assert SimulatedParcel.objects.get().cancelled
    # The carrier's own cancel callback arrives for a cancelled shipment: kept, nothing moves.
    cancel_event = shipment.events.get(status=S.CANCELLED)
    assert cancel_event.outcome == EventOutcome.FINAL


def test_no_cancel_once_picked_up(django_capture_on_commit_callbacks, agency, address, settings):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    simulator.emit(SimulatedParcel.objects.get().pk, advance=1)
    shipment.refresh_from_db()
    assert shipment.status == S.PICKED_UP
    with pytest.raises(services.DeliveryError, match="không hủy được"):
        services.shipment_cancel(shipment=shipment, actor=None)
    shipment.refresh_from_db()
    assert shipment.status == S.PICKED_UP


def test_the_developer_command_moves_parcels_on(
    django_capture_on_commit_callbacks, agency, address, settings
):
    from io import StringIO

    from django.core.management import call_command

    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    out = StringIO()
    call_command("carrier_simulator", shipment.item_number, "--advance", "99", stdout=out)
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED and shipment.item_number in out.getvalue()
    call_command("carrier_simulator", stdout=out)  # nothing due: a report, no error
