"""The VNPAY-protocol merchant adapter (version 2.1.0), usable unchanged with a real merchant account.

Configuration (environment, see portal/settings/base.py): ``VNPAY_TMN_CODE``, ``VNPAY_HASH_SECRET``,
``VNPAY_PAY_URL`` (e.g. https://pay.vnpay.vn/vpcpay.html), ``VNPAY_API_URL`` (e.g.
https://merchant.vnpay.vn/merchant_webapi/api/transaction). The IPN URL is registered with VNPAY
once, per merchant account (``VNPAY_IPN_URL`` only documents it; the portal serves
``/payments/ipn/vnpay/``).

``VnpaySimulatorGateway`` is the same adapter pointed at the portal's own gateway simulator
(``payments/simulator``) over HTTP: the adapter does not know it is talking to a simulator.
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from .. import vnpay
from ..constants import CANCELLED_CODES, EXPIRED_CODES, AttemptStatus, RefundStatus
from .base import (
    GatewayError,
    GatewayResult,
    NoticeOutcome,
    NotificationAnswer,
    PaymentGateway,
    RefundResult,
    StartResult,
)

logger = logging.getLogger(__name__)

# IPN answers, in the order the checks run (protocol text as VNPAY's merchant samples write it).
ANSWERS = {
    NoticeOutcome.BAD_SIGNATURE: ("97", "Invalid Checksum"),
    NoticeOutcome.UNKNOWN_ORDER: ("01", "Order not Found"),
    NoticeOutcome.WRONG_AMOUNT: ("04", "invalid amount"),
    NoticeOutcome.ALREADY_FINAL: ("02", "Order already confirmed"),
    NoticeOutcome.APPLIED: ("00", "Confirm Success"),
    NoticeOutcome.MALFORMED: ("99", "Invalid data"),
    NoticeOutcome.ERROR: ("99", "Unknow error"),
}


def status_from_codes(response_code: str, transaction_status: str) -> str:
    """The attempt status a gateway result means (success only on 00 and 00)."""
    if response_code == "00" and transaction_status == "00":
        return AttemptStatus.SUCCESS
    if transaction_status == "01" and response_code in ("", "00", "01"):
        return AttemptStatus.SUBMITTED  # not completed yet
    if response_code in CANCELLED_CODES:
        return AttemptStatus.CANCELLED
    if response_code in EXPIRED_CODES:
        return AttemptStatus.EXPIRED
    return AttemptStatus.FAILED


class VnpayGateway(PaymentGateway):
    label = "VNPAY"

    # --- configuration ------------------------------------------------------------------------
    @property
    def tmn_code(self) -> str:
        return settings.VNPAY_TMN_CODE

    @property
    def secret(self) -> str:
        # A secret pasted with a trailing newline or space is a classic signature mismatch.
        return (settings.VNPAY_HASH_SECRET or "").strip()

    @property
    def pay_url(self) -> str:
        return settings.VNPAY_PAY_URL

    @property
    def api_url(self) -> str:
        return settings.VNPAY_API_URL

    # --- start --------------------------------------------------------------------------------
    def start(self, attempt, *, return_url: str, ip_address: str, locale: str) -> StartResult:
        if not (self.tmn_code and self.secret and self.pay_url):
            raise GatewayError("VNPAY_TMN_CODE, VNPAY_HASH_SECRET and VNPAY_PAY_URL must be set")
        created = attempt.created_at
        expires = attempt.expires_at or created
        params = {
            "vnp_Version": vnpay.VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": vnpay.amount_to_gateway(attempt.amount),
            "vnp_CurrCode": "VND",
            "vnp_Locale": "en" if locale.startswith("en") else "vn",
            "vnp_OrderType": "other",
            "vnp_TxnRef": attempt.reference,
            "vnp_OrderInfo": vnpay.order_info(self.order_text(attempt)),
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": ip_address or "127.0.0.1",
            "vnp_CreateDate": vnpay.format_date(created),
            "vnp_ExpireDate": vnpay.format_date(expires),
        }
        sent = vnpay.signed(self.secret, params)
        from urllib.parse import urlencode

        # The query string is built exactly as it was signed (quote_plus), values in the same order.
        return StartResult(url=f"{self.pay_url}?{urlencode(sent)}", sent=sent)

    @staticmethod
    def order_text(attempt) -> str:
        dossier = attempt.fee_request.dossier
        return f"Nop phi le phi ho so {dossier.code} ma {attempt.reference}"

    # --- messages from the gateway -------------------------------------------------------------
    def _parse(self, params: dict[str, str]) -> GatewayResult:
        raw = {key: str(value) for key, value in params.items()}
        reference = raw.get("vnp_TxnRef", "")
        try:
            vnpay.verify(self.secret, raw)
        except vnpay.InvalidSignature:
            return GatewayResult(
                reference=reference,
                status="",
                signature_valid=False,
                problem=NoticeOutcome.BAD_SIGNATURE,
                raw=raw,
            )
        if raw.get("vnp_TmnCode") != self.tmn_code:
            return GatewayResult(reference=reference, status="", problem=NoticeOutcome.UNKNOWN_ORDER, raw=raw)
        response_code = raw.get("vnp_ResponseCode", "")
        transaction_status = raw.get("vnp_TransactionStatus", "")
        base = {
            "reference": reference,
            "status": status_from_codes(response_code, transaction_status),
            "response_code": response_code,
            "transaction_status": transaction_status,
            "provider_payment_id": raw.get("vnp_TransactionNo", "")
            if raw.get("vnp_TransactionNo") != "0"
            else "",
            "bank_code": raw.get("vnp_BankCode", ""),
            "bank_transaction_no": raw.get("vnp_BankTranNo", ""),
            "card_type": raw.get("vnp_CardType", ""),
            "raw": raw,
        }
        try:
            amount = vnpay.amount_from_gateway(raw.get("vnp_Amount"))
        except vnpay.MalformedParams:
            return GatewayResult(**base, problem=NoticeOutcome.WRONG_AMOUNT)
        paid_at: datetime | None = None
        if raw.get("vnp_PayDate"):
            try:
                paid_at = vnpay.parse_date(raw["vnp_PayDate"])
            except vnpay.MalformedParams:
                return GatewayResult(**base, amount=amount, problem=NoticeOutcome.MALFORMED)
        elif base["status"] == AttemptStatus.SUCCESS:
            return GatewayResult(**base, amount=amount, problem=NoticeOutcome.MALFORMED)
        return GatewayResult(**base, amount=amount, paid_at=paid_at)

    def handle_return(self, params: dict[str, str]) -> GatewayResult:
        return self._parse(params)

    def handle_notification(
        self, params: dict[str, str], *, apply: Callable[[GatewayResult], str]
    ) -> tuple[GatewayResult | None, NotificationAnswer]:
        try:
            result = self._parse(params)
            outcome = apply(result)
        except Exception:  # the protocol's "99": the gateway retries, reconciliation asks later
            logger.exception("payments: VNPAY notice could not be handled")
            result, outcome = None, NoticeOutcome.ERROR
        code, message = ANSWERS[outcome]
        return result, NotificationAnswer(status=200, body={"RspCode": code, "Message": message})

    # --- merchant API (querydr, refund) ---------------------------------------------------------
    def _post(self, payload: dict[str, str]) -> dict:
        if not self.api_url:
            raise GatewayError("VNPAY_API_URL is not set")
        request = urllib.request.Request(  # noqa: S310 - operator configuration
            self.api_url,
            data=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.PAYMENT_HTTP_TIMEOUT) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GatewayError(exc.__class__.__name__) from exc
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise GatewayError("answer is not JSON") from exc
        if not isinstance(data, dict):
            raise GatewayError("answer is not an object")
        return {key: "" if value is None else str(value) for key, value in data.items()}

    @staticmethod
    def _request_id() -> str:
        return timezone.now().strftime("%H%M%S") + secrets.token_hex(8).upper()

    def query(self, attempt) -> GatewayResult:
        now = timezone.now()
        payload = {
            "vnp_RequestId": self._request_id(),
            "vnp_Version": vnpay.VERSION,
            "vnp_Command": "querydr",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": attempt.reference,
            "vnp_OrderInfo": vnpay.order_info(f"Truy van giao dich {attempt.reference}"),
            "vnp_TransactionDate": vnpay.format_date(attempt.created_at),
            "vnp_CreateDate": vnpay.format_date(now),
            "vnp_IpAddr": settings.PAYMENT_SERVER_IP,
        }
        answer = self._post(vnpay.sign_pipe(self.secret, payload, vnpay.QUERYDR_REQUEST))
        try:
            vnpay.verify_pipe(self.secret, answer, vnpay.QUERYDR_RESPONSE)
        except vnpay.InvalidSignature as exc:
            raise GatewayError("querydr answer has a bad signature") from exc
        code = answer.get("vnp_ResponseCode", "")
        if code == "91":
            # Never reached the gateway (the person closed the page before paying).
            return GatewayResult(
                reference=attempt.reference, status=AttemptStatus.SUBMITTED, response_code=code, raw=answer
            )
        if code != "00":
            raise GatewayError(f"querydr answered {code}")
        transaction_status = answer.get("vnp_TransactionStatus", "")
        # querydr has no separate payment response code: the transaction status decides.
        status = {
            "00": AttemptStatus.SUCCESS,
            "01": AttemptStatus.SUBMITTED,
            "02": AttemptStatus.FAILED,
            "04": AttemptStatus.FAILED,
            "07": AttemptStatus.FAILED,
        }.get(
            transaction_status,
            AttemptStatus.SUCCESS if transaction_status in ("05", "06", "09") else AttemptStatus.FAILED,
        )
        try:
            amount = vnpay.amount_from_gateway(answer.get("vnp_Amount"))
            paid_at = vnpay.parse_date(answer["vnp_PayDate"]) if answer.get("vnp_PayDate") else None
        except vnpay.MalformedParams as exc:
            raise GatewayError("querydr answer is malformed") from exc
        return GatewayResult(
            reference=answer.get("vnp_TxnRef", ""),
            status=status,
            amount=amount,
            response_code="00" if status == AttemptStatus.SUCCESS else "",
            transaction_status=transaction_status,
            provider_payment_id=answer.get("vnp_TransactionNo", "")
            if answer.get("vnp_TransactionNo") != "0"
            else "",
            bank_code=answer.get("vnp_BankCode", ""),
            paid_at=paid_at,
            raw=answer,
        )

    def refund(self, refund) -> RefundResult:
        attempt = refund.attempt
        payload = {
            "vnp_RequestId": refund.reference,
            "vnp_Version": vnpay.VERSION,
            "vnp_Command": "refund",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": refund.transaction_type,
            "vnp_TxnRef": attempt.reference,
            "vnp_Amount": vnpay.amount_to_gateway(refund.amount),
            "vnp_OrderInfo": vnpay.order_info(f"Hoan tien {attempt.reference}"),
            "vnp_TransactionNo": attempt.provider_payment_id or "",
            "vnp_TransactionDate": vnpay.format_date(attempt.created_at),
            "vnp_CreateBy": (refund.requested_by.get_username() if refund.requested_by_id else "system")[
                :250
            ],
            "vnp_CreateDate": vnpay.format_date(timezone.now()),
            "vnp_IpAddr": settings.PAYMENT_SERVER_IP,
        }
        answer = self._post(vnpay.sign_pipe(self.secret, payload, vnpay.REFUND_REQUEST))
        try:
            vnpay.verify_pipe(self.secret, answer, vnpay.REFUND_RESPONSE)
        except vnpay.InvalidSignature as exc:
            raise GatewayError("refund answer has a bad signature") from exc
        code = answer.get("vnp_ResponseCode", "")
        message = answer.get("vnp_Message", "")
        if code == "00":
            transaction_status = answer.get("vnp_TransactionStatus", "")
            status = RefundStatus.SUBMITTED if transaction_status == "05" else RefundStatus.SUCCESS
            return RefundResult(
                status=status,
                response_code=code,
                provider_refund_id=answer.get("vnp_TransactionNo", ""),
                message=message,
                raw=answer,
            )
        if code == "94":
            # Same request id already received: the gateway is working on it; ask again later.
            return RefundResult(
                status=RefundStatus.SUBMITTED, response_code=code, message=message, raw=answer
            )
        return RefundResult(status=RefundStatus.FAILED, response_code=code, message=message, raw=answer)

    def refund_status(self, refund) -> RefundResult:
        """Where a refund answered "in progress" stands: querydr on the original transaction."""
        result = self.query(refund.attempt)
        status = {"06": RefundStatus.SUCCESS, "09": RefundStatus.FAILED}.get(
            result.transaction_status, RefundStatus.SUBMITTED
        )
        return RefundResult(status=status, response_code=result.transaction_status, raw=result.raw)


class VnpaySimulatorGateway(VnpayGateway):
    """The same adapter, talking HTTP to the portal's own VNPAY simulator (``PAYMENT_SIMULATOR``)."""

    label = "VNPAY (mô phỏng)"
    is_simulator = True

    @property
    def pay_url(self) -> str:
        from core.links import absolute_url

        return settings.VNPAY_PAY_URL or absolute_url("payments:simulator_pay")

    @property
    def api_url(self) -> str:
        from core.links import absolute_url

        return settings.VNPAY_API_URL or absolute_url("payments:simulator_api")
