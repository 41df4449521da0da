"""Daily jobs of the dossier app, run by the notifications reminder registry (Celery beat)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.links import absolute_url
from notifications import reminders
from notifications.services import NotificationError, notify

from .constants import Status
from .models import Dossier


@reminders.register("draft_expiring", schedule="daily")
def remind_expiring_drafts() -> int:
    """Tell people 3 days ahead that an unsubmitted draft will be deleted (once per draft)."""
    now = timezone.now()
    due = Dossier.objects.filter(
        status=Status.DRAFT,
        expiry_reminded_at__isnull=True,
        expires_at__lte=now + timedelta(days=3),
        expires_at__gt=now,
    )
    sent = 0
    for draft in due.select_related("procedure", "applicant")[:1000]:
        claimed = Dossier.objects.filter(pk=draft.pk, expiry_reminded_at__isnull=True).update(
            expiry_reminded_at=now
        )
        if not claimed:
            continue
        link = absolute_url("dossiers:draft_step", draft.uuid, draft.current_step or "agency")
        try:
            notify(
                event="draft_expiring",
                context={
                    "procedure_name": draft.procedure.name,
                    "date": timezone.localtime(draft.expires_at).strftime("%d/%m/%Y"),
                    "link": link,
                },
                user=draft.applicant,
                related=draft,
            )
            sent += 1
        except NotificationError:
            continue
    return sent


@reminders.register("draft_purge", schedule="daily")
def purge_expired_drafts() -> int:
    """Delete drafts past their 30 days, with their files (the bytes once each deletion commits)."""
    from .uploads import draft_delete

    deleted = 0
    for draft in Dossier.objects.filter(status=Status.DRAFT, expires_at__lt=timezone.now()).prefetch_related(
        "files"
    )[:1000]:
        draft_delete(draft=draft)
        deleted += 1
    return deleted


@reminders.register("officer_digest", schedule="daily")
def send_officer_digests() -> int:
    """Each morning, each one-stop-shop officer and specialist gets one email listing the dossiers of
    their agencies that are overdue or due within 2 working days (nothing is sent when nothing is due)."""
    from accounts.models import StaffAssignment

    from .constants import CLOCK_STOPPED, FINAL_STATUSES
    from .workdays import add_working_days

    now = timezone.now()
    soon = timezone.make_aware(
        timezone.datetime.combine(add_working_days(timezone.localdate(), 2), timezone.datetime.max.time())
    )
    sent = 0
    assignments = StaffAssignment.objects.filter(role__in=["officer", "specialist", "leader"]).select_related(
        "user"
    )
    by_user: dict = {}
    for assignment in assignments:
        by_user.setdefault(assignment.user, set()).add(assignment.agency_id)
    for user, agency_ids in by_user.items():
        if not user.is_active or not user.email:
            continue
        due = (
            Dossier.objects.filter(agency_id__in=agency_ids, due_at__lte=soon)
            .exclude(status__in=[*FINAL_STATUSES, *CLOCK_STOPPED, Status.DRAFT])
            .order_by("due_at")
            .values_list("code", "due_at")[:50]
        )
        rows = [
            f"{code} — {timezone.localtime(due_at):%d/%m %H:%M}{' (quá hạn)' if due_at < now else ''}"
            for code, due_at in due
        ]
        if not rows:
            continue
        try:
            notify(
                event="officer_digest",
                context={
                    "count": len(rows),
                    "items": "; ".join(rows),
                    "link": absolute_url("admin:dossiers_dossier_changelist", query={"queue": "mine"}),
                    "date": timezone.localdate().strftime("%d/%m/%Y"),
                },
                user=user,
                channels=["email"],
            )
            sent += 1
        except NotificationError:
            continue
    return sent


@reminders.register("supplement_reminder", schedule="daily")
def remind_unanswered_supplements() -> int:
    """Applicants who have not answered a supplement request after 3 working days get one reminder."""
    from .models import DossierEvent
    from .workdays import working_days_between

    sent = 0
    today = timezone.localdate()
    waiting = Dossier.objects.filter(status=Status.SUPPLEMENT_REQUESTED).select_related(
        "applicant", "procedure", "agency"
    )
    for dossier in waiting[:1000]:
        request = (
            DossierEvent.objects.filter(dossier=dossier, to_status=Status.SUPPLEMENT_REQUESTED)
            .order_by("-at")
            .first()
        )
        if (
            request is None
            or request.data.get("reminded")
            or working_days_between(timezone.localtime(request.at).date(), today) < 3
        ):
            continue
        claimed = (
            DossierEvent.objects.filter(pk=request.pk)
            .exclude(data__has_key="reminded")
            .update(data={**request.data, "reminded": today.isoformat()})
        )
        if not claimed:
            continue
        try:
            notify(
                event="supplement_reminder",
                context={
                    "dossier_code": dossier.code,
                    "procedure_name": dossier.procedure.name,
                    "agency_name": dossier.agency.name if dossier.agency else "",
                    "link": absolute_url("dossiers:detail", dossier.code),
                },
                user=dossier.applicant,
                related=dossier,
                related_label=dossier.code,
            )
            sent += 1
        except NotificationError:
            continue
    return sent
