"""Staff side of payments: the ledger (read-only), the desk actions posted from the dossier's desk
panel (ask for payment, record a counter/bank payment, refund), the daily reconciliation report, and
the gateway simulator's controls. Everything is scoped by agency AND role (selectors)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import PlainActionCheckbox, pk_or_none

from . import reports, selectors, services
from .constants import LegalKind, PaymentMethod, RefundReason
from .models import (
    FeeItem,
    FeeRequest,
    PaymentAttempt,
    PaymentEvent,
    Receipt,
    Refund,
    SimulatedNotice,
    SimulatedRefund,
    SimulatedTransaction,
    SimulatorRule,
)

MAX_ITEMS = 5


class RequestPaymentForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do, căn cứ thu"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MAX_ITEMS):
            self.fields[f"label_{i}"] = forms.CharField(label=_("Nội dung"), required=False, max_length=255)
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=_("Loại"), choices=LegalKind.choices, required=False
            )
            self.fields[f"quantity_{i}"] = forms.IntegerField(
                label=_("Số lượng"), required=False, min_value=1, max_value=10000
            )
            self.fields[f"unit_{i}"] = forms.IntegerField(
                label=_("Đơn giá (đồng)"), required=False, min_value=1, max_value=10**12
            )

    def items(self) -> list[services.ItemInput]:
        out = []
        for i in range(MAX_ITEMS):
            label = (self.cleaned_data.get(f"label_{i}") or "").strip()
            unit = self.cleaned_data.get(f"unit_{i}")
            if not label and not unit:
                continue
            if not label or not unit:
                raise services.PaymentError(_("Mỗi khoản thu cần có nội dung và đơn giá."))
            out.append(
                services.ItemInput(
                    label=label,
                    kind=self.cleaned_data.get(f"kind_{i}") or LegalKind.CHARGE,
                    quantity=self.cleaned_data.get(f"quantity_{i}") or 1,
                    unit_amount=unit,
                )
            )
        return out


class RecordPaymentForm(forms.Form):
    fee_request = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label=_("Hình thức"),
        choices=[
            (PaymentMethod.COUNTER, PaymentMethod.COUNTER.label),
            (PaymentMethod.BANK_TRANSFER, PaymentMethod.BANK_TRANSFER.label),
        ],
    )
    receipt_number = forms.CharField(label=_("Số biên lai thu / mã chuyển khoản"), max_length=60)


class RefundForm(forms.Form):
    attempt = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.IntegerField(label=_("Số tiền hoàn (đồng)"), min_value=1, max_value=10**12)
    note = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def desk_context(request: HttpRequest, dossier) -> dict:
    """What the desk panel shows: what was asked, what was paid, every attempt and gateway message."""
    fee_requests = selectors.fee_requests_for_dossier(dossier)
    attempts = [a for fr in fee_requests for a in fr.attempts.all()]
    roles = services.dossier_link.staff_roles(request.user, dossier)
    for attempt in attempts:
        attempt.refundable = (
            services.refundable_amount(attempt)
            if attempt.status == "success" and attempt.method == "online"
            else 0
        )
    return {
        "payment_fee_requests": fee_requests,
        "payment_attempts": attempts,
        "payment_events": selectors.events_for_attempts([a.pk for a in attempts]),
        "payment_refunds": list(Refund.objects.filter(attempt__in=attempts).order_by("created_at")),
        "payment_can_request": dossier.status == 4 and bool({"officer", "specialist"} & roles),
        "payment_can_record": "officer" in roles,
        "payment_can_refund": bool({"officer", "leader"} & roles),
        "payment_request_form": RequestPaymentForm(
            initial={"expected_version": getattr(dossier, "version", None)}
        ),
        "payment_item_rows": range(MAX_ITEMS),
        "payment_methods": [
            (PaymentMethod.COUNTER, PaymentMethod.COUNTER.label),
            (PaymentMethod.BANK_TRANSFER, PaymentMethod.BANK_TRANSFER.label),
        ],
        "legal_kinds": LegalKind.choices,
        "dossier": dossier,
    }


class ScopedReadOnly(PlainActionCheckbox, admin.ModelAdmin):
    """Read-only, and only for dossiers the staff member may see (agency AND role, dossiers.selectors)."""

    scope_field = "fee_request__dossier"

    def get_queryset(self, request):
        visible = services.dossier_link.dossiers_for_staff(request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.scope_field}__in": visible})

    def has_view_permission(self, request, obj=None) -> bool:
        from dossiers.selectors import staff_sees_dossiers

        return staff_sees_dossiers(request.user)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FeeItemInline(admin.TabularInline):
    model = FeeItem
    extra = 0
    can_delete = False
    fields = ["label", "kind", "quantity", "unit_amount", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeeRequest)
class FeeRequestAdmin(ScopedReadOnly):
    scope_field = "dossier"
    list_display = ["dossier", "moment", "amount", "status", "created_at", "paid_at"]
    list_filter = ["status", "moment"]
    search_fields = ["=dossier__code"]
    list_select_related = ["dossier"]
    inlines = [FeeItemInline]
    readonly_fields = [
        "dossier",
        "moment",
        "status",
        "amount",
        "reason",
        "requested_by",
        "paid_attempt",
        "created_at",
        "paid_at",
    ]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("desk/<int:dossier_id>/request/", view(self.request_view), name="payments_desk_request"),
            path("desk/<int:dossier_id>/record/", view(self.record_view), name="payments_desk_record"),
            path("desk/<int:dossier_id>/refund/", view(self.refund_view), name="payments_desk_refund"),
            *super().get_urls(),
        ]

    def _dossier(self, request, dossier_id: int):
        from dossiers.models import Dossier

        if request.method != "POST":
            raise PermissionDenied
        dossier = get_object_or_404(Dossier.objects.select_related("agency"), pk=dossier_id)
        if not selectors.staff_can_see(request.user, dossier):
            raise Http404("dossier not found")
        return dossier

    @staticmethod
    def _back(dossier) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:dossiers_dossier_change", args=[dossier.pk]) + "#payments")

    def request_view(self, request: HttpRequest, dossier_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dossier = self._dossier(request, dossier_id)
        form = RequestPaymentForm(request.POST)
        try:
            if not form.is_valid():
                raise services.PaymentError(_("Kiểm tra lại các khoản thu và lý do."))
            services.payment_request(
                dossier_id=dossier.pk,
                actor=request.user,
                expected_version=form.cleaned_data.get("expected_version"),
                items=form.items(),
                reason=form.cleaned_data["reason"],
            )
        except services.PaymentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã yêu cầu người nộp thanh toán; thời hạn giải quyết tạm dừng."))
        return self._back(dossier)

    def record_view(self, request: HttpRequest, dossier_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dossier = self._dossier(request, dossier_id)
        form = RecordPaymentForm(request.POST)
        try:
            if not form.is_valid():
                raise services.PaymentError(_("Ghi hình thức nộp và số biên lai."))
            fee_request = get_object_or_404(FeeRequest, pk=form.cleaned_data["fee_request"], dossier=dossier)
            services.payment_record_offline(
                fee_request_id=fee_request.pk,
                actor=request.user,
                method=form.cleaned_data["method"],
                receipt_number=form.cleaned_data["receipt_number"],
            )
        except services.PaymentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã ghi nhận khoản nộp và lập biên lai điện tử."))
        return self._back(dossier)

    def refund_view(self, request: HttpRequest, dossier_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dossier = self._dossier(request, dossier_id)
        form = RefundForm(request.POST)
        try:
            if (
                not {"officer", "leader"} & services.dossier_link.staff_roles(request.user, dossier)
                and not request.user.is_superuser
            ):
                raise services.PaymentError(_("Vai trò của bạn tại cơ quan này không được hoàn tiền."))
            if not form.is_valid():
                raise services.PaymentError(_("Ghi số tiền hoàn (số nguyên dương) và lý do."))
            attempt = get_object_or_404(
                PaymentAttempt, pk=form.cleaned_data["attempt"], fee_request__dossier=dossier
            )
            services.refund_create(
                attempt_id=attempt.pk,
                amount=form.cleaned_data["amount"],
                reason=RefundReason.OFFICER,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except services.PaymentError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã gửi yêu cầu hoàn tiền tới cổng thanh toán."))
        return self._back(dossier)


class EventInline(admin.TabularInline):
    model = PaymentEvent
    fk_name = "attempt"
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "kind",
        "signature_valid",
        "outcome",
        "answer",
        "from_status",
        "to_status",
        "detail",
        "params",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ScopedReadOnly):
    list_display = ["reference", "dossier_code", "amount", "method", "status", "is_correction", "created_at"]
    list_filter = ["status", "method", "gateway", "is_correction"]
    search_fields = ["=reference", "=provider_payment_id", "=fee_request__dossier__code"]
    list_select_related = ["fee_request__dossier"]
    inlines = [EventInline]
    readonly_fields = [f.name for f in PaymentAttempt._meta.fields]

    @admin.display(description=_("hồ sơ"))
    def dossier_code(self, obj) -> str:
        return obj.fee_request.dossier.code

    def get_urls(self):
        return [
            path(
                "reconciliation/",
                self.admin_site.admin_view(self.reconciliation_view),
                name="payments_reconciliation",
            ),
            *super().get_urls(),
        ]

    def reconciliation_view(self, request: HttpRequest):
        """Daily reconciliation per agency: our ledger beside the gateway's answers (CSV or XLSX)."""
        from procedures.models import Agency

        # The daily reconciliation is the one-stop shop's and the leaders' (agency-wide roles) work.
        qs = (
            Agency.objects.all()
            if request.user.is_superuser
            else Agency.objects.filter(
                staff_assignments__user=request.user, staff_assignments__role__in=["officer", "leader"]
            ).distinct()
        )
        chosen = pk_or_none(Agency, request.GET.get("agency"))
        agency = (qs.filter(pk=chosen).first() if chosen is not None else None) or qs.order_by("name").first()
        if agency is None:
            raise Http404("no agency")
        try:
            day = date.fromisoformat(request.GET.get("date") or "")
        except ValueError:
            day = timezone.localdate()
        rows = reports.reconciliation_rows(agency=agency, day=day)
        name = f"doi-soat-{agency.code}-{day}"
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                reports.as_xlsx(rows, agency=agency, day=day),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        response = HttpResponse(reports.as_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


@admin.register(Receipt)
class ReceiptAdmin(ScopedReadOnly):
    list_display = ["display_number", "agency", "amount", "payer_name", "issued_at"]
    search_fields = ["=number", "=fee_request__dossier__code"]
    list_select_related = ["agency"]
    readonly_fields = [f.name for f in Receipt._meta.fields]


@admin.register(Refund)
class RefundAdmin(ScopedReadOnly):
    scope_field = "attempt__fee_request__dossier"
    list_display = ["reference", "attempt", "amount", "reason", "status", "created_at", "finished_at"]
    list_filter = ["status", "reason"]
    readonly_fields = [f.name for f in Refund._meta.fields]


# --- the gateway simulator (superusers, and only when PAYMENT_SIMULATOR is on) -----------------------


class SimulatorAdmin(PlainActionCheckbox, admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return settings.PAYMENT_SIMULATOR and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SimulatorRule)
class SimulatorRuleAdmin(SimulatorAdmin):
    list_display = ["txn_ref", "mode", "delay_seconds", "copies", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)


@admin.register(SimulatedTransaction)
class SimulatedTransactionAdmin(SimulatorAdmin):
    list_display = [
        "txn_ref",
        "transaction_no",
        "amount",
        "response_code",
        "transaction_status",
        "created_at",
    ]
    search_fields = ["=txn_ref"]
    readonly_fields = [f.name for f in SimulatedTransaction._meta.fields]


@admin.register(SimulatedNotice)
class SimulatedNoticeAdmin(SimulatorAdmin):
    list_display = ["transaction", "state", "tries", "next_attempt_at", "last_answer"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in SimulatedNotice._meta.fields]


@admin.register(SimulatedRefund)
class SimulatedRefundAdmin(SimulatorAdmin):
    list_display = ["request_id", "transaction", "amount", "transaction_status", "created_at"]
    readonly_fields = [f.name for f in SimulatedRefund._meta.fields]
