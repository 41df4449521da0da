from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Thư điện tử")


class Status(models.TextChoices):
    """GOV.UK Notify's lifecycle: queued → sending → sent → delivered | failed."""

    QUEUED = "queued", _("Đang chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    DELIVERED = "delivered", _("Đã nhận")
    FAILED = "failed", _("Không gửi được")


class FailureKind(models.TextChoices):
    TEMPORARY = "temporary", _("Tạm thời (máy tắt, hộp thư đầy, nhà mạng bận)")
    PERMANENT = "permanent", _("Vĩnh viễn (số hoặc địa chỉ không tồn tại)")
    TECHNICAL = "technical", _("Lỗi kỹ thuật")


class Preference(models.TextChoices):
    SMS = "sms", _("Chỉ SMS")
    EMAIL = "email", _("Chỉ thư điện tử")
    BOTH = "both", _("Cả SMS và thư điện tử")


FINAL_STATUSES = frozenset({Status.DELIVERED, Status.FAILED})

# The state machine, readable at a glance. A status change anywhere else is a bug.
TRANSITIONS: dict[str, frozenset[str]] = {
    # A receipt may overtake a retry that put the row back in the queue: it still settles it.
    Status.QUEUED: frozenset({Status.SENDING, Status.DELIVERED, Status.FAILED}),
    Status.SENDING: frozenset(
        {Status.SENT, Status.DELIVERED, Status.FAILED, Status.QUEUED}
    ),  # QUEUED = retry later
    Status.SENT: frozenset({Status.DELIVERED, Status.FAILED}),
    Status.DELIVERED: frozenset(),
    Status.FAILED: frozenset(),
}


def can_transition(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


# Template placeholders staff may use ({{ name }}), with the sample values of the admin preview.
PLACEHOLDERS = {
    "full_name": "Nguyễn Thị Hoa",
    "dossier_code": "000.21.01.H24-261122-0007",
    "procedure_name": "Đăng ký khai sinh",
    "agency_name": "UBND Phường Kinh Bắc",
    "due_date": "27/11/2026",
    "date": "22/11/2026 09:30",
    "link": "https://dichvucong.example.vn/dossiers/000.21.01.H24-261122-0007/",
    "code": "483920",
    "minutes": "10",
    "reason": "Thiếu bản sao Giấy chứng nhận kết hôn của cha mẹ",
    "note": "trực tuyến",
    "count": "12",
    "items": "Bản sao Giấy chứng nhận kết hôn; Giấy chứng sinh",
    "amount": "108.000 đồng",
}
