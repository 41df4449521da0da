"""The interface every payment gateway plugin implements (Open Forms' shape).

The core never asks which gateway it talks to; the simulator is one plugin among others. A plugin
owns its protocol (fields, signatures, the answers its server expects); the services own the state.

- ``start(attempt, ...)`` → where to send the browser (URL, and form data for a POST).
- ``handle_return(params)`` → what the browser brought back. **Display only, never trusted**: the
  page may show it ("the bank says it was cancelled") but nothing changes because of it.
- ``handle_notification(params, apply=...)`` → the verified, normalised result is passed to
  ``apply`` (the service that changes state), and the plugin turns what it did into the answer the
  gateway expects (VNPAY: ``{"RspCode": "00", ...}``).
- ``query(attempt)`` → the gateway's current word on an attempt (reconciliation).
- ``refund(refund)`` → ask the gateway to give money back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.plugins import Plugin, Registry

if TYPE_CHECKING:
    from ..models import PaymentAttempt, Refund


class GatewayError(Exception):
    """The gateway could not be reached or answered something we cannot use (try again later)."""


class NoticeOutcome:
    """What the service did with a notice; the plugin maps it onto the protocol's answer."""

    APPLIED = "applied"
    ALREADY_FINAL = "already_final"
    UNKNOWN_ORDER = "unknown_order"
    WRONG_AMOUNT = "wrong_amount"
    BAD_SIGNATURE = "bad_signature"
    MALFORMED = "malformed"
    ERROR = "error"


@dataclass(frozen=True)
class GatewayResult:
    """A gateway message reduced to what the portal needs. ``status`` is an AttemptStatus value
    (``success``, ``failed``, ``cancelled``, ``expired``, or ``submitted`` while not finished)."""

    reference: str
    status: str
    amount: int | None = None
    response_code: str = ""
    transaction_status: str = ""
    provider_payment_id: str = ""
    bank_code: str = ""
    bank_transaction_no: str = ""
    card_type: str = ""
    paid_at: datetime | None = None
    signature_valid: bool = True
    problem: str = ""  # "" or a NoticeOutcome (bad_signature, malformed) found before looking at our records
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class StartResult:
    url: str
    method: str = "GET"
    form_data: dict = field(default_factory=dict)
    sent: dict = field(default_factory=dict)  # the parameters as sent (kept on the start event)


@dataclass(frozen=True)
class NotificationAnswer:
    status: int
    body: dict
    content_type: str = "application/json"


@dataclass(frozen=True)
class RefundResult:
    """``status`` is a RefundStatus value: success, submitted (the gateway is still working) or failed."""

    status: str
    response_code: str = ""
    provider_refund_id: str = ""
    message: str = ""
    raw: dict = field(default_factory=dict)


class PaymentGateway(Plugin):
    #: shown to staff and in reports
    label: str = ""

    def start(self, attempt: PaymentAttempt, *, return_url: str, ip_address: str, locale: str) -> StartResult:
        raise NotImplementedError

    def handle_return(self, params: dict[str, str]) -> GatewayResult:
        raise NotImplementedError

    def handle_notification(
        self, params: dict[str, str], *, apply: Callable[[GatewayResult], str]
    ) -> tuple[GatewayResult | None, NotificationAnswer]:
        raise NotImplementedError

    def query(self, attempt: PaymentAttempt) -> GatewayResult:
        raise NotImplementedError

    def refund(self, refund: Refund) -> RefundResult:
        raise NotImplementedError

    def dedupe_key(self, params: dict[str, Any]) -> str:
        """Identical notices share a key (so a retried notice is applied once)."""
        import hashlib
        import json

        body = json.dumps(sorted(params.items()), ensure_ascii=False)
        return f"{self.name}:{hashlib.sha256(body.encode()).hexdigest()}"


registry: Registry[PaymentGateway] = Registry(
    "payment gateway", paths_setting="PAYMENT_GATEWAYS", choice_setting="PAYMENT_GATEWAY"
)


def gateway(name: str | None = None) -> PaymentGateway:
    return registry.get(name)
