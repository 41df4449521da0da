from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = _("Thanh toán")

    def ready(self) -> None:
        from dossiers import extensions

        from . import panels

        extensions.citizen_panels.register(
            "payments", template="payments/_dossier_panel.html", context=panels.citizen_context, order=50
        )
        extensions.desk_panels.register(
            "payments", template="payments/_desk_panel.html", context=panels.desk_context, order=50
        )
        extensions.on_transition.register("payments", panels.on_transition)
        # Asking for payment needs line items, and "paid" comes from the gateway or a recorded
        # counter payment: both through the payments panel, never a bare desk button.
        extensions.owned_actions.register("payments", {"request_payment", "payment_received"})
        extensions.statistics_rows.register("payments", panels.statistics_rows)
