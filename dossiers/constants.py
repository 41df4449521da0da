"""Dossier statuses (the national portal's codes 1–10) and the rules that go with them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.IntegerChoices):
    DRAFT = 0, _("Bản nháp")
    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESULT_READY = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


FINAL_STATUSES = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
# The clock stops while the applicant must act.
CLOCK_STOPPED = frozenset({Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED})
# What counts as "open" (an account with an open dossier cannot be deleted).
OPEN_STATUSES = frozenset(set(Status) - FINAL_STATUSES - {Status.DRAFT})
# The applicant may withdraw before processing starts.
WITHDRAWABLE = frozenset({Status.SUBMITTED, Status.RECEIVED})


class Delivery(models.TextChoices):
    """How the result reaches the applicant."""

    COUNTER = "counter", _("Nhận trực tiếp tại Bộ phận Một cửa")
    ONLINE = "online", _("Nhận kết quả điện tử trực tuyến")
    POST = "post", _("Nhận qua dịch vụ bưu chính công ích")


class EventKind(models.TextChoices):
    CREATED = "created", _("Tạo bản nháp")
    SUBMITTED = "submitted", _("Nộp hồ sơ")
    STATUS = "status", _("Chuyển trạng thái")
    SUPPLEMENT_ANSWERED = "supplement_answered", _("Bổ sung giấy tờ")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    NOTE = "note", _("Ghi chú")


# Upload rules (configurable in settings): type decided from the bytes, never the name.
DEFAULT_ALLOWED_UPLOADS = ("pdf", "jpeg", "png", "docx", "doc")


class Step(models.TextChoices):
    """Sub-steps of status 4 (Đang xử lý), each with its own event."""

    ASSIGNED = "assigned", _("Đã phân công")
    APPRAISED = "appraised", _("Đã thẩm định")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo duyệt")
    APPROVED = "approved", _("Lãnh đạo đã duyệt")
    REWORK = "rework", _("Trả lại để xử lý lại")


OFFICER, SPECIALIST, LEADER = "officer", "specialist", "leader"  # accounts.constants.StaffRole values


# The one-stop-shop state machine (Decree 118/2025, Circular 03/2025), as a table.
#   action: (from statuses, to status (None = unchanged), roles allowed, reason required, form produced)
ACTIONS: dict[str, tuple[frozenset[int], int | None, frozenset[str], bool, str]] = {
    "receive": (frozenset({Status.SUBMITTED}), Status.RECEIVED, frozenset({OFFICER}), False, "01"),
    "request_supplement": (frozenset({Status.SUBMITTED, Status.PROCESSING}), Status.SUPPLEMENT_REQUESTED, frozenset({OFFICER, SPECIALIST}), True, "02"),
    "refuse": (frozenset({Status.SUBMITTED}), Status.REFUSED, frozenset({OFFICER}), True, "03"),
    "assign": (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.PROCESSING, frozenset({OFFICER, LEADER}), False, ""),
    "appraise": (frozenset({Status.PROCESSING}), None, frozenset({SPECIALIST}), False, ""),
    "submit_for_approval": (frozenset({Status.PROCESSING}), None, frozenset({SPECIALIST}), False, ""),
    "approve": (frozenset({Status.PROCESSING}), None, frozenset({LEADER}), False, ""),
    "return_for_rework": (frozenset({Status.PROCESSING}), None, frozenset({LEADER}), True, ""),
    "request_payment": (frozenset({Status.PROCESSING}), Status.PAYMENT_REQUESTED, frozenset({OFFICER, SPECIALIST}), False, ""),
    "payment_received": (frozenset({Status.PAYMENT_REQUESTED}), Status.PROCESSING, frozenset({OFFICER}), False, ""),
    "stop": (frozenset({Status.PROCESSING}), Status.STOPPED, frozenset({OFFICER, LEADER}), True, "05"),
    "result_ready": (frozenset({Status.PROCESSING}), Status.RESULT_READY, frozenset({OFFICER, SPECIALIST}), False, ""),
    "return_result": (frozenset({Status.RESULT_READY}), Status.RETURNED, frozenset({OFFICER}), False, ""),
    "withdraw": (frozenset({Status.SUBMITTED, Status.RECEIVED}), Status.WITHDRAWN, frozenset({OFFICER}), True, ""),
    "extend": (frozenset({Status.RECEIVED, Status.PROCESSING}), None, frozenset({OFFICER, LEADER}), True, "04"),
}
# Sub-step rules inside status 4: which step an action needs and which it leads to.
STEP_RULES: dict[str, tuple[frozenset[str] | None, str | None]] = {
    "assign": (None, Step.ASSIGNED),
    "appraise": (frozenset({Step.ASSIGNED, Step.REWORK}), Step.APPRAISED),
    "submit_for_approval": (frozenset({Step.APPRAISED}), Step.AWAITING_APPROVAL),
    "approve": (frozenset({Step.AWAITING_APPROVAL}), Step.APPROVED),
    "return_for_rework": (frozenset({Step.AWAITING_APPROVAL}), Step.REWORK),
    "result_ready": (frozenset({Step.APPROVED}), None),
}
ACTION_LABELS = {
    "receive": _("Tiếp nhận"),
    "request_supplement": _("Yêu cầu bổ sung"),
    "refuse": _("Từ chối tiếp nhận"),
    "assign": _("Chuyển xử lý, phân công"),
    "appraise": _("Thẩm định xong"),
    "submit_for_approval": _("Trình lãnh đạo duyệt"),
    "approve": _("Duyệt"),
    "return_for_rework": _("Trả lại xử lý lại"),
    "request_payment": _("Yêu cầu nộp phí, lệ phí"),
    "payment_received": _("Đã nộp phí, lệ phí"),
    "stop": _("Dừng xử lý"),
    "result_ready": _("Có kết quả"),
    "return_result": _("Trả kết quả"),
    "withdraw": _("Rút hồ sơ theo đề nghị"),
    "extend": _("Gia hạn, xin lỗi"),
}
