"""Citizen pages and the gateway's callbacks. Thin views: selectors read, services write."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from core import jobs, ratelimit
from core.links import absolute_url

from . import selectors, services
from .constants import PENDING_STATUSES, RESPONSE_CODES, AttemptStatus
from .gateways import registry
from .words import amount_in_words, format_vnd

logger = logging.getLogger(__name__)


@login_required
@require_POST
def pay(request: HttpRequest, fee_request_id: int) -> HttpResponse:
    """ "Thanh toán trực tuyến": start an attempt and send the browser to the gateway."""
    return _pay(request, fee_request_id)


def _pay(request: HttpRequest, fee_request_id: int) -> HttpResponse:
    fee_request = selectors.fee_request_get_for_citizen(user=request.user, fee_request_id=fee_request_id)
    dossier = fee_request.dossier
    try:
        started = services.payment_start(
            fee_request_id=fee_request.pk,
            user=request.user,
            return_url=absolute_url("payments:return", registry.chosen()),
            ip_address=ratelimit.client_ip(request),
            locale=get_language() or "vi",
        )
    except services.PaymentError as exc:
        messages.error(request, str(exc))
        return redirect("dossiers:detail", code=dossier.code)
    return HttpResponseRedirect(started.redirect_url)


@login_required
@require_POST
def pay_dossier(request: HttpRequest, code: str) -> HttpResponse:
    """The dossier page's "Thanh toán trực tuyến": the open fee request, or the fee of the online
    channel owed at submission (its fee request is created here, once)."""
    from dossiers.selectors import dossier_get_for_user

    from .panels import SUBMISSION_PAYABLE

    dossier = dossier_get_for_user(user=request.user, code=code)
    fee_request = selectors.open_fee_request(dossier)
    if fee_request is None and dossier.status in SUBMISSION_PAYABLE:
        fee_request = services.fee_request_for_submission(dossier=dossier)
    if fee_request is None or fee_request.status != "open":
        messages.info(request, _("Hồ sơ này không có khoản nào cần thanh toán."))
        return redirect("dossiers:detail", code=dossier.code)
    return _pay(request, fee_request.pk)


def _outcome_text(attempt) -> tuple[str, str]:
    """(alert kind, plain words) for an attempt as we know it (never from the browser's parameters)."""
    if attempt is None:
        return "warning", _(
            "Chúng tôi không xác thực được thông tin trả về. Trạng thái thanh toán trên trang hồ sơ là trạng thái đúng."
        )
    status = attempt.status
    if status == AttemptStatus.SUCCESS:
        return "success", _("Thanh toán thành công. Biên lai điện tử đã được lập; bạn có thể tải về ngay.")
    if status in PENDING_STATUSES:
        return "info", _("Đang xác nhận với ngân hàng… Trang này tự cập nhật, bạn không cần thanh toán lại.")
    if status == AttemptStatus.CANCELLED:
        return "warning", _(
            "Bạn đã hủy giao dịch. Chưa có khoản tiền nào bị trừ. Bạn có thể thanh toán lại khi sẵn sàng."
        )
    if status == AttemptStatus.EXPIRED:
        return "warning", _(
            "Giao dịch đã hết thời gian chờ. Chưa có khoản tiền nào bị trừ; hãy thanh toán lại."
        )
    if attempt.response_code == "51":
        return "error", _(
            "Tài khoản không đủ số dư. Chưa có khoản tiền nào bị trừ; bạn có thể thanh toán bằng tài khoản khác."
        )
    if attempt.response_code == "07":
        return "warning", _(
            "Ngân hàng đã trừ tiền nhưng giao dịch đang được kiểm tra. Đừng thanh toán lại: khi ngân hàng xác nhận, hồ sơ tự cập nhật; nếu không, tiền được hoàn lại."
        )
    return "error", _("Thanh toán không thành công. Chưa có khoản tiền nào bị trừ; bạn có thể thử lại.")


def _status_context(request, attempt) -> dict:
    kind, text = _outcome_text(attempt)
    receipt = (
        getattr(attempt, "receipt", None) if attempt and attempt.status == AttemptStatus.SUCCESS else None
    )
    return {
        "attempt": attempt,
        "kind": kind,
        "text": text,
        "pending": bool(attempt and attempt.status in PENDING_STATUSES),
        "receipt": receipt,
        "dossier": attempt.fee_request.dossier if attempt else None,
        "amount": format_vnd(attempt.amount) if attempt else "",
    }


@never_cache
@login_required
@require_safe
def payment_return(request: HttpRequest, gateway_name: str) -> HttpResponse:
    """Where the gateway sends the browser back. Shows what we know; the parameters change nothing."""
    if gateway_name not in registry.paths():
        raise Http404("no such gateway")
    attempt, result = services.return_record(gateway_name=gateway_name, params=dict(request.GET.items()))
    if attempt is not None:
        try:
            attempt = selectors.attempt_get_for_citizen(user=request.user, reference=attempt.reference)
        except Http404:
            attempt = None
    bank_says = ""
    if attempt is not None and result.signature_valid and result.response_code:
        bank_says = str(RESPONSE_CODES.get(result.response_code, RESPONSE_CODES["99"]))
    return render(
        request,
        "payments/return.html",
        {**_status_context(request, attempt), "bank_says": bank_says},
    )


@never_cache
@login_required
@require_safe
def attempt_status(request: HttpRequest, reference: str) -> HttpResponse:
    """The htmx fragment the return page polls. Once the notice is late, it asks the gateway itself."""
    attempt = selectors.attempt_get_for_citizen(user=request.user, reference=reference)
    if attempt.status in PENDING_STATUSES:
        now = timezone.now()
        late = (now - attempt.created_at).total_seconds() >= settings.PAYMENT_RETURN_QUERY_AFTER_SECONDS
        recently = attempt.last_queried_at and (now - attempt.last_queried_at).total_seconds() < 10
        if (
            late
            and not recently
            and ratelimit.hit("pay-query", attempt.reference, limit=6, window_seconds=60)
        ):
            services.attempt_reconcile(attempt_id=attempt.pk)
            attempt = selectors.attempt_get_for_citizen(user=request.user, reference=reference)
    return render(request, "payments/_status.html", _status_context(request, attempt))


@login_required
@require_safe
def receipt_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The e-receipt, to the payer only (another person's is a 404). Rendered by a task after the
    payment commits and served from storage, never rendered here: while it is being made, a page
    says so and updates itself (``?status=1`` is its htmx fragment)."""
    receipt = selectors.receipt_get_for_citizen(user=request.user, token=token)
    polling = request.GET.get("status") == "1"
    if not receipt.pdf and not polling:
        jobs.enqueue("payments.render_receipt", receipt.pk)  # in-process tasks (make run) make it right here
        receipt.refresh_from_db(fields=["pdf"])
    if polling or not receipt.pdf:
        template = "payments/_receipt_status.html" if polling else "payments/receipt_pending.html"
        ready = bool(receipt.pdf)
        return render(request, template, {"receipt": receipt, "ready": ready}, status=200 if ready else 202)
    try:
        handle = receipt.pdf.open("rb")
    except OSError as exc:
        raise Http404("receipt file missing") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"bien-lai-{receipt.series}-{receipt.number:07d}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def receipt_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public (the receipt's QR code): is this receipt genuine? A masked name, no other personal data."""
    if not ratelimit.hit("receipt-verify", ratelimit.client_ip(request), limit=60, window_seconds=600):
        return render(request, "payments/verify.html", {"limited": True}, status=429)
    receipt = selectors.receipt_for_public_check(token=token[:60])
    context = {"receipt": receipt, "limited": False}
    if receipt is not None:
        context.update(
            masked_name=selectors.mask_name(receipt.payer_name),
            amount=format_vnd(receipt.amount),
            amount_words=amount_in_words(receipt.amount),
        )
    return render(request, "payments/verify.html", context, status=200 if receipt else 404)


@csrf_exempt
@never_cache
@require_safe
def ipn(request: HttpRequest, gateway_name: str) -> JsonResponse:
    """The gateway's server-to-server notice (VNPAY IPN: HTTP GET). Always the protocol's answer."""
    if gateway_name not in registry.paths():
        raise Http404("no such gateway")
    answer = services.notification_handle(gateway_name=gateway_name, params=dict(request.GET.items()))
    return JsonResponse(answer.body, status=answer.status)
