"""Thin, idempotent tasks of the dossier app."""

from __future__ import annotations

from celery import shared_task

from . import forms_service


@shared_task(name="dossiers.render_form", ignore_result=True)
def render_form(event_id: int) -> None:
    forms_service.store_form_for_event(event_id)
