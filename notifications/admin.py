"""Notifications in the admin: the delivery log (read-only, resend through a service), the
template editor with a preview and SMS segment count, receipts."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HistoryIdMixin, PlainActionCheckbox, SafeAutocompleteMixin

from . import gsm, rendering, services
from .constants import PLACEHOLDERS, Status
from .models import ContactPreference, DeliveryReceipt, Message, NotificationTemplate

TEXT_FIELDS = [
    "email_subject",
    "email_text",
    "email_html",
    "sms_text",
    "email_subject_en",
    "email_text_en",
    "email_html_en",
    "sms_text_en",
]


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["event", "name", "description", "is_active", "fold_sms", *TEXT_FIELDS]

    def clean(self):
        cleaned = super().clean()
        for name in TEXT_FIELDS:
            unknown = rendering.unknown_placeholders(cleaned.get(name, ""))
            if unknown:
                self.add_error(
                    name,
                    _("Không có biến %(names)s. Các biến dùng được: %(allowed)s.")
                    % {
                        "names": ", ".join(sorted(f"{{{{ {u} }}}}" for u in unknown)),
                        "allowed": ", ".join(sorted(PLACEHOLDERS)),
                    },
                )
        for name in ("sms_text", "sms_text_en"):
            text = rendering.render(cleaned.get(name, ""), PLACEHOLDERS)
            if cleaned.get("fold_sms", True):
                text = gsm.fold_to_gsm(text)
            info = gsm.segment_info(text)
            if text and not info.fits:
                self.add_error(
                    name,
                    _(
                        "Với giá trị mẫu, tin này dài %(units)d ký tự, %(segments)d tin (%(encoding)s). Tối đa là 2 tin."
                    )
                    % {"units": info.units, "segments": info.segments, "encoding": info.encoding},
                )
        return cleaned


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(PlainActionCheckbox, HistoryIdMixin, SimpleHistoryAdmin):
    form = NotificationTemplateForm
    list_display = ["name", "event", "is_active", "sms_segments", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "event", "email_subject", "sms_text"]
    readonly_fields = ["preview_vi", "preview_en", "placeholder_help"]
    fieldsets = [
        (None, {"fields": ["event", "name", "description", "is_active", "placeholder_help"]}),
        (
            _("Tiếng Việt"),
            {"fields": ["email_subject", "email_text", "email_html", "sms_text", "fold_sms", "preview_vi"]},
        ),
        (
            _("Tiếng Anh"),
            {"fields": ["email_subject_en", "email_text_en", "email_html_en", "sms_text_en", "preview_en"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The event key is what code refers to: fixed once created.
        return [*self.readonly_fields, "event"] if obj else self.readonly_fields

    @admin.display(description=_("số tin SMS"))
    def sms_segments(self, obj: NotificationTemplate) -> str:
        info = services.preview(obj)["segments"]
        return f"{info.segments} ({info.units} {info.encoding})"

    @admin.display(description=_("biến dùng được"))
    def placeholder_help(self, obj) -> str:
        return format_html_join(", ", "<code>{{{{ {} }}}}</code>", ((name,) for name in sorted(PLACEHOLDERS)))

    def _preview(self, obj: NotificationTemplate | None, language: str) -> str:
        if obj is None or not obj.pk:
            return _("Lưu để xem trước.")
        data = services.preview(obj, language)
        info = data["segments"]
        return format_html(
            '<div class="notification-preview"><p><strong>SMS</strong> — {} · {} · {}</p><pre>{}</pre>'
            "<p><strong>{}</strong> {}</p><pre>{}</pre></div>",
            ngettext("%(n)d tin", "%(n)d tin", info.segments) % {"n": info.segments},
            ngettext("%(n)d ký tự", "%(n)d ký tự", info.units) % {"n": info.units},
            info.encoding,
            data["sms"],
            _("Tiêu đề thư:"),
            data["subject"],
            data["text"],
        )

    @admin.display(description=_("xem trước (giá trị mẫu)"))
    def preview_vi(self, obj) -> str:
        return self._preview(obj, "vi")

    @admin.display(description=_("xem trước tiếng Anh"))
    def preview_en(self, obj) -> str:
        return self._preview(obj, "en")


@admin.action(description=_("Gửi lại các tin không gửi được"))
def resend_failed(modeladmin, request, queryset):
    resent = skipped = 0
    for message in queryset.filter(status=Status.FAILED):
        try:
            services.message_resend(message=message, actor=request.user)
            resent += 1
        except services.NotificationError:
            skipped += 1
    modeladmin.message_user(request, _("Đã xếp hàng gửi lại %(n)d tin.") % {"n": resent}, messages.SUCCESS)
    if skipped or queryset.exclude(status=Status.FAILED).exists():
        modeladmin.message_user(
            request,
            _("Chỉ gửi lại được tin ở trạng thái “Không gửi được” và không chứa mã bảo mật."),
            messages.WARNING,
        )


class ReadOnlyAdmin(PlainActionCheckbox, admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    change_list_template = "admin/notifications/message/change_list.html"
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "event",
        "related_label",
        "status",
        "failure_kind",
        "attempts",
        "provider",
    ]
    list_filter = ["status", "channel", "event", "failure_kind", "provider"]
    search_fields = ["recipient", "related_label", "=uuid", "=provider_message_id"]
    date_hierarchy = "created_at"
    actions = [resend_failed]
    show_full_result_count = False
    list_per_page = 100
    fields = [
        "uuid",
        "channel",
        "recipient",
        "user",
        "event",
        "template",
        "language",
        "related_label",
        "status",
        "failure_kind",
        "attempts",
        "next_attempt_at",
        "provider",
        "provider_message_id",
        "last_error",
        "subject",
        "body_display",
        "fallback_for",
        "resent_from",
        "created_at",
        "claimed_at",
        "sent_at",
        "delivered_at",
        "failed_at",
    ]
    readonly_fields = fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("notifications.view_message"):
            actions.pop("resend_failed", None)
        return actions

    @admin.display(description=_("nội dung"))
    def body_display(self, obj: Message) -> str:
        if obj.is_security:
            return _("•••••• (mã bảo mật không hiển thị)")
        return format_html("<pre>{}</pre>", obj.body_text)

    def changelist_view(self, request, extra_context=None):
        counts = dict(Message.objects.values_list("status").annotate(n=Count("id")).order_by())
        extra_context = {
            **(extra_context or {}),
            "status_counts": [(label, counts.get(value, 0), value) for value, label in Status.choices],
        }
        return super().changelist_view(request, extra_context)


class MessageInline(GenericTabularInline):
    """Per related object (a dossier): what was sent, when, and whether it arrived."""

    model = Message
    ct_field = "related_type"
    ct_fk_field = "related_id"
    extra = 0
    can_delete = False
    fields = ["created_at", "channel", "recipient", "event", "status", "delivered_at", "last_error"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DeliveryReceipt)
class DeliveryReceiptAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "provider", "event_id", "status", "applied", "message"]
    list_filter = ["provider", "status", "applied"]
    search_fields = ["=event_id"]
    list_select_related = ["message"]


@admin.register(ContactPreference)
class ContactPreferenceAdmin(PlainActionCheckbox, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "channels", "language"]
    list_filter = ["channels", "language"]
    search_fields = ["user__username", "user__full_name"]
    autocomplete_fields = ["user"]
