"""Daily jobs of the dossier app, run by the notifications reminder registry (Celery beat)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from notifications import reminders
from notifications.services import NotificationError, notify

from .constants import Status
from .models import Dossier


@reminders.register("draft_expiring", schedule="daily")
def remind_expiring_drafts() -> int:
    """Tell people 3 days ahead that an unsubmitted draft will be deleted (once per draft)."""
    now = timezone.now()
    due = Dossier.objects.filter(status=Status.DRAFT, expiry_reminded_at__isnull=True, expires_at__lte=now + timedelta(days=3), expires_at__gt=now)
    sent = 0
    for draft in due.select_related("procedure", "applicant")[:1000]:
        claimed = Dossier.objects.filter(pk=draft.pk, expiry_reminded_at__isnull=True).update(expiry_reminded_at=now)
        if not claimed:
            continue
        link = settings.PORTAL_BASE_URL.rstrip("/") + f"/dossiers/draft/{draft.uuid}/{draft.current_step or 'agency'}/"
        try:
            notify(
                event="draft_expiring",
                context={"procedure_name": draft.procedure.name, "date": timezone.localtime(draft.expires_at).strftime("%d/%m/%Y"), "link": link},
                user=draft.applicant,
                related=draft,
            )
            sent += 1
        except NotificationError:
            continue
    return sent


@reminders.register("draft_purge", schedule="daily")
def purge_expired_drafts() -> int:
    """Delete drafts past their 30 days, with their files."""
    deleted = 0
    for draft in Dossier.objects.filter(status=Status.DRAFT, expires_at__lt=timezone.now()).prefetch_related("files")[:1000]:
        for stored in draft.files.all():
            stored.file.delete(save=False)
        draft.delete()
        deleted += 1
    return deleted
