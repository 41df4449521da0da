"""The SMS simulator behaves like the HTTP gateway: test numbers, dedupe on our reference, signed receipts."""

import json

import pytest

from core.signing import InvalidSignature
from notifications.constants import Channel
from notifications.models import Message
from notifications.providers import sms_providers
from notifications.providers.base import PermanentFailure, TemporaryFailure
from notifications.providers.sms_simulator.models import SimulatedSms
from notifications.providers.sms_simulator.provider import SimulatorSmsProvider, receipt_event, signed_receipt

pytestmark = pytest.mark.django_db


def sms(recipient="+84999000001"):
    return Message.objects.create(
        channel=Channel.SMS, recipient=recipient, event="x", body_text="Cong DVC: thu"
    )


def test_it_is_registered_by_dotted_path_and_marked_as_a_simulator(settings):
    settings.SMS_PROVIDER = "simulator"
    provider = sms_providers.get()
    assert isinstance(provider, SimulatorSmsProvider) and provider.is_simulator
    assert sms_providers.simulators_in_use() == ["simulator"]
    settings.SMS_PROVIDER = "http"
    assert sms_providers.simulators_in_use() == []


def test_same_reference_twice_is_sent_once(django_capture_on_commit_callbacks):
    message = sms()
    provider = SimulatorSmsProvider()
    first = provider.send(message)
    second = provider.send(message)
    assert first.provider_message_id == second.provider_message_id
    record = SimulatedSms.objects.get(reference=message.uuid)
    assert record.submissions == 2


@pytest.mark.parametrize(
    ("number", "error"), [("+84999000004", TemporaryFailure), ("+84999000005", PermanentFailure)]
)
def test_test_numbers_fail_like_a_gateway(number, error):
    with pytest.raises(error):
        SimulatorSmsProvider().send(sms(number))
    assert not SimulatedSms.objects.exists()


def test_receipts_are_signed_and_verified_over_the_exact_body(settings):
    message = sms()
    body, signature = signed_receipt(receipt_event(message.uuid, "delivered"))
    receipts = SimulatorSmsProvider().parse_webhook(body, {"X-Signature": signature})
    assert receipts[0].status == "delivered" and receipts[0].reference == str(message.uuid)
    tampered = json.dumps({**json.loads(body), "status": "failed"}, separators=(",", ":")).encode()
    with pytest.raises(InvalidSignature):
        SimulatorSmsProvider().parse_webhook(tampered, {"X-Signature": signature})
