"""The simulated operator's callback: a signed delivery receipt through the same handler as the webhook."""

from __future__ import annotations

from celery import shared_task

from notifications import services

from .provider import signed_receipt


@shared_task(name="notifications.simulator_deliver_receipt", ignore_result=True)
def simulator_deliver_receipt(event: dict | list[dict]) -> None:
    body, signature = signed_receipt(event)
    services.handle_sms_webhook("simulator", body, {"X-Signature": signature})
