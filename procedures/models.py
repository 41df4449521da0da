"""The procedure catalogue, shaped like a record of the National Database of Administrative Procedures."""

import re
import uuid
from pathlib import PurePath

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import IntegerListField
from core.text import fold, fold_words

from .constants import (
    LEVEL_DESCRIPTIONS,
    AgencyKind,
    Audience,
    Channel,
    FeeKind,
    ImplementingLevel,
    Presence,
    PublicationStatus,
    ServiceLevel,
    online_scope_for_level,
)

# English words that are also Vietnamese syllables once folded ("the" = thẻ, "to" = tờ, "an" = án):
# left out of the searchable English name so a Vietnamese query does not match them by accident.
ENGLISH_STOP_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}
)
_PARENTHESES = re.compile(r"\([^)]*\)")


def search_text_for(name: str, code: str, name_en: str = "") -> str:
    """What search reads: `` <folded name> <folded code> [| <folded English name>] ``.

    Spaces on both sides of every word, so `` word `` finds a whole word and `` word`` the start
    of one; the ``|`` keeps a phrase from running from the Vietnamese name into the English one.
    """
    text = f" {fold(f'{name} {code}')} "
    english = [w for w in fold_words(name_en) if w not in ENGLISH_STOP_WORDS]
    if english:
        text += "| " + " ".join(english) + " "
    return text


def name_word_count(name: str) -> int:
    """Words of the name that ranking counts: no leading "Thủ tục", nothing in parentheses.

    "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)" counts 8 words, so an
    administrative qualifier does not make a popular name look longer than a rare one.
    """
    words = fold_words(_PARENTHESES.sub(" ", name))
    if words[:2] == ["thu", "tuc"]:
        words = words[2:]
    return min(len(words), 32767)


class LocalizedNameMixin:
    """``display_name`` in the interface language; ``display_lang`` says which language it is in."""

    def _english_name(self) -> str:
        return getattr(self, "name_en", "") or ""

    @property
    def display_name(self) -> str:
        if (get_language() or "vi").startswith("en") and self._english_name():
            return self._english_name()
        return self.name

    @property
    def display_lang(self) -> str:
        return "en" if (get_language() or "vi").startswith("en") and self._english_name() else "vi"


class Agency(models.Model):
    """A public body: ministry, province, its departments, or commune (cơ quan)."""

    code = models.CharField(
        _("mã cơ quan"),
        max_length=40,
        unique=True,
        help_text=_("Mã định danh của cơ quan, ví dụ 000.00.20.H24."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    kind = models.CharField(_("cấp"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    unit_code = models.CharField(
        _("mã đơn vị hành chính"),
        max_length=10,
        blank=True,
        help_text=_("Mã tỉnh hoặc xã theo danh mục đơn vị hành chính."),
    )
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


class Sector(LocalizedNameMixin, models.Model):
    """Lĩnh vực, with the ministry that governs it."""

    code = models.CharField(_("mã lĩnh vực"), max_length=20, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    name_en = models.CharField(
        _("tên tiếng Anh"),
        max_length=255,
        blank=True,
        help_text=_("Hiện khi người dùng chọn giao diện tiếng Anh; để trống thì hiện tên tiếng Việt."),
    )
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


class LifeEvent(LocalizedNameMixin, models.Model):
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
        return (
            self.filter(status=PublicationStatus.PUBLISHED)
            .exclude(effective_from__gt=today)
            .exclude(effective_to__lt=today)
        )


class Procedure(LocalizedNameMixin, models.Model):
    """Thủ tục hành chính."""

    code = models.CharField(
        _("mã thủ tục"),
        max_length=60,
        unique=True,
        help_text=_("Ví dụ 1.000894; thủ tục địa phương có thêm hậu tố mã cơ quan."),
    )
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    name_en = models.CharField(
        _("tên tiếng Anh"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Hiện khi người dùng chọn giao diện tiếng Anh và tìm được bằng tiếng Anh; nội dung thủ tục vẫn "
            "bằng tiếng Việt."
        ),
    )
    service_level = models.PositiveSmallIntegerField(
        _("mức độ dịch vụ công"), choices=ServiceLevel.choices, default=ServiceLevel.INFORMATION
    )
    implementing_levels = models.JSONField(
        _("cấp thực hiện"),
        default=list,
        blank=True,
        help_text=_("Một hoặc nhiều cấp: central, province, commune."),
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="procedures", verbose_name=_("lĩnh vực")
    )
    life_events = models.ManyToManyField(
        LifeEvent, blank=True, related_name="procedures", verbose_name=_("sự kiện")
    )
    for_citizens = models.BooleanField(_("đối tượng công dân"), default=True)
    for_businesses = models.BooleanField(_("đối tượng doanh nghiệp, tổ chức"), default=False)
    vertical = models.BooleanField(
        _("ngành dọc"),
        default=False,
        help_text=_("Do ngành quản lý theo hệ thống dọc (công an, thuế, bảo hiểm xã hội)."),
    )
    owner_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_procedures",
        verbose_name=_("cơ quan công bố"),
        help_text=_(
            "Cơ quan chịu trách nhiệm cập nhật thủ tục này. Để trống với thủ tục của danh mục quốc gia."
        ),
    )
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="procedures", verbose_name=_("cơ quan thực hiện")
    )
    competent_authority = models.CharField(_("cơ quan có thẩm quyền"), max_length=500, blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    requirements = models.TextField(
        _("yêu cầu, điều kiện"), blank=True, help_text=_("Văn bản có định dạng; được làm sạch khi lưu.")
    )
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    notes = models.TextField(
        _("lưu ý"), blank=True, help_text=_("Văn bản có định dạng; được làm sạch khi lưu.")
    )
    next_steps = models.TextField(
        _("sau khi có kết quả"), blank=True, help_text=_("Người dân cần làm gì tiếp theo.")
    )
    postal_excluded = models.BooleanField(
        _("không thực hiện qua bưu chính công ích"),
        default=False,
        help_text=_(
            "Bật nếu thủ tục thuộc danh mục không tiếp nhận hồ sơ, trả kết quả qua dịch vụ bưu chính công ích "
            "(Quyết định 45/2016/QĐ-TTg): trang thủ tục sẽ ghi rõ và không cho hẹn bưu tá."
        ),
    )
    presence = models.CharField(
        _("phải có mặt trực tiếp"),
        max_length=20,
        choices=Presence.choices,
        blank=True,
        default=Presence.NONE,
        help_text=_(
            "Khi người nộp vẫn phải đến cơ quan dù nộp trực tuyến (ký sổ, thu nhận sinh trắc học). "
            "“Khi nhận kết quả”: kết quả chỉ nhận trực tiếp tại Bộ phận Một cửa."
        ),
    )
    presence_note = models.CharField(
        _("ghi chú việc có mặt"),
        max_length=500,
        blank=True,
        help_text=_("Ai phải đến, khi nào, để làm gì. Ví dụ: Hai bên cùng có mặt để ký Sổ đăng ký kết hôn."),
    )
    presence_note_en = models.CharField(_("ghi chú việc có mặt (tiếng Anh)"), max_length=500, blank=True)
    status = models.CharField(
        _("trạng thái công bố"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    effective_from = models.DateField(_("có hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    popularity = models.BigIntegerField(
        _("mức độ phổ biến"),
        default=0,
        db_index=True,
        help_text=_("Số lượt sử dụng trên Cổng; càng cao càng được xếp trước."),
    )
    search_text = models.TextField(
        _("chuỗi tìm kiếm"),
        blank=True,
        editable=False,
        help_text=_("Tên và mã đã bỏ dấu, dùng cho tìm kiếm."),
    )
    search_words = models.PositiveSmallIntegerField(
        _("số từ của tên"),
        default=0,
        editable=False,
        help_text=_("Số từ của tên (không tính “Thủ tục” và phần trong ngoặc), dùng để xếp hạng."),
    )
    is_detailed = models.BooleanField(_("có đầy đủ hồ sơ công bố"), default=False, editable=False)
    # Copies of the links above (ids, sorted), kept by procedures.services.procedure_links_refresh
    # on every change: search counts its facets over thousands of matches in one pass over these,
    # not by joining every link of the catalogue.
    sector_ids = IntegerListField(_("mã các lĩnh vực"))
    agency_ids = IntegerListField(_("mã các cơ quan thực hiện"))
    event_ids = IntegerListField(_("mã các sự kiện"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "search_text",
            "search_words",
            "popularity",
            "updated_at",
            "sector_ids",
            "agency_ids",
            "event_ids",
        ]
    )
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
        self.search_text = search_text_for(self.name, self.code, self.name_en)
        self.search_words = name_word_count(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "name_en", "code"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text", "search_words"}
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
    def offers_post(self) -> bool:
        """Dossier and result by post (Decision 45/2016): a detailed record not excluded by its publisher."""
        return self.is_detailed and not self.postal_excluded

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

    @property
    def needs_presence(self) -> bool:
        return bool(self.presence)

    @property
    def presence_at_result(self) -> bool:
        """The result is handed over in person (signing the register): no online or postal delivery."""
        return self.presence == Presence.AT_RESULT

    @property
    def presence_text(self) -> str:
        english = (get_language() or "vi").startswith("en")
        return (self.presence_note_en if english else "") or self.presence_note

    @cached_property
    def online_method(self) -> "SubmissionMethod | None":
        for method in self.methods.all():
            if method.channel == Channel.ONLINE:
                return method
        return None


class ProcedureStep(models.Model):
    """Trình tự thực hiện: one step, in order."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("thủ tục")
    )
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

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="methods", verbose_name=_("thủ tục")
    )
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices)
    time_limit_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
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


class FeeItem(models.Model):
    """One line of phí or lệ phí of a channel, as the legal text names it.

    The method's own ``fee_vnd``/``charge_vnd`` stay the flat amounts; a procedure whose amount
    depends on the answers (number of copies, a case) lists its lines here: a unit amount, an
    optional quantity taken from a field of the online declaration, and an optional condition
    (the line applies only when a field of the declaration has a given answer). A line of 0 đồng
    is shown as exempt ("Miễn"), with its legal name. ``dossiers.fees`` computes the lines.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="fee_items", verbose_name=_("thủ tục")
    )
    channel = models.CharField(
        _("hình thức nộp"),
        max_length=20,
        choices=Channel.choices,
        default=Channel.ONLINE,
        help_text=_("Khoản này áp dụng cho cách thức thực hiện nào."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    kind = models.CharField(
        _("loại khoản thu"),
        max_length=10,
        choices=FeeKind.choices,
        help_text=_("Phí hoặc lệ phí, đúng như văn bản quy định."),
    )
    name = models.CharField(
        _("tên khoản thu"), max_length=300, help_text=_("Ví dụ: Phí cấp bản sao trích lục kết hôn.")
    )
    name_en = models.CharField(_("tên khoản thu (tiếng Anh)"), max_length=300, blank=True)
    amount_vnd = models.PositiveIntegerField(
        _("mức thu (đồng)"), default=0, help_text=_("Cho một đơn vị; 0 nghĩa là được miễn.")
    )
    unit = models.CharField(
        _("đơn vị tính"), max_length=40, blank=True, help_text=_("Ví dụ: bản, lần. Để trống nếu thu một lần.")
    )
    unit_en = models.CharField(_("đơn vị tính (tiếng Anh)"), max_length=40, blank=True)
    quantity_field = models.CharField(
        _("số lượng lấy từ trường"),
        max_length=40,
        blank=True,
        help_text=_("Mã trường số của tờ khai điện tử cho số lượng, ví dụ copies. Để trống: số lượng là 1."),
    )
    when_field = models.CharField(
        _("chỉ thu khi trường"),
        max_length=40,
        blank=True,
        help_text=_("Mã trường của tờ khai, ví dụ copies_requested. Để trống: luôn thu."),
    )
    when_value = models.CharField(
        _("có giá trị"),
        max_length=200,
        blank=True,
        help_text=_(
            "Giá trị (mã lựa chọn; yes/no với câu hỏi Có/Không), nhiều giá trị cách nhau bằng dấu phẩy. "
            "Để trống: khi trường đã được điền."
        ),
    )
    note = models.CharField(
        _("ghi chú"), max_length=300, blank=True, help_text=_("Ví dụ căn cứ miễn: Điều 11 Luật Hộ tịch.")
    )
    note_en = models.CharField(_("ghi chú (tiếng Anh)"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khoản phí, lệ phí")
        verbose_name_plural = _("các khoản phí, lệ phí")
        ordering = ["channel", "order", "id"]

    def __str__(self) -> str:
        return self.name


def template_upload_to(instance: "DossierComponent", filename: str) -> str:
    # Never the publisher's file name on disk: a generated name keeps the extension only.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"procedure-templates/{uuid.uuid4().hex}{suffix}"


class DossierComponent(models.Model):
    """Thành phần hồ sơ: a document the applicant provides."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="components", verbose_name=_("thủ tục")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    case_group = models.CharField(
        _("trường hợp"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ “Trường hợp nộp trực tuyến”. Để trống nếu áp dụng mọi trường hợp."),
    )
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    template_file = models.FileField(
        _("mẫu đơn, tờ khai"), upload_to=template_upload_to, blank=True, max_length=200
    )
    template_filename = models.CharField(_("tên tệp mẫu khi tải về"), max_length=200, blank=True)
    satisfied_by_declaration = models.BooleanField(
        _("thay bằng tờ khai điện tử"),
        default=False,
        help_text=_(
            "Bật với “Tờ khai … theo mẫu” khi thủ tục có tờ khai điện tử: người nộp trực tuyến đã khai "
            "trên Cổng, không phải tải lên bản giấy."
        ),
    )
    applies_when_field = models.CharField(
        _("áp dụng khi trường"),
        max_length=40,
        blank=True,
        help_text=_(
            "Với giấy tờ theo trường hợp: mã trường của tờ khai điện tử cho biết người nộp thuộc trường hợp "
            "này, ví dụ birth_case. Để trống: không xác định được từ tờ khai (giấy tờ được ghi là không bắt buộc "
            "khi nộp trực tuyến)."
        ),
    )
    applies_when_value = models.CharField(
        _("có giá trị"),
        max_length=200,
        blank=True,
        help_text=_("Giá trị của trường (mã lựa chọn; yes/no), nhiều giá trị cách nhau bằng dấu phẩy."),
    )

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

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="legal_bases", verbose_name=_("thủ tục")
    )
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

    term = models.CharField(
        _("từ người dân gõ"), max_length=100, unique=True, help_text=_("Ví dụ: CCCD, bằng lái, sổ đỏ, làm.")
    )
    expansions = models.TextField(
        _("nghĩa trong tên thủ tục"),
        help_text=_("Mỗi dòng một cụm từ tương đương, ví dụ “căn cước” hoặc “giấy phép lái xe”."),
    )
    replaces = models.BooleanField(
        _("thay hẳn từ gốc"),
        default=False,
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
