"""Produce and keep the official form (01–05) that an officer's action calls for."""

from __future__ import annotations

import hashlib
import logging
from contextvars import ContextVar
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import documents
from .constants import ACTIONS
from .models import DossierEvent, DossierFile

logger = logging.getLogger(__name__)
# Bulk demo loading turns this off (hundreds of PDFs would take a minute); forms of such dossiers
# can be produced later with store_form_for_event.
rendering_enabled: ContextVar[bool] = ContextVar("dossier_form_rendering", default=True)
FORM_TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "05": "Thông báo dừng giải quyết hồ sơ",
}


def store_form_for_event(event_id: int) -> DossierFile | None:
    """Render the form of this event once and keep it with the dossier (the applicant can download it)."""
    event = DossierEvent.objects.select_related("dossier", "dossier__agency", "dossier__applicant", "dossier__procedure").filter(pk=event_id).first()
    if event is None or not event.action:
        return None
    number = ACTIONS.get(event.action, (None, None, None, None, ""))[4]
    if not number:
        return None
    dossier = event.dossier
    name = f"mau-{number}-{dossier.code}-{event.pk}.pdf"
    existing = dossier.files.filter(purpose=f"form{number}", original_name=name).first()
    if existing is not None:
        return existing
    officer = event.actor_display
    reason = event.data.get("reason") or event.note_to_applicant
    issued_on = timezone.localtime(event.at).date()  # dated like the action, even if rendered later
    if number == "01":
        pdf = documents.form01_receipt(dossier, officer_name=officer)
    elif number == "02":
        pdf = documents.form02_supplement(dossier, missing=event.data.get("missing") or [], reason=reason, officer_name=officer, issued_on=issued_on)
    elif number == "03":
        pdf = documents.form03_refusal(dossier, reason=reason, officer_name=officer, issued_on=issued_on)
    elif number == "04":
        new_due = datetime.fromisoformat(event.data["new_due"]) if event.data.get("new_due") else dossier.due_at
        pdf = documents.form04_apology(dossier, reason=reason, new_due=new_due, officer_name=officer, issued_on=issued_on)
    else:
        pdf = documents.form05_stop(dossier, reason=reason, officer_name=officer, issued_on=issued_on)
    with transaction.atomic():
        record = DossierFile(
            dossier=dossier, component=None, component_name=f"Mẫu số {number}: {FORM_TITLES[number]}", original_name=name,
            kind="pdf", size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(), purpose=f"form{number}",
        )
        record.file.save(name, ContentFile(pdf), save=False)
        record.save()
    logger.info("dossiers: form %s stored for %s (event %s)", number, dossier.code, event.pk)
    return record
