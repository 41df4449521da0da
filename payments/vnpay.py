"""The VNPAY 2.1.0 protocol, shared by the merchant adapter and the gateway simulator (byte for byte).

- **Signature of redirects and notices**: every ``vnp_*`` parameter except ``vnp_SecureHash`` and
  ``vnp_SecureHashType``, empty ones dropped, sorted by key, ``key=value`` joined with ``&`` where the
  value is form-encoded (``quote_plus``: space → ``+``), HMAC-SHA512 with the merchant's secret, hex.
  Verification recomputes over **all** ``vnp_*`` fields received, never over a fixed list.
- **querydr / refund**: JSON POSTs whose hash is HMAC-SHA512 over the pipe-joined fields in the
  order below; the gateway's answers are signed the same way.
- **Amounts** are VND × 100, digits only; **dates** ``yyyyMMddHHmmss`` in GMT+7 (the server runs in
  UTC); ``vnp_OrderInfo`` carries no accents or special characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from urllib.parse import quote_plus

from core.signing import InvalidSignature, hmac_hex, verify_hmac
from core.text import strip_diacritics

VERSION = "2.1.0"
GMT7 = dt_timezone(timedelta(hours=7), "GMT+7")
HASH_FIELDS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

QUERYDR_REQUEST = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
REFUND_REQUEST = (
    "vnp_RequestId", "vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_TransactionType", "vnp_TxnRef",
    "vnp_Amount", "vnp_TransactionNo", "vnp_TransactionDate", "vnp_CreateBy", "vnp_CreateDate",
    "vnp_IpAddr", "vnp_OrderInfo",
)  # fmt: skip
QUERYDR_RESPONSE = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
    "vnp_TransactionStatus", "vnp_OrderInfo", "vnp_PromotionCode", "vnp_PromotionAmount",
)  # fmt: skip
REFUND_RESPONSE = (
    "vnp_ResponseId", "vnp_Command", "vnp_ResponseCode", "vnp_Message", "vnp_TmnCode", "vnp_TxnRef",
    "vnp_Amount", "vnp_BankCode", "vnp_PayDate", "vnp_TransactionNo", "vnp_TransactionType",
    "vnp_TransactionStatus", "vnp_OrderInfo",
)  # fmt: skip

_DATE = re.compile(r"^\d{14}$")
_ORDER_INFO_DROP = re.compile(r"[^A-Za-z0-9 .,:\-_/]+")


class MalformedParams(ValueError):
    """A field is missing or not in the protocol's format (amount, date)."""


def canonical(params: Mapping[str, object]) -> str:
    """The signed string of a redirect or notice."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in HASH_FIELDS and value is not None and str(value) != ""
    )
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def sign(secret: str, params: Mapping[str, object]) -> str:
    return hmac_hex(secret, canonical(params), "sha512")


def verify(secret: str, params: Mapping[str, object]) -> None:
    """Raise ``InvalidSignature`` unless ``vnp_SecureHash`` signs every ``vnp_*`` field received."""
    signature = params.get("vnp_SecureHash")
    verify_hmac(secret, canonical(params), signature if isinstance(signature, str) else None, "sha512")


def signed(secret: str, params: Mapping[str, object]) -> dict[str, str]:
    out = {key: str(value) for key, value in params.items() if value is not None and str(value) != ""}
    out["vnp_SecureHash"] = sign(secret, out)
    return out


def pipe_hash(secret: str, data: Mapping[str, object], fields: tuple[str, ...]) -> str:
    return hmac_hex(secret, "|".join(str(data.get(field, "") or "") for field in fields), "sha512")


def sign_pipe(secret: str, data: Mapping[str, object], fields: tuple[str, ...]) -> dict[str, str]:
    out = {key: str(value) for key, value in data.items()}
    out["vnp_SecureHash"] = pipe_hash(secret, out, fields)
    return out


def verify_pipe(secret: str, data: Mapping[str, object], fields: tuple[str, ...]) -> None:
    signature = data.get("vnp_SecureHash")
    verify_hmac(
        secret,
        "|".join(str(data.get(field, "") or "") for field in fields),
        signature if isinstance(signature, str) else None,
        "sha512",
    )


def amount_to_gateway(dong: int) -> str:
    """VND → the gateway's unit (× 100, digits only)."""
    return str(int(dong) * 100)


def amount_from_gateway(value: object) -> int:
    """The gateway's ``vnp_Amount`` → whole đồng; ``MalformedParams`` unless digits and a multiple of 100."""
    text = str(value or "")
    if not text.isdigit() or len(text) > 18:
        raise MalformedParams("vnp_Amount")
    number = int(text)
    if number % 100:
        raise MalformedParams("vnp_Amount")
    return number // 100


def format_date(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in GMT+7, whatever the server's time zone."""
    if moment.tzinfo is None:
        raise ValueError("aware datetime required")
    return moment.astimezone(GMT7).strftime("%Y%m%d%H%M%S")


def parse_date(value: object) -> datetime:
    """A gateway date (GMT+7) as an aware datetime; ``MalformedParams`` if it is not one."""
    text = str(value or "")
    if not _DATE.match(text):
        raise MalformedParams("date")
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=GMT7)
    except ValueError as exc:
        raise MalformedParams("date") from exc


def order_info(text: str, limit: int = 255) -> str:
    """``vnp_OrderInfo``: Vietnamese without accents and without special characters."""
    plain = _ORDER_INFO_DROP.sub(" ", strip_diacritics(text))
    return " ".join(plain.split())[:limit]


def is_success(params: Mapping[str, object]) -> bool:
    """Success only when both the response code and the transaction status are "00"."""
    return params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"


__all__ = [
    "InvalidSignature",
    "MalformedParams",
    "amount_from_gateway",
    "amount_to_gateway",
    "canonical",
    "format_date",
    "is_success",
    "order_info",
    "parse_date",
    "sign",
    "signed",
    "verify",
]
