"""Carrier webhooks, public tracking, and the citizen's postal pages. Thin: services write."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core import ratelimit

from . import s10, selectors, services


@csrf_exempt
@require_POST
def carrier_webhook(request: HttpRequest, carrier: str) -> JsonResponse:
    """A carrier's status callback: 401 forged, 400 malformed (nothing stored), 404 unknown carrier,
    otherwise the carrier's own success answer, for duplicates and stale events too (so it stops)."""
    headers = {
        "X-Signature": request.headers.get("X-Signature", ""),
        "X-Webhook-Token": request.headers.get("X-Webhook-Token", ""),
    }
    status, answer = services.callback_receive(
        carrier_name=carrier, body=request.body, headers=headers, query=request.GET.dict()
    )
    return JsonResponse(answer, status=status)


@require_safe
def track(request: HttpRequest, item_number: str = "") -> HttpResponse:
    """Public: an item number → where the parcel is (statuses, times, places; never names or addresses)."""
    raw = item_number or request.GET.get("item", "")
    context: dict = {"item": raw[:30], "shipment": None, "events": [], "error": "", "limited": False}
    if raw:
        try:
            number = s10.validate(raw[:30])
        except s10.InvalidItemNumber as exc:
            context["error"] = (
                _("Số hiệu bưu gửi không đúng: chữ số kiểm tra không khớp. Hãy đọc lại số in dưới mã vạch.")
                if "check digit" in str(exc)
                else _("Số hiệu bưu gửi gồm 2 chữ cái, 9 chữ số và 2 chữ cái, ví dụ EE123456785VN.")
            )
        else:
            if not ratelimit.hit("track-ip", ratelimit.client_ip(request), limit=60, window_seconds=600):
                context["limited"] = True
                return render(request, "delivery/track.html", context, status=429)
            shipment = selectors.shipment_for_public_tracking(item_number=number)
            if shipment is None:
                context["error"] = _("Không tìm thấy bưu gửi có số hiệu %(item)s.") % {"item": number}
            else:
                context.update(shipment=shipment, events=selectors.public_events(shipment), item=number)
    return render(request, "delivery/track.html", context, status=404 if context["error"] else 200)


@login_required
@require_safe
def quote(request: HttpRequest, uuid) -> HttpResponse:
    """htmx, from the wizard's delivery step: the postage for the address chosen so far."""
    from dossiers import selectors as dossier_selectors

    from .quotes import quote_for_draft

    dossier = dossier_selectors.draft_get_for_user(user=request.user, uuid=uuid)
    context = quote_for_draft(
        dossier,
        province_code=request.GET.get("post_province_code", "")[:10],
        commune_code=request.GET.get("post_commune_code", "")[:10],
    )
    return render(request, "delivery/_quote.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pickup_new(request: HttpRequest, code: str) -> HttpResponse:
    """Gửi hồ sơ qua bưu chính: the postman comes for the paper dossier."""
    from accounts import selectors as account_selectors
    from procedures import selectors as procedure_selectors

    from .documents import phone_local
    from .forms import PickupForm
    from .pickup import pickup_request

    procedure, _preview = procedure_selectors.procedure_get_for_viewer(code=code, user=request.user)
    agencies = procedure.agencies.order_by("kind", "name")
    context = {
        "procedure": procedure,
        "components": list(procedure.components.all()),
        "staff_account": request.user.is_staff,
    }
    if not procedure.offers_post or request.user.is_staff or not agencies.exists():
        return render(request, "delivery/pickup_form.html", {**context, "form": None}, status=200)
    profile = account_selectors.profile_for(request.user)
    initial = {
        "name": request.user.full_name,
        "phone": phone_local(request.user.phone or ""),
        "province_code": profile.contact_province_code or profile.permanent_province_code,
        "commune_code": profile.contact_commune_code or profile.permanent_commune_code,
        "street": profile.contact_street or profile.permanent_street,
        "agency": agencies.filter(unit_code=profile.permanent_commune_code).first() or agencies.first(),
        "pickup_date": timezone.localdate() + timedelta(days=1),
        "pickup_slot": "morning",
    }
    form = PickupForm(request.POST or None, agencies=agencies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shipment = pickup_request(
                user=request.user,
                procedure=procedure,
                agency=data["agency"],
                sender_name=data["name"],
                sender_phone=data["phone"],
                address=form.address(),
                pickup_date=data["pickup_date"],
                pickup_slot=data["pickup_slot"],
                result_delivery=data["result_delivery"],
                result_recipient=data.get("result_recipient", ""),
                result_recipient_phone=data.get("result_recipient_phone", ""),
            )
        except services.DeliveryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã hẹn bưu tá. Bạn sẽ nhận tin nhắn khi bưu tá nhận hồ sơ."))
            return redirect("delivery:pickup_detail", reference=shipment.reference)
    return render(request, "delivery/pickup_form.html", {**context, "form": form})


@login_required
@require_safe
def pickup_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's own pickup: where it is, what the postman found, the dossier it became."""
    from .pickup import pickups_for_user

    shipment = pickups_for_user(request.user).filter(reference=reference[:20]).first()
    if shipment is None:
        raise Http404("no such pickup")
    missing = [m for e in shipment.events.all() for m in e.missing]
    return render(
        request,
        "delivery/pickup_detail.html",
        {"shipment": shipment, "events": selectors.public_events(shipment), "missing": missing},
    )
