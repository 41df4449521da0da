"""The interface every channel provider implements. Providers are plugins: the core never
checks which one it is talking to (the simulator is one plugin among others)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.plugins import Plugin
from core.signing import InvalidSignature, hmac_hex, verify_hmac

if TYPE_CHECKING:
    from ..models import Message


class ProviderError(Exception):
    """Base of provider failures; ``detail`` is safe to store (no secrets, no message text)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail[:500]


class TemporaryFailure(ProviderError):
    """Worth retrying: network error, timeout, 5xx, rate limit, operator busy."""


class PermanentFailure(ProviderError):
    """Never worth retrying: invalid number or address, rejected content, blocked recipient."""


class MalformedPayload(Exception):
    pass


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    delivered: bool = False  # true when acceptance is the final word (no receipts will follow)


Progress = Callable[[list[tuple["Message", "SendResult | Exception"]]], None]


@dataclass(frozen=True)
class Receipt:
    event_id: str
    status: str  # "delivered" or "failed"
    provider_message_id: str = ""
    reference: str = ""  # our Message.uuid, when the provider echoes it
    permanent: bool = False
    error: str = ""
    raw: dict = field(default_factory=dict)


class Provider(Plugin):
    """A channel plugin (``core.plugins``); ``name`` is set by the registry it is loaded from."""

    def send(self, message: Message) -> SendResult:
        raise NotImplementedError

    def send_many(
        self, messages: list[Message], progress: Progress | None = None
    ) -> list[SendResult | Exception]:
        """Send a batch: one result per message, in order, or the ``ProviderError`` (or any other
        exception) that message met. Override to share a connection or use a bulk endpoint.

        ``progress``, when given, is called with ``(message, result)`` pairs as soon as the provider
        has sent them, so the caller can record them before the next send: a worker killed in the
        middle of a batch then re-sends at most the one message it was sending, not every message it
        had already handed over. A bulk endpoint that takes the batch in one call reports nothing
        early; its results are recorded from the return value."""
        results: list[SendResult | Exception] = []
        for message in messages:
            try:
                result: SendResult | Exception = self.send(message)
            except Exception as exc:  # recorded per message by the caller (temporary, permanent, technical)
                result = exc
            results.append(result)
            if progress is not None:
                progress([(message, result)])
        return results

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> list[Receipt]:
        raise InvalidSignature("this provider sends no receipts")

    def reconcile(self, message: Message) -> None:
        """Ask the provider about a sent message whose receipt never came (default: nothing to ask)."""


def sign(secret: str, body: bytes) -> str:
    return hmac_hex(secret, body, "sha256")


def verify_signature(secret: str, body: bytes, signature: str | None) -> None:
    """Constant-time HMAC-SHA256 check over the exact bytes received (``core.signing``)."""
    verify_hmac(secret, body, signature, "sha256")
