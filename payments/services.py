"""Writes to payments. Views, admin actions, tasks and the notice handler call these; nothing else writes.

The rules that make "I paid and the dossier never learnt of it" impossible:
- only a verified server message (IPN, or our own query to the gateway) changes an attempt; the
  browser's return is shown, never trusted;
- a message is applied once: its dedupe key is unique, the attempt row is locked and moved by one
  conditional UPDATE from the statuses the table allows;
- the attempt's own amount decides, whatever the fee request says later;
- a success settles the fee request once (receipt, notification, dossier transition as the system);
  any further success for the same request is refunded automatically;
- attempts left pending are queried on beat (``reconcile``), so a lost notice is only a delay.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import enqueue
from core.text import nfc

from . import dossier_link
from .constants import (
    CORRECTABLE_STATUSES,
    FINAL_STATUSES,
    PENDING_STATUSES,
    REFUND_PENDING,
    AttemptStatus,
    EventKind,
    EventOutcome,
    FeeMoment,
    FeeRequestStatus,
    ItemInput,
    LegalKind,
    PaymentMethod,
    RefundReason,
    RefundStatus,
    can_transition,
)
from .gateways import GatewayError, GatewayResult, NoticeOutcome, NotificationAnswer, gateway
from .models import FeeItem, FeeRequest, PaymentAttempt, PaymentEvent, Receipt, ReceiptSequence, Refund
from .words import format_vnd

logger = logging.getLogger(__name__)


class PaymentError(Exception):
    """A rule says no; the message is for the person (citizen or officer)."""


# --- fee requests --------------------------------------------------------------------------------


def _clean_items(items: list[ItemInput]) -> list[ItemInput]:
    if not items:
        raise PaymentError(_("Cần ít nhất một khoản thu."))
    clean = []
    for item in items:
        label = nfc(item.label).strip()[:255]
        if not label:
            raise PaymentError(_("Mỗi khoản thu cần có nội dung."))
        if item.kind not in LegalKind.values:
            raise PaymentError(_("Chọn phí hoặc lệ phí cho khoản “%(label)s”.") % {"label": label})
        if int(item.quantity) < 1 or int(item.unit_amount) < 1 or int(item.unit_amount) > 10**12:
            raise PaymentError(
                _("Số lượng và đơn giá của “%(label)s” phải là số nguyên dương.") % {"label": label}
            )
        clean.append(
            ItemInput(
                label=label, kind=item.kind, unit_amount=int(item.unit_amount), quantity=int(item.quantity)
            )
        )
    return clean


def fee_request_create(
    *,
    dossier,
    items: list[ItemInput],
    moment: str,
    reason: str = "",
    requested_by=None,
    now: datetime | None = None,
) -> FeeRequest:
    """A fee request with its line items. Precondition: inside a transaction holding the dossier lock
    (the workflow's ``request_payment`` or the submission); at most one open request per dossier
    (a unique constraint): an older open request without a payment is cancelled and replaced."""
    clean = _clean_items(items)
    total = sum(i.unit_amount * i.quantity for i in clean)
    with transaction.atomic():
        for old in FeeRequest.objects.select_for_update().filter(
            dossier=dossier, status=FeeRequestStatus.OPEN
        ):
            if old.attempts.filter(status__in=PENDING_STATUSES).exists():
                raise PaymentError(
                    _("Người nộp đang thanh toán khoản thu trước; hãy chờ kết quả rồi thử lại.")
                )
            old.status = FeeRequestStatus.CANCELLED
            old.save(update_fields=["status"])
        request = FeeRequest.objects.create(
            dossier=dossier,
            moment=moment,
            amount=total,
            reason=nfc(reason)[:4000],
            requested_by=requested_by,
            created_at=now or timezone.now(),
        )
        FeeItem.objects.bulk_create(
            [
                FeeItem(
                    fee_request=request,
                    label=i.label,
                    kind=i.kind,
                    quantity=i.quantity,
                    unit_amount=i.unit_amount,
                    amount=i.quantity * i.unit_amount,
                )
                for i in clean
            ]
        )
    return request


def fee_request_for_submission(*, dossier, now: datetime | None = None) -> FeeRequest | None:
    """The fee of the online channel, owed at submission of a level-4 dossier (idempotent).

    Taken from the dossier's snapshot of the procedure (fee and charge of the online channel).
    Returns None when nothing is owed or the procedure is not level 4.
    """
    existing = (
        FeeRequest.objects.filter(dossier=dossier, moment=FeeMoment.SUBMISSION)
        .exclude(status=FeeRequestStatus.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing
    if not dossier.code or not dossier_link.is_level4_online(dossier):
        return None
    items = dossier_link.submission_items(dossier)
    if not items:
        return None
    try:
        with transaction.atomic():
            return fee_request_create(dossier=dossier, items=items, moment=FeeMoment.SUBMISSION, now=now)
    except IntegrityError:
        return FeeRequest.objects.filter(dossier=dossier, status=FeeRequestStatus.OPEN).first()


def payment_request(
    *,
    dossier_id: int,
    actor,
    expected_version: int | None,
    items: list[ItemInput],
    reason: str,
    now: datetime | None = None,
) -> FeeRequest:
    """An officer asks for payment (dossier status 4 → 6, the clock stops): the workflow's
    ``request_payment`` row and the fee request in one transaction. The citizen is told by SMS and
    email (the workflow's notification, with the amount and the link). PaymentError if refused."""
    clean = _clean_items(items)
    if not nfc(reason).strip():
        raise PaymentError(_("Ghi rõ lý do, căn cứ thu."))
    total = sum(i.unit_amount * i.quantity for i in clean)
    try:
        with transaction.atomic():
            dossier = dossier_link.dossier_locked(dossier_id)
            fee_request = fee_request_create(
                dossier=dossier,
                items=clean,
                moment=FeeMoment.REQUESTED,
                reason=reason,
                requested_by=actor,
                now=now,
            )
            dossier_link.transition(
                dossier_id=dossier_id,
                name="request_payment",
                user=actor,
                expected_version=expected_version,
                now=now,
                reason=reason,
                note_to_applicant=_("Cần nộp %(amount)s đồng. %(reason)s")
                % {"amount": format_vnd(total), "reason": nfc(reason)},
                data={"fee_request": fee_request.pk, "amount": total},
                notify_extra={"amount": f"{format_vnd(total)} đồng"},
            )
    except dossier_link.TransitionRefused as exc:
        raise PaymentError(str(exc)) from exc
    return fee_request


# --- starting a payment ----------------------------------------------------------------------------


def new_reference(now: datetime | None = None) -> str:
    """vnp_TxnRef: date + 10 random characters; unique in the database, never reused."""
    moment = timezone.localtime(now or timezone.now())
    return f"{moment:%y%m%d}{secrets.token_hex(5).upper()}"


def _create_with_fresh_reference(**fields) -> PaymentAttempt:
    """A new attempt under a reference never used before (a collision draws again, in a savepoint)."""
    for _try in range(5):
        try:
            with transaction.atomic():
                return PaymentAttempt.objects.create(reference=new_reference(fields["created_at"]), **fields)
        except IntegrityError:
            continue
    raise PaymentError(_("Không tạo được mã giao dịch. Hãy thử lại."))


@dataclass(frozen=True)
class StartOutcome:
    attempt: PaymentAttempt
    redirect_url: str


def payment_start(
    *,
    fee_request_id: int,
    user,
    return_url: str,
    ip_address: str = "",
    locale: str = "vi",
    now: datetime | None = None,
) -> StartOutcome:
    """Start an online payment of an open fee request and return where to send the browser.

    A second payment cannot start while one is pending: pending attempts are first asked about
    (querydr); one still open at the gateway blocks (PaymentError), one the gateway never saw is
    expired. Side effects: a PaymentAttempt (status started) and its start event.
    """
    now = now or timezone.now()
    for pending in PaymentAttempt.objects.filter(
        fee_request_id=fee_request_id, status__in=PENDING_STATUSES, method=PaymentMethod.ONLINE
    ):
        attempt_reconcile(attempt_id=pending.pk, now=now, expire_unseen=True)
    plugin = gateway()
    with transaction.atomic():
        fee_request = (
            FeeRequest.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .get(pk=fee_request_id)
        )
        if fee_request.status == FeeRequestStatus.PAID:
            raise PaymentError(_("Khoản này đã được thanh toán. Bạn có thể tải biên lai trên trang hồ sơ."))
        if fee_request.status != FeeRequestStatus.OPEN:
            raise PaymentError(_("Khoản thu này không còn hiệu lực."))
        if fee_request.attempts.filter(status__in=PENDING_STATUSES).exists():
            raise PaymentError(
                _(
                    "Một lần thanh toán trước đang chờ ngân hàng xác nhận. Để tránh trả hai lần, hãy chờ vài phút rồi tải lại trang."
                )
            )
        attempt = _create_with_fresh_reference(
            fee_request=fee_request,
            amount=fee_request.amount,
            method=PaymentMethod.ONLINE,
            gateway=plugin.name,
            payer=user if getattr(user, "pk", None) else None,
            ip_address=(ip_address or "")[:45],
            created_at=now,
            expires_at=now + timedelta(minutes=settings.PAYMENT_EXPIRE_MINUTES),
        )
        try:
            started = plugin.start(attempt, return_url=return_url, ip_address=ip_address, locale=locale)
        except GatewayError as exc:
            logger.warning("payments: could not start %s: %s", attempt.reference, exc)
            raise PaymentError(_("Cổng thanh toán chưa sẵn sàng. Hãy thử lại sau ít phút.")) from exc
        PaymentAttempt.objects.filter(pk=attempt.pk, status=AttemptStatus.CREATED).update(
            status=AttemptStatus.STARTED, updated_at=timezone.now()
        )
        attempt.status = AttemptStatus.STARTED
        PaymentEvent.objects.create(
            attempt=attempt,
            kind=EventKind.START,
            gateway=plugin.name,
            params={k: v for k, v in started.sent.items() if k != "vnp_SecureHash"},
            dedupe_key=f"start:{attempt.reference}",
            outcome=EventOutcome.APPLIED,
            from_status=AttemptStatus.CREATED,
            to_status=AttemptStatus.STARTED,
            created_at=now,
        )
    return StartOutcome(attempt=attempt, redirect_url=started.url)


# --- messages from the gateway ---------------------------------------------------------------------


def _log_rejected(
    *,
    plugin_name: str,
    kind: str,
    result: GatewayResult | None,
    params: dict,
    outcome: str,
    attempt=None,
    detail: str = "",
    answer: str = "",
) -> None:
    """A rejected message changes nothing but is kept (its own transaction, a fresh key)."""
    try:
        with transaction.atomic():
            PaymentEvent.objects.create(
                attempt=attempt,
                kind=kind,
                gateway=plugin_name,
                params={str(k)[:60]: str(v)[:500] for k, v in list(params.items())[:60]},
                signature_valid=result.signature_valid if result is not None else None,
                dedupe_key=f"rejected:{uuid.uuid4().hex}",
                outcome=outcome,
                answer=answer,
                detail=detail[:300],
            )
    except Exception:  # never let logging turn an answer into a 500
        logger.exception("payments: could not log a rejected %s", kind)


_OUTCOME_EVENT = {
    NoticeOutcome.BAD_SIGNATURE: EventOutcome.BAD_SIGNATURE,
    NoticeOutcome.UNKNOWN_ORDER: EventOutcome.UNKNOWN_ORDER,
    NoticeOutcome.WRONG_AMOUNT: EventOutcome.WRONG_AMOUNT,
    NoticeOutcome.MALFORMED: EventOutcome.MALFORMED,
}
_ANSWER_CODE = {
    NoticeOutcome.BAD_SIGNATURE: "97",
    NoticeOutcome.UNKNOWN_ORDER: "01",
    NoticeOutcome.WRONG_AMOUNT: "04",
    NoticeOutcome.ALREADY_FINAL: "02",
    NoticeOutcome.MALFORMED: "99",
}


def notification_handle(
    *, gateway_name: str, params: dict[str, str], now: datetime | None = None
) -> NotificationAnswer:
    """Verify and apply one server-to-server notice (IPN); return the answer the gateway expects.

    Checks, in the protocol's order: signature (97), known order (01), amount against the
    attempt's own amount (04), already settled (02); otherwise the outcome is recorded and 00 is
    answered whether the payment succeeded or failed. Every rejected notice is logged as an event.
    """
    plugin = gateway(gateway_name)

    def apply(result: GatewayResult) -> str:
        return _apply_gateway_result(
            plugin.name,
            result,
            params,
            kind=EventKind.NOTIFICATION,
            dedupe_key=plugin.dedupe_key(params),
            now=now,
        )

    _result, answer = plugin.handle_notification(params, apply=apply)
    return answer


def _apply_gateway_result(
    plugin_name: str, result: GatewayResult, params: dict, *, kind: str, dedupe_key: str, now: datetime | None
) -> str:
    if result.problem == NoticeOutcome.BAD_SIGNATURE:
        # Kept beside the attempt it names (so the desk shows forgeries), never applied to it.
        named = (
            PaymentAttempt.objects.filter(reference=str(result.reference)[:40]).first()
            if result.reference
            else None
        )
        _log_rejected(
            plugin_name=plugin_name,
            kind=kind,
            result=result,
            params=params,
            outcome=EventOutcome.BAD_SIGNATURE,
            answer="97",
            attempt=named,
        )
        return NoticeOutcome.BAD_SIGNATURE
    attempt = (
        PaymentAttempt.objects.filter(reference=result.reference, gateway=plugin_name).first()
        if result.reference
        else None
    )
    if attempt is None or result.problem == NoticeOutcome.UNKNOWN_ORDER:
        _log_rejected(
            plugin_name=plugin_name,
            kind=kind,
            result=result,
            params=params,
            outcome=EventOutcome.UNKNOWN_ORDER,
            answer="01",
        )
        return NoticeOutcome.UNKNOWN_ORDER
    if result.problem == NoticeOutcome.WRONG_AMOUNT or result.amount != attempt.amount:
        _log_rejected(
            plugin_name=plugin_name,
            kind=kind,
            result=result,
            params=params,
            outcome=EventOutcome.WRONG_AMOUNT,
            attempt=attempt,
            answer="04",
            detail=f"expected {attempt.amount}, got {result.amount}",
        )
        return NoticeOutcome.WRONG_AMOUNT
    if result.problem == NoticeOutcome.MALFORMED:
        _log_rejected(
            plugin_name=plugin_name,
            kind=kind,
            result=result,
            params=params,
            outcome=EventOutcome.MALFORMED,
            attempt=attempt,
            answer="99",
        )
        return NoticeOutcome.MALFORMED
    outcome = payment_result_apply(
        attempt_id=attempt.pk, result=result, kind=kind, dedupe_key=dedupe_key, now=now
    )
    accepted = outcome in (EventOutcome.APPLIED, EventOutcome.CORRECTED, EventOutcome.NO_CHANGE)
    if kind == EventKind.NOTIFICATION and outcome != EventOutcome.DUPLICATE:
        # The log keeps what the gateway was told, for applied notices as for rejected ones
        # (a replay of a stored notice is not stored again, so its row keeps the first answer).
        PaymentEvent.objects.filter(dedupe_key=dedupe_key[:120], answer="").update(
            answer="00" if accepted else "02"
        )
    return NoticeOutcome.APPLIED if accepted else NoticeOutcome.ALREADY_FINAL


def payment_result_apply(
    *, attempt_id: int, result: GatewayResult, kind: str, dedupe_key: str, now: datetime | None = None
) -> str:
    """Apply a verified gateway result to an attempt, once. Returns an EventOutcome.

    One transaction: the event row (its dedupe key is unique: an identical message that raced this
    one fails here and changes nothing), the attempt row locked, one conditional UPDATE from the
    current status (allowed by the table), and on success the settlement. ``failed``/``expired``
    followed by a verified success is applied and recorded as a correction.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    event = PaymentEvent.objects.create(
                        attempt_id=attempt_id,
                        kind=kind,
                        gateway="",
                        params=result.raw,
                        signature_valid=result.signature_valid,
                        dedupe_key=dedupe_key[:120],
                        outcome=EventOutcome.NO_CHANGE,
                        created_at=now,
                    )
            except IntegrityError:
                return EventOutcome.DUPLICATE
            attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
            event.gateway = attempt.gateway
            event.from_status = attempt.status
            current, new = attempt.status, result.status
            if new == AttemptStatus.SUBMITTED or new == current:
                event.outcome = (
                    EventOutcome.NO_CHANGE if current not in FINAL_STATUSES else EventOutcome.ALREADY_FINAL
                )
                if new == AttemptStatus.SUBMITTED and current in (
                    AttemptStatus.CREATED,
                    AttemptStatus.STARTED,
                ):
                    PaymentAttempt.objects.filter(pk=attempt.pk, status=current).update(
                        status=new, updated_at=now
                    )
                    event.to_status = new
                event.save(update_fields=["gateway", "from_status", "to_status", "outcome"])
                return event.outcome
            if (
                current in FINAL_STATUSES
                or (current in CORRECTABLE_STATUSES and new != AttemptStatus.SUCCESS)
                or not can_transition(current, new)
            ):
                event.outcome = EventOutcome.ALREADY_FINAL
                event.to_status = current
                event.save(update_fields=["gateway", "from_status", "to_status", "outcome"])
                return event.outcome
            correction = current in CORRECTABLE_STATUSES
            fields = {
                "status": new,
                "response_code": result.response_code,
                "transaction_status": result.transaction_status,
                "bank_code": result.bank_code or attempt.bank_code,
                "bank_transaction_no": result.bank_transaction_no or attempt.bank_transaction_no,
                "card_type": result.card_type or attempt.card_type,
                "finished_at": now,
                "is_correction": correction,
                "updated_at": now,
            }
            if result.provider_payment_id:
                fields["provider_payment_id"] = result.provider_payment_id
            if result.paid_at:
                fields["paid_at"] = result.paid_at
            changed = PaymentAttempt.objects.filter(pk=attempt.pk, status=current).update(**fields)
            if not changed:  # cannot happen under the lock; never apply twice anyway
                event.outcome = EventOutcome.ALREADY_FINAL
                event.save(update_fields=["gateway", "from_status", "outcome"])
                return event.outcome
            event.to_status = new
            event.outcome = EventOutcome.CORRECTED if correction else EventOutcome.APPLIED
            if correction:
                event.detail = f"correction: {current} → {new}"
            event.save(update_fields=["gateway", "from_status", "to_status", "outcome", "detail"])
            if new == AttemptStatus.SUCCESS:
                attempt.refresh_from_db()
                _settle(attempt, now=now)
            return event.outcome
    except IntegrityError:
        # A concurrent identical message won the unique key at commit time (SQLite): nothing was applied here.
        return EventOutcome.DUPLICATE


def _settle(attempt: PaymentAttempt, *, now: datetime) -> None:
    """A success: the first one settles the fee request (receipt, notification, dossier moves on as
    the system); any later one (double payment, or a request no longer open) is refunded in full."""
    fee_request = (
        FeeRequest.objects.select_for_update(of=("self",))
        .select_related("dossier")
        .get(pk=attempt.fee_request_id)
    )
    if fee_request.paid_attempt_id is not None or fee_request.status != FeeRequestStatus.OPEN:
        if attempt.method == PaymentMethod.ONLINE:
            refund_create(
                attempt_id=attempt.pk,
                amount=attempt.amount,
                reason=RefundReason.DUPLICATE,
                now=now,
                note=_("Khoản này đã được nộp trước đó; số tiền nộp thêm được hoàn lại."),
            )
        return
    fee_request.status = FeeRequestStatus.PAID
    fee_request.paid_attempt = attempt
    fee_request.paid_at = now
    fee_request.save(update_fields=["status", "paid_attempt", "paid_at"])
    receipt = receipt_issue(fee_request=fee_request, attempt=attempt, now=now)
    dossier = fee_request.dossier
    from . import notifications_link

    moved = False
    if fee_request.moment == FeeMoment.REQUESTED and dossier.status == dossier_link.STATUS_PAYMENT_REQUESTED:
        recorded_by = attempt.payer if attempt.method != PaymentMethod.ONLINE else None
        try:
            with transaction.atomic():
                dossier_link.transition(
                    dossier_id=dossier.pk,
                    name="payment_received",
                    user=recorded_by,
                    gateway=attempt.gateway or "counter",
                    # The gateway acts on the dossier as it is now; so does the officer's record
                    # of a counter payment, which was made on the fee request, not on a page of it.
                    expected_version=None
                    if recorded_by is None
                    else dossier_link.current_version(dossier.pk),
                    now=now,
                    data={
                        "fee_request": fee_request.pk,
                        "attempt": attempt.reference,
                        "amount": attempt.amount,
                        "receipt": receipt.display_number,
                    },
                    notify_extra=notifications_link.amount_context(attempt.amount, receipt),
                )
            moved = True  # the workflow's own "payment_received" message tells the citizen
        except dossier_link.TransitionRefused as exc:
            logger.warning(
                "payments: dossier %s not moved after payment %s: %s", dossier.code, attempt.reference, exc
            )
    if not moved:
        notifications_link.fee_paid(fee_request=fee_request, receipt=receipt)
    transaction.on_commit(lambda: enqueue("payments.render_receipt", receipt.pk))


def receipt_issue(*, fee_request: FeeRequest, attempt: PaymentAttempt, now: datetime) -> Receipt:
    """The next receipt of the agency for the year (counter row locked until commit: no gaps)."""
    dossier = fee_request.dossier
    agency_id = dossier.agency_id
    year = timezone.localtime(now).year
    try:
        with transaction.atomic():
            ReceiptSequence.objects.get_or_create(agency_id=agency_id, year=year)
    except IntegrityError:
        pass
    sequence = ReceiptSequence.objects.select_for_update().get(agency_id=agency_id, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return Receipt.objects.create(
        fee_request=fee_request,
        attempt=attempt,
        agency_id=agency_id,
        year=year,
        number=sequence.last,
        series=f"BL-{year}",
        payer_name=dossier.applicant.full_name or dossier.applicant.get_username(),
        amount=attempt.amount,
        items=[
            {
                "label": i.label,
                "kind": i.kind,
                "quantity": i.quantity,
                "unit_amount": i.unit_amount,
                "amount": i.amount,
            }
            for i in fee_request.items.all()
        ],
        issued_at=now,
    )


def receipt_render(*, receipt_id: int) -> Receipt:
    """Render and store the receipt PDF (idempotent: does nothing when the file exists)."""
    from django.core.files.base import ContentFile

    from .documents import receipt_pdf

    receipt = Receipt.objects.select_related("agency", "fee_request__dossier__procedure", "attempt").get(
        pk=receipt_id
    )
    if receipt.pdf:
        return receipt
    receipt.pdf.save(f"{receipt.token}.pdf", ContentFile(receipt_pdf(receipt)), save=False)
    Receipt.objects.filter(pk=receipt.pk, pdf="").update(pdf=receipt.pdf.name)
    return receipt


# --- the return page -----------------------------------------------------------------------------


def return_record(
    *, gateway_name: str, params: dict[str, str]
) -> tuple[PaymentAttempt | None, GatewayResult]:
    """What the browser brought back: logged, shown, **never applied**."""
    plugin = gateway(gateway_name)
    result = plugin.handle_return(params)
    attempt = (
        PaymentAttempt.objects.filter(reference=result.reference, gateway=plugin.name).first()
        if result.reference
        else None
    )
    try:
        with transaction.atomic():
            PaymentEvent.objects.create(
                attempt=attempt if result.signature_valid else None,
                kind=EventKind.RETURN,
                gateway=plugin.name,
                params={str(k)[:60]: str(v)[:500] for k, v in list(params.items())[:60]},
                signature_valid=result.signature_valid,
                dedupe_key=f"return:{uuid.uuid4().hex}",
                outcome=EventOutcome.DISPLAY_ONLY if result.signature_valid else EventOutcome.BAD_SIGNATURE,
            )
    except Exception:
        logger.exception("payments: could not log a return")
    return (attempt if result.signature_valid else None), result


# --- reconciliation ------------------------------------------------------------------------------


def attempt_reconcile(*, attempt_id: int, now: datetime | None = None, expire_unseen: bool = False) -> str:
    """Ask the gateway about one attempt (querydr) and apply its verified answer. Returns an EventOutcome
    (``no_change`` when the gateway could not be asked). An attempt the gateway never saw (91) is
    expired when ``expire_unseen`` or once past its expiry; one still open there past its expiry too."""
    now = now or timezone.now()
    attempt = PaymentAttempt.objects.get(pk=attempt_id)
    if attempt.method != PaymentMethod.ONLINE or attempt.status in FINAL_STATUSES:
        return EventOutcome.ALREADY_FINAL
    plugin = gateway(attempt.gateway)
    try:
        result = plugin.query(attempt)
    except GatewayError as exc:
        logger.warning("payments: querydr %s failed: %s", attempt.reference, exc)
        return EventOutcome.NO_CHANGE
    PaymentAttempt.objects.filter(pk=attempt.pk).update(last_queried_at=now)
    if result.reference and result.reference != attempt.reference:
        return EventOutcome.NO_CHANGE
    if result.status == AttemptStatus.SUBMITTED:
        unseen = result.response_code == "91"
        past = attempt.expires_at is not None and now > attempt.expires_at + timedelta(minutes=5)
        if attempt.status in PENDING_STATUSES and ((unseen and expire_unseen) or past):
            result = GatewayResult(
                reference=attempt.reference,
                status=AttemptStatus.EXPIRED,
                response_code=result.response_code,
                raw=result.raw,
            )
        else:
            return EventOutcome.NO_CHANGE
    if result.amount is not None and result.amount != attempt.amount:
        _log_rejected(
            plugin_name=plugin.name,
            kind=EventKind.QUERY,
            result=result,
            params=result.raw,
            outcome=EventOutcome.WRONG_AMOUNT,
            attempt=attempt,
        )
        return EventOutcome.WRONG_AMOUNT
    key = (
        f"query:{attempt.reference}:{result.status}:{result.transaction_status}:{result.provider_payment_id}"
    )
    return payment_result_apply(
        attempt_id=attempt.pk, result=result, kind=EventKind.QUERY, dedupe_key=key, now=now
    )


def reconcile(*, now: datetime | None = None, older_than: timedelta | None = None) -> dict[str, int]:
    """Run on beat: query attempts left pending (and recently failed/expired ones, which a late
    success may correct), re-drive refunds and receipts left undone (broker down at commit)."""
    now = now or timezone.now()
    older_than = (
        older_than if older_than is not None else timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS)
    )
    counts = {"queried": 0, "changed": 0, "refunds": 0, "receipts": 0}
    stale = PaymentAttempt.objects.filter(
        method=PaymentMethod.ONLINE, status__in=PENDING_STATUSES, created_at__lte=now - older_than
    ).order_by("created_at")[:200]
    recent_failures = PaymentAttempt.objects.filter(
        method=PaymentMethod.ONLINE,
        status__in=CORRECTABLE_STATUSES,
        finished_at__gte=now - timedelta(days=1),
        created_at__lte=now - older_than,
    ).exclude(last_queried_at__gte=now - timedelta(minutes=30))[:100]
    for attempt in [*stale, *recent_failures]:
        counts["queried"] += 1
        if attempt_reconcile(attempt_id=attempt.pk, now=now) in (
            EventOutcome.APPLIED,
            EventOutcome.CORRECTED,
        ):
            counts["changed"] += 1
    for refund in Refund.objects.filter(
        status__in=REFUND_PENDING, created_at__lte=now - timedelta(minutes=1)
    )[:100]:
        counts["refunds"] += 1
        refund_submit(refund_id=refund.pk, now=now)
    for receipt_id in Receipt.objects.filter(pdf="", issued_at__lte=now - timedelta(minutes=2)).values_list(
        "id", flat=True
    )[:100]:
        counts["receipts"] += 1
        enqueue("payments.render_receipt", receipt_id)
    return counts


# --- refunds -------------------------------------------------------------------------------------


def refundable_amount(attempt: PaymentAttempt) -> int:
    taken = attempt.refunds.exclude(status=RefundStatus.FAILED).aggregate(total=Sum("amount"))["total"] or 0
    return attempt.amount - taken


def refund_create(
    *,
    attempt_id: int,
    amount: int,
    reason: str,
    note: str = "",
    actor=None,
    now: datetime | None = None,
) -> Refund:
    """Ask for money back from a successful online attempt. The attempt row is locked, so two
    concurrent partial refunds never exceed what remains. The gateway call happens after commit.
    Side effects: a Refund (requested), an event, the dossier's audit log when an officer asked."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            PaymentAttempt.objects.select_for_update(of=("self",))
            .select_related("fee_request__dossier")
            .get(pk=attempt_id)
        )
        if attempt.status != AttemptStatus.SUCCESS or attempt.method != PaymentMethod.ONLINE:
            raise PaymentError(_("Chỉ hoàn được giao dịch trực tuyến đã thành công."))
        remaining = refundable_amount(attempt)
        amount = int(amount)
        if amount < 1 or amount > remaining:
            raise PaymentError(
                _("Số tiền hoàn phải từ 1 đến %(remaining)s đồng (số còn có thể hoàn).")
                % {"remaining": format_vnd(remaining)}
            )
        refund = Refund.objects.create(
            attempt=attempt,
            reference=f"R{timezone.localtime(now):%y%m%d}{secrets.token_hex(6).upper()}",
            amount=amount,
            reason=reason,
            note=nfc(note)[:2000],
            requested_by=actor,
            created_at=now,
        )
        PaymentEvent.objects.create(
            attempt=attempt,
            refund=refund,
            kind=EventKind.REFUND,
            gateway=attempt.gateway,
            params={"amount": amount, "reason": reason},
            dedupe_key=f"refund-request:{refund.reference}",
            outcome=EventOutcome.APPLIED,
            to_status=RefundStatus.REQUESTED,
            actor=actor,
            created_at=now,
        )
        if actor is not None:
            dossier_link.audit(
                user=actor,
                dossier=attempt.fee_request.dossier,
                what="payment:refund",
                detail=f"{refund.reference} {amount} {attempt.reference}",
            )
        transaction.on_commit(lambda: enqueue("payments.submit_refund", refund.pk))
    return refund


def refund_submit(*, refund_id: int, now: datetime | None = None) -> str:
    """Send a refund to the gateway (outside any lock), then apply its answer once.
    Re-sending a submitted refund uses the same request id: the gateway deduplicates it."""
    now = now or timezone.now()
    refund = Refund.objects.select_related("attempt", "requested_by").get(pk=refund_id)
    if refund.status not in REFUND_PENDING:
        return refund.status
    Refund.objects.filter(pk=refund.pk, status=RefundStatus.REQUESTED).update(
        status=RefundStatus.SUBMITTED, submitted_at=now
    )
    plugin = gateway(refund.attempt.gateway)
    try:
        if refund.response_code in ("00", "94") and hasattr(plugin, "refund_status"):
            result = plugin.refund_status(refund)  # already accepted: ask where it stands
        else:
            result = plugin.refund(refund)
    except GatewayError as exc:
        logger.warning("payments: refund %s not answered: %s", refund.reference, exc)
        return RefundStatus.SUBMITTED
    refund_result_apply(
        refund_id=refund.pk,
        status=result.status,
        response_code=result.response_code,
        provider_refund_id=result.provider_refund_id,
        raw=result.raw,
        now=now,
    )
    return result.status


def refund_result_apply(
    *,
    refund_id: int,
    status: str,
    response_code: str = "",
    provider_refund_id: str = "",
    raw: dict | None = None,
    now: datetime | None = None,
) -> bool:
    """Apply a refund answer once (a late or repeated answer finds the refund final and changes
    nothing). Returns whether the refund changed. On success the citizen is told."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("attempt__fee_request__dossier__applicant")
            .get(pk=refund_id)
        )
        if refund.status not in REFUND_PENDING:
            return False
        fields: dict = {"response_code": response_code or refund.response_code}
        if provider_refund_id:
            fields["provider_refund_id"] = provider_refund_id
        final = status in (RefundStatus.SUCCESS, RefundStatus.FAILED)
        if final:
            fields.update(status=status, finished_at=now)
        changed = Refund.objects.filter(pk=refund.pk, status=refund.status).update(**fields)
        PaymentEvent.objects.create(
            attempt=refund.attempt,
            refund=refund,
            kind=EventKind.REFUND,
            gateway=refund.attempt.gateway,
            params=raw or {},
            signature_valid=True if raw else None,
            dedupe_key=f"refund-answer:{refund.reference}:{uuid.uuid4().hex[:12]}",
            outcome=EventOutcome.APPLIED if final else EventOutcome.NO_CHANGE,
            answer=response_code[:4],
            from_status=refund.status,
            to_status=status if final else refund.status,
            created_at=now,
        )
        if changed and status == RefundStatus.SUCCESS:
            from . import notifications_link

            refund.refresh_from_db()
            notifications_link.refund_made(refund=refund)
        return bool(changed and final)


# --- payments recorded by an officer ----------------------------------------------------------------


def payment_record_offline(
    *,
    fee_request_id: int,
    actor,
    method: str,
    receipt_number: str,
    now: datetime | None = None,
) -> PaymentAttempt:
    """An officer records a payment made at the counter or by bank transfer, with its receipt number.
    Audited; settles the fee request like an online success (receipt, notification, dossier moves on)."""
    now = now or timezone.now()
    if method not in (PaymentMethod.COUNTER, PaymentMethod.BANK_TRANSFER):
        raise PaymentError(_("Chọn nộp tại quầy hoặc chuyển khoản."))
    receipt_number = nfc(receipt_number).strip()[:60]
    if not receipt_number:
        raise PaymentError(_("Ghi số biên lai thu hoặc mã giao dịch chuyển khoản."))
    with transaction.atomic():
        fee_request = (
            FeeRequest.objects.select_for_update(of=("self",))
            .select_related("dossier")
            .get(pk=fee_request_id)
        )
        if "officer" not in dossier_link.staff_roles(actor, fee_request.dossier):
            raise PaymentError(_("Vai trò của bạn tại cơ quan này không được ghi nhận nộp tiền."))
        if fee_request.status != FeeRequestStatus.OPEN:
            raise PaymentError(_("Khoản thu này đã được nộp hoặc đã hủy."))
        if fee_request.attempts.filter(status__in=PENDING_STATUSES).exists():
            raise PaymentError(
                _("Người nộp đang thanh toán trực tuyến; hãy chờ kết quả để tránh thu hai lần.")
            )
        attempt = PaymentAttempt.objects.create(
            fee_request=fee_request,
            reference=new_reference(now),
            amount=fee_request.amount,
            method=method,
            gateway="",
            status=AttemptStatus.SUCCESS,
            external_receipt_number=receipt_number,
            payer=actor,
            created_at=now,
            finished_at=now,
            paid_at=now,
        )
        PaymentEvent.objects.create(
            attempt=attempt,
            kind=EventKind.OFFICER,
            params={"method": method, "receipt_number": receipt_number},
            dedupe_key=f"officer:{attempt.reference}",
            outcome=EventOutcome.APPLIED,
            to_status=AttemptStatus.SUCCESS,
            actor=actor,
            created_at=now,
        )
        dossier_link.audit(
            user=actor,
            dossier=fee_request.dossier,
            what=f"payment:{method}",
            detail=f"{receipt_number} · {fee_request.amount}",
        )
        _settle(attempt, now=now)
    return attempt


# --- automatic refunds when a paid dossier ends -------------------------------------------------------


def refund_paid_dossier(*, dossier, reason: str, now: datetime | None = None) -> list[Refund]:
    """A paid dossier refused, withdrawn or stopped: refund what remains of every online payment;
    open fee requests are cancelled. Runs inside the workflow's transaction (extensions.on_transition)."""
    refunds = []
    FeeRequest.objects.filter(dossier=dossier, status=FeeRequestStatus.OPEN).update(
        status=FeeRequestStatus.CANCELLED
    )
    for attempt in PaymentAttempt.objects.filter(
        fee_request__dossier=dossier, status=AttemptStatus.SUCCESS, method=PaymentMethod.ONLINE
    ):
        remaining = refundable_amount(attempt)
        if remaining > 0:
            refunds.append(refund_create(attempt_id=attempt.pk, amount=remaining, reason=reason, now=now))
    return refunds
