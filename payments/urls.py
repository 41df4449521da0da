from django.urls import path

from . import views
from .simulator import views as simulator_views

app_name = "payments"

urlpatterns = [
    path("payments/pay/<int:fee_request_id>/", views.pay, name="pay"),
    path("payments/dossiers/<str:code>/pay/", views.pay_dossier, name="pay_dossier"),
    path("payments/return/<slug:gateway_name>/", views.payment_return, name="return"),
    path("payments/attempts/<str:reference>/status/", views.attempt_status, name="attempt_status"),
    path("payments/ipn/<slug:gateway_name>/", views.ipn, name="ipn"),
    path("payments/receipts/<str:token>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("payments/verify/<str:token>/", views.receipt_verify, name="verify"),
    # The VNPAY-protocol gateway simulator (404 unless PAYMENT_SIMULATOR is on).
    path("payments/simulator/vnpay/paymentv2/vpcpay.html", simulator_views.pay_page, name="simulator_pay"),
    path(
        "payments/simulator/vnpay/merchant_webapi/api/transaction",
        simulator_views.merchant_api,
        name="simulator_api",
    ),
]
