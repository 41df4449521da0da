"""The interface every postal carrier implements (plugins, chosen by ``CARRIER``).

A carrier quotes the postage, creates an order (idempotent on our reference: the same reference
twice is one order), cancels before pickup, answers a tracking query, parses its status callbacks
into normalised events (and says what answer it expects back), and validates item numbers.
The core never checks which carrier it talks to; the simulator is one plugin among others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.plugins import Plugin

from .. import s10


class CarrierError(Exception):
    """Base of carrier failures; ``detail`` is safe to store and show to staff (no secrets)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail[:500]


class TemporaryCarrierError(CarrierError):
    """Worth retrying: timeout, network error, 5xx, rate limit. Creating again is safe (idempotent)."""


class PermanentCarrierError(CarrierError):
    """Never worth retrying as is: address not served, rejected order, invalid answer."""


class MalformedCallback(Exception):
    """A callback that is not what the carrier sends (bad JSON, unknown status, bad item number)."""


@dataclass(frozen=True)
class PostalAddress:
    """One end of a parcel, with administrative unit codes *and* names (units get renumbered)."""

    name: str
    phone: str
    street: str
    commune_code: str
    commune_name: str
    province_code: str
    province_name: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "phone": self.phone,
            "address": self.street,
            "commune_code": self.commune_code,
            "commune_name": self.commune_name,
            "province_code": self.province_code,
            "province_name": self.province_name,
        }


@dataclass(frozen=True)
class Quote:
    total_vnd: int
    service: str = "E"
    expected_days: int | None = None


@dataclass(frozen=True)
class OrderRequest:
    reference: str  # our reference, the carrier's client order code: creating twice is one order
    direction: str  # outbound (result) or inbound (dossier pickup)
    service: str
    sender: PostalAddress
    receiver: PostalAddress
    weight_grams: int
    cod_amount_vnd: int
    payer: str  # "sender" or "receiver" pays the postage
    note: str = ""
    checklist: tuple[dict, ...] = ()  # inbound: the components the postal worker checks
    pickup_date: date | None = None
    pickup_slot: str = ""


@dataclass(frozen=True)
class Booking:
    order_code: str
    item_number: str
    fee_vnd: int
    expected_delivery: date | None = None


@dataclass(frozen=True)
class CarrierEvent:
    """One tracking event, normalised to ``constants.ShipmentStatus``."""

    event_id: str
    status: str
    occurred_at: datetime
    carrier_status: str = ""
    reference: str = ""
    item_number: str = ""
    order_code: str = ""
    location: str = ""
    reason: str = ""
    missing: tuple[str, ...] = ()
    next_attempt_on: date | None = None
    raw: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedCallback:
    events: list[CarrierEvent]
    answer: tuple[int, dict[str, Any]]  # HTTP status and JSON body the carrier expects back


class Carrier(Plugin):
    """Base of carrier plugins."""

    label: str = ""  # the name printed on labels and shown to people

    def quote(
        self, *, sender: PostalAddress, receiver: PostalAddress, weight_grams: int, cod_amount_vnd: int = 0
    ) -> Quote:
        raise NotImplementedError

    def create(self, order: OrderRequest) -> Booking:
        """Create the order; the same ``order.reference`` again returns the first order."""
        raise NotImplementedError

    def cancel(self, *, reference: str, order_code: str) -> None:
        """Cancel before pickup; PermanentCarrierError when the carrier already has the parcel."""
        raise NotImplementedError

    def track(self, *, reference: str, order_code: str, item_number: str) -> list[CarrierEvent]:
        """Every event the carrier knows of for this order (to fill gaps left by lost callbacks)."""
        raise NotImplementedError

    def parse_callback(
        self, *, body: bytes, headers: dict[str, str], query: dict[str, str]
    ) -> ParsedCallback:
        """Authenticate and parse a status callback. Raises ``core.signing.InvalidSignature`` or
        ``MalformedCallback``; the view answers with ``callback_error``."""
        raise NotImplementedError

    def callback_error(self, *, status: int, error: str) -> tuple[int, dict[str, Any]]:
        """The answer for a callback we refuse (``status`` 400/401/503)."""
        return status, {"success": False, "error": error}

    def validate_item_number(self, value: str) -> str:
        """The normalised S10 item number, or ``s10.InvalidItemNumber``."""
        return s10.validate(value)
