from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "delivery"
    verbose_name = _("Bưu chính công ích")

    def ready(self) -> None:
        from dossiers import extensions

        from . import dossier_link, panels, statistics
        from .admin import desk_panel_context

        extensions.citizen_panels.register(
            "delivery",
            template="delivery/_dossier_panel.html",
            context=panels.citizen_panel_context,
            order=40,
        )
        extensions.post_address_panels.register(
            "delivery", template="delivery/_quote_slot.html", context=panels.quote_slot_context, order=40
        )
        extensions.desk_panels.register(
            "delivery", template="delivery/_desk_panel.html", context=desk_panel_context, order=40
        )
        extensions.on_transition.register("delivery", dossier_link.on_transition)
        dossier_link.connect_signals()
        extensions.statistics_rows.register("delivery", statistics.statistics_rows)
