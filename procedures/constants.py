from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceLevel(models.IntegerChoices):
    """Mức độ dịch vụ công trực tuyến (the 1–4 scale people still speak of)."""

    INFORMATION = 1, _("Mức độ 1")
    FORMS = 2, _("Mức độ 2")
    ONLINE_PARTIAL = 3, _("Mức độ 3")
    ONLINE_FULL = 4, _("Mức độ 4")


# What each level lets the citizen do, shown on the home page and on procedure pages.
LEVEL_DESCRIPTIONS = {
    1: _(
        "Xem đầy đủ thông tin về thủ tục: trình tự, thành phần hồ sơ, thời hạn, phí, lệ phí, căn cứ pháp lý."
    ),
    2: _("Mức 1, và tải về mẫu đơn, tờ khai để nộp hồ sơ trực tiếp hoặc qua bưu chính."),
    3: _("Mức 2, và điền, nộp hồ sơ trực tuyến; nộp phí và nhận kết quả trực tiếp."),
    4: _("Mức 3, và thanh toán phí trực tuyến; nhận kết quả trực tuyến, qua bưu chính hoặc trực tiếp."),
}


class OnlineScope(models.TextChoices):
    """Decree 42/2022/NĐ-CP: toàn trình (level 4) or một phần (levels 3 and below)."""

    FULL = "toan_trinh", _("Toàn trình")
    PARTIAL = "mot_phan", _("Một phần")


def online_scope_for_level(level: int) -> OnlineScope:
    return OnlineScope.FULL if level == ServiceLevel.ONLINE_FULL else OnlineScope.PARTIAL


class ImplementingLevel(models.TextChoices):
    CENTRAL = "central", _("Cấp Trung ương")
    PROVINCE = "province", _("Cấp Tỉnh")
    COMMUNE = "commune", _("Cấp Xã")


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Công dân")
    BUSINESSES = "businesses", _("Doanh nghiệp, tổ chức")


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Bộ, ngành Trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Cấp xã")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")
    ARCHIVED = "archived", _("Đã bãi bỏ")


class Channel(models.TextChoices):
    """Cách thức thực hiện."""

    COUNTER = "counter", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Dịch vụ bưu chính")


class FeeKind(models.TextChoices):
    """The legal kind of a sum owed: phí (a fee for a service) or lệ phí (a charge for a state act)."""

    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class Presence(models.TextChoices):
    """Whether someone must still come in person although the dossier is submitted online."""

    NONE = "", _("Không phải đến")
    AT_SUBMISSION = "submission", _("Có mặt khi tiếp nhận (ví dụ thu nhận sinh trắc học)")
    AT_RESULT = "result", _("Có mặt khi nhận kết quả (ký sổ, nhận trực tiếp)")


# Form templates (mẫu đơn, tờ khai) accepted from publishers, decided by the file's bytes.
TEMPLATE_FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}
