import json

import pytest
from django.urls import reverse

from notifications.constants import Channel, Status
from notifications.models import DeliveryReceipt, Message
from notifications.providers.base import sign

pytestmark = pytest.mark.django_db
SECRET = "test-webhook-secret"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.SMS_WEBHOOK_SECRET = SECRET


@pytest.fixture
def sent_sms():
    return Message.objects.create(
        channel=Channel.SMS,
        recipient="+84912345678",
        event="x",
        body_text="x",
        status=Status.SENT,
        provider_message_id="gw-1",
    )


def post(client, body, signature=None, provider="http"):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"HTTP_X_SIGNATURE": signature if signature is not None else sign(SECRET, raw)}
    return client.post(
        reverse("notifications:sms_webhook", args=[provider]), raw, content_type="application/json", **headers
    )


def test_valid_receipt_marks_delivered(client, sent_sms):
    response = post(client, {"event_id": "r1", "message_id": "gw-1", "status": "delivered"})
    assert response.status_code == 200 and response.json()["applied"] == 1
    sent_sms.refresh_from_db()
    assert sent_sms.status == Status.DELIVERED and sent_sms.delivered_at


@pytest.mark.parametrize("signature", ["", "00" * 32, sign("wrong-secret", b"{}")])
def test_bad_signature_is_rejected_and_changes_nothing(client, sent_sms, signature):
    response = post(
        client, {"event_id": "r1", "message_id": "gw-1", "status": "delivered"}, signature=signature
    )
    assert response.status_code == 403
    assert Message.objects.get(pk=sent_sms.pk).status == Status.SENT
    assert not DeliveryReceipt.objects.exists()


def test_signature_covers_the_exact_body(client, sent_sms):
    body = json.dumps(
        {"event_id": "r1", "message_id": "gw-1", "status": "failed", "permanent": True}
    ).encode()
    tampered = body.replace(b"failed", b"delivered").replace(b"true", b"false")
    assert post(client, tampered, signature=sign(SECRET, body)).status_code == 403


def test_receipt_accepted_only_once(client, sent_sms):
    body = {"event_id": "r1", "message_id": "gw-1", "status": "delivered"}
    assert post(client, body).json()["applied"] == 1
    assert post(client, body).json()["duplicates"] == 1
    assert DeliveryReceipt.objects.count() == 1


def test_final_status_never_moves_backwards(client, sent_sms):
    post(client, {"event_id": "r1", "message_id": "gw-1", "status": "delivered"})
    response = post(client, {"event_id": "r2", "message_id": "gw-1", "status": "failed", "permanent": True})
    assert response.status_code == 200 and response.json()["ignored"] == 1
    assert Message.objects.get(pk=sent_sms.pk).status == Status.DELIVERED


def test_shuffled_replayed_batch(client, sent_sms):
    other = Message.objects.create(
        channel=Channel.SMS,
        recipient="+84912345679",
        event="x",
        body_text="x",
        status=Status.SENT,
        provider_message_id="gw-2",
    )
    batch = [
        {"event_id": "b2", "message_id": "gw-2", "status": "failed", "permanent": False, "error": "absent"},
        {"event_id": "b1", "message_id": "gw-1", "status": "delivered"},
        {"event_id": "b3", "message_id": "gw-2", "status": "delivered"},
    ]
    post(client, batch)
    post(client, list(reversed(batch)))
    assert Message.objects.get(pk=sent_sms.pk).status == Status.DELIVERED
    assert Message.objects.get(pk=other.pk).status == Status.FAILED  # first final word wins


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"status": "delivered"}).encode(),
        json.dumps({"event_id": "x", "status": "weird"}).encode(),
    ],
)
def test_malformed_bodies_are_400(client, body):
    assert post(client, body).status_code == 400


def test_unknown_provider_is_404_and_get_is_405(client):
    assert post(client, {"event_id": "x", "status": "delivered"}, provider="nope").status_code == 404
    assert client.get(reverse("notifications:sms_webhook", args=["http"])).status_code == 405


def test_production_without_secret_refuses_everything(client, settings, sent_sms):
    settings.SMS_WEBHOOK_SECRET = ""
    assert (
        post(
            client, {"event_id": "r1", "message_id": "gw-1", "status": "delivered"}, signature=sign("", b"x")
        ).status_code
        == 403
    )
