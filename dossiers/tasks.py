"""Thin, idempotent tasks of the dossier app."""

from __future__ import annotations

from celery import shared_task

from . import forms_service


@shared_task(name="dossiers.render_form", ignore_result=True)
def render_form(event_id: int) -> None:
    forms_service.store_form_for_event(event_id)


@shared_task(name="dossiers.redrive_forms", ignore_result=True)
def redrive_forms() -> int:
    """Beat: render the forms (01–05) a lost task never made."""
    return forms_service.redrive_missing_forms()


@shared_task(name="dossiers.render_submission_copy", ignore_result=True)
def render_submission_copy(dossier_id: int, language: str) -> None:
    from . import submission_copy

    submission_copy.store(dossier_id=dossier_id, language=language)
