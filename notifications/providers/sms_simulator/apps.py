from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsSimulatorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications.providers.sms_simulator"
    label = "sms_simulator"
    verbose_name = _("SMS mô phỏng")
