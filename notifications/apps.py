from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _create_default_templates(sender, **kwargs) -> None:
    from .services import ensure_default_templates

    ensure_default_templates()


def _forget_template(sender, instance, **kwargs) -> None:
    from .services import forget_template

    forget_template(instance.event)


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # Default wording exists after every migrate; staff edits are never overwritten.
        post_migrate.connect(
            _create_default_templates, sender=self, dispatch_uid="notifications-default-templates"
        )
        # notify() keeps each event's template in the cache for a minute; an edit takes effect at once.
        for signal in (post_save, post_delete):
            signal.connect(
                _forget_template, sender="notifications.NotificationTemplate", dispatch_uid=f"forget-{signal}"
            )
