"""Shipments in the admin: read-only lists scoped to the officer's agencies, and the desk's post
actions (hand to the post, cancel, book again, label, hand-over list, counter intake), every one a
POST through a service. Changes never happen in a change form."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import admin, messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.admin import PlainActionCheckbox
from dossiers import selectors as dossier_selectors
from dossiers.admin_queue import parse_version, staff_agency_ids
from dossiers.audit import audit_staff_access

from . import dossier_link, selectors, services
from .constants import BookingState, Direction
from .models import AgencyPostage, CounterApplicant, Shipment, SimulatedParcel, TrackingEvent


def simulator_controls() -> bool:
    return bool(settings.CARRIER_SIMULATOR_CONTROLS or settings.DEBUG)


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    extra = 0
    can_delete = False
    fields = [
        "occurred_at",
        "status",
        "carrier_status",
        "location",
        "reason",
        "source",
        "outcome",
        "received_at",
    ]
    readonly_fields = fields
    ordering = ["occurred_at", "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ScopedReadOnlyAdmin(PlainActionCheckbox, admin.ModelAdmin):
    agency_path = "agency_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.agency_path}__in": staff_agency_ids(request.user)})

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser or bool(staff_agency_ids(request.user))

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)


@admin.register(Shipment)
class ShipmentAdmin(ScopedReadOnlyAdmin):
    list_display = [
        "item_number",
        "reference",
        "direction",
        "dossier",
        "recipient_name",
        "status",
        "booking_state",
        "created_at",
    ]
    list_filter = ["direction", "status", "booking_state", "carrier"]
    search_fields = ["=item_number", "=reference", "=dossier__code", "recipient_name", "=recipient_phone"]
    list_select_related = ["dossier"]
    show_full_result_count = False
    inlines = [TrackingEventInline]
    readonly_fields = [f.name for f in Shipment._meta.fields]
    change_list_template = "delivery/admin/shipment_change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("dossier/<int:dossier_id>/hand-over/", view(self.hand_over_view), name="delivery_hand_over"),
            path("<int:shipment_id>/cancel/", view(self.cancel_view), name="delivery_shipment_cancel"),
            path("<int:shipment_id>/rebook/", view(self.rebook_view), name="delivery_shipment_rebook"),
            path("<int:shipment_id>/label.pdf", view(self.label_view), name="delivery_shipment_label"),
            path("<int:shipment_id>/simulate/", view(self.simulate_view), name="delivery_shipment_simulate"),
            path("handover/", view(self.handover_view), name="delivery_handover_list"),
            path("counter/", view(self.counter_view), name="delivery_counter_intake"),
            *super().get_urls(),
        ]

    # --- helpers ---------------------------------------------------------------------------------------

    @staticmethod
    def _desk(dossier_id: int) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:dossiers_dossier_change", args=[dossier_id]))

    def _shipment(self, request, shipment_id: int) -> Shipment:
        return get_object_or_404(
            selectors.shipments_for_staff(request.user).select_related("dossier"), pk=shipment_id
        )

    @staticmethod
    def _is_officer(user, agency_id: int) -> bool:
        from dossiers.workflow import staff_roles

        return user.is_superuser or "officer" in staff_roles(user, agency_id)

    def _back(self, shipment: Shipment) -> HttpResponseRedirect:
        if shipment.dossier_id:
            return self._desk(shipment.dossier_id)
        return HttpResponseRedirect(reverse("admin:delivery_shipment_change", args=[shipment.pk]))

    # --- the desk's post actions ------------------------------------------------------------------------

    def hand_over_view(self, request: HttpRequest, dossier_id: int):
        """ "Giao bưu chính" from the desk panel: the transition and the booking row, in one transaction."""
        from dossiers.workflow import TransitionError

        from .forms import HandToPostForm

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dossier = get_object_or_404(dossier_selectors.dossiers_for_staff(request.user), pk=dossier_id)
        initial = dossier_link.result_address(dossier)
        form = HandToPostForm(request.POST, prefix="post", initial=initial)
        if not form.is_valid():
            errors = "; ".join(
                f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                for f, e in form.errors.items()
            )
            messages.error(request, _("Địa chỉ gửi chưa đúng: %(errors)s") % {"errors": errors})
            return self._desk(dossier.pk)
        try:
            shipment = dossier_link.hand_to_post(
                dossier_id=dossier.pk,
                user=request.user,
                expected_version=parse_version(request.POST.get("expected_version")),
                address=form.address(),
                recipient_name=form.cleaned_data["name"],
                recipient_phone=form.cleaned_data["phone"],
            )
        except (dossier_link.PostError, TransitionError) as exc:
            messages.error(request, str(exc))
        else:
            shipment.refresh_from_db()
            if shipment.booking_state == BookingState.BOOKED:
                messages.success(
                    request,
                    _("Đã giao bưu chính: bưu gửi %(item)s. In nhãn và đưa vào bảng kê hôm nay.")
                    % {"item": shipment.item_number},
                )
            else:
                messages.success(request, _("Đã giao bưu chính; đang đặt gửi với bưu chính."))
        return self._desk(dossier.pk)

    def cancel_view(self, request: HttpRequest, shipment_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        shipment = self._shipment(request, shipment_id)
        if not self._is_officer(request.user, shipment.agency_id):
            raise Http404("not an officer of this agency")
        try:
            services.shipment_cancel(
                shipment=shipment, actor=request.user, reason=request.POST.get("reason", "")
            )
        except services.DeliveryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã hủy gửi. Kết quả ở lại Bộ phận Một cửa."))
        return self._back(shipment)

    def rebook_view(self, request: HttpRequest, shipment_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        shipment = self._shipment(request, shipment_id)
        if not self._is_officer(request.user, shipment.agency_id):
            raise Http404("not an officer of this agency")
        try:
            services.shipment_rebook(shipment=shipment, actor=request.user)
        except services.DeliveryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Đã gửi lại yêu cầu đặt gửi."))
        return self._back(shipment)

    def simulate_view(self, request: HttpRequest, shipment_id: int):
        """Developers only (CARRIER_SIMULATOR_CONTROLS or DEBUG): the simulated carrier's next event now."""
        from .carriers import simulator

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        shipment = self._shipment(request, shipment_id)
        parcel = SimulatedParcel.objects.filter(reference=shipment.reference).first()
        if not simulator_controls() or parcel is None:
            raise Http404("no simulated parcel")
        simulator.emit(parcel.pk, advance=1)
        return self._back(shipment)

    def label_view(self, request: HttpRequest, shipment_id: int):
        shipment = self._shipment(request, shipment_id)
        if shipment.dossier_id:
            audit_staff_access(
                user=request.user, dossier=shipment.dossier, what="label", detail=shipment.item_number
            )
        if not shipment.label_file:
            if shipment.item_number:
                services._enqueue_label(shipment.pk)
            messages.info(request, _("Nhãn đang được tạo. Hãy tải lại sau giây lát."))
            return self._back(shipment)
        try:
            handle = shipment.label_file.open("rb")
        except OSError:
            raise Http404("label missing") from None
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"nhan-{shipment.item_number}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def handover_view(self, request: HttpRequest):
        """Bảng kê giao nhận of one agency and day (?agency=&day=): the parcels booked that day."""
        from procedures.models import Agency

        from .documents import handover_pdf

        agencies = (
            Agency.objects.all()
            if request.user.is_superuser
            else Agency.objects.filter(id__in=staff_agency_ids(request.user))
        )
        raw_agency = request.GET.get("agency") or ""
        agency = (
            agencies.filter(pk=int(raw_agency)).first()
            if raw_agency.isdigit() and len(raw_agency) < 18
            else None
        ) or (agencies.order_by("name").first())
        if agency is None:
            raise Http404("no agency")
        try:
            day = date.fromisoformat(request.GET.get("day") or "")
        except ValueError:
            day = timezone.localdate()
        shipments = (
            Shipment.objects.filter(
                agency=agency, direction=Direction.OUTBOUND, booking_state=BookingState.BOOKED
            )
            .filter(booked_at__date=day)
            .exclude(item_number="")
            .select_related("dossier")
            .order_by("booked_at", "id")
        )
        response = HttpResponse(handover_pdf(agency, day, shipments), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="bang-ke-{agency.code}-{day}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response

    def counter_view(self, request: HttpRequest):
        from . import counter

        return counter.counter_intake_view(self, request)


@admin.register(TrackingEvent)
class TrackingEventAdmin(ScopedReadOnlyAdmin):
    agency_path = "shipment__agency_id"
    list_display = ["occurred_at", "item_number", "status", "carrier", "source", "outcome", "received_at"]
    list_filter = ["outcome", "status", "source", "carrier"]
    search_fields = ["=item_number", "=reference", "=carrier_event_id"]
    show_full_result_count = False
    readonly_fields = [f.name for f in TrackingEvent._meta.fields]


@admin.register(CounterApplicant)
class CounterApplicantAdmin(ScopedReadOnlyAdmin):
    agency_path = "dossier__agency_id"
    list_display = ["full_name", "dossier", "created_at", "claimed_at"]
    search_fields = ["=dossier__code", "=phone", "=personal_id", "full_name"]
    readonly_fields = [f.name for f in CounterApplicant._meta.fields]


@admin.register(AgencyPostage)
class AgencyPostageAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["agency", "agency_pays", "note"]
    list_filter = ["agency_pays"]
    raw_id_fields = ["agency"]

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser


@admin.register(SimulatedParcel)
class SimulatedParcelAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["item_number", "reference", "scenario", "direction", "cancelled", "creates", "created_at"]
    list_filter = ["scenario", "cancelled"]
    search_fields = ["=item_number", "=reference"]
    readonly_fields = [f.name for f in SimulatedParcel._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser


def desk_panel_context(request, dossier) -> dict | None:
    """The post on the officer's desk: the parcel(s) of this dossier and what the officer may do."""
    from .forms import HandToPostForm

    shipments = list(selectors.shipments_of_dossier(dossier).prefetch_related("events"))
    can_post = dossier_link.can_hand_to_post(request.user, dossier) and (
        dossier.delivery == "post" or bool(shipments) or dossier.processing_step == "back_at_counter"
    )
    counter = CounterApplicant.objects.filter(dossier=dossier).first()
    if not shipments and not can_post and counter is None:
        return None
    rows = []
    for shipment in shipments:
        rows.append(
            {
                "shipment": shipment,
                "events": [e for e in shipment.events.all() if e.outcome == "applied"][::-1],
                "simulated": simulator_controls()
                and not shipment.is_final
                and SimulatedParcel.objects.filter(reference=shipment.reference).exists(),
            }
        )
    return {
        "dossier": dossier,
        "rows": rows,
        "can_post": can_post,
        "form": HandToPostForm(prefix="post", initial=dossier_link.result_address(dossier))
        if can_post
        else None,
        "quote": services.quote(
            agency=dossier.agency,
            province_code=(dossier.delivery_address or {}).get("province_code", ""),
            commune_code=(dossier.delivery_address or {}).get("commune_code", ""),
        )
        if can_post
        else None,
        "counter": counter,
        "today": timezone.localdate(),
    }
