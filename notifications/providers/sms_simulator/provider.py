"""SMS simulator: behaves like the HTTP gateway (dedupe on client reference, provider message ids,
signed delivery receipts sent back to our webhook handler) without leaving the machine.

Test numbers, like GOV.UK Notify's:
  +84999000001 (and any other number)  delivered
  +84999000002                          receipt: temporary failure (phone off for days)
  +84999000003                          receipt: permanent failure (number does not exist)
  +84999000004                          the gateway is busy: every send fails temporarily (retried)
  +84999000005                          the gateway rejects the number at once (permanent)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from core.jobs import enqueue

from ..base import PermanentFailure, Provider, Receipt, SendResult, TemporaryFailure, sign, verify_signature
from ..sms_http.provider import parse_receipts

if TYPE_CHECKING:
    from ...models import Message

TEST_NUMBERS = {
    "+84999000002": "temporary-failure",
    "+84999000003": "permanent-failure",
    "+84999000004": "gateway-busy",
    "+84999000005": "rejected",
}


def receipt_event(reference, outcome: str) -> dict:
    return {
        "event_id": f"dlr-{reference.hex}",
        "message_id": f"sim-{reference.hex}",
        "client_ref": str(reference),
        "status": "delivered" if outcome == "delivered" else "failed",
        "permanent": outcome == "permanent-failure",
        "error": "" if outcome == "delivered" else outcome,
    }


def signed_receipt(event: dict) -> tuple[bytes, str]:
    body = json.dumps(event, separators=(",", ":")).encode()
    return body, sign(settings.SMS_WEBHOOK_SECRET, body)


class SimulatorSmsProvider(Provider):
    is_simulator = True

    def send(self, message: Message) -> SendResult:
        from .models import SimulatedSms

        outcome = TEST_NUMBERS.get(message.recipient, "delivered")
        if outcome == "gateway-busy":
            raise TemporaryFailure("gateway HTTP 503")
        if outcome == "rejected":
            raise PermanentFailure("gateway rejected: HTTP 400 invalid number")
        provider_message_id = f"sim-{message.uuid.hex}"
        try:
            with transaction.atomic():
                SimulatedSms.objects.create(
                    reference=message.uuid,
                    provider_message_id=provider_message_id,
                    to=message.recipient,
                    text=message.body_text,
                    outcome=outcome,
                )
        except IntegrityError:
            # Same client reference again: the gateway accepts it but does not send it twice. Its
            # receipt is sent again (receipts are deduplicated on their event id), in case the first
            # one was lost with a killed worker.
            SimulatedSms.objects.filter(reference=message.uuid).update(submissions=F("submissions") + 1)
        self._send_receipt(message.uuid, outcome)
        return SendResult(provider_message_id=provider_message_id)

    def reconcile(self, message: Message) -> None:
        """Ask the 'gateway' again about a message left without a receipt: it re-sends the receipt."""
        from .models import SimulatedSms

        record = SimulatedSms.objects.filter(reference=message.uuid).first()
        if record is not None:
            self._send_receipt(message.uuid, record.outcome)

    @staticmethod
    def _send_receipt(reference, outcome: str) -> None:
        event = receipt_event(reference, outcome)
        # The operator's receipt arrives later, through the same signed webhook path a real gateway uses.
        transaction.on_commit(lambda: enqueue("notifications.simulator_deliver_receipt", event))

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[Receipt]:
        verify_signature(settings.SMS_WEBHOOK_SECRET, body, headers.get("X-Signature"))
        return parse_receipts(body)
