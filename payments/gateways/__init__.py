"""Payment gateway plugins (``PAYMENT_GATEWAYS`` name → dotted path, ``PAYMENT_GATEWAY`` chosen)."""

from .base import (
    GatewayError,
    GatewayResult,
    NoticeOutcome,
    NotificationAnswer,
    PaymentGateway,
    RefundResult,
    StartResult,
    gateway,
    registry,
)

__all__ = [
    "GatewayError",
    "GatewayResult",
    "NoticeOutcome",
    "NotificationAnswer",
    "PaymentGateway",
    "RefundResult",
    "StartResult",
    "gateway",
    "registry",
]
