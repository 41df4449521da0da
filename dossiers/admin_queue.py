"""The officer's work queue in the admin: scoped to their agencies, sorted by deadline, status
changed only through the processing services (buttons), every opening of personal data audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffAssignment, User
from notifications.admin import MessageInline
from procedures.models import Agency

from . import processing, workdays
from .constants import ACTION_LABELS, CLOCK_STOPPED, FINAL_STATUSES, Delivery, Status
from .declaration import iter_answer_rows
from .models import AuditEntry, Dossier, DossierFile


def staff_agency_ids(user) -> set[int]:
    return set(StaffAssignment.objects.filter(user=user).values_list("agency_id", flat=True))


class EstimatedCountPaginator(Paginator):
    """At a million dossiers the list must not spend its time in COUNT(*): PostgreSQL's estimate for
    the unfiltered table, an exact count otherwise (filtered queues are small and indexed)."""

    @cached_property
    def count(self) -> int:
        query = self.object_list.query
        if connection.vendor == "postgresql" and not query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [Dossier._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > 10000:
                return int(row[0])
        return super().count


class QueueFilter(admin.SimpleListFilter):
    title = _("hàng việc")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("Cần tôi xử lý")),
            ("new", _("Mới nộp, chờ tiếp nhận")),
            ("today", _("Đến hạn hôm nay")),
            ("week", _("Đến hạn trong tuần")),
            ("overdue", _("Quá hạn")),
            ("waiting", _("Chờ người nộp")),
            ("assigned", _("Giao cho tôi")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
        open_q = ~Q(status__in=[*FINAL_STATUSES, Status.DRAFT])
        value = self.value()
        if value == "mine":
            roles = set(StaffAssignment.objects.filter(user=request.user).values_list("role", flat=True))
            q = Q(pk__in=[])
            if "officer" in roles:
                q |= Q(status__in=[Status.SUBMITTED, Status.RECEIVED, Status.RESULT_READY, Status.PAYMENT_REQUESTED])
            if "specialist" in roles:
                q |= Q(status=Status.PROCESSING, assignee=request.user)
            if "leader" in roles:
                q |= Q(status=Status.PROCESSING, processing_step="awaiting_approval")
            return queryset.filter(q)
        if value == "new":
            return queryset.filter(status=Status.SUBMITTED)
        if value == "today":
            return queryset.filter(open_q, due_at__lte=end_of_day).exclude(status__in=CLOCK_STOPPED)
        if value == "week":
            return queryset.filter(open_q, due_at__lte=end_of_day + timedelta(days=7)).exclude(status__in=CLOCK_STOPPED)
        if value == "overdue":
            return queryset.filter(open_q).exclude(status__in=CLOCK_STOPPED).filter(
                Q(due_at__lt=now) | Q(status=Status.SUBMITTED, acceptance_due_at__lt=now)
            )
        if value == "waiting":
            return queryset.filter(status__in=CLOCK_STOPPED)
        if value == "assigned":
            return queryset.filter(assignee=request.user).filter(open_q)
        return queryset


class ActionForm(forms.Form):
    reason = forms.CharField(label=_("Lý do / nội dung gửi người nộp"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    internal_note = forms.CharField(label=_("Ghi chú nội bộ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    missing = forms.CharField(label=_("Giấy tờ còn thiếu (mỗi dòng một giấy tờ)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.CharField(label=_("Phòng chuyên môn"), required=False, max_length=200)
    assignee = forms.ModelChoiceField(label=_("Chuyên viên"), required=False, queryset=User.objects.none())
    method = forms.ChoiceField(label=_("Hình thức trả"), required=False, choices=Delivery.choices)
    new_due = forms.DateField(label=_("Ngày hẹn mới"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    result_file = forms.FileField(label=_("Kết quả điện tử (PDF)"), required=False)


@admin.action(description=_("Phân công hàng loạt"))
def bulk_assign(modeladmin, request, queryset):
    """Assign the selected received or in-progress dossiers to one specialist, through the same service."""
    agency_ids = set(queryset.values_list("agency_id", flat=True))
    specialists = User.objects.filter(assignments__agency_id__in=agency_ids, assignments__role="specialist").distinct()
    if "apply" in request.POST:
        assignee = specialists.filter(pk=request.POST.get("assignee") or 0).first()
        department = (request.POST.get("department") or "").strip()
        done, failed = 0, []
        for dossier in queryset:
            try:
                processing.dossier_assign(dossier_id=dossier.pk, actor=request.user, expected_status=dossier.status, department=department, assignee=assignee)
                done += 1
            except processing.ProcessingError as exc:
                failed.append(f"{dossier.code}: {exc}")
        modeladmin.message_user(request, _("Đã phân công %(n)d hồ sơ.") % {"n": done}, messages.SUCCESS)
        for line in failed[:20]:
            modeladmin.message_user(request, line, messages.WARNING)
        return None
    from django.template.response import TemplateResponse

    return TemplateResponse(
        request,
        "admin/dossiers/dossier/bulk_assign.html",
        {**modeladmin.admin_site.each_context(request), "dossiers": queryset, "specialists": specialists, "title": _("Phân công hàng loạt"), "opts": modeladmin.model._meta},
    )


@admin.register(Dossier)
class DossierQueueAdmin(admin.ModelAdmin):
    change_form_template = "admin/dossiers/dossier/change_form.html"
    list_display = ["code", "procedure_name", "applicant_name", "status", "deadline", "assignee"]
    list_display_links = ["code"]
    list_filter = [QueueFilter, "status", ("procedure", admin.RelatedOnlyFieldListFilter), "delivery"]
    search_fields = ["=code", "applicant__full_name", "=applicant__phone", "=applicant__profile__personal_id"]
    list_select_related = ["procedure", "applicant", "assignee"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    actions = [bulk_assign]
    inlines = [MessageInline]
    fields = ["code", "procedure", "agency", "status", "processing_step", "department", "assignee", "submitted_at", "acceptance_due_at", "received_at", "due_at", "delivery"]
    readonly_fields = fields

    def get_queryset(self, request):
        qs = super().get_queryset(request).exclude(status=Status.DRAFT)
        if request.user.is_superuser:
            return qs
        return qs.filter(agency_id__in=staff_agency_ids(request.user))

    def get_ordering(self, request):
        return ["due_at", "acceptance_due_at", "submitted_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # status changes only through the action buttons

    def get_actions(self, request):
        # Django drops actions for a read-only admin; bulk assignment goes through the services.
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            actions["bulk_assign"] = self.get_action(bulk_assign)
        return actions

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or bool(staff_agency_ids(request.user))

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.display(description=_("thủ tục"), ordering="procedure__name")
    def procedure_name(self, obj: Dossier) -> str:
        return obj.procedure.name[:80]

    @admin.display(description=_("người nộp"))
    def applicant_name(self, obj: Dossier) -> str:
        return obj.applicant.full_name

    @admin.display(description=_("hạn"), ordering="due_at")
    def deadline(self, obj: Dossier):
        due = obj.due_at or obj.acceptance_due_at
        if due is None:
            return "—"
        text = timezone.localtime(due).strftime("%H:%M %d/%m/%Y")
        late = obj.status not in FINAL_STATUSES and obj.status not in CLOCK_STOPPED and due < timezone.now()
        return format_html('<strong class="deadline-late">{} ({})</strong>', text, _("quá hạn")) if late else text

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and not request.GET and not request.user.is_superuser:
            # An officer's day starts with what needs their action, soonest deadline first.
            return HttpResponseRedirect(request.path + "?queue=mine")
        base = self.get_queryset(request)
        counts = {}
        for key, label in QueueFilter(request, {}, Dossier, self).lookup_choices:
            flt = QueueFilter(request, {"queue": [key]}, Dossier, self)
            counts[key] = (label, flt.queryset(request, base).count())
        extra_context = {**(extra_context or {}), "queue_counts": counts}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dossier = get_object_or_404(self.get_queryset(request).select_related("applicant", "procedure", "agency", "form_version"), pk=object_id)
        AuditEntry.objects.create(user=request.user, dossier=dossier, what="view", detail="admin")
        specialists = User.objects.filter(assignments__agency_id=dossier.agency_id, assignments__role="specialist").distinct()
        form = ActionForm()
        form.fields["assignee"].queryset = specialists
        extra_context = {
            **(extra_context or {}),
            "dossier": dossier,
            "answer_rows": list(iter_answer_rows(dossier.form_version.schema, dossier.answers)) if dossier.form_version_id else [],
            "files": list(dossier.files.all()),
            "events": list(dossier.events.all()),
            "actions": [(a, ACTION_LABELS[a]) for a in processing.allowed_actions(request.user, dossier)],
            "action_form": form,
            "repeat_supplement": processing.supplement_is_repeat(dossier),
            "remaining": workdays.remaining_working_days(dossier.due_at) if dossier.due_at and dossier.status not in FINAL_STATUSES else None,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path("<int:object_id>/act/<slug:action>/", self.admin_site.admin_view(self.act_view), name="dossiers_dossier_act"),
            path("<int:object_id>/files/<int:file_id>/", self.admin_site.admin_view(self.file_view), name="dossiers_dossier_file"),
            path("<int:object_id>/form06.pdf", self.admin_site.admin_view(self.form06_view), name="dossiers_dossier_form06"),
            path("logbook/", self.admin_site.admin_view(self.logbook_view), name="dossiers_dossier_logbook"),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, object_id: int, file_id: int):
        from .views import _file_response

        dossier = get_object_or_404(self.get_queryset(request), pk=object_id)
        stored = get_object_or_404(DossierFile, pk=file_id, dossier=dossier)
        AuditEntry.objects.create(user=request.user, dossier=dossier, what="file", detail=stored.original_name[:300])
        response = _file_response(stored)
        if request.GET.get("inline") == "1" and stored.kind in ("png", "jpeg"):
            # Images (sniffed as real images, nosniff, sandbox CSP) may be previewed inline on the desk;
            # PDFs are always downloaded: a browser's PDF viewer may run scripts embedded in them.
            response["Content-Disposition"] = "inline"
        return response

    def form06_view(self, request: HttpRequest, object_id: int):
        """Form 06, the control slip, built from the dossier's events."""
        from .documents import form06_control_slip

        dossier = get_object_or_404(self.get_queryset(request), pk=object_id)
        response = HttpResponse(form06_control_slip(dossier), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="mau-06-{dossier.code}.pdf"'
        return response

    def logbook_view(self, request: HttpRequest):
        """Form 07, the log book of one agency for a period, as PDF or CSV (?agency=&start=&end=&format=)."""
        from .documents import form07_logbook, form07_logbook_csv

        agencies = Agency.objects.all() if request.user.is_superuser else Agency.objects.filter(id__in=staff_agency_ids(request.user))
        agency = agencies.filter(pk=request.GET.get("agency") or 0).first() or agencies.order_by("name").first()
        if agency is None:
            raise Http404("no agency")
        today = timezone.localdate()
        try:
            start = date.fromisoformat(request.GET.get("start") or "")
        except ValueError:
            start = today.replace(day=1)
        try:
            end = date.fromisoformat(request.GET.get("end") or "")
        except ValueError:
            end = today
        rows = (
            self.get_queryset(request).filter(agency=agency, received_at__date__gte=start, received_at__date__lte=end)
            .select_related("procedure", "applicant").order_by("received_at")
        )
        if request.GET.get("format") == "csv":
            response = HttpResponse(form07_logbook_csv(agency, rows, period_start=start, period_end=end), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{agency.code}-{start}-{end}.csv"'
            return response
        response = HttpResponse(form07_logbook(agency, rows, period_start=start, period_end=end), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{agency.code}-{start}-{end}.pdf"'
        return response

    def act_view(self, request: HttpRequest, object_id: int, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dossier = get_object_or_404(self.get_queryset(request), pk=object_id)
        form = ActionForm(request.POST, request.FILES)
        form.fields["assignee"].queryset = User.objects.filter(assignments__agency_id=dossier.agency_id, assignments__role="specialist").distinct()
        back = HttpResponseRedirect(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
        if not form.is_valid() or action not in ACTION_LABELS:
            messages.error(request, _("Thông tin chưa hợp lệ."))
            return back
        data = form.cleaned_data
        expected = int(request.POST.get("expected_status") or dossier.status)
        try:
            self._perform(action, dossier, request.user, expected, data)
        except processing.ProcessingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": ACTION_LABELS[action]})
        return back

    @staticmethod
    def _perform(action: str, dossier: Dossier, actor, expected: int, data: dict) -> None:
        common = {"dossier_id": dossier.pk, "actor": actor}
        reason = data.get("reason") or ""
        if action == "receive":
            processing.dossier_receive(**common, expected_status=expected, note_to_applicant=reason)
        elif action == "request_supplement":
            missing = [line.strip() for line in (data.get("missing") or "").splitlines() if line.strip()]
            processing.dossier_request_supplement(**common, expected_status=expected, missing=missing, reason=reason)
        elif action == "refuse":
            processing.dossier_refuse(**common, reason=reason, expected_status=expected)
        elif action == "assign":
            processing.dossier_assign(**common, expected_status=expected, department=data.get("department") or "", assignee=data.get("assignee"), internal_note=data.get("internal_note") or "")
        elif action in ("appraise", "submit_for_approval", "approve"):
            getattr(processing, f"dossier_{action}")(**common, internal_note=data.get("internal_note") or "")
        elif action == "return_for_rework":
            processing.dossier_return_for_rework(**common, reason=reason)
        elif action == "request_payment":
            processing.dossier_request_payment(**common, note_to_applicant=reason)
        elif action == "payment_received":
            processing.dossier_payment_received(**common)
        elif action == "stop":
            processing.dossier_stop(**common, reason=reason)
        elif action == "result_ready":
            processing.dossier_result_ready(**common, note_to_applicant=reason, result_file=data.get("result_file"))
        elif action == "return_result":
            processing.dossier_return_result(**common, method=data.get("method") or Delivery.COUNTER)
        elif action == "withdraw":
            processing.dossier_withdraw_on_request(**common, expected_status=expected, reason=reason)
        elif action == "extend":
            new_due = data.get("new_due")
            if new_due is None:
                raise processing.ProcessingError(_("Chọn ngày hẹn mới."))
            due = timezone.make_aware(datetime.combine(new_due, datetime.min.time()).replace(hour=17))
            processing.dossier_extend(**common, expected_status=expected, new_due=due, reason=reason)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "what", "dossier", "detail"]
    list_filter = ["what"]
    search_fields = ["=dossier__code", "user__username", "user__full_name"]
    list_select_related = ["user", "dossier"]
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(dossier__agency_id__in=staff_agency_ids(request.user))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


