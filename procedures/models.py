"""The procedure catalogue, shaped like a record of the National Database of Administrative Procedures."""

import uuid
from pathlib import PurePath

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.text import fold

from .constants import (
    LEVEL_DESCRIPTIONS,
    AgencyKind,
    Audience,
    Channel,
    ImplementingLevel,
    PublicationStatus,
    ServiceLevel,
    online_scope_for_level,
)


def search_text_for(name: str, code: str) -> str:
    """Folded name and code with a leading space, so " word" finds a word start anywhere."""
    return " " + fold(f"{name} {code}")


class Agency(models.Model):
    """A public body: ministry, province, its departments, or commune (cơ quan)."""

    code = models.CharField(_("mã cơ quan"), max_length=40, unique=True, help_text=_("Mã định danh của cơ quan, ví dụ 000.00.20.H24."))
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    kind = models.CharField(_("cấp"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("cơ quan cấp trên")
    )
    unit_code = models.CharField(_("mã đơn vị hành chính"), max_length=10, blank=True, help_text=_("Mã tỉnh hoặc xã theo danh mục đơn vị hành chính."))
    unit_name = models.CharField(_("tên đơn vị hành chính"), max_length=120, blank=True)
    address = models.CharField(_("địa chỉ Bộ phận Một cửa"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    opening_hours = models.CharField(_("giờ làm việc"), max_length=255, blank=True)
    is_one_stop_shop = models.BooleanField(_("có Bộ phận Một cửa"), default=True)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procedures:agency_detail", args=[self.code])


class Sector(models.Model):
    """Lĩnh vực, with the ministry that governs it."""

    code = models.CharField(_("mã lĩnh vực"), max_length=20, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    ministry = models.CharField(_("bộ, ngành quản lý"), max_length=255, blank=True)
    description = models.CharField(_("mô tả ngắn"), max_length=300, blank=True)
    for_citizens = models.BooleanField(_("dành cho công dân"), default=True)
    for_businesses = models.BooleanField(_("dành cho doanh nghiệp"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """Sự kiện: a moment in life (birth, marriage) or in a business's life (start-up, closing)."""

    slug = models.SlugField(_("mã sự kiện"), max_length=60, unique=True)
    name = models.CharField(_("tên sự kiện"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    description = models.CharField(_("mô tả ngắn"), max_length=300, blank=True)
    audience = models.CharField(_("đối tượng"), max_length=20, choices=Audience.choices)
    ordering = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện")
        ordering = ["audience", "ordering", "name"]

    def __str__(self) -> str:
        return self.name


class ProcedureQuerySet(models.QuerySet):
    def published(self) -> "ProcedureQuerySet":
        today = timezone.localdate()
        return self.filter(status=PublicationStatus.PUBLISHED).exclude(effective_from__gt=today).exclude(effective_to__lt=today)


class Procedure(models.Model):
    """Thủ tục hành chính."""

    code = models.CharField(_("mã thủ tục"), max_length=60, unique=True, help_text=_("Ví dụ 1.000894; thủ tục địa phương có thêm hậu tố mã cơ quan."))
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    service_level = models.PositiveSmallIntegerField(_("mức độ dịch vụ công"), choices=ServiceLevel.choices, default=ServiceLevel.INFORMATION)
    implementing_levels = models.JSONField(
        _("cấp thực hiện"), default=list, blank=True, help_text=_("Một hoặc nhiều cấp: central, province, commune.")
    )
    sectors = models.ManyToManyField(Sector, blank=True, related_name="procedures", verbose_name=_("lĩnh vực"))
    life_events = models.ManyToManyField(LifeEvent, blank=True, related_name="procedures", verbose_name=_("sự kiện"))
    for_citizens = models.BooleanField(_("đối tượng công dân"), default=True)
    for_businesses = models.BooleanField(_("đối tượng doanh nghiệp, tổ chức"), default=False)
    vertical = models.BooleanField(_("ngành dọc"), default=False, help_text=_("Do ngành quản lý theo hệ thống dọc (công an, thuế, bảo hiểm xã hội)."))
    owner_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_procedures",
        verbose_name=_("cơ quan công bố"),
        help_text=_("Cơ quan chịu trách nhiệm cập nhật thủ tục này. Để trống với thủ tục của danh mục quốc gia."),
    )
    agencies = models.ManyToManyField(Agency, blank=True, related_name="procedures", verbose_name=_("cơ quan thực hiện"))
    competent_authority = models.CharField(_("cơ quan có thẩm quyền"), max_length=500, blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True, help_text=_("Văn bản có định dạng; được làm sạch khi lưu."))
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    notes = models.TextField(_("lưu ý"), blank=True, help_text=_("Văn bản có định dạng; được làm sạch khi lưu."))
    next_steps = models.TextField(_("sau khi có kết quả"), blank=True, help_text=_("Người dân cần làm gì tiếp theo."))
    status = models.CharField(_("trạng thái công bố"), max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT)
    effective_from = models.DateField(_("có hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    popularity = models.BigIntegerField(_("mức độ phổ biến"), default=0, db_index=True, help_text=_("Số lượt sử dụng trên Cổng; càng cao càng được xếp trước."))
    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, editable=False, help_text=_("Tên và mã đã bỏ dấu, dùng cho tìm kiếm."))
    is_detailed = models.BooleanField(_("có đầy đủ hồ sơ công bố"), default=False, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["search_text", "popularity", "updated_at"])
    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["-popularity", "name"]
        permissions = [("publish_procedure", _("Công bố, bãi bỏ thủ tục"))]
        # No index on status, level or audience: nearly every row is published, and search scans
        # the folded column once anyway (an index on status made SQLite slower, not faster).

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args, **kwargs) -> None:
        # The folded copy is derived data, kept beside the name so search never re-folds rows.
        self.search_text = search_text_for(self.name, self.code)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("procedures:detail", args=[self.code])

    @property
    def online_scope(self):
        return online_scope_for_level(self.service_level)

    @property
    def level_description(self) -> str:
        return LEVEL_DESCRIPTIONS[self.service_level]

    @property
    def accepts_online(self) -> bool:
        return self.service_level >= ServiceLevel.ONLINE_PARTIAL

    @property
    def offers_forms(self) -> bool:
        return self.service_level >= ServiceLevel.FORMS

    @property
    def implementing_level_labels(self) -> list[str]:
        labels = dict(ImplementingLevel.choices)
        return [str(labels[v]) for v in self.implementing_levels if v in labels]

    @cached_property
    def online_method(self) -> "SubmissionMethod | None":
        for method in self.methods.all():
            if method.channel == Channel.ONLINE:
                return method
        return None


class ProcedureStep(models.Model):
    """Trình tự thực hiện: one step, in order."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("thủ tục"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    title = models.CharField(_("bước"), max_length=255)
    description = models.TextField(_("nội dung"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bước thực hiện")
        verbose_name_plural = _("trình tự thực hiện")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class SubmissionMethod(models.Model):
    """Cách thức thực hiện: channel × time limit × fees."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="methods", verbose_name=_("thủ tục"))
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices)
    time_limit_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("Để trống nếu giải quyết ngay trong ngày hoặc không quy định."),
    )
    time_limit_text = models.CharField(_("mô tả thời hạn"), max_length=300, blank=True)
    fee_vnd = models.PositiveIntegerField(_("phí (đồng)"), default=0)
    charge_vnd = models.PositiveIntegerField(_("lệ phí (đồng)"), default=0)
    fee_description = models.TextField(_("mô tả phí, lệ phí"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["procedure", "channel"], name="uniq_method_channel")]

    def __str__(self) -> str:
        return self.get_channel_display()

    @property
    def total_vnd(self) -> int:
        return self.fee_vnd + self.charge_vnd


def template_upload_to(instance: "DossierComponent", filename: str) -> str:
    # Never the publisher's file name on disk: a generated name keeps the extension only.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"procedure-templates/{uuid.uuid4().hex}{suffix}"


class DossierComponent(models.Model):
    """Thành phần hồ sơ: a document the applicant provides."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components", verbose_name=_("thủ tục"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    case_group = models.CharField(_("trường hợp"), max_length=300, blank=True, help_text=_("Ví dụ “Trường hợp nộp trực tuyến”. Để trống nếu áp dụng mọi trường hợp."))
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    template_file = models.FileField(_("mẫu đơn, tờ khai"), upload_to=template_upload_to, blank=True, max_length=200)
    template_filename = models.CharField(_("tên tệp mẫu khi tải về"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name[:80]

    def get_template_url(self) -> str:
        return reverse("procedures:template_download", args=[self.procedure.code, self.pk])


class LegalBasis(models.Model):
    """Căn cứ pháp lý: one legal document."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="legal_bases", verbose_name=_("thủ tục"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    number = models.CharField(_("số hiệu"), max_length=60, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class SearchSynonym(models.Model):
    """An everyday word or abbreviation and what it means in procedure names (editable by staff)."""

    term = models.CharField(_("từ người dân gõ"), max_length=100, unique=True, help_text=_("Ví dụ: CCCD, bằng lái, sổ đỏ, làm."))
    expansions = models.TextField(
        _("nghĩa trong tên thủ tục"), help_text=_("Mỗi dòng một cụm từ tương đương, ví dụ “căn cước” hoặc “giấy phép lái xe”.")
    )
    replaces = models.BooleanField(
        _("thay hẳn từ gốc"), default=False,
        help_text=_("Bật khi từ gốc không xuất hiện trong tên thủ tục (ví dụ “làm” → “cấp”)."),
    )
    term_folded = models.CharField(max_length=100, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("từ đồng nghĩa")
        verbose_name_plural = _("từ đồng nghĩa khi tìm kiếm")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        self.term_folded = fold(self.term)
        super().save(*args, **kwargs)

    @property
    def expansion_list(self) -> list[str]:
        return [line.strip() for line in self.expansions.splitlines() if line.strip()]
