"""Publishing the catalogue in the admin.

A publisher sees and edits only the procedures owned by their own agencies; a superuser sees
all. New procedures start as drafts; "Xem trước" opens the public page in preview mode and
"Công bố" makes it public. Every save is versioned (django-simple-history) and the history
page shows the differences between versions.
"""

from __future__ import annotations

import csv

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import HistoryIdMixin, PlainActionCheckbox, SafeAutocompleteMixin, pk_or_404
from core.files import DOC, DOCX, PDF, FileRefused, inspect

from . import search, selectors, services
from .constants import ImplementingLevel, PublicationStatus
from .models import (
    Agency,
    DossierComponent,
    FeeItem,
    LegalBasis,
    LifeEvent,
    Procedure,
    ProcedureStep,
    SearchSynonym,
    Sector,
    SubmissionMethod,
)


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0
    fields = ["order", "title", "description"]


class SubmissionMethodInline(admin.TabularInline):
    model = SubmissionMethod
    extra = 0
    fields = ["channel", "time_limit_days", "time_limit_text", "fee_vnd", "charge_vnd", "fee_description"]


class FeeItemInline(admin.TabularInline):
    """Phí and lệ phí line by line, with what changes them (dossiers.fees computes the amounts)."""

    model = FeeItem
    extra = 0
    fields = [
        "channel",
        "order",
        "kind",
        "name",
        "name_en",
        "amount_vnd",
        "unit",
        "unit_en",
        "quantity_field",
        "when_field",
        "when_value",
        "note",
        "note_en",
    ]


class DossierComponentForm(forms.ModelForm):
    class Meta:
        model = DossierComponent
        fields = [
            "order",
            "case_group",
            "name",
            "originals",
            "copies",
            "required",
            "satisfied_by_declaration",
            "applies_when_field",
            "applies_when_value",
            "template_file",
            "template_filename",
        ]

    def clean_template_file(self):
        upload = self.cleaned_data.get("template_file")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # unchanged or cleared
        limit = settings.TEMPLATE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                _("Tệp mẫu quá lớn (%(size)s MB). Giới hạn là %(limit)s MB.")
                % {"size": round(upload.size / 1048576, 1), "limit": limit // 1048576}
            )
        # Templates are downloaded by many citizens: PDF only, checked like a citizen's upload. Word files
        # (DOC, DOCX) are refused: they carry macros, remote templates, OLE objects and DDE fields that
        # no check here could rule out for certain. A publisher saves the form as PDF instead.
        try:
            kind = inspect(upload.file)
        except FileRefused as exc:
            if exc.kind != PDF:
                raise ValidationError(
                    _("Tệp mẫu phải là PDF. Nội dung tệp bạn chọn không phải PDF.")
                ) from exc
            raise ValidationError(
                _(
                    "Tệp mẫu PDF này có mã lệnh tự chạy, tệp đính kèm, biểu mẫu động hoặc không kiểm tra được (có mật khẩu, bị hỏng). Hãy in ra PDF thường (In → “Lưu dưới dạng PDF”) rồi tải lên lại."
                )
            ) from exc
        if kind in (DOC, DOCX):
            raise ValidationError(
                _(
                    "Tệp mẫu phải là PDF: tệp Word (DOC, DOCX) không được nhận vì có thể chứa macro. Hãy mở tệp trong Word hoặc LibreOffice, chọn Lưu thành PDF rồi tải lên."
                )
            )
        if kind != PDF:
            raise ValidationError(_("Tệp mẫu phải là PDF. Nội dung tệp bạn chọn không phải PDF."))
        stem = "".join(ch for ch in upload.name.rsplit(".", 1)[0] if ch.isalnum() or ch in "-_ ").strip()[:80]
        self._uploaded_filename = f"{stem or 'mau'}.{kind}"
        upload.name = f"template.{kind}"
        return upload

    def clean(self):
        cleaned = super().clean()
        uploaded = getattr(self, "_uploaded_filename", None)
        if uploaded and not cleaned.get("template_filename"):
            cleaned["template_filename"] = uploaded
        return cleaned


class DossierComponentInline(admin.StackedInline):
    model = DossierComponent
    form = DossierComponentForm
    extra = 0


class LegalBasisInline(admin.TabularInline):
    model = LegalBasis
    extra = 0
    fields = ["order", "number", "title", "issued_on", "issuer"]


class ProcedureAdminForm(forms.ModelForm):
    implementing_levels = forms.MultipleChoiceField(
        label=_("cấp thực hiện"),
        choices=ImplementingLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "name_en",
            "service_level",
            "owner_agency",
            "agencies",
            "competent_authority",
            "implementing_levels",
            "for_citizens",
            "for_businesses",
            "vertical",
            "sectors",
            "life_events",
            "applicants",
            "requirements",
            "result",
            "notes",
            "next_steps",
            "presence",
            "presence_note",
            "presence_note_en",
            "effective_from",
            "effective_to",
            "popularity",
        ]

    def clean_requirements(self) -> str:
        return services.sanitize_rich_text(self.cleaned_data.get("requirements", ""))

    def clean_notes(self) -> str:
        return services.sanitize_rich_text(self.cleaned_data.get("notes", ""))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("Ngày hết hiệu lực phải sau ngày có hiệu lực."))
        return cleaned


@admin.action(description=_("Xuất CSV các thủ tục đã chọn"))
def export_csv(modeladmin, request: HttpRequest, queryset) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-{stamp}.csv"'
    response.write("\ufeff")  # so Excel opens Vietnamese correctly
    writer = csv.writer(response)
    writer.writerow(
        [
            "ma_thu_tuc",
            "ten_thu_tuc",
            "muc_do",
            "trang_thai",
            "co_quan_cong_bo",
            "linh_vuc",
            "thoi_han_ngay",
            "phi_le_phi_truc_tuyen_vnd",
            "cap_nhat",
        ]
    )
    rows = queryset.select_related("owner_agency").prefetch_related("sectors", "methods").order_by("code")
    for p in rows:
        online = p.online_method
        first = online or next(iter(p.methods.all()), None)
        writer.writerow(
            [
                p.code,
                p.name,
                p.service_level,
                p.get_status_display(),
                p.owner_agency.name if p.owner_agency else "",
                "; ".join(s.name for s in p.sectors.all()),
                first.time_limit_days if first and first.time_limit_days is not None else "",
                first.total_vnd if first else "",
                timezone.localtime(p.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response


def _bulk_status(modeladmin, request, queryset, service, done_message):
    if not request.user.has_perm("procedures.publish_procedure"):
        raise PermissionDenied
    count = 0
    for procedure in queryset:  # queryset is already scoped to the publisher's agencies
        service(procedure=procedure, actor=request.user)
        count += 1
    modeladmin.message_user(request, done_message % {"n": count}, messages.SUCCESS)


@admin.action(description=_("Công bố các thủ tục đã chọn"), permissions=["publish"])
def publish_selected(modeladmin, request, queryset):
    _bulk_status(modeladmin, request, queryset, services.procedure_publish, _("Đã công bố %(n)d thủ tục."))


@admin.action(description=_("Bãi bỏ các thủ tục đã chọn"), permissions=["publish"])
def archive_selected(modeladmin, request, queryset):
    _bulk_status(modeladmin, request, queryset, services.procedure_archive, _("Đã bãi bỏ %(n)d thủ tục."))


@admin.register(Procedure)
class ProcedureAdmin(PlainActionCheckbox, SafeAutocompleteMixin, HistoryIdMixin, SimpleHistoryAdmin):
    form = ProcedureAdminForm
    change_form_template = "admin/procedures/procedure/change_form.html"
    list_display = ["code", "name", "service_level", "status_badge", "owner_agency", "updated_at"]
    list_display_links = ["code", "name"]
    list_filter = [
        "status",
        "service_level",
        ("owner_agency", admin.RelatedOnlyFieldListFilter),
        "for_citizens",
        "for_businesses",
    ]
    search_fields = ["code", "name", "name_en"]
    list_per_page = 50
    show_full_result_count = False
    autocomplete_fields = ["sectors"]
    filter_horizontal = ["life_events", "agencies"]
    readonly_fields = ["status", "published_at", "public_link"]
    inlines = [
        ProcedureStepInline,
        SubmissionMethodInline,
        FeeItemInline,
        DossierComponentInline,
        LegalBasisInline,
    ]
    actions = [publish_selected, archive_selected, export_csv]
    fieldsets = [
        (
            None,
            {"fields": ["code", "name", "name_en", "service_level", "status", "published_at", "public_link"]},
        ),
        (
            _("Phạm vi"),
            {
                "fields": [
                    "owner_agency",
                    "agencies",
                    "competent_authority",
                    "implementing_levels",
                    "for_citizens",
                    "for_businesses",
                    "vertical",
                    "postal_excluded",
                    "sectors",
                    "life_events",
                ]
            },
        ),
        (_("Nội dung"), {"fields": ["applicants", "requirements", "result", "notes", "next_steps"]}),
        (_("Có mặt trực tiếp"), {"fields": ["presence", "presence_note", "presence_note_en"]}),
        (_("Hiệu lực"), {"fields": ["effective_from", "effective_to", "popularity"]}),
    ]

    def get_queryset(self, request):
        return selectors.procedures_editable_by(request.user).select_related("owner_agency")

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("procedures.publish_procedure")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner_agency" and not request.user.is_superuser:
            kwargs["queryset"] = Agency.objects.filter(id__in=selectors.publisher_agency_ids(request.user))
            kwargs["required"] = True
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "agencies" and not request.user.is_superuser:
            own = selectors.publisher_agency_ids(request.user)
            kwargs["queryset"] = Agency.objects.filter(id__in=own) | Agency.objects.filter(parent_id__in=own)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and not request.user.is_superuser and "owner_agency" in form.base_fields:
            own = selectors.publisher_agency_ids(request.user)
            if len(own) == 1:
                form.base_fields["owner_agency"].initial = next(iter(own))
        return form

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and obj.owner_agency_id not in selectors.publisher_agency_ids(
            request.user
        ):
            raise PermissionDenied
        obj._change_reason = "Sửa trong trang quản trị" if change else "Tạo mới"
        super().save_model(request, obj, form, change)

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_badge(self, obj: Procedure) -> str:
        return obj.get_status_display()

    @admin.display(description=_("trang công khai"))
    def public_link(self, obj: Procedure) -> str:
        if not obj.pk:
            return "—"
        label = _("Xem trang công khai") if obj.status == PublicationStatus.PUBLISHED else _("Xem trước")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), label
        )

    def _check_in_scope(self, request: HttpRequest, object_id) -> None:
        # simple-history's views fetch the object without our scoped queryset: check it here.
        if not self.get_queryset(request).filter(pk=pk_or_404(Procedure, object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        custom = [
            path(
                "<int:object_id>/publish/",
                self.admin_site.admin_view(self.status_view),
                {"action": "publish"},
                name="procedures_procedure_publish",
            ),
            path(
                "<int:object_id>/archive/",
                self.admin_site.admin_view(self.status_view),
                {"action": "archive"},
                name="procedures_procedure_archive",
            ),
            path(
                "<int:object_id>/unpublish/",
                self.admin_site.admin_view(self.status_view),
                {"action": "unpublish"},
                name="procedures_procedure_unpublish",
            ),
        ]
        return custom + super().get_urls()

    def status_view(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        return _status_view(self, request, object_id, action)


def _status_view(
    model_admin: ProcedureAdmin, request: HttpRequest, object_id: int, action: str
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    procedure = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    if not model_admin.has_publish_permission(request):
        raise PermissionDenied
    service, message = {
        "publish": (services.procedure_publish, _("Đã công bố thủ tục “%s”.")),
        "archive": (services.procedure_archive, _("Đã bãi bỏ thủ tục “%s”.")),
        "unpublish": (services.procedure_unpublish, _("Đã chuyển thủ tục “%s” về bản nháp.")),
    }[action]
    service(procedure=procedure, actor=request.user)
    model_admin.message_user(request, message % procedure.name, messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:procedures_procedure_change", args=[procedure.pk]))


@admin.register(Agency)
class AgencyAdmin(PlainActionCheckbox, SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "phone"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "unit_name"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("parent")
        if request.user.is_superuser:
            return qs
        return qs.filter(staff_assignments__user=request.user).distinct()


@admin.register(Sector)
class SectorAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "ministry", "for_citizens", "for_businesses"]
    list_filter = ["for_citizens", "for_businesses"]
    search_fields = ["code", "name", "name_en", "ministry"]


@admin.register(LifeEvent)
class LifeEventAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["name", "name_en", "audience", "ordering", "slug"]
    list_filter = ["audience"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SearchSynonym)
class SearchSynonymAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["term", "expansions_short", "replaces", "updated_at"]
    search_fields = ["term", "expansions"]

    @admin.display(description=_("nghĩa"))
    def expansions_short(self, obj: SearchSynonym) -> str:
        return "; ".join(obj.expansion_list)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        search.invalidate_search_caches()  # bulk delete sends no per-row signal
