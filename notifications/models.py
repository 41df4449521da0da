"""The outbox: one Message row per recipient and channel, written in the same transaction as
whatever caused it, then sent after commit by a Celery task that claims it with a conditional
update. Delivery receipts are rows too, deduplicated on the provider's event id."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .constants import Channel, FailureKind, Preference, Status


class NotificationTemplate(models.Model):
    """Wording of one kind of message (per event), in Vietnamese and English, editable by staff."""

    event = models.SlugField(
        pgettext_lazy("notification", "sự kiện"),
        max_length=60,
        unique=True,
        help_text=_("Mã kỹ thuật, ví dụ dossier_submitted."),
    )
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("khi nào gửi"), blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    email_subject = models.CharField(_("tiêu đề thư"), max_length=255)
    email_text = models.TextField(_("nội dung thư (văn bản)"))
    email_html = models.TextField(_("nội dung thư (HTML)"), blank=True)
    sms_text = models.TextField(_("nội dung SMS"))
    email_subject_en = models.CharField(_("tiêu đề thư (tiếng Anh)"), max_length=255, blank=True)
    email_text_en = models.TextField(_("nội dung thư (tiếng Anh)"), blank=True)
    email_html_en = models.TextField(_("nội dung thư HTML (tiếng Anh)"), blank=True)
    sms_text_en = models.TextField(_("nội dung SMS (tiếng Anh)"), blank=True)
    fold_sms = models.BooleanField(
        _("gửi SMS không dấu"),
        default=True,
        help_text=_(
            "Bỏ dấu tiếng Việt (GSM-7) như tin nhắn thương hiệu thường làm: rẻ hơn và đủ 160 ký tự mỗi tin."
        ),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["event"]

    def __str__(self) -> str:
        return self.name

    def parts(self, language: str) -> dict[str, str]:
        english = language.startswith("en")
        pick = lambda vi, en: (en or vi) if english else vi  # noqa: E731 - English falls back to Vietnamese
        return {
            "email_subject": pick(self.email_subject, self.email_subject_en),
            "email_text": pick(self.email_text, self.email_text_en),
            "email_html": pick(self.email_html, self.email_html_en),
            "sms_text": pick(self.sms_text, self.sms_text_en),
        }


class ContactPreference(models.Model):
    """How a person wants to hear from us. Security codes ignore it: they go to the channel being verified."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_preference",
        verbose_name=_("người dùng"),
    )
    channels = models.CharField(
        _("nhận thông báo qua"), max_length=10, choices=Preference.choices, default=Preference.BOTH
    )
    language = models.CharField(_("ngôn ngữ"), max_length=5, choices=settings.LANGUAGES, default="vi")

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_channels_display()}"


class Message(models.Model):
    """One message to one recipient on one channel (the outbox row)."""

    uuid = models.UUIDField(
        _("mã tham chiếu"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("Gửi kèm cho nhà cung cấp để chống gửi trùng."),
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(
        _("người nhận"), max_length=254, db_index=True, help_text=_("Số điện thoại E.164 hoặc địa chỉ thư.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("người dùng"),
    )
    event = models.CharField(pgettext_lazy("notification", "sự kiện"), max_length=60, db_index=True)
    template = models.ForeignKey(
        NotificationTemplate, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("mẫu")
    )
    language = models.CharField(_("ngôn ngữ"), max_length=5, default="vi")
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body_text = models.TextField(_("nội dung"))
    body_html = models.TextField(_("nội dung HTML"), blank=True)
    is_security = models.BooleanField(
        _("chứa mã bảo mật"), default=False, help_text=_("Nội dung được che sau khi gửi xong.")
    )
    context = models.JSONField(
        _("giá trị của các biến"),
        default=dict,
        blank=True,
        help_text=_("Để gửi lại qua kênh khác với cùng nội dung. Không lưu với mã bảo mật."),
    )
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    failure_kind = models.CharField(_("loại lỗi"), max_length=12, choices=FailureKind.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    provider = models.CharField(_("nhà cung cấp"), max_length=40, blank=True)
    provider_message_id = models.CharField(
        _("mã tin của nhà cung cấp"), max_length=200, blank=True, db_index=True
    )
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    related_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("loại đối tượng")
    )
    related_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    related_label = models.CharField(
        _("đối tượng liên quan"), max_length=120, blank=True, db_index=True, help_text=_("Ví dụ mã hồ sơ.")
    )
    fallback_for = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fallback",
        verbose_name=_("gửi thay cho tin"),
    )
    resent_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resends",
        verbose_name=_("gửi lại từ tin"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    failed_at = models.DateTimeField(_("thất bại lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("tin đã gửi")
        verbose_name_plural = _("nhật ký gửi tin")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_status_next_idx"),
            models.Index(fields=["related_type", "related_id"], name="notif_related_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient} ({self.event})"


class DeliveryReceipt(models.Model):
    """A delivery report from a provider, kept once (unique on the provider's event id)."""

    provider = models.CharField(_("nhà cung cấp"), max_length=40)
    event_id = models.CharField(_("mã sự kiện của nhà cung cấp"), max_length=200)
    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("tin"),
    )
    status = models.CharField(_("trạng thái báo về"), max_length=20)
    applied = models.BooleanField(
        _("đã áp dụng"), default=False, help_text=_("Sai nếu tin đã ở trạng thái cuối nên báo cáo bị bỏ qua.")
    )
    payload = models.JSONField(_("nội dung"), default=dict)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo phát tin")
        verbose_name_plural = _("báo cáo phát tin")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="uniq_receipt_event")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id} {self.status}"


class DevOutboxEntry(models.Model):
    """Development only (DEV_OUTBOX): the full text of every message as it was handed to the provider,
    so a developer or a browser test can read a sign-in code that the real log masks."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="dev_copy")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tin trong hộp thư thử nghiệm")
        verbose_name_plural = _("hộp thư thử nghiệm")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}"
