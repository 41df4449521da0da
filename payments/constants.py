"""Statuses and their rules, readable at a glance (GOV.UK Pay's public states, Open Forms' attempts).

A status change anywhere else than through ``can_transition`` is a bug. ``failed`` and ``expired``
are *not* final: a gateway may later report a captured payment (VNPAY code 07, a late IPN, a
reconciliation query), and that verified success is applied and recorded as a correction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttemptStatus(models.TextChoices):
    CREATED = "created", _("Mới tạo")
    STARTED = "started", _("Đang chuyển sang cổng thanh toán")
    SUBMITTED = "submitted", _("Chờ cổng thanh toán xác nhận")
    SUCCESS = "success", _("Thành công")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Người nộp đã hủy")
    ERROR = "error", _("Lỗi")
    EXPIRED = "expired", _("Hết hạn")


# Not finished: the person may still be paying, or the gateway has not told us yet.
PENDING_STATUSES = frozenset({AttemptStatus.CREATED, AttemptStatus.STARTED, AttemptStatus.SUBMITTED})
# Final: nothing moves the attempt any more (a notice for it is answered "02 already confirmed").
FINAL_STATUSES = frozenset({AttemptStatus.SUCCESS, AttemptStatus.CANCELLED, AttemptStatus.ERROR})
# Finished but a verified success may still correct them.
CORRECTABLE_STATUSES = frozenset({AttemptStatus.FAILED, AttemptStatus.EXPIRED})

# The one table of allowed transitions of a payment attempt.
TRANSITIONS: dict[str, frozenset[str]] = {
    AttemptStatus.CREATED: frozenset(
        {
            AttemptStatus.STARTED,
            AttemptStatus.SUBMITTED,
            AttemptStatus.SUCCESS,
            AttemptStatus.FAILED,
            AttemptStatus.CANCELLED,
            AttemptStatus.ERROR,
            AttemptStatus.EXPIRED,
        }
    ),
    AttemptStatus.STARTED: frozenset(
        {
            AttemptStatus.SUBMITTED,
            AttemptStatus.SUCCESS,
            AttemptStatus.FAILED,
            AttemptStatus.CANCELLED,
            AttemptStatus.ERROR,
            AttemptStatus.EXPIRED,
        }
    ),
    AttemptStatus.SUBMITTED: frozenset(
        {
            AttemptStatus.SUCCESS,
            AttemptStatus.FAILED,
            AttemptStatus.CANCELLED,
            AttemptStatus.ERROR,
            AttemptStatus.EXPIRED,
        }
    ),
    # A later verified success corrects a failure or an expiry (recorded as a correction).
    AttemptStatus.FAILED: frozenset({AttemptStatus.SUCCESS}),
    AttemptStatus.EXPIRED: frozenset({AttemptStatus.SUCCESS}),
    AttemptStatus.SUCCESS: frozenset(),
    AttemptStatus.CANCELLED: frozenset(),
    AttemptStatus.ERROR: frozenset(),
}


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def sources_of(new: str) -> list[str]:
    """Every status from which ``new`` may be reached (for one conditional UPDATE ... WHERE status IN)."""
    return sorted(status for status, targets in TRANSITIONS.items() if new in targets)


class FeeRequestStatus(models.TextChoices):
    OPEN = "open", _("Chờ nộp")
    PAID = "paid", _("Đã nộp")
    CANCELLED = "cancelled", _("Đã hủy")


@dataclass(frozen=True)
class ItemInput:
    """One line a caller asks a fee request to charge (checked and priced by ``services``)."""

    label: str
    kind: str
    unit_amount: int
    quantity: int = 1


class LegalKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class FeeMoment(models.TextChoices):
    SUBMISSION = "submission", _("Khi nộp hồ sơ")
    REQUESTED = "requested", _("Theo yêu cầu của cơ quan")


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Trực tuyến qua cổng thanh toán")
    COUNTER = "counter", _("Tại Bộ phận Một cửa")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản ngân hàng")


class EventKind(models.TextChoices):
    NOTIFICATION = "notification", _("Thông báo từ cổng (IPN)")
    RETURN = "return", _("Trình duyệt quay về")
    QUERY = "query", _("Tra cứu giao dịch (querydr)")
    REFUND = "refund", _("Hoàn tiền")
    START = "start", _("Bắt đầu thanh toán")
    CORRECTION = "correction", _("Điều chỉnh theo cổng thanh toán")
    OFFICER = "officer", _("Cán bộ ghi nhận")


class EventOutcome(models.TextChoices):
    APPLIED = "applied", _("Đã áp dụng")
    CORRECTED = "corrected", _("Đã điều chỉnh")
    DUPLICATE = "duplicate", _("Trùng, bỏ qua")
    ALREADY_FINAL = "already_final", _("Giao dịch đã kết thúc")
    BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
    UNKNOWN_ORDER = "unknown_order", _("Không có giao dịch này")
    WRONG_AMOUNT = "wrong_amount", _("Sai số tiền")
    MALFORMED = "malformed", _("Dữ liệu không hợp lệ")
    NO_CHANGE = "no_change", _("Không thay đổi")
    DISPLAY_ONLY = "display_only", _("Chỉ hiển thị")
    ERROR = "error", _("Lỗi")


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Đã yêu cầu")
    SUBMITTED = "submitted", _("Đã gửi cổng thanh toán")
    SUCCESS = "success", _("Đã hoàn tiền")
    FAILED = "failed", _("Không hoàn được")


REFUND_PENDING = frozenset({RefundStatus.REQUESTED, RefundStatus.SUBMITTED})
REFUND_FINAL = frozenset({RefundStatus.SUCCESS, RefundStatus.FAILED})
REFUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RefundStatus.REQUESTED: frozenset({RefundStatus.SUBMITTED, RefundStatus.SUCCESS, RefundStatus.FAILED}),
    RefundStatus.SUBMITTED: frozenset({RefundStatus.SUCCESS, RefundStatus.FAILED}),
    RefundStatus.SUCCESS: frozenset(),
    RefundStatus.FAILED: frozenset(),
}


class RefundReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Thanh toán trùng")
    DOSSIER_REFUSED = "dossier_refused", _("Hồ sơ không được tiếp nhận")
    DOSSIER_WITHDRAWN = "dossier_withdrawn", _("Công dân rút hồ sơ")
    DOSSIER_STOPPED = "dossier_stopped", _("Dừng xử lý hồ sơ")
    OFFICER = "officer", _("Cán bộ hoàn tiền")


# VNPAY 2.1.0 response codes (vnp_ResponseCode), shown to people in plain words.
RESPONSE_CODES = {
    "00": _("Giao dịch thành công"),
    "07": _("Trừ tiền thành công nhưng giao dịch bị nghi ngờ, đang được kiểm tra"),
    "09": _("Thẻ hoặc tài khoản chưa đăng ký dịch vụ ngân hàng trực tuyến"),
    "10": _("Xác thực thông tin thẻ hoặc tài khoản sai quá 3 lần"),
    "11": _("Hết thời gian chờ thanh toán"),
    "12": _("Thẻ hoặc tài khoản bị khóa"),
    "13": _("Nhập sai mật khẩu xác thực giao dịch (OTP)"),
    "24": _("Người nộp đã hủy giao dịch"),
    "51": _("Tài khoản không đủ số dư"),
    "65": _("Tài khoản vượt quá hạn mức giao dịch trong ngày"),
    "75": _("Ngân hàng thanh toán đang bảo trì"),
    "79": _("Nhập sai mật khẩu thanh toán quá số lần quy định"),
    "99": _("Lỗi khác"),
}
# vnp_TransactionStatus
TRANSACTION_STATUSES = {
    "00": _("Thành công"),
    "01": _("Chưa hoàn tất"),
    "02": _("Bị lỗi"),
    "04": _("Giao dịch đảo (đã trừ tiền ở ngân hàng nhưng chưa thành công ở cổng)"),
    "05": _("Đang xử lý hoàn tiền"),
    "06": _("Đã gửi yêu cầu hoàn tiền sang ngân hàng"),
    "07": _("Nghi ngờ gian lận"),
    "09": _("Từ chối hoàn tiền"),
}

# How an unsuccessful response code maps onto our attempt status.
CANCELLED_CODES = frozenset({"24"})
EXPIRED_CODES = frozenset({"11"})
