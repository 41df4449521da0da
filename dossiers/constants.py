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


# Upload rules (configurable in settings): type decided from the bytes, never the name. Citizens send
# photos and scans: PDF, JPEG, PNG, as the upload page says (no Word files: see core/files.py).
DEFAULT_ALLOWED_UPLOADS = ("pdf", "jpeg", "png")


class Step(models.TextChoices):
    """Sub-steps of status 4 (Đang xử lý), each with its own event."""

    ASSIGNED = "assigned", _("Đã phân công")
    APPRAISED = "appraised", _("Đã thẩm định")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo duyệt")
    APPROVED = "approved", _("Lãnh đạo đã duyệt")
    REWORK = "rework", _("Trả lại để xử lý lại")
    # Sub-steps of status 9 (Đã xử lý xong) when the result goes by post.
    WITH_POST = "with_post", _("Đã giao bưu chính")
    BACK_AT_COUNTER = "back_at_counter", _("Bưu chính trả lại, kết quả ở Bộ phận Một cửa")


# Who may make a transition (the "actors" column of the table in ``dossiers.transitions``).
OFFICER, SPECIALIST, LEADER = "officer", "specialist", "leader"  # accounts.constants.StaffRole values
APPLICANT = "applicant"  # the person who submitted the dossier
SYSTEM = "system"  # no person at the keyboard: a payment gateway, a carrier, the scheduler
# Staff roles that process dossiers and so may see them (publishers and agency administrators may not).
PROCESSING_ROLES = frozenset({OFFICER, SPECIALIST, LEADER})
# Roles that see every dossier of their agency; a specialist sees only the dossiers assigned to them.
AGENCY_WIDE_ROLES = frozenset({OFFICER, LEADER})


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Cán bộ")
    APPLICANT = "applicant", _("Người nộp hồ sơ")
    SYSTEM = "system", _("Hệ thống")


class Channel(models.TextChoices):
    """How the dossier reached the one-stop shop (kênh tiếp nhận)."""

    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    POST = "post", _("Qua dịch vụ bưu chính công ích")


class FilePurpose(models.TextChoices):
    """Why a file is attached to a dossier."""

    APPLICATION = "application", _("Giấy tờ của hồ sơ")
    SUPPLEMENT = "supplement", _("Giấy tờ bổ sung")
    RESULT = "result", _("Kết quả điện tử")
    # The result as the specialist drafted it for the leader's approval (staff only, never the applicant's).
    RESULT_DRAFT = "result_draft", _("Dự thảo kết quả")
    FORM01 = "form01", _("Mẫu số 01")
    FORM02 = "form02", _("Mẫu số 02")
    FORM03 = "form03", _("Mẫu số 03")
    FORM04 = "form04", _("Mẫu số 04")
    FORM05 = "form05", _("Mẫu số 05")


# Files the applicant handed in (as opposed to what the system issued).
APPLICANT_FILE_PURPOSES = frozenset({FilePurpose.APPLICATION, FilePurpose.SUPPLEMENT})
# Staff working papers: never shown or sent to the applicant.
INTERNAL_FILE_PURPOSES = frozenset({FilePurpose.RESULT_DRAFT})
ISSUED_FILE_PURPOSES = frozenset(set(FilePurpose) - APPLICANT_FILE_PURPOSES - INTERNAL_FILE_PURPOSES)


class Series(models.TextChoices):
    """Numbered series an agency keeps per year (gap-free counters, ``RegisterSequence``)."""

    LOGBOOK = "logbook", _("Sổ theo dõi hồ sơ (mẫu 07)")
    FORM04 = "form04", _("Văn bản xin lỗi, gia hạn (mẫu 04)")
    FORM05 = "form05", _("Thông báo dừng giải quyết (mẫu 05)")
