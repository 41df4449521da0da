import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .constants import ActorKind, Channel, Delivery, EventKind, FilePurpose, Series, Status
from .declaration import RULE_KINDS
from .holidays import public_holidays

RULE_KIND_CHOICES = list(RULE_KINDS.items())


class CalendarDay(models.Model):
    """One day on which the government's announcement overrides the statutory calendar.

    Statutory holidays (Tết, Hùng Kings' day, 30/4, 1/5, 2/9, …) come from the ``holidays``
    package; this table holds what the package cannot know: the extra days off and the make-up
    working Saturdays announced each year (see ``dossiers.workdays``).
    """

    class Kind(models.TextChoices):
        OFF = "off", _("Ngày nghỉ bù / nghỉ thêm")
        WORKING = "working", _("Ngày làm bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(
        _("loại ngày"),
        max_length=10,
        choices=Kind.choices,
        help_text=_(
            "Nghỉ bù / nghỉ thêm: một ngày thường được nghỉ. Làm bù: một ngày nghỉ (thường là thứ Bảy) phải đi làm."
        ),
    )
    reason = models.CharField(
        _("lý do"),
        max_length=255,
        help_text=_("Ghi cả văn bản căn cứ, ví dụ: Nghỉ bù Tết Dương lịch 2026 (Văn bản 12729/VPCP-KGVX)."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ bù / làm bù")
        verbose_name_plural = _("lịch nghỉ bù / làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"

    def clean(self) -> None:
        # Catches the usual typo: a make-up day entered on the weekday it replaces, or the reverse.
        if self.date is None:
            return
        weekend = self.date.weekday() >= 5
        if (
            self.kind == self.Kind.WORKING
            and not weekend
            and self.date not in public_holidays(self.date.year)
        ):
            raise ValidationError(
                {
                    "kind": _(
                        "Ngày làm bù phải là thứ Bảy, Chủ nhật hoặc một ngày lễ trong lịch chuẩn: ngày này vốn là ngày làm việc."
                    )
                }
            )
        if self.kind == self.Kind.OFF and weekend:
            raise ValidationError(
                {"kind": _("Thứ Bảy và Chủ nhật vốn là ngày nghỉ: hãy nhập ngày làm việc được nghỉ thay.")}
            )


# --- online declarations (tờ khai điện tử) --------------------------------------------------------


class OnlineForm(models.Model):
    """The online declaration of one procedure, edited field by field in the admin."""

    procedure = models.OneToOneField(
        "procedures.Procedure",
        on_delete=models.CASCADE,
        related_name="online_form",
        verbose_name=_("thủ tục"),
    )
    intro = models.TextField(_("hướng dẫn"), blank=True)
    intro_en = models.TextField(_("hướng dẫn (tiếng Anh)"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("tờ khai điện tử")
        verbose_name_plural = _("tờ khai điện tử")

    def __str__(self) -> str:
        return str(self.procedure.name)

    def current_version(self) -> "OnlineFormVersion | None":
        return self.versions.order_by("-number").first()

    @property
    def intro_text(self) -> str:
        english = (get_language() or "vi").startswith("en")
        return (self.intro_en if english else "") or self.intro


class OnlineFormField(models.Model):
    """One item of a declaration: a field, a section heading, or a (repeatable) group of fields."""

    TYPE_CHOICES = [
        ("section", _("Tiêu đề phần")),
        ("group", _("Nhóm trường (có thể lặp)")),
        ("text", _("Văn bản ngắn")),
        ("textarea", _("Văn bản dài")),
        ("number", _("Số")),
        ("date", _("Ngày")),
        ("choice", _("Chọn một")),
        ("yesno", _("Có / Không")),
        ("phone", _("Số điện thoại")),
        ("email", _("Thư điện tử")),
        ("personal_id", _("Số định danh cá nhân")),
        ("address", _("Địa chỉ (tỉnh → xã)")),
    ]

    form = models.ForeignKey(
        OnlineForm, on_delete=models.CASCADE, related_name="fields", verbose_name=_("tờ khai")
    )
    group = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"type": "group"},
        verbose_name=_("thuộc nhóm"),
        help_text=_("Để trống nếu trường nằm ngoài nhóm."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    key = models.SlugField(
        _("mã trường"),
        max_length=40,
        blank=True,
        help_text=_("Chữ thường không dấu, ví dụ ho_ten. Không cần với tiêu đề phần."),
    )
    type = models.CharField(_("loại"), max_length=20, choices=TYPE_CHOICES, default="text")
    label = models.CharField(_("nhãn"), max_length=300)
    label_en = models.CharField(_("nhãn tiếng Anh"), max_length=300, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=False)
    help_text = models.CharField(_("gợi ý"), max_length=500, blank=True)
    help_text_en = models.CharField(_("gợi ý (tiếng Anh)"), max_length=500, blank=True)
    choices = models.TextField(
        _("các lựa chọn"), blank=True, help_text=_("Mỗi dòng một lựa chọn; có thể viết mã|nhãn.")
    )
    choices_en = models.TextField(
        _("các lựa chọn (tiếng Anh)"),
        blank=True,
        help_text=_("Mỗi dòng mã|nhãn tiếng Anh, cùng mã với các lựa chọn tiếng Việt."),
    )
    label_field = models.CharField(
        _("đặt tên mỗi lần lặp theo trường"),
        max_length=40,
        blank=True,
        help_text=_(
            "Với nhóm: mã trường con (loại Chọn một) mà câu trả lời đặt tên cho mỗi người trong nhóm, "
            "ví dụ side → “Bên nữ”, “Bên nam”."
        ),
    )
    pattern = models.CharField(
        _("mẫu kiểm tra"), max_length=200, blank=True, help_text=_("Biểu thức chính quy, ví dụ [0-9]{6}.")
    )
    prefill = models.CharField(
        _("điền sẵn từ"), max_length=30, blank=True, help_text=_("Thuộc tính hồ sơ cá nhân dùng để điền sẵn.")
    )
    min_repeat = models.PositiveSmallIntegerField(_("số lần tối thiểu (nhóm)"), default=1)
    max_repeat = models.PositiveSmallIntegerField(_("số lần tối đa (nhóm)"), default=1)

    class Meta:
        verbose_name = _("trường của tờ khai")
        verbose_name_plural = _("các trường của tờ khai")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    def as_schema_item(self) -> dict:
        item: dict = {"type": self.type, "label": self.label}
        if self.label_en:
            item["label_en"] = self.label_en
        if self.type == "section":
            return item
        item.update({"key": self.key, "required": self.required})
        if self.help_text:
            item["help"] = self.help_text
        if self.help_text_en:
            item["help_en"] = self.help_text_en
        if self.pattern:
            item["pattern"] = self.pattern
        if self.prefill:
            item["prefill"] = self.prefill
        if self.type == "choice":
            item["choices"] = [
                line.split("|", 1) if "|" in line else line
                for line in (c.strip() for c in self.choices.splitlines())
                if line
            ]
            english = dict(
                (part.strip() for part in line.split("|", 1))
                for line in (c.strip() for c in self.choices_en.splitlines())
                if "|" in line
            )
            if english:
                item["choices_en"] = english
        if self.type == "group":
            item.update({"repeat": self.max_repeat > 1, "min": self.min_repeat, "max": self.max_repeat})
            if self.label_field:
                item["label_field"] = self.label_field
            item["fields"] = [child.as_schema_item() for child in self.children.all()]
        return item


class OnlineFormRule(models.Model):
    """A rule the answers must follow (quy tắc kiểm tra), with the message the person reads.

    Stored beside the fields and frozen into the schema at publishing (``declaration.py`` explains
    the kinds): minimum age at a date, not in the future, not before another date, required when
    another field has a value, a whole number within bounds.
    """

    form = models.ForeignKey(
        OnlineForm, on_delete=models.CASCADE, related_name="rules", verbose_name=_("tờ khai")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    field_key = models.CharField(
        _("áp dụng cho trường"),
        max_length=81,
        help_text=_("Mã trường, hoặc nhom.truong với trường trong nhóm, ví dụ parties.date_of_birth."),
    )
    kind = models.CharField(_("loại quy tắc"), max_length=20, choices=RULE_KIND_CHOICES)
    years = models.PositiveSmallIntegerField(_("số tuổi"), null=True, blank=True)
    other_field = models.CharField(
        _("so với trường"),
        max_length=81,
        blank=True,
        help_text=_(
            "Đủ tuổi vào ngày của trường này (để trống: ngày đăng ký, tức hôm nay); “Không trước”: mã trường "
            "ngày để so sánh, hoặc today."
        ),
    )
    when_field = models.CharField(
        _("chỉ áp dụng khi trường"),
        max_length=81,
        blank=True,
        help_text=_("Mã trường điều kiện; trong nhóm, một trường cùng nhóm (ví dụ side)."),
    )
    when_value = models.CharField(
        _("có giá trị"),
        max_length=200,
        blank=True,
        help_text=_("Mã lựa chọn, yes/no, nhiều giá trị cách nhau bằng dấu phẩy; để trống: khi đã điền."),
    )
    min_value = models.DecimalField(_("nhỏ nhất"), max_digits=15, decimal_places=0, null=True, blank=True)
    max_value = models.DecimalField(_("lớn nhất"), max_digits=15, decimal_places=0, null=True, blank=True)
    message = models.CharField(
        _("thông báo"),
        max_length=300,
        blank=True,
        help_text=_("Câu người khai đọc khi vi phạm, ví dụ: Bên nữ phải từ đủ 18 tuổi vào ngày đăng ký."),
    )
    message_en = models.CharField(_("thông báo (tiếng Anh)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quy tắc kiểm tra")
        verbose_name_plural = _("quy tắc kiểm tra tờ khai")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.field_key}: {self.get_kind_display()}"

    def as_rule(self) -> dict:
        rule: dict = {"kind": self.kind}
        if self.kind == "min_age" and self.years is not None:
            rule["years"] = self.years
        for name, value in (
            ("other", self.other_field),
            ("when_field", self.when_field),
            ("when_value", self.when_value),
            ("message", self.message),
            ("message_en", self.message_en),
        ):
            if value:
                rule[name] = value
        if self.min_value is not None:
            rule["min"] = int(self.min_value)
        if self.max_value is not None:
            rule["max"] = int(self.max_value)
        return rule


class OnlineFormVersion(models.Model):
    """A frozen copy of the declaration's schema; every dossier keeps the version it was filled with."""

    form = models.ForeignKey(
        OnlineForm, on_delete=models.CASCADE, related_name="versions", verbose_name=_("tờ khai")
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    schema = models.JSONField(_("cấu trúc"))
    created_at = models.DateTimeField(_("phát hành lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản tờ khai")
        verbose_name_plural = _("các phiên bản tờ khai")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["form", "number"], name="uniq_form_version")]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"


# --- dossiers ---------------------------------------------------------------------------------------


def dossier_file_upload_to(instance: "DossierFile", filename: str) -> str:
    # Generated names only: the citizen's file name is kept for display, never used on disk.
    return f"dossiers/{instance.dossier.uuid.hex}/{uuid.uuid4().hex}.{instance.kind}"


class Dossier(models.Model):
    """Hồ sơ: from the first draft to the returned result."""

    uuid = models.UUIDField(_("mã nội bộ"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        _("mã hồ sơ"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Mã cơ quan, ngày nộp (năm tháng ngày, 6 chữ số) và số thứ tự trong ngày; cấp khi nộp."),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục")
    )
    procedure_snapshot = models.JSONField(_("thông tin thủ tục khi nộp"), default=dict, blank=True)
    form_version = models.ForeignKey(
        OnlineFormVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("phiên bản tờ khai"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("người nộp"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("nộp nhân danh tổ chức"),
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("cơ quan tiếp nhận"),
    )
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(
        _("phiên bản"),
        default=0,
        help_text=_("Tăng sau mỗi thao tác; một trang đã cũ không ghi đè được thao tác của người khác."),
    )
    channel = models.CharField(
        _("kênh tiếp nhận"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.ONLINE,
        help_text=_("Trực tuyến, trực tiếp tại Bộ phận Một cửa hoặc qua bưu chính."),
    )
    answers = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    delivery = models.CharField(_("cách nhận kết quả"), max_length=10, choices=Delivery.choices, blank=True)
    delivery_address = models.JSONField(_("địa chỉ nhận kết quả"), default=dict, blank=True)
    declaration_accepted = models.BooleanField(_("đã cam đoan"), default=False)
    submission_key = models.UUIDField(
        _("khóa chống nộp trùng"), unique=True, null=True, blank=True, editable=False
    )
    fee_vnd = models.PositiveIntegerField(
        _("phí (đồng)"), default=0, help_text=_("Tổng các khoản phí (cập nhật khi nộp).")
    )
    charge_vnd = models.PositiveIntegerField(
        _("lệ phí (đồng)"), default=0, help_text=_("Tổng các khoản lệ phí (cập nhật khi nộp).")
    )
    fee_items = models.JSONField(
        _("các khoản phí, lệ phí"),
        default=list,
        blank=True,
        help_text=_(
            "Ghi lại khi nộp: mỗi khoản gồm loại (phí/lệ phí), tên, mức thu, số lượng và số tiền "
            "(xem dossiers.fees)."
        ),
    )
    time_limit_days = models.DecimalField(
        _("thời hạn (ngày làm việc)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    current_step = models.CharField(_("bước đang làm"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    acceptance_due_at = models.DateTimeField(
        _("hạn tiếp nhận"), null=True, blank=True, help_text=_("8 giờ làm việc sau khi nộp.")
    )
    due_at = models.DateTimeField(_("hạn trả kết quả"), null=True, blank=True)
    expires_at = models.DateTimeField(_("bản nháp hết hạn"), null=True, blank=True)
    # Processing (one-stop shop, specialist department, leader)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    logbook_number = models.CharField(
        _("số sổ theo dõi"),
        max_length=30,
        blank=True,
        help_text=_(
            "Quyển (năm) / số thứ tự trong sổ theo dõi hồ sơ (mẫu 07) của cơ quan; cấp khi tiếp nhận "
            "hoặc từ chối, liên tục, không trùng."
        ),
    )
    sets = models.PositiveSmallIntegerField(
        _("số bộ hồ sơ"),
        default=1,
        help_text=_("Số bộ hồ sơ người nộp đã nộp, cán bộ ghi khi tiếp nhận (mẫu 01, mẫu 07)."),
    )
    department = models.CharField(_("phòng chuyên môn"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
        verbose_name=_("chuyên viên xử lý"),
    )
    processing_step = models.CharField(_("bước xử lý"), max_length=30, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    extended = models.BooleanField(_("đã gia hạn"), default=False)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    return_method = models.CharField(
        _("hình thức trả kết quả"), max_length=10, choices=Delivery.choices, blank=True
    )
    expiry_reminded_at = models.DateTimeField(_("đã nhắc sắp hết hạn lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["applicant", "status"], name="dossier_applicant_idx"),
            models.Index(fields=["agency", "status", "due_at"], name="dossier_queue_idx"),
            # A specialist's queue: their dossiers in one status, soonest deadline first (the
            # single-column index of the foreign key alone leaves status and order to the heap).
            models.Index(fields=["assignee", "status", "due_at"], name="dossier_assignee_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.code or f"{_('Bản nháp')} {self.uuid.hex[:8]}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def fee_total_vnd(self) -> int:
        """What the applicant owes in phí and lệ phí for this dossier (the payment's amount)."""
        return (self.fee_vnd or 0) + (self.charge_vnd or 0)


class DossierFile(models.Model):
    """A document uploaded for one dossier component."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="files", verbose_name=_("hồ sơ")
    )
    component = models.ForeignKey(
        "procedures.DossierComponent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("thành phần hồ sơ"),
    )
    component_name = models.TextField(_("tên giấy tờ"), blank=True)
    file = models.FileField(_("tệp"), upload_to=dossier_file_upload_to, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    kind = models.CharField(_("định dạng"), max_length=10)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    purpose = models.CharField(
        _("mục đích"), max_length=20, choices=FilePurpose.choices, default=FilePurpose.APPLICATION
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)
    event = models.ForeignKey(
        "DossierEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issued_files",
        verbose_name=_("sự kiện phát hành"),
        help_text=_("Thao tác đã tạo ra mẫu này (mẫu 01–05); trống với giấy tờ người nộp tải lên."),
    )

    class Meta:
        verbose_name = _("tệp của hồ sơ")
        verbose_name_plural = _("tệp của hồ sơ")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """The timeline and audit trail: who did what, when, with the note to the applicant."""

    action = models.CharField(_("thao tác"), max_length=30, blank=True)
    from_user = models.CharField(_("từ"), max_length=200, blank=True)
    to_user = models.CharField(_("đến"), max_length=200, blank=True)

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", verbose_name=_("hồ sơ")
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    kind = models.CharField(_("loại"), max_length=30, choices=EventKind.choices)
    from_status = models.PositiveSmallIntegerField(
        _("từ trạng thái"), choices=Status.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField(
        _("sang trạng thái"), choices=Status.choices, null=True, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("người thực hiện"),
    )
    actor_kind = models.CharField(
        _("loại người thực hiện"), max_length=10, choices=ActorKind.choices, default=ActorKind.STAFF
    )
    actor_display = models.CharField(_("tên hiển thị"), max_length=200, blank=True)
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("cơ quan")
    )
    note_to_applicant = models.TextField(_("ghi chú cho người nộp"), blank=True)
    internal_note = models.TextField(_("ghi chú nội bộ"), blank=True)
    data = models.JSONField(
        _("dữ liệu kèm theo"),
        default=dict,
        blank=True,
        help_text=_("Ví dụ danh sách giấy tờ còn thiếu, ngày hẹn mới."),
    )

    class Meta:
        verbose_name = _("sự kiện của hồ sơ")
        verbose_name_plural = _("diễn biến hồ sơ")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.get_kind_display()}"


class DossierSequence(models.Model):
    """The per-agency, per-day counter behind dossier codes (gap-free, locked on use)."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, verbose_name=_("cơ quan"))
    day = models.DateField(_("ngày"))
    last = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="uniq_dossier_sequence")]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.day}: {self.last}"


class RegisterSequence(models.Model):
    """A gap-free numbered series of one agency for one year: the log book (mẫu 07), the numbers of
    forms 04 and 05. The row is locked while a number is taken, inside the transaction that uses it,
    so concurrent receipts queue up and a rolled-back one gives its number back."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, verbose_name=_("cơ quan"))
    year = models.PositiveSmallIntegerField(_("năm (quyển)"))
    series = models.CharField(_("loại sổ"), max_length=10, choices=Series.choices)
    last = models.PositiveIntegerField(_("số cuối"), default=0, help_text=_("Số đã cấp gần nhất."))

    class Meta:
        verbose_name = _("bộ đếm sổ, số văn bản")
        verbose_name_plural = _("bộ đếm sổ, số văn bản")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "series"], name="uniq_register_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.series}: {self.last}"


class Rating(models.Model):
    """How the applicant rated the service once the dossier was finished (1–5)."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="rating", verbose_name=_("hồ sơ")
    )
    score = models.PositiveSmallIntegerField(_("mức hài lòng"), choices=[(i, str(i)) for i in range(1, 6)])
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá mức hài lòng")

    def __str__(self) -> str:
        return f"{self.dossier}: {self.score}/5"


class AuditEntry(models.Model):
    """Who opened a dossier's personal data, or acted on it, and when. Never edited, never deleted in the admin."""

    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người dùng"),
        help_text=_("Trống khi hệ thống thực hiện (cổng thanh toán, bưu chính, bộ lập lịch)."),
    )
    actor_kind = models.CharField(
        _("loại người thực hiện"), max_length=10, choices=ActorKind.choices, default=ActorKind.STAFF
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="audit_entries", verbose_name=_("hồ sơ")
    )
    what = models.CharField(_("việc"), max_length=60)
    detail = models.CharField(_("chi tiết"), max_length=300, blank=True)
    before = models.JSONField(_("trước"), default=dict, blank=True, help_text=_("Giá trị trước thao tác."))
    after = models.JSONField(_("sau"), default=dict, blank=True, help_text=_("Giá trị sau thao tác."))

    class Meta:
        verbose_name = _("nhật ký truy cập hồ sơ")
        verbose_name_plural = _("nhật ký truy cập hồ sơ")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.what} {self.dossier}"
