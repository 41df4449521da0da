"""The simulated VNPAY gateway's side of the protocol (what VNPAY's servers do), byte for byte.

It knows one merchant: ``VNPAY_TMN_CODE`` with ``VNPAY_HASH_SECRET`` (a real gateway shares the
secret with each merchant). It signs what it sends and verifies what it receives with the same
``payments.vnpay`` functions the merchant adapter uses, keeps its own records (``Simulated*``),
and owes the merchant a server-to-server notice (IPN, HTTP GET) for every finished payment,
retried on VNPAY's schedule until the merchant answers 00 or 02.

Outcomes a person can pick on the hosted bank page: success (00), cancelled (24), insufficient
funds (51), timed out (11), suspicious (07: money taken but held for review; "resolve" it later to
send the success). ``SimulatorRule`` rows make it delay, duplicate, drop or reorder notices, and
answer refunds "in progress".
"""

from __future__ import annotations

import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.jobs import enqueue

from .. import vnpay
from ..models import SimulatedNotice, SimulatedRefund, SimulatedTransaction, SimulatorRule

logger = logging.getLogger(__name__)

BANKS = [
    ("NCB", "Ngân hàng Quốc Dân (NCB)"),
    ("VCB", "Vietcombank"),
    ("BIDV", "BIDV"),
    ("AGRIBANK", "Agribank"),
    ("VIETINBANK", "VietinBank"),
    ("TCB", "Techcombank"),
    ("MBBANK", "MB Bank"),
]
# outcome → (vnp_ResponseCode, vnp_TransactionStatus)
OUTCOMES = {
    "success": ("00", "00"),
    "cancelled": ("24", "02"),
    "insufficient_funds": ("51", "02"),
    "timeout": ("11", "02"),
    "suspicious": ("07", "07"),
}


class SimulatorError(Exception):
    """What the gateway's own error page says (code and message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def secret_for(tmn_code: str) -> str | None:
    if tmn_code and tmn_code == settings.VNPAY_TMN_CODE:
        return (settings.VNPAY_HASH_SECRET or "").strip()
    return None


def ipn_url() -> str:
    from core.links import absolute_url

    return settings.VNPAY_IPN_URL or absolute_url("payments:ipn", "vnpay_simulator")


def _now_gmt7() -> str:
    return vnpay.format_date(timezone.now())


def rule_for(txn_ref: str) -> SimulatorRule | None:
    return SimulatorRule.objects.filter(Q(txn_ref=txn_ref) | Q(txn_ref="")).order_by("-txn_ref").first()


# --- the hosted pay page ---------------------------------------------------------------------------


def pay_open(params: dict[str, str]) -> SimulatedTransaction:
    """The browser arrives with the merchant's signed request: verify it, record the transaction."""
    secret = secret_for(params.get("vnp_TmnCode", ""))
    if secret is None:
        raise SimulatorError("02", "Merchant không hợp lệ")
    try:
        vnpay.verify(secret, params)
    except vnpay.InvalidSignature as exc:
        raise SimulatorError("97", "Sai chữ ký") from exc
    required = (
        "vnp_Version",
        "vnp_Command",
        "vnp_Amount",
        "vnp_TxnRef",
        "vnp_OrderInfo",
        "vnp_ReturnUrl",
        "vnp_CreateDate",
    )
    if any(not params.get(k) for k in required) or params.get("vnp_Command") != "pay":
        raise SimulatorError("03", "Dữ liệu gửi sang không đúng định dạng")
    try:
        vnpay.amount_from_gateway(params["vnp_Amount"])
        vnpay.parse_date(params["vnp_CreateDate"])
        expires = vnpay.parse_date(params["vnp_ExpireDate"]) if params.get("vnp_ExpireDate") else None
    except vnpay.MalformedParams as exc:
        raise SimulatorError("03", "Dữ liệu gửi sang không đúng định dạng") from exc
    if params.get("vnp_CurrCode", "VND") != "VND":
        raise SimulatorError("03", "Dữ liệu gửi sang không đúng định dạng")
    existing = SimulatedTransaction.objects.filter(
        tmn_code=params["vnp_TmnCode"], txn_ref=params["vnp_TxnRef"]
    ).first()
    if existing is not None:
        if existing.amount != params["vnp_Amount"]:
            raise SimulatorError("03", "Mã đơn hàng đã tồn tại với số tiền khác")
        return existing
    if expires is not None and timezone.now() > expires:
        raise SimulatorError("11", "Giao dịch đã quá thời gian chờ thanh toán")
    for _ in range(5):
        try:
            with transaction.atomic():
                return SimulatedTransaction.objects.create(
                    tmn_code=params["vnp_TmnCode"],
                    txn_ref=params["vnp_TxnRef"],
                    transaction_no=f"{secrets.randbelow(10**8):08d}",
                    amount=params["vnp_Amount"],
                    order_info=params["vnp_OrderInfo"][:255],
                    order_type=params.get("vnp_OrderType", "")[:40],
                    locale=params.get("vnp_Locale", "vn")[:4],
                    return_url=params["vnp_ReturnUrl"][:500],
                    ip_address=params.get("vnp_IpAddr", "")[:45],
                    create_date=params["vnp_CreateDate"],
                    expire_date=params.get("vnp_ExpireDate", ""),
                )
        except IntegrityError:
            existing = SimulatedTransaction.objects.filter(
                tmn_code=params["vnp_TmnCode"], txn_ref=params["vnp_TxnRef"]
            ).first()
            if existing is not None:
                return existing
    raise SimulatorError("99", "Lỗi khác")


def result_params(txn: SimulatedTransaction) -> dict[str, str]:
    """The signed fields of the return URL and of the IPN (identical, as VNPAY sends them)."""
    secret = secret_for(txn.tmn_code) or ""
    paid = txn.response_code == "00" or txn.transaction_status in ("00", "07")
    return vnpay.signed(
        secret,
        {
            "vnp_Amount": txn.amount,
            "vnp_BankCode": txn.bank_code,
            "vnp_BankTranNo": f"VNP{txn.transaction_no}" if paid else "",
            "vnp_CardType": "ATM" if paid else "",
            "vnp_OrderInfo": txn.order_info,
            "vnp_PayDate": txn.pay_date,
            "vnp_ResponseCode": txn.response_code,
            "vnp_TmnCode": txn.tmn_code,
            "vnp_TransactionNo": txn.transaction_no if txn.response_code != "24" else "0",
            "vnp_TransactionStatus": txn.transaction_status,
            "vnp_TxnRef": txn.txn_ref,
        },
    )


def pay_complete(*, transaction_id: int, outcome: str, bank_code: str) -> tuple[SimulatedTransaction, str]:
    """The person picked an outcome: record it, owe the merchant a notice, send the browser back.

    Returns the transaction and the return URL (with the signed result). Paying twice is refused
    by the gateway like the real one ("giao dịch đã được xử lý").
    """
    if outcome not in OUTCOMES:
        raise SimulatorError("03", "Kết quả không hợp lệ")
    if bank_code not in dict(BANKS):
        raise SimulatorError("03", "Chọn ngân hàng")
    with transaction.atomic():
        txn = SimulatedTransaction.objects.select_for_update().get(pk=transaction_id)
        if txn.response_code:
            raise SimulatorError("02", "Giao dịch đã được xử lý")
        if txn.expire_date and timezone.now() > vnpay.parse_date(txn.expire_date) and outcome != "timeout":
            outcome = "timeout"
        txn.response_code, txn.transaction_status = OUTCOMES[outcome]
        txn.bank_code = bank_code
        txn.pay_date = _now_gmt7()
        txn.save(update_fields=["response_code", "transaction_status", "bank_code", "pay_date"])
        params = result_params(txn)
        notices_owe(txn, params)
    separator = "&" if "?" in txn.return_url else "?"
    return txn, f"{txn.return_url}{separator}{urllib.parse.urlencode(params)}"


def resolve_suspicious(*, txn_ref: str) -> SimulatedTransaction:
    """A transaction held for review (07) is cleared: the gateway now reports success (00/00) and
    sends a new notice for the same order (the merchant records it as a correction)."""
    with transaction.atomic():
        txn = SimulatedTransaction.objects.select_for_update().get(txn_ref=txn_ref)
        if txn.transaction_status != "07":
            raise SimulatorError("02", "Giao dịch không ở trạng thái nghi ngờ")
        txn.response_code, txn.transaction_status = "00", "00"
        txn.pay_date = _now_gmt7()
        txn.save(update_fields=["response_code", "transaction_status", "pay_date"])
        notices_owe(txn, result_params(txn))
    return txn


# --- notices (IPN) --------------------------------------------------------------------------------


def notices_owe(txn: SimulatedTransaction, params: dict[str, str]) -> list[SimulatedNotice]:
    """Create the notice(s) for a finished transaction as the rules say; enqueue after commit."""
    rule = rule_for(txn.txn_ref)
    mode = rule.mode if rule else SimulatorRule.Mode.NORMAL
    now = timezone.now()
    copies = max(1, rule.copies) if rule and mode == SimulatorRule.Mode.DUPLICATE else 1
    due = now + timedelta(seconds=rule.delay_seconds) if rule and mode == SimulatorRule.Mode.DELAY else now
    state = {
        SimulatorRule.Mode.DROP: SimulatedNotice.State.DROPPED,
        SimulatorRule.Mode.REORDER: SimulatedNotice.State.HELD,
    }.get(mode, SimulatedNotice.State.PENDING)
    url = ipn_url()
    notices = [
        SimulatedNotice.objects.create(
            transaction=txn, url=url, params=params, state=state, next_attempt_at=due
        )
        for _ in range(copies)
    ]
    if state == SimulatedNotice.State.PENDING:
        countdown = max(0, int((due - now).total_seconds()))
        for notice in notices:
            transaction.on_commit(lambda pk=notice.pk: enqueue_notice(pk, countdown=countdown))
    return notices


def enqueue_notice(notice_id: int, *, countdown: int = 0) -> None:
    if countdown and settings.CELERY_TASK_ALWAYS_EAGER:
        return  # in-process mode cannot wait: the sweep (beat, or manage.py payment_simulator sweep) sends it
    enqueue("payments.simulator_send_notice", notice_id, countdown=countdown or None)


def notice_send(notice_id: int) -> str | None:
    """Claim a due notice and send it once (HTTP GET). Returns the merchant's RspCode, or None when
    there was nothing to do. Not acknowledged (anything but 00/02, or no answer): retried later."""
    now = timezone.now()
    claimed = SimulatedNotice.objects.filter(
        pk=notice_id, state=SimulatedNotice.State.PENDING, next_attempt_at__lte=now + timedelta(seconds=1)
    ).update(state=SimulatedNotice.State.SENDING, claimed_at=now, tries=F("tries") + 1)
    if not claimed:
        return None
    notice = SimulatedNotice.objects.get(pk=notice_id)
    code, answer = None, ""
    url = f"{notice.url}{'&' if '?' in notice.url else '?'}{urllib.parse.urlencode(notice.params)}"
    try:
        with urllib.request.urlopen(url, timeout=settings.PAYMENT_HTTP_TIMEOUT) as response:  # noqa: S310 - merchant's registered URL
            body = response.read(4096)
        answer = body.decode("utf-8", "replace")[:200]
        code = str(json.loads(body).get("RspCode", ""))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, AttributeError) as exc:
        answer = f"no answer: {exc.__class__.__name__}"
    if code in ("00", "02"):
        SimulatedNotice.objects.filter(pk=notice.pk, state=SimulatedNotice.State.SENDING).update(
            state=SimulatedNotice.State.ACKNOWLEDGED, last_answer=answer
        )
        release_held()
        return code
    if notice.tries >= settings.PAYMENT_SIMULATOR_NOTICE_TRIES:
        SimulatedNotice.objects.filter(pk=notice.pk, state=SimulatedNotice.State.SENDING).update(
            state=SimulatedNotice.State.GAVE_UP, last_answer=answer
        )
        return code
    retry = settings.PAYMENT_SIMULATOR_RETRY_SECONDS
    SimulatedNotice.objects.filter(pk=notice.pk, state=SimulatedNotice.State.SENDING).update(
        state=SimulatedNotice.State.PENDING,
        last_answer=answer,
        next_attempt_at=timezone.now() + timedelta(seconds=retry),
    )
    enqueue_notice(notice.pk, countdown=max(retry, 1))
    return code


def release_held() -> int:
    """Notices held back (reorder) go out now, after the one that was just acknowledged."""
    held = list(SimulatedNotice.objects.filter(state=SimulatedNotice.State.HELD).values_list("id", flat=True))
    if not held:
        return 0
    SimulatedNotice.objects.filter(id__in=held, state=SimulatedNotice.State.HELD).update(
        state=SimulatedNotice.State.PENDING, next_attempt_at=timezone.now()
    )
    for notice_id in held:
        enqueue_notice(notice_id)
    return len(held)


def sweep(*, stale_after: timedelta | None = None, now=None) -> dict[str, int]:
    """The gateway's own retry loop (beat every minute): notices whose worker died mid-send go back
    to pending; due pending notices are sent (enqueued, or sent here in in-process mode)."""
    now = now or timezone.now()
    stale_after = (
        stale_after
        if stale_after is not None
        else timedelta(seconds=settings.PAYMENT_SIMULATOR_STALE_SENDING_SECONDS)
    )
    reset = SimulatedNotice.objects.filter(
        state=SimulatedNotice.State.SENDING, claimed_at__lt=now - stale_after
    ).update(state=SimulatedNotice.State.PENDING, next_attempt_at=now)
    due = list(
        SimulatedNotice.objects.filter(
            state=SimulatedNotice.State.PENDING, next_attempt_at__lte=now
        ).values_list("id", flat=True)[:500]
    )
    for notice_id in due:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            notice_send(notice_id)
        else:
            enqueue_notice(notice_id)
    return {"reset": reset, "due": len(due)}


# --- the merchant API (querydr, refund) ------------------------------------------------------------


def _answer(secret: str, data: dict, fields) -> dict[str, str]:
    return vnpay.sign_pipe(secret, {k: "" if v is None else str(v) for k, v in data.items()}, fields)


def api(payload: dict) -> dict[str, str]:
    """One signed JSON request to the merchant API; a signed JSON answer."""
    command = str(payload.get("vnp_Command", ""))
    tmn = str(payload.get("vnp_TmnCode", ""))
    secret = secret_for(tmn)
    fields_in = vnpay.REFUND_REQUEST if command == "refund" else vnpay.QUERYDR_REQUEST
    fields_out = vnpay.REFUND_RESPONSE if command == "refund" else vnpay.QUERYDR_RESPONSE
    base = {
        "vnp_ResponseId": secrets.token_hex(16),
        "vnp_Command": command,
        "vnp_TmnCode": tmn,
        "vnp_TxnRef": str(payload.get("vnp_TxnRef", "")),
    }
    if secret is None:
        return _answer(
            "", {**base, "vnp_ResponseCode": "02", "vnp_Message": "Merchant is not valid"}, fields_out
        )
    data = {k: "" if v is None else str(v) for k, v in payload.items()}
    try:
        vnpay.verify_pipe(secret, data, fields_in)
    except vnpay.InvalidSignature:
        return _answer(
            secret, {**base, "vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"}, fields_out
        )
    if command not in ("querydr", "refund"):
        return _answer(
            secret, {**base, "vnp_ResponseCode": "03", "vnp_Message": "Invalid command"}, fields_out
        )
    txn = SimulatedTransaction.objects.filter(tmn_code=tmn, txn_ref=data.get("vnp_TxnRef", "")).first()
    if txn is None or data.get("vnp_TransactionDate") != txn.create_date:
        return _answer(
            secret, {**base, "vnp_ResponseCode": "91", "vnp_Message": "Transaction not found"}, fields_out
        )
    if command == "querydr":
        return _answer(
            secret,
            {**base, **_describe(txn), "vnp_ResponseCode": "00", "vnp_Message": "QueryDR Success"},
            fields_out,
        )
    return _refund(secret, base, data, txn, fields_out)


def _describe(txn: SimulatedTransaction) -> dict[str, str]:
    status = txn.transaction_status
    pending_refund = txn.refunds.filter(transaction_status="05").exists()
    if status == "00" and pending_refund:
        status = "05"
    elif status == "00" and txn.refunds.filter(transaction_status="06").exists():
        status = "06"
    return {
        "vnp_Amount": txn.amount,
        "vnp_BankCode": txn.bank_code,
        "vnp_PayDate": txn.pay_date,
        "vnp_TransactionNo": txn.transaction_no if txn.response_code else "0",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": status,
        "vnp_OrderInfo": txn.order_info,
        "vnp_PromotionCode": "",
        "vnp_PromotionAmount": "",
    }


def _refund(secret: str, base: dict, data: dict, txn: SimulatedTransaction, fields_out) -> dict[str, str]:
    if data.get("vnp_TransactionNo") and data["vnp_TransactionNo"] != txn.transaction_no:
        return _answer(
            secret, {**base, "vnp_ResponseCode": "91", "vnp_Message": "Transaction not found"}, fields_out
        )
    with transaction.atomic():
        txn = SimulatedTransaction.objects.select_for_update().get(pk=txn.pk)
        previous = SimulatedRefund.objects.filter(request_id=data.get("vnp_RequestId", "")).first()
        if previous is not None:
            return _answer(
                secret, {**base, "vnp_ResponseCode": "94", "vnp_Message": "Duplicate request"}, fields_out
            )
        if txn.transaction_status != "00":
            return _answer(
                secret,
                {**base, "vnp_ResponseCode": "95", "vnp_Message": "Original transaction not successful"},
                fields_out,
            )
        try:
            amount = int(data.get("vnp_Amount", ""))
        except ValueError:
            amount = -1
        remaining = int(txn.amount) - txn.refunded
        if (
            amount <= 0
            or amount > remaining
            or (data.get("vnp_TransactionType") == "02" and amount != remaining)
        ):
            return _answer(
                secret, {**base, "vnp_ResponseCode": "93", "vnp_Message": "Invalid refund amount"}, fields_out
            )
        rule = rule_for(txn.txn_ref)
        status = "05" if rule and rule.mode == SimulatorRule.Mode.REFUND_PENDING else "06"
        refund = SimulatedRefund.objects.create(
            transaction=txn,
            request_id=data["vnp_RequestId"][:40],
            amount=str(amount),
            transaction_no=f"{secrets.randbelow(10**8):08d}",
            transaction_status=status,
        )
        txn.refunded += amount
        txn.save(update_fields=["refunded"])
    return _answer(
        secret,
        {
            **base,
            "vnp_ResponseCode": "00",
            "vnp_Message": "Refund success",
            "vnp_Amount": str(amount),
            "vnp_BankCode": txn.bank_code,
            "vnp_PayDate": txn.pay_date,
            "vnp_TransactionNo": refund.transaction_no,
            "vnp_TransactionType": data.get("vnp_TransactionType", ""),
            "vnp_TransactionStatus": status,
            "vnp_OrderInfo": data.get("vnp_OrderInfo", ""),
        },
        fields_out,
    )


def settle_refunds(*, txn_ref: str | None = None) -> int:
    """Refunds answered "in progress" (05) are sent to the bank (06)."""
    qs = SimulatedRefund.objects.filter(transaction_status="05")
    if txn_ref:
        qs = qs.filter(transaction__txn_ref=txn_ref)
    return qs.update(transaction_status="06")
