from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_default_templates(sender, **kwargs) -> None:
    from .services import ensure_default_templates

    ensure_default_templates()


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # Default wording exists after every migrate; staff edits are never overwritten.
        post_migrate.connect(
            _create_default_templates, sender=self, dispatch_uid="notifications-default-templates"
        )
