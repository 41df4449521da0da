from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _delete_drafts(user) -> None:
    from .uploads import drafts_delete_for_user

    drafts_delete_for_user(user)


def _export_dossiers(user) -> dict:
    from .selectors import dossiers_export_for_user

    return {"dossiers": dossiers_export_for_user(user=user)}


def _open_dossier_blocker(user) -> str | None:
    from .constants import OPEN_STATUSES
    from .models import Dossier

    if Dossier.objects.filter(applicant=user, status__in=OPEN_STATUSES).exists():
        return str(
            _(
                "Bạn còn hồ sơ đang được giải quyết. Hãy chờ hồ sơ kết thúc hoặc rút hồ sơ trước khi xóa tài khoản."
            )
        )
    return None


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from accounts.services import DATA_EXPORTERS, DELETION_BLOCKERS, DELETION_CLEANUPS

        from . import extensions, reminders, submission_copy  # noqa: F401 - reminders registers the daily draft jobs

        extensions.on_transition.register("submission_copy", submission_copy.on_transition)

        if _open_dossier_blocker not in DELETION_BLOCKERS:
            DELETION_BLOCKERS.append(_open_dossier_blocker)
        if _delete_drafts not in DELETION_CLEANUPS:
            DELETION_CLEANUPS.append(_delete_drafts)
        if _export_dossiers not in DATA_EXPORTERS:
            DATA_EXPORTERS.append(_export_dossiers)
