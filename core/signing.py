"""Signing helpers for webhooks and callbacks (SMS receipts, payment notices, carrier events).

Always over the exact bytes received, always compared in constant time. A missing secret refuses
everything: production has no development secrets.
"""

from __future__ import annotations

import hashlib
import hmac

ALGORITHMS = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}


class InvalidSignature(Exception):
    """The signature is missing, malformed or wrong (or no secret is configured)."""


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def hmac_hex(secret: str | bytes, message: str | bytes, algorithm: str = "sha256") -> str:
    """Lower-case hex HMAC of ``message`` with ``secret`` (``sha256`` or ``sha512``)."""
    return hmac.new(_bytes(secret), _bytes(message), ALGORITHMS[algorithm]).hexdigest()


def verify_hmac(
    secret: str | bytes, message: str | bytes, signature: str | None, algorithm: str = "sha256"
) -> None:
    """Raise ``InvalidSignature`` unless ``signature`` is the HMAC of ``message``.

    Case and surrounding whitespace of the received hex are ignored; the comparison is constant-time.
    """
    if not secret:
        raise InvalidSignature("no secret configured")
    if not signature or not isinstance(signature, str):
        raise InvalidSignature("no signature")
    expected = hmac_hex(secret, message, algorithm)
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise InvalidSignature("bad signature")


def constant_time_equals(a: str | bytes, b: str | bytes) -> bool:
    """For secrets carried in a URL or a header (some carriers authenticate callbacks that way)."""
    return bool(a) and bool(b) and hmac.compare_digest(_bytes(a), _bytes(b))
