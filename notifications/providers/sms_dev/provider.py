"""Development SMS: writes to the log and counts as delivered. The dev outbox shows the text."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..base import Provider, SendResult

if TYPE_CHECKING:
    from ...models import Message

logger = logging.getLogger("notifications.sms")


class DevSmsProvider(Provider):
    is_simulator = True  # a stand-in: it only writes to the log; production refuses it

    def send(self, message: Message) -> SendResult:
        logger.info("SMS (dev) to %s: %s", message.recipient, message.body_text)
        return SendResult(provider_message_id=f"dev-{message.uuid}", delivered=True)
