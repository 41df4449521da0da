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

from ..base import (
    PermanentFailure,
    Progress,
    Provider,
    Receipt,
    SendResult,
    TemporaryFailure,
    sign,
    verify_signature,
)
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


def signed_receipt(event: dict | list[dict]) -> tuple[bytes, str]:
    """The callback's body (one receipt, or a list of them as operators batch them) and its signature."""
    body = json.dumps(event, separators=(",", ":")).encode()
    return body, sign(settings.SMS_WEBHOOK_SECRET, body)


class SimulatorSmsProvider(Provider):
    is_simulator = True

    def send(self, message: Message) -> SendResult:
        result = self.send_many([message])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def send_many(
        self, messages: list[Message], progress: Progress | None = None
    ) -> list[SendResult | Exception]:
        """A batch as an operator's bulk endpoint takes it: one insert for the lot, and their receipts
        later in one signed callback. A client reference seen before is accepted but not sent twice;
        its receipt is sent again (receipts are deduplicated on their event id), in case the first one
        was lost with a killed worker."""
        from .models import SimulatedSms

        results: list[SendResult | Exception] = []
        accepted: dict = {}
        for message in messages:
            outcome = TEST_NUMBERS.get(message.recipient, "delivered")
            if outcome == "gateway-busy":
                results.append(TemporaryFailure("gateway HTTP 503"))
            elif outcome == "rejected":
                results.append(PermanentFailure("gateway rejected: HTTP 400 invalid number"))
            else:
                accepted[message.uuid] = (message, outcome)
                results.append(SendResult(provider_message_id=f"sim-{message.uuid.hex}"))
        if accepted:
            self._record(SimulatedSms, accepted)
            self._send_receipts([(reference, outcome) for reference, (_m, outcome) in accepted.items()])
        return results

    @staticmethod
    def _record(model, accepted: dict) -> None:
        seen = set(model.objects.filter(reference__in=list(accepted)).values_list("reference", flat=True))
        if seen:
            model.objects.filter(reference__in=seen).update(submissions=F("submissions") + 1)
        rows = [
            model(
                reference=reference,
                provider_message_id=f"sim-{reference.hex}",
                to=message.recipient,
                text=message.body_text,
                outcome=outcome,
            )
            for reference, (message, outcome) in accepted.items()
            if reference not in seen
        ]
        try:
            with transaction.atomic():
                model.objects.bulk_create(rows)
        except IntegrityError:  # another worker took one of them meanwhile: one by one, as the gateway does
            for row in rows:
                try:
                    with transaction.atomic():
                        row.pk = None
                        row.save(force_insert=True)
                except IntegrityError:
                    model.objects.filter(reference=row.reference).update(submissions=F("submissions") + 1)

    def reconcile(self, message: Message) -> None:
        """Ask the 'gateway' again about a message left without a receipt: it re-sends the receipt."""
        from .models import SimulatedSms

        record = SimulatedSms.objects.filter(reference=message.uuid).first()
        if record is not None:
            self._send_receipt(message.uuid, record.outcome)

    @classmethod
    def _send_receipt(cls, reference, outcome: str) -> None:
        cls._send_receipts([(reference, outcome)])

    @staticmethod
    def _send_receipts(pairs) -> None:
        events = [receipt_event(reference, outcome) for reference, outcome in pairs]
        # The operator's receipts arrive later, in one signed callback, through the webhook path a real
        # gateway uses.
        transaction.on_commit(lambda: enqueue("notifications.simulator_deliver_receipt", events))

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[Receipt]:
        verify_signature(settings.SMS_WEBHOOK_SECRET, body, headers.get("X-Signature"))
        return parse_receipts(body)
