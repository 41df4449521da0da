"""The simulated VNPAY gateway's pages, served by the portal only when ``PAYMENT_SIMULATOR`` is on.

Its hosted bank page is plain HTML (no script), Vietnamese or English as ``vnp_Locale`` asks,
usable at 360 px. Its merchant API answers signed JSON.
"""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..models import SimulatedTransaction
from . import gateway as sim


def simulator_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.PAYMENT_SIMULATOR:
            raise Http404("the payment simulator is off")
        return view(request, *args, **kwargs)

    return wrapped


@simulator_only
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def pay_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _pay_submit(request)
    params = dict(request.GET.items())
    language = "en" if params.get("vnp_Locale") == "en" else "vi"
    with translation.override(language):
        try:
            txn = sim.pay_open(params)
        except sim.SimulatorError as exc:
            return render(
                request, "payments/simulator/error.html", {"error": exc, "language": language}, status=400
            )
        if txn.response_code:
            return render(
                request,
                "payments/simulator/error.html",
                {"error": sim.SimulatorError("02", "Giao dịch đã được xử lý"), "language": language},
                status=400,
            )
        return render(request, "payments/simulator/pay.html", _page_context(txn, language))


def _page_context(txn: SimulatedTransaction, language: str, error: str = "") -> dict:
    from ..words import format_vnd

    return {
        "txn": txn,
        "language": language,
        "amount": format_vnd(int(txn.amount) // 100),
        "banks": sim.BANKS,
        "error": error,
    }


def _pay_submit(request: HttpRequest) -> HttpResponse:
    txn = SimulatedTransaction.objects.filter(pk=request.POST.get("transaction") or 0).first()
    if txn is None or txn.transaction_no != request.POST.get("transaction_no"):
        raise Http404("no such transaction")
    language = "en" if txn.locale == "en" else "vi"
    with translation.override(language):
        try:
            _txn, return_url = sim.pay_complete(
                transaction_id=txn.pk,
                outcome=request.POST.get("outcome", ""),
                bank_code=request.POST.get("bank", ""),
            )
        except sim.SimulatorError as exc:
            if exc.code == "03":
                return render(
                    request,
                    "payments/simulator/pay.html",
                    _page_context(txn, language, error=exc.message),
                    status=400,
                )
            return render(
                request, "payments/simulator/error.html", {"error": exc, "language": language}, status=400
            )
    return HttpResponseRedirect(return_url)


@simulator_only
@csrf_exempt
@require_POST
def merchant_api(request: HttpRequest) -> JsonResponse:
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid request"}, status=400)
    return JsonResponse(sim.api(payload))
