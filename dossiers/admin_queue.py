"""The officer's work queue in the admin: scoped to their agencies, sorted by deadline, status
changed only through the processing services (buttons), every opening of personal data audited.

The desk (one dossier) shows the next sensible action first and folds the rest away, the completeness
checklist that becomes the supplement request, the applicant's chosen return method, fees and
payment, the result draft the leader approves, forms 01–07, and the timeline in Vietnamese.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_value
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.selectors import staff_assignments
from core.admin import PlainActionCheckbox, pk_or_404
from procedures.models import Agency

from . import checklist, desk, extensions, processing, selectors, statistics, workdays
from .audit import audit_staff_access
from .constants import (
    CLOCK_STOPPED,
    FINAL_STATUSES,
    INTERNAL_FILE_PURPOSES,
    ISSUED_FILE_PURPOSES,
    LEADER,
    OFFICER,
    SPECIALIST,
    Delivery,
    Status,
    Step,
)
from .declaration import iter_answer_rows
from .models import AuditEntry, Dossier, DossierFile
from .transitions import DESK_ACTIONS, TRANSITIONS
from .transitions import label as action_label


def staff_agency_ids(user) -> set[int]:
    """Agencies where the person holds a role that processes dossiers (never a publisher's)."""
    return set(selectors.processing_agency_ids(user))


def parse_version(raw: str | None) -> int | None:
    """The ``expected_version`` a desk form carried; ``None`` when missing or malformed."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


class EstimatedCountPaginator(Paginator):
    """At a million dossiers the list must not spend its time in COUNT(*). On PostgreSQL the planner's
    row estimate for the very query the page lists (``EXPLAIN``, planning only, whatever its
    filters: the agency scope, the draft exclusion, a queue) is used when it is above
    ``ESTIMATE_ABOVE``; below, and on SQLite, the exact count (small lists are cheap and indexed)."""

    ESTIMATE_ABOVE = 10_000

    @cached_property
    def count(self) -> int:
        if connection.vendor == "postgresql" and hasattr(self.object_list, "query"):
            estimate = planner_rows(self.object_list)
            if estimate > self.ESTIMATE_ABOVE:
                return estimate
        return super().count


def planner_rows(queryset) -> int:
    """PostgreSQL's estimate of how many rows ``queryset`` returns (``EXPLAIN (FORMAT JSON)``).

    A filter no row can match (e.g. a status out of the field's range, ``?status=-1``) compiles to
    no SQL at all: that is an estimate of 0, not an error."""
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


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
        return queue_filter(queryset, self.value(), request.user)


class ProcedureListFilter(admin.RelatedOnlyFieldListFilter):
    """Django's "only the procedures of these dossiers" filter, reading each procedure's id, code and
    name (what its label, ``str(procedure)``, shows) instead of every column: the long texts, the
    search text and vector, the link copies. An agency offers dozens of procedures, and their rows
    were read whole on every page of the queue."""

    def field_choices(self, field, request, model_admin):
        in_scope = (
            model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        )
        procedures = field.remote_field.model._default_manager.filter(pk__in=in_scope).only(
            "pk", "code", "name"
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            procedures = procedures.order_by(*ordering)
        return [(procedure.pk, str(procedure)) for procedure in procedures]


def queue_q(value: str | None, user, now: datetime | None = None) -> Q | None:
    """The condition of one queue of the officer's day; ``None`` for no queue (everything in scope)
    and for a queue that holds nothing for this person (``mine`` without a processing role).

    "Quá hạn" is ``statistics.overdue_q``, the definition the leaders' dashboard counts with, so the
    two always agree. One condition serves both the list (``queue_filter``) and the pills' counts
    (``queue_counts``), so a pill never says another number than its list.
    """
    now = now or timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    end_of_day = start_of_day + timedelta(days=1)
    open_q = ~Q(status__in=[*FINAL_STATUSES, Status.DRAFT])
    # A clock that runs: not finished, not waiting for the applicant, no result waiting to be collected.
    from .deadlines import NEVER_OVERDUE

    running_q = ~Q(status__in=[*NEVER_OVERDUE, *CLOCK_STOPPED])
    if value == "mine":
        roles = {role for _agency, role in staff_assignments(user)}
        parts = []
        if OFFICER in roles:
            parts.append(
                Q(
                    status__in=[
                        Status.SUBMITTED,
                        Status.RECEIVED,
                        Status.RESULT_READY,
                        Status.PAYMENT_REQUESTED,
                    ]
                )
                | Q(status=Status.PROCESSING, processing_step=Step.APPROVED)
            )
        if SPECIALIST in roles:
            parts.append(
                Q(
                    status=Status.PROCESSING,
                    assignee=user,
                    processing_step__in=[Step.ASSIGNED, Step.REWORK, Step.APPRAISED, Step.APPROVED],
                )
            )
        if LEADER in roles:
            parts.append(Q(status=Status.PROCESSING, processing_step=Step.AWAITING_APPROVAL))
        if not parts:
            return None
        q = parts[0]
        for part in parts[1:]:
            q |= part
        return q
    if value == "new":
        return Q(status=Status.SUBMITTED)
    if value == "today":
        return running_q & Q(due_at__gte=max(now, start_of_day), due_at__lt=end_of_day)
    if value == "week":
        return running_q & Q(due_at__gte=now, due_at__lt=end_of_day + timedelta(days=6))
    if value == "overdue":
        return statistics.overdue_q(now)
    if value == "waiting":
        return Q(status__in=CLOCK_STOPPED)
    if value == "assigned":
        return Q(assignee=user) & open_q
    return None


def queue_filter(queryset, value: str | None, user, now: datetime | None = None):
    """The dossiers of one queue (see ``queue_q``); an unknown queue leaves the list as it is."""
    q = queue_q(value, user, now)
    if q is None:
        return queryset.none() if value == "mine" else queryset
    return queryset.filter(q)


def queue_counts(queryset, keys, user, now: datetime | None = None) -> dict[str, int]:
    """How many dossiers each queue in ``keys`` holds, from ONE grouped query over the person's
    scope (conditional aggregation, ``COUNT(*) FILTER (WHERE …)`` on PostgreSQL) instead of one
    COUNT per queue: the queue page costs the same whatever the number of queues."""
    now = now or timezone.now()
    conditions = {key: queue_q(key, user, now) for key in keys}
    aggregates = {f"n_{key}": Count("pk", filter=q) for key, q in conditions.items() if q is not None}
    row = queryset.order_by().aggregate(**aggregates) if aggregates else {}
    return {key: row.get(f"n_{key}") or 0 for key in keys}


class ActionForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=4000)
    message = forms.CharField(
        label=_("Lời nhắn gửi người nộp (không bắt buộc)"), required=False, max_length=4000
    )
    internal_note = forms.CharField(
        label=_("Ý kiến (nội bộ, không bắt buộc)"), required=False, max_length=4000
    )
    missing = forms.CharField(label=_("Giấy tờ khác cần bổ sung (mỗi dòng một giấy tờ)"), required=False)
    sets = forms.IntegerField(label=_("Số bộ hồ sơ"), required=False, min_value=1, max_value=50)
    assignment = forms.CharField(label=_("Người xử lý"), required=False, max_length=40)
    method = forms.ChoiceField(label=_("Hình thức trả"), required=False, choices=Delivery.choices)
    new_due = forms.DateField(label=_("Ngày hẹn mới"), required=False)
    result_file = forms.FileField(label=_("Kết quả điện tử đã ký (PDF)"), required=False)
    result_draft = forms.FileField(label=_("Dự thảo kết quả (PDF)"), required=False)


def _single_agency(modeladmin, request, queryset) -> bool:
    if queryset.values("agency_id").distinct().count() > 1:
        modeladmin.message_user(
            request, gettext("Chọn các hồ sơ của cùng một cơ quan để thao tác hàng loạt."), messages.ERROR
        )
        return False
    return True


@admin.action(description=_("Phân công hàng loạt"))
def bulk_assign(modeladmin, request, queryset):
    """Assign the selected received or in-progress dossiers to one department and specialist, through
    the same service and with the versions shown on the confirmation page (a dossier changed since is
    not reassigned). The choice is required: bulk assignment never unassigns."""
    if not _single_agency(modeladmin, request, queryset):
        return None
    dossiers = list(queryset.select_related("assignee", "agency"))
    if "apply" in request.POST:
        raw = request.POST.get("assignment") or ""
        done, failed = 0, []
        for dossier in dossiers:
            try:
                department, assignee = desk.parse_assignment(dossier, raw)
                # The version shown on the confirmation page: a dossier changed since is not reassigned.
                processing.dossier_assign(
                    dossier_id=dossier.pk,
                    actor=request.user,
                    expected_version=parse_version(request.POST.get(f"version_{dossier.pk}")),
                    department=department,
                    assignee=assignee,
                )
                done += 1
            except processing.ProcessingError as exc:
                failed.append(f"{dossier.code}: {exc}")
        modeladmin.message_user(request, gettext("Đã phân công %(n)d hồ sơ.") % {"n": done}, messages.SUCCESS)
        for line in failed[:20]:
            modeladmin.message_user(request, line, messages.WARNING)
        return None
    sample = Dossier(agency=dossiers[0].agency if dossiers else None, department="")
    return TemplateResponse(
        request,
        "admin/dossiers/dossier/bulk_assign.html",
        {
            **modeladmin.admin_site.each_context(request),
            "dossiers": dossiers,
            "groups": desk.assignment_groups(sample) if dossiers else [],
            "title": gettext("Phân công hàng loạt"),
            "opts": modeladmin.model._meta,
        },
    )


@admin.action(description=_("Tiếp nhận hàng loạt (hồ sơ đủ thành phần)"))
def bulk_receive(modeladmin, request, queryset):
    """Receive the selected new dossiers whose checklist is complete (every required component has a
    file from the applicant), one by one through the same service, each with the version the
    confirmation page showed; the others are listed and left for a person to open."""
    if not _single_agency(modeladmin, request, queryset):
        return None
    dossiers = list(queryset.filter(status=Status.SUBMITTED).select_related("procedure", "applicant"))
    ready, not_ready = [], []
    for dossier in dossiers:
        rows = checklist.rows_for(dossier)
        (ready if checklist.is_complete(rows) else not_ready).append(
            (dossier, [row.name for row in checklist.missing_required(rows)], rows)
        )
    if "apply" in request.POST:
        done, failed = 0, []
        for dossier, _missing, rows in ready:
            try:
                processing.dossier_receive(
                    dossier_id=dossier.pk,
                    actor=request.user,
                    expected_version=parse_version(request.POST.get(f"version_{dossier.pk}")),
                    checklist=[row.component_id for row in rows if row.present and row.component_id],
                )
                done += 1
            except processing.ProcessingError as exc:
                failed.append(f"{dossier.code}: {exc}")
        modeladmin.message_user(request, gettext("Đã tiếp nhận %(n)d hồ sơ.") % {"n": done}, messages.SUCCESS)
        for line in failed[:20]:
            modeladmin.message_user(request, line, messages.WARNING)
        if not_ready:
            modeladmin.message_user(
                request,
                gettext("%(n)d hồ sơ chưa đủ thành phần bắt buộc, cần mở từng hồ sơ để kiểm tra.")
                % {"n": len(not_ready)},
                messages.WARNING,
            )
        return None
    return TemplateResponse(
        request,
        "admin/dossiers/dossier/bulk_receive.html",
        {
            **modeladmin.admin_site.each_context(request),
            "ready": ready,
            "not_ready": not_ready,
            "skipped": len(queryset) - len(dossiers),
            "title": gettext("Tiếp nhận hàng loạt"),
            "opts": modeladmin.model._meta,
        },
    )


# What the queue's rows never show: the dossier's JSON (its procedure's snapshot, the answers, the
# address, the fees) and the long texts of its procedure. Loading and decoding them for 50 rows was
# most of the page's database time; the desk (one dossier) still reads them all.
LIST_DEFERRED = (
    "procedure_snapshot",
    "answers",
    "delivery_address",
    "fee_items",
    "procedure__implementing_levels",
    "procedure__applicants",
    "procedure__requirements",
    "procedure__result",
    "procedure__notes",
    "procedure__next_steps",
    "procedure__search_text",
)


class QueueChangeList(ChangeList):
    """The work queue's list, made for an officer who opens it sixty times a day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each row's link carries the queue's filters back to it. Django adds them row by row by
        # resolving the row's URL against every admin route; they are the same for all 50 rows.
        self._row_query = self.preserved_filters
        self.preserved_filters = ""

    def url_for_result(self, result) -> str:
        url = super().url_for_result(result)
        return f"{url}?{self._row_query}" if self._row_query else url

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*LIST_DEFERRED)

    def rows(self) -> list[list[str]]:
        """The page's rows as Django's ``items_for_result`` writes them, cell for cell (a test holds
        the two equal), with what is the same on every row worked out once per page: Django looks
        up each column's kind, empty value and link for each of the 50 × 7 cells, and reverses
        each row's URL, a third of the page's time. Every column here is a method of the admin."""
        admin_obj = self.model_admin
        empty = admin_obj.get_empty_value_display()
        columns = []
        for index, name in enumerate(self.list_display):
            attr = getattr(admin_obj, name)
            css = "action-checkbox" if name == "action_checkbox" else f"field-{name}"
            columns.append(
                (
                    attr,
                    f' class="{css}"',
                    getattr(attr, "empty_value_display", empty),
                    getattr(attr, "boolean", False),
                    name in self.list_display_links or (not self.list_display_links and index == 0),
                )
            )
        link = self._row_link()
        rows = []
        for result in self.result_list:
            cells, first = [], True
            for attr, css, empty_value, boolean, linked in columns:
                value = attr(result)
                if isinstance(value, str) and value.strip() == "":
                    value = ""
                shown = conditional_escape(display_for_value(value, empty_value, boolean))
                if linked:
                    tag, first = ("th" if first else "td"), False
                    cells.append(mark_safe(f'<{tag}{css}><a href="{link(result)}">{shown}</a></{tag}>'))  # noqa: S308 - escaped above
                else:
                    cells.append(mark_safe(f"<td{css}>{shown}</td>"))  # noqa: S308 - escaped above
            rows.append(cells)
        return rows

    def _row_link(self) -> Callable[[Dossier], str]:
        """A row's link (escaped, with the queue's filters) as a function of the row: the URL is
        reversed once, with a stand-in key, instead of once per row."""
        context = {"preserved_filters": self.preserved_filters, "opts": self.opts}

        def full(result) -> str:
            return conditional_escape(add_preserved_filters(context, self.url_for_result(result)))

        stand_in = 918273645546372819
        parts = full(SimpleNamespace(**{self.pk_attname: stand_in})).split(str(stand_in))
        if len(parts) != 2:
            return full
        before, after = parts
        return lambda result: f"{before}{getattr(result, self.pk_attname)}{after}"


@admin.register(Dossier)
class DossierQueueAdmin(PlainActionCheckbox, admin.ModelAdmin):
    change_form_template = "admin/dossiers/dossier/change_form.html"
    change_list_template = "admin/dossiers/dossier/change_list.html"
    list_display = [
        "code_display",
        "status_label",
        "deadline",
        "assignee_name",
        "applicant_name",
        "procedure_name",
    ]
    list_display_links = ["code_display"]
    list_filter = [QueueFilter, "status", ("procedure", ProcedureListFilter), "delivery"]
    # The search box: code, phone, identification number or name, each by an index (selectors.queue_search).
    search_fields = ["code"]
    search_help_text = _(
        "Mã hồ sơ, số điện thoại, số định danh cá nhân, hoặc tên người nộp (từ 3 ký tự, có dấu hay không dấu)."
    )
    list_select_related = ["procedure", "applicant", "assignee"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    actions = [bulk_receive, bulk_assign]
    fields = []  # the desk template shows everything; nothing here is edited as a form

    def get_queryset(self, request):
        # By agency AND role: publishers see nothing, a specialist only what is assigned to them.
        return selectors.dossiers_for_staff(request.user)

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        return ["due_at", "acceptance_due_at", "submitted_at"]

    def get_search_results(self, request, queryset, search_term):
        return selectors.queue_search(queryset, search_term), False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # status changes only through the action buttons

    def get_actions(self, request):
        # Django drops actions for a read-only admin; bulk receipt and assignment go through the services.
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            actions["bulk_receive"] = self.get_action(bulk_receive)
            actions["bulk_assign"] = self.get_action(bulk_assign)
        return actions

    def has_view_permission(self, request, obj=None) -> bool:
        return selectors.staff_sees_dossiers(request.user)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    @admin.display(description=_("mã hồ sơ"), ordering="code")
    def code_display(self, obj: Dossier):
        # On a phone the code wraps after a hyphen, never inside a number.
        return code_with_breaks(obj.code or "")

    @admin.display(description=_("thủ tục"), ordering="procedure__name")
    def procedure_name(self, obj: Dossier):
        # One line in the queue (the full name in the tooltip and on the desk).
        return format_html(
            '<span class="clip" title="{}">{}</span>', obj.procedure.name, obj.procedure.name[:120]
        )

    @admin.display(description=_("người nộp"))
    def applicant_name(self, obj: Dossier) -> str:
        return obj.applicant.full_name

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_label(self, obj: Dossier):
        step = desk.step_label(obj) if obj.status == Status.PROCESSING else ""
        return format_html(
            '<span class="status-pill status-{}">{}</span>{}',
            obj.status,
            # The enum's label: get_status_display() hashes every choice's lazy label on each call,
            # a fifth of the queue's rows' time.
            Status(obj.status).label,
            format_html('<span class="step-label">{}</span>', step) if step else "",
        )

    @admin.display(description=_("người xử lý"), ordering="assignee__full_name")
    def assignee_name(self, obj: Dossier) -> str:
        if obj.assignee_id:
            return obj.assignee.get_full_name() or obj.assignee.get_username()
        return obj.department or "—"

    @admin.display(description=_("hạn"), ordering="due_at")
    def deadline(self, obj: Dossier):
        due = obj.due_at or obj.acceptance_due_at
        if due is None:
            return "—"
        local = timezone.localtime(due)
        text = format_html(
            '<span class="nowrap">{}</span> <span class="nowrap">{}</span>',
            local.strftime("%H:%M"),
            local.strftime("%d/%m/%Y"),
        )
        state, label = desk.deadline_state(obj)
        if state == "overdue":
            return format_html(
                '<strong class="deadline-late">{}</strong> <span class="deadline-tag late">{}</span>',
                text,
                label,
            )
        if state == "today":
            return format_html(
                '<strong class="deadline-today">{}</strong> <span class="deadline-tag today">{}</span>',
                text,
                label,
            )
        return text

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "GET" and not request.GET and not request.user.is_superuser:
            # An officer's day starts with what needs their action, soonest deadline first.
            return HttpResponseRedirect(request.path + "?queue=mine")
        base = self.get_queryset(request)
        choices = QueueFilter(request, {}, Dossier, self).lookup_choices
        numbers = queue_counts(base, [key for key, _label in choices], request.user, timezone.now())
        counts = {key: (label, numbers[key]) for key, label in choices}
        extra_context = {
            **(extra_context or {}),
            "queue_counts": counts,
            "current_queue": request.GET.get("queue", ""),
            # The queues are the pills; the disclosure opens by itself only for the other filters.
            "filters_open": any(
                key not in ("queue", "o", "p", "q", "_changelist_filters") for key in request.GET
            ),
            # The list needs the width more than the admin's menu does.
            "is_nav_sidebar_enabled": False,
            "title": gettext("Hồ sơ cần xử lý"),
            "is_leader": request.user.is_superuser
            or any(role == LEADER for _agency, role in staff_assignments(request.user)),
        }
        return super().changelist_view(request, extra_context)

    def _dossier_or_404(self, request, object_id) -> Dossier:
        """The dossier through the staff selector; a malformed or foreign id is a 404, never a 500."""
        if not str(object_id).isdigit() or len(str(object_id)) > 18:
            raise Http404("no such dossier")
        return get_object_or_404(
            self.get_queryset(request).select_related(
                "applicant", "procedure", "agency", "form_version", "assignee", "organisation"
            ),
            pk=pk_or_404(Dossier, object_id),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dossier = self._dossier_or_404(request, object_id)
        audit_staff_access(user=request.user, dossier=dossier, what="view", detail="admin")
        extra_context = {**(extra_context or {}), **self.desk_context(request, dossier)}
        return super().change_view(request, object_id, form_url, extra_context)

    def desk_context(self, request, dossier: Dossier) -> dict:
        from notifications.models import Message

        from .documents import display_phone

        files = list(dossier.files.all())
        names = processing.allowed_actions(request.user, dossier)
        primary, others = desk.order_actions(names, dossier)
        state, state_label = desk.deadline_state(dossier)
        rows = checklist.rows_for(dossier, files=files)
        form01 = next((f for f in reversed(files) if f.purpose == "form01"), None)
        message_rows = list(
            Message.objects.filter(related_id=str(dossier.pk), related_label=dossier.code or "")
            .select_related("template")
            .order_by("-created_at")[:30]
        )
        preserved = request.GET.get("_changelist_filters", "")
        return {
            "dossier": dossier,
            "title": gettext("Hồ sơ %(code)s") % {"code": dossier.code},
            "is_nav_sidebar_enabled": False,
            "subtitle": None,
            "step_label": desk.step_label(dossier),
            "deadline_state": state,
            "deadline_label": state_label,
            "remaining": workdays.remaining_working_days(dossier.due_at)
            if dossier.due_at
            and dossier.status not in FINAL_STATUSES
            and dossier.status != Status.RESULT_READY
            else None,
            "applicant_phone": display_phone(dossier.applicant.phone),
            "answer_rows": list(iter_answer_rows(dossier.form_version.schema, dossier.answers))
            if dossier.form_version_id
            else [],
            "checklist_rows": rows,
            "checklist_complete": checklist.is_complete(rows),
            "issued": [f for f in files if f.purpose in ISSUED_FILE_PURPOSES],
            "drafts": [f for f in files if f.purpose in INTERNAL_FILE_PURPOSES],
            "form01": form01,
            "events": list(dossier.events.select_related("actor").order_by("at", "id")),
            "message_rows": message_rows,
            "primary": desk.spec_for(primary, dossier) if primary else None,
            "others": [desk.spec_for(name, dossier) for name in others],
            "actions": [(a, action_label(a)) for a in names],
            "can_receive": "receive" in names,
            "assignment_groups": desk.assignment_groups(dossier) if "assign" in names else [],
            "default_method": desk.default_method(dossier),
            "methods": Delivery.choices,
            "panels": extensions.desk_panels.render_list(request, dossier),
            "repeat_supplement": processing.supplement_is_repeat(dossier),
            "changelist_filters": preserved,
            "queue_url": self._queue_url(preserved),
            "min_new_due": (timezone.localdate() + timedelta(days=1)).isoformat(),
        }

    def _queue_url(self, preserved: str) -> str:
        url = reverse("admin:dossiers_dossier_changelist")
        return f"{url}?{preserved}" if preserved else url

    def get_urls(self):
        return [
            path(
                "<int:object_id>/act/<slug:action>/",
                self.admin_site.admin_view(self.act_view),
                name="dossiers_dossier_act",
            ),
            path(
                "<int:object_id>/files/<int:file_id>/",
                self.admin_site.admin_view(self.file_view),
                name="dossiers_dossier_file",
            ),
            path(
                "<int:object_id>/forms/<int:file_id>/print/",
                self.admin_site.admin_view(self.form_print_view),
                name="dossiers_dossier_form_print",
            ),
            path(
                "<int:object_id>/form06.pdf",
                self.admin_site.admin_view(require_safe(self.form06_view)),
                name="dossiers_dossier_form06",
            ),
            path(
                "logbook/",
                self.admin_site.admin_view(require_safe(self.logbook_view)),  # downloads: GET and HEAD only
                name="dossiers_dossier_logbook",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request: HttpRequest, object_id: int, file_id: int):
        from .views import _file_response

        dossier = self._dossier_or_404(request, object_id)
        stored = get_object_or_404(DossierFile, pk=file_id, dossier=dossier)
        audit_staff_access(user=request.user, dossier=dossier, what="file", detail=stored.original_name)
        # Images (sniffed as real images, nosniff, sandbox CSP) may be previewed inline on the desk;
        # PDFs are always downloaded: a browser's PDF viewer may run scripts embedded in them.
        inline = request.GET.get("inline") == "1" and stored.kind in ("png", "jpeg")
        return _file_response(stored, inline=inline)

    def form_print_view(self, request: HttpRequest, object_id: int, file_id: int):
        """A form the portal issued (01–05), opened in the browser to print in one click. Only forms:
        the PDFs the portal made itself; the applicant's files stay downloads (``file_view``)."""
        dossier = self._dossier_or_404(request, object_id)
        stored = get_object_or_404(
            DossierFile,
            pk=file_id,
            dossier=dossier,
            purpose__in=["form01", "form02", "form03", "form04", "form05"],
        )
        audit_staff_access(user=request.user, dossier=dossier, what="form", detail=stored.original_name)
        try:
            data = stored.file.open("rb").read()
        except OSError as exc:
            raise Http404("file missing") from exc
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{stored.original_name}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def form06_view(self, request: HttpRequest, object_id: int):
        """Form 06, the control slip, built from the dossier's events."""
        from .documents import form06_control_slip

        dossier = self._dossier_or_404(request, object_id)
        audit_staff_access(user=request.user, dossier=dossier, what="form06")
        response = HttpResponse(form06_control_slip(dossier), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="mau-06-{dossier.code}.pdf"'
        return response

    def logbook_view(self, request: HttpRequest):
        """Form 07, the log book of one agency for any period, as PDF, CSV (Excel) or XLSX
        (?agency=&start=&end=&format=pdf|csv|xlsx). Without a period: the page with the period form."""
        from .documents import form07_logbook, form07_logbook_csv, form07_logbook_xlsx

        agencies = (
            Agency.objects.all()
            if request.user.is_superuser
            else Agency.objects.filter(id__in=staff_agency_ids(request.user))
        )
        if request.GET.get(
            "agency"
        ):  # an agency that is not (one of) theirs is a 404, not another's log book
            agency = agencies.filter(pk=pk_or_404(Agency, request.GET["agency"])).first()
        else:
            agency = agencies.order_by("name").first()
        if agency is None:
            raise Http404("no agency")
        today = timezone.localdate()
        start, end, problems = _period(request.GET, today)
        export = request.GET.get("format") or ""
        if export not in ("pdf", "csv", "xlsx") or problems:
            return TemplateResponse(
                request,
                "admin/dossiers/logbook.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Sổ theo dõi hồ sơ (mẫu 07)"),
                    "agencies": agencies.order_by("name"),
                    "agency": agency,
                    "start": start,
                    "end": end,
                    "problems": problems,
                    "opts": self.model._meta,
                    "presets": _period_presets(today),
                },
            )
        rows = selectors.logbook_dossiers(
            self.get_queryset(request), agency=agency, period_start=start, period_end=end
        )
        audit_name = f"so-theo-doi-{agency.code}-{start}-{end}"
        if export == "csv":
            response = HttpResponse(
                form07_logbook_csv(agency, rows, period_start=start, period_end=end),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{audit_name}.csv"'
            return response
        if export == "xlsx":
            response = HttpResponse(
                form07_logbook_xlsx(agency, rows, period_start=start, period_end=end),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{audit_name}.xlsx"'
            return response
        response = HttpResponse(
            form07_logbook(agency, rows, period_start=start, period_end=end), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{audit_name}.pdf"'
        return response

    def act_view(self, request: HttpRequest, object_id: int, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dossier = self._dossier_or_404(request, object_id)
        if action not in DESK_ACTIONS:
            raise Http404("no such action")
        preserved = _clean_filters(request.POST.get("_changelist_filters", ""))
        desk_url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
        back = HttpResponseRedirect(f"{desk_url}?{_preserved(preserved)}" if preserved else desk_url)
        form = ActionForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(
                request, gettext("Thông tin chưa hợp lệ: %(errors)s") % {"errors": _form_errors(form)}
            )
            return back
        expected = parse_version(request.POST.get("expected_version"))
        if expected is None:
            messages.error(request, gettext("Trang đã cũ. Hãy tải lại trang rồi thao tác lại."))
            return back
        if expected != dossier.version:
            # Said first, whatever else the stale form holds (the service checks again under the lock).
            messages.error(request, str(processing.ConflictError(conflict_message(dossier))))
            return back
        try:
            done = self._perform(action, dossier, request.user, expected, form.cleaned_data, request.POST)
        except processing.ProcessingError as exc:
            messages.error(request, str(exc))
            return back
        messages.success(
            request,
            gettext("%(code)s: đã %(action)s.")
            % {"code": dossier.code, "action": action_label(action).lower()},
        )
        # Stay on the desk while this person has the next step; otherwise back to their queue, filter kept.
        if desk.primary_for(processing.allowed_actions(request.user, done), done):
            return back
        return HttpResponseRedirect(self._queue_url(preserved))

    @staticmethod
    def _perform(action: str, dossier: Dossier, actor, expected: int, data: dict, post) -> Dossier:
        """One desk button: the transition ``action`` with what its form carried."""
        reason = data.get("reason") or ""
        message = data.get("message") or ""
        internal_note = data.get("internal_note") or ""
        common = {"dossier_id": dossier.pk, "actor": actor, "expected_version": expected}
        if action == "receive":
            ticked, unticked = desk.ticked_components(dossier, post)
            if "checklist" not in post:  # a form without the checklist: what the applicant sent decides
                rows = checklist.rows_for(dossier)
                ticked = [row.component_id for row in rows if row.present and row.component_id]
                unticked = checklist.missing_required(rows)
            if unticked:
                raise processing.ProcessingError(
                    gettext(
                        "Còn giấy tờ bắt buộc chưa đạt: %(items)s. Hãy yêu cầu bổ sung thay vì tiếp nhận."
                    )
                    % {"items": "; ".join(row.name for row in unticked)}
                )
            return processing.dossier_receive(
                **common, note_to_applicant=message, sets=data.get("sets") or 1, checklist=ticked
            )
        if action == "request_supplement":
            items, _ticked = desk.supplement_from_post(dossier, post)
            return processing.dossier_request_supplement(**common, items=items, reason=reason)
        if action == "assign":
            department, assignee = desk.parse_assignment(dossier, data.get("assignment") or "")
            return processing.dossier_assign(
                **common, department=department, assignee=assignee, internal_note=internal_note
            )
        if action in ("appraise_and_submit", "submit_for_approval"):
            service = (
                processing.dossier_appraise_and_submit
                if action == "appraise_and_submit"
                else processing.dossier_submit_for_approval
            )
            return service(**common, opinion=internal_note, result_draft=data.get("result_draft"))
        if action == "result_ready":
            return processing.dossier_result_ready(
                **common, note_to_applicant=message, result_file=data.get("result_file")
            )
        if action == "return_result":
            return processing.dossier_return_result(
                **common, method=data.get("method") or desk.default_method(dossier)
            )
        if action == "extend":
            new_due = data.get("new_due")
            if new_due is None:
                raise processing.ProcessingError(gettext("Chọn ngày hẹn mới."))
            return processing.dossier_extend(
                **common,
                reason=reason,
                new_due=timezone.make_aware(datetime.combine(new_due, datetime.min.time()).replace(hour=17)),
            )
        if action == "approve":
            return processing.dossier_act(action, **common, internal_note=internal_note)
        if action == "return_for_rework":
            return processing.dossier_act(action, **common, reason=reason, internal_note=reason)
        if TRANSITIONS[action].reason:
            return processing.dossier_act(action, **common, reason=reason)
        return processing.dossier_act(action, **common, note_to_applicant=message)


def code_with_breaks(code: str):
    """``000.21.01.H24-261124-0007`` as its agency part and its day-and-number part, so that on a
    phone it wraps between them (``.code-part`` in desk.css), never inside a number."""
    agency, sep, rest = (code or "").partition("-")
    if not sep:
        return format_html("{}", code or "")
    return format_html('<span class="code-part">{}-</span><span class="code-part">{}</span>', agency, rest)


def conflict_message(dossier: Dossier) -> str:
    from .workflow import step_label

    return gettext(
        "Hồ sơ vừa được cập nhật (trạng thái hiện tại: %(status)s, bước: %(step)s). "
        "Hãy tải lại trang để xem trước khi thao tác."
    ) % {"status": dossier.get_status_display(), "step": step_label(dossier.processing_step)}


def _clean_filters(raw: str) -> str:
    """The queue's query string carried through a desk form: only its own parameters, re-encoded."""
    allowed = {"queue", "status__exact", "procedure__id__exact", "delivery__exact", "q", "o", "p"}
    pairs = [(k, v[:100]) for k, v in parse_qsl(raw[:1000], keep_blank_values=False) if k in allowed]
    return urlencode(pairs)


def _preserved(filters: str) -> str:
    return urlencode({"_changelist_filters": filters}) if filters else ""


def _period(params, today: date) -> tuple[date, date, list[str]]:
    """``?start=&end=`` (ISO dates): any period; defaults to this month. Problems are said, never a 500."""
    problems = []
    start, end = today.replace(day=1), today
    raw_start, raw_end = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    try:
        if raw_start:
            start = date.fromisoformat(raw_start[:10])
    except ValueError:
        problems.append(gettext("Ngày bắt đầu không hợp lệ."))
    try:
        if raw_end:
            end = date.fromisoformat(raw_end[:10])
    except ValueError:
        problems.append(gettext("Ngày kết thúc không hợp lệ."))
    if end < start:
        problems.append(gettext("Ngày kết thúc phải sau ngày bắt đầu."))
    return start, end, problems


def _period_presets(today: date) -> list[tuple[str, date, date]]:
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    quarter_start = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return [
        (gettext("Tháng này"), first, today),
        (gettext("Tháng trước"), last_month_end.replace(day=1), last_month_end),
        (gettext("Quý này"), quarter_start, today),
        (gettext("Năm nay"), date(today.year, 1, 1), today),
    ]


def _form_errors(form) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(PlainActionCheckbox, admin.ModelAdmin):
    """The access log, read-only, scoped like the dossiers themselves (by agency and role)."""

    list_display = ["at", "actor_kind", "actor_name", "what", "dossier", "detail"]
    list_filter = ["what", "actor_kind"]
    search_fields = ["=dossier__code", "user__username", "user__full_name", "actor_name"]
    list_select_related = ["user", "dossier"]
    readonly_fields = [
        "at",
        "user",
        "actor_kind",
        "actor_name",
        "dossier",
        "what",
        "detail",
        "before",
        "after",
    ]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(dossier__in=selectors.dossiers_for_staff(request.user))

    def has_view_permission(self, request, obj=None) -> bool:
        return selectors.staff_sees_dossiers(request.user)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
