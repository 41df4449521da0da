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
