"""Produce and keep the official form (01–05) that an officer's action calls for."""

from __future__ import annotations

import hashlib
import logging
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from core.jobs import enqueue

from . import documents
from .models import DossierEvent, DossierFile
from .transitions import TRANSITIONS, form_number
from .uploads import save_file

logger = logging.getLogger(__name__)
# Bulk demo loading turns this off (hundreds of PDFs would take a minute); forms of such dossiers
# can be produced later with store_form_for_event.
rendering_enabled: ContextVar[bool] = ContextVar("dossier_form_rendering", default=True)
# Forms older than this that are still missing are left for a person (the log says so), not re-driven.
REDRIVE_WINDOW = timedelta(days=30)
FORM_TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
}


def _moment(raw) -> datetime | None:
    try:
        return datetime.fromisoformat(raw) if raw else None
    except (TypeError, ValueError):
        return None


def store_form_for_event(event_id: int) -> DossierFile | None:
    """Render the form of this event once and keep it with the dossier (the applicant can download it)."""
    event = (
        DossierEvent.objects.select_related(
            "dossier", "dossier__agency", "dossier__applicant", "dossier__procedure", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or not event.action:
        return None
    number = form_number(event.action)
    if not number:
        return None
    dossier = event.dossier
    name = f"mau-{number}-{dossier.code}-{event.pk}.pdf"
    existing = (
        dossier.files.filter(event=event).first()
        or dossier.files.filter(purpose=f"form{number}", original_name=name).first()
    )
    if existing is not None:
        return existing
    officer = event.actor_display
    reason = event.data.get("reason") or event.note_to_applicant
    issued_on = timezone.localtime(event.at).date()  # dated like the action, even if rendered later
    if number == "01":
        pdf = documents.form01_receipt(dossier, officer_name=officer)
    elif number == "02":
        pdf = documents.form02_supplement(
            dossier,
            items=event.data.get("items"),
            missing=[] if event.data.get("items") else event.data.get("missing") or [],
            reason=reason,
            officer_name=officer,
            officer_phone=event.actor.phone if event.actor_id else "",
            issued_on=issued_on,
        )
    elif number == "03":
        pdf = documents.form03_refusal(dossier, reason=reason, officer_name=officer, issued_on=issued_on)
    elif number == "04":
        new_due = _moment(event.data.get("new_due")) or dossier.due_at
        pdf = documents.form04_apology(
            dossier,
            reason=reason,
            new_due=new_due,
            previous_due=_moment(event.data.get("previous_due")),
            document_number=event.data.get("document_number", ""),
            officer_name=officer,
            issued_on=issued_on,
        )
    else:
        pdf = documents.form05_stop(
            dossier,
            reason=reason,
            document_number=event.data.get("document_number", ""),
            officer_name=officer,
            issued_on=issued_on,
        )
    record = DossierFile(
        dossier=dossier,
        component=None,
        component_name=f"Mẫu số {number}: {FORM_TITLES[number]}",
        original_name=name,
        kind="pdf",
        size=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        purpose=f"form{number}",
        event=event,
        uploaded_at=event.at,  # issued with the action, whenever the render ran
    )
    save_file(record, name, ContentFile(pdf))  # the bytes go again if the row does not commit
    logger.info("dossiers: form %s stored for %s (event %s)", number, dossier.code, event.pk)
    return record


def events_missing_their_form(*, now: datetime | None = None, older_than: timedelta = timedelta(minutes=5)):
    """Events whose form (01–05) should exist and does not: the render task was lost (broker down at
    commit, a worker killed mid-render). Only events at least ``older_than`` old (the task may still
    be running) and at most ``REDRIVE_WINDOW`` old (older gaps are for a person to look at)."""
    now = now or timezone.now()
    actions = [name for name in TRANSITIONS if form_number(name)]
    return DossierEvent.objects.filter(
        action__in=actions, at__lt=now - older_than, at__gte=now - REDRIVE_WINDOW, issued_files__isnull=True
    ).order_by("at")


def redrive_missing_forms(*, now: datetime | None = None, limit: int = 500) -> int:
    """Re-enqueue the rendering of every form missing after a crash (beat, every few minutes).

    Idempotent: ``store_form_for_event`` returns the stored copy when it exists, so a form that was in
    fact being rendered is never made twice. Returns how many were re-enqueued.
    """
    event_ids = list(events_missing_their_form(now=now).values_list("pk", flat=True)[:limit])
    for event_id in event_ids:
        if not enqueue("dossiers.render_form", event_id):
            break  # broker still down: the next run tries again
    if event_ids:
        logger.info("dossiers: re-enqueued %d missing forms", len(event_ids))
    return len(event_ids)
