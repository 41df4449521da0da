"""Carrier callbacks at /delivery/webhooks/<carrier>/: forged, replayed, shuffled, duplicated,
unknown, for a cancelled shipment, with a wrong check digit, malformed. Never a 500, never backwards."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from core.signing import hmac_hex
from delivery import s10
from delivery.carriers.wire import event_payload
from delivery.constants import EventOutcome
from delivery.constants import ShipmentStatus as S
from delivery.models import Shipment, TrackingEvent

from .helpers import body_for, ship

pytestmark = pytest.mark.django_db
URL = "/delivery/webhooks/simulator/"


@pytest.fixture
def booked(django_capture_on_commit_callbacks, agency, address, settings):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600  # booked, nothing else yet
    return ship(django_capture_on_commit_callbacks, agency, address)


def post(client, body, secret="test-carrier-secret", url=URL):
    return client.post(
        url, body, content_type="application/json", HTTP_X_SIGNATURE=hmac_hex(secret, body) if secret else ""
    )


def test_a_signed_callback_moves_the_shipment(client, booked):
    at = timezone.now()
    response = post(client, body_for(booked, S.PICKED_UP, at))
    assert response.status_code == 200
    assert response.json() == {"success": True, "applied": 1, "duplicates": 0, "ignored": 0, "unknown": 0}
    booked.refresh_from_db()
    assert booked.status == S.PICKED_UP and booked.last_location == "Bưu cục Kinh Bắc"


@pytest.mark.parametrize("secret", ["", "wrong-secret"])
def test_forged_callbacks_are_refused_and_change_nothing(client, booked, secret):
    before = TrackingEvent.objects.count()
    response = post(client, body_for(booked, S.DELIVERED, timezone.now()), secret=secret)
    assert response.status_code == 401
    assert response.json()["success"] is False
    booked.refresh_from_db()
    assert booked.status == S.BOOKED and TrackingEvent.objects.count() == before


def test_a_body_changed_after_signing_is_refused(client, booked):
    body = body_for(booked, S.IN_TRANSIT, timezone.now())
    signature = hmac_hex("test-carrier-secret", body)
    tampered = body.replace(b"transporting", b"delivered")
    response = client.post(URL, tampered, content_type="application/json", HTTP_X_SIGNATURE=signature)
    assert response.status_code == 401
    booked.refresh_from_db()
    assert booked.status == S.BOOKED


def test_no_secret_configured_refuses_everything(client, booked, settings):
    settings.CARRIER_WEBHOOK_SECRET = ""
    response = post(client, body_for(booked, S.DELIVERED, timezone.now()), secret="")
    assert response.status_code == 401


def test_replayed_and_duplicated_callbacks_are_stored_once(client, booked):
    body = body_for(booked, S.PICKED_UP, timezone.now(), event_id="evt-1")
    answers = [post(client, body).json() for _ in range(5)]
    assert answers[0]["applied"] == 1
    assert all(a["success"] and a["duplicates"] == 1 for a in answers[1:])
    assert TrackingEvent.objects.filter(carrier_event_id="evt-1").count() == 1


def test_shuffled_callbacks_never_move_the_shipment_back(client, booked):
    start = timezone.now()
    journey = [
        S.PICKED_UP,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.FAILED_ATTEMPT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
    ]
    bodies = [
        body_for(booked, status, start + timedelta(hours=i), event_id=f"e{i}")
        for i, status in enumerate(journey)
    ]
    seen = []
    for index in (3, 5, 0, 4, 1, 2):  # shuffled
        post(client, bodies[index])
        booked.refresh_from_db()
        seen.append(booked.status)
    assert seen[0] == S.FAILED_ATTEMPT and seen[1:] == [S.DELIVERED] * 5
    outcomes = dict(TrackingEvent.objects.filter(shipment=booked).values_list("carrier_event_id", "outcome"))
    assert outcomes["e3"] == outcomes["e5"] == EventOutcome.APPLIED
    assert {outcomes[f"e{i}"] for i in (0, 1, 2, 4)} == {EventOutcome.FINAL}


def test_an_older_event_is_kept_but_not_applied(client, booked):
    now = timezone.now()
    post(client, body_for(booked, S.OUT_FOR_DELIVERY, now, event_id="late"))
    answer = post(client, body_for(booked, S.IN_TRANSIT, now - timedelta(hours=3), event_id="early")).json()
    assert answer["ignored"] == 1
    booked.refresh_from_db()
    assert booked.status == S.OUT_FOR_DELIVERY
    assert TrackingEvent.objects.get(carrier_event_id="early").outcome == EventOutcome.OLDER


def test_a_callback_for_a_cancelled_shipment_is_kept_and_changes_nothing(client, booked):
    Shipment.objects.filter(pk=booked.pk).update(status=S.CANCELLED)
    answer = post(client, body_for(booked, S.DELIVERED, timezone.now(), event_id="after-cancel")).json()
    assert answer == {"success": True, "applied": 0, "duplicates": 0, "ignored": 1, "unknown": 0}
    booked.refresh_from_db()
    assert booked.status == S.CANCELLED
    assert TrackingEvent.objects.get(carrier_event_id="after-cancel").outcome == EventOutcome.FINAL


def test_an_unknown_item_number_is_kept_and_answered(client, db):
    unknown = s10.generate(42, service="E", operator="B")
    payload = event_payload(
        event_id="orphan-1",
        status=S.PICKED_UP,
        at=timezone.now(),
        reference="DVCNOSUCHREF",
        order_code="SIM00000042",
        item_number=unknown,
    )
    answer = post(client, json.dumps(payload).encode())
    assert answer.status_code == 200 and answer.json()["unknown"] == 1
    orphan = TrackingEvent.objects.get(carrier_event_id="orphan-1")
    assert orphan.shipment is None and orphan.outcome == EventOutcome.UNKNOWN


def test_an_early_callback_is_applied_once_the_booking_knows_the_number(
    client, django_capture_on_commit_callbacks, agency, address, settings
):
    """A callback that overtook our booking (unknown then) is applied when the booking completes."""
    from delivery import services

    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    later = timezone.now() + timedelta(minutes=5)
    payload = event_payload(
        event_id="early-bird",
        status=S.PICKED_UP,
        at=later,
        reference="",
        order_code="",
        item_number=shipment.item_number,
    )
    Shipment.objects.filter(pk=shipment.pk).update(item_number="")  # as if we did not know it yet
    post(client, json.dumps(payload).encode())
    assert TrackingEvent.objects.get(carrier_event_id="early-bird").outcome == EventOutcome.UNKNOWN
    shipment.refresh_from_db()
    shipment.item_number = TrackingEvent.objects.get(carrier_event_id="early-bird").item_number
    shipment.save()
    services._relink_orphans(shipment)
    shipment.refresh_from_db()
    assert shipment.status == S.PICKED_UP
    assert TrackingEvent.objects.get(carrier_event_id="early-bird").outcome == EventOutcome.APPLIED


def test_an_item_number_with_a_wrong_check_digit_is_refused(client, booked):
    payload = json.loads(body_for(booked, S.DELIVERED, timezone.now()))
    payload["tracking_number"] = booked.item_number[:10] + str((int(booked.item_number[10]) + 1) % 10) + "VN"
    response = post(client, json.dumps(payload).encode())
    assert response.status_code == 400
    assert "wrong check digit" in response.json()["error"]
    booked.refresh_from_db()
    assert booked.status == S.BOOKED


def test_another_parcels_number_on_our_reference_is_not_applied(client, booked):
    payload = json.loads(body_for(booked, S.DELIVERED, timezone.now(), event_id="mixup"))
    payload["tracking_number"] = s10.generate(12345678, operator="E")
    post(client, json.dumps(payload).encode())
    booked.refresh_from_db()
    assert booked.status == S.BOOKED
    assert TrackingEvent.objects.get(carrier_event_id="mixup").outcome == EventOutcome.NOT_ALLOWED


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"status": "teleported", "time": "2026-11-24T09:00:00+07:00", "client_order_code": "X"}',
        b'{"status": "picked", "time": "yesterday", "client_order_code": "X"}',
        b'{"status": "picked", "time": "2026-13-45T09:00:00", "client_order_code": "X"}',
        b'{"status": "picked", "time": "2026-11-24T09:00:00+07:00"}',
        b'{"status": "picked", "time": "2026-11-24T09:00:00+07:00", "client_order_code": "X", "missing_items": "all"}',
        b'{"status": ["picked"], "time": "2026-11-24T09:00:00+07:00", "client_order_code": "X"}',
        b'"just a string"',
        '{"status": "picked", "time": "2026-11-24T09:00:00+07:00", "client_order_code": "X", "reason": "\xff"}'.encode(
            "latin-1"
        ),
    ],
)
def test_malformed_callbacks_get_a_400_and_store_nothing(client, db, body):
    response = post(client, body)
    assert response.status_code == 400
    assert response.json()["success"] is False
    assert not TrackingEvent.objects.exists()


def test_oversized_and_wrong_method_and_unknown_carrier(client, db):
    assert post(client, b"x" * (300 * 1024)).status_code == 413
    assert client.get(URL).status_code == 405
    assert post(client, b"{}", url="/delivery/webhooks/pigeon/").status_code == 404


def test_a_naive_time_is_read_as_vietnam_time(client, booked):
    payload = json.loads(body_for(booked, S.PICKED_UP, timezone.now(), event_id="naive"))
    payload["time"] = "2026-11-24 09:30:00"
    post(client, json.dumps(payload).encode())
    event = TrackingEvent.objects.get(carrier_event_id="naive")
    assert timezone.localtime(event.occurred_at).strftime("%H:%M") == "09:30"
