from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/webhooks/sms/<slug:provider>/", views.sms_webhook, name="sms_webhook"),
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
]
