from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _delete_drafts(user) -> None:
    from .constants import Status
    from .models import Dossier

    for draft in Dossier.objects.filter(applicant=user, status=Status.DRAFT).prefetch_related("files"):
        for stored in draft.files.all():
            stored.file.delete(save=False)
        draft.delete()


def _open_dossier_blocker(user) -> str | None:
    from .constants import OPEN_STATUSES
    from .models import Dossier

    if Dossier.objects.filter(applicant=user, status__in=OPEN_STATUSES).exists():
        return str(_("Bạn còn hồ sơ đang được giải quyết. Hãy chờ hồ sơ kết thúc hoặc rút hồ sơ trước khi xóa tài khoản."))
    return None


class DossiersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dossiers"
    verbose_name = _("Hồ sơ")

    def ready(self) -> None:
        from accounts.services import DELETION_BLOCKERS, DELETION_CLEANUPS

        from . import reminders  # noqa: F401 - registers the daily draft jobs

        if _open_dossier_blocker not in DELETION_BLOCKERS:
            DELETION_BLOCKERS.append(_open_dossier_blocker)
        if _delete_drafts not in DELETION_CLEANUPS:
            DELETION_CLEANUPS.append(_delete_drafts)
