"""The applicant's PDF copy of a submission (``/dossiers/<code>/receipt.pdf``), made by a task after
commit and served from storage: a WeasyPrint render costs several F1 requests, so it never runs in a
web request (issue 15) unless tasks run in-process (``make run`` without Redis).

A copy is stored per dossier, language and *content key* (the files it lists, the declaration version,
the delivery chosen): a supplement adds files, so its answer gets a new copy; the old ones are only
superseded, never served again. ``on_transition`` enqueues the person's language after the submission and
after each supplement answer; the view enqueues what is missing (a crash, an older dossier) and says
the copy is being made until it is there.
"""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import jobs
from core.links import absolute_url
from core.people import display_name

from . import fees
from .declaration import iter_answer_rows
from .models import Dossier

logger = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
AFTER = frozenset({"submit", "answer_supplement", "submit_by_post", "register_at_counter"})


def presence_note(dossier: Dossier) -> str:
    """What the applicant must still come in for (signing, biometrics): as frozen at submission,
    the procedure's current note for a draft or an older dossier; empty when nothing."""
    procedure = dossier.procedure
    snapshot = {} if dossier.is_draft else (dossier.procedure_snapshot or {})
    if not snapshot.get("presence", procedure.presence):
        return ""
    frozen = snapshot.get("presence_note", procedure.presence_note)
    note = procedure.presence_text if frozen == procedure.presence_note else frozen
    return note or str(_("Bạn vẫn phải đến cơ quan theo lịch hẹn."))


def language_of(code: str | None) -> str:
    return "en" if (code or "vi").startswith("en") else "vi"


def storage_name(dossier: Dossier, language: str) -> str:
    files = ",".join(str(pk) for pk in sorted(dossier.files.values_list("pk", flat=True)))
    key = f"{dossier.code}|{files}|{dossier.form_version_id}|{dossier.delivery}|{dossier.agency_id}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"submission-copies/{dossier.uuid}/{digest}-{language_of(language)}.pdf"


def render(dossier: Dossier, language: str) -> bytes:
    """The PDF itself (WeasyPrint): answers, documents, fees, delivery, presence, a QR code to the lookup."""
    from core.pdf import qr_data_uri, render_to_pdf

    english = language_of(language) == "en"
    with translation.override("en" if english else "vi"):
        lookup_url = absolute_url("dossiers:lookup", query={"code": dossier.code})
        return render_to_pdf(
            "pdf/dossier_submission.html",
            {
                "dossier": dossier,
                "english": english,
                "applicant_name": display_name(dossier.applicant),
                "agency_parent": dossier.agency.parent.name
                if dossier.agency and dossier.agency.parent
                else "",
                "agency_name": dossier.agency.name if dossier.agency else "",
                "document_number": dossier.code,
                "place": (dossier.agency.unit_name if dossier.agency else "") or "",
                "date": timezone.localtime(dossier.submitted_at).date()
                if dossier.submitted_at
                else timezone.localdate(),
                "qr_data_uri": qr_data_uri(lookup_url),
                "lookup_url": lookup_url,
                "answer_rows": list(iter_answer_rows(dossier.form_version.schema, dossier.answers))
                if dossier.form_version_id
                else [],
                "files": list(dossier.files.all()),
                "presence_note": presence_note(dossier),
                **fees.fee_summary(dossier),
            },
        )


def stored(dossier: Dossier, language: str) -> str | None:
    """The storage name of the current copy, or None while it is not made yet."""
    name = storage_name(dossier, language)
    return name if default_storage.exists(name) else None


def store(*, dossier_id: int, language: str) -> str | None:
    """Render and keep the current copy unless it is there already (idempotent; the task's body)."""
    dossier = (
        Dossier.objects.select_related("agency__parent", "applicant", "procedure", "form_version")
        .filter(pk=dossier_id)
        .exclude(code="")
        .first()
    )
    if dossier is None:
        return None
    name = storage_name(dossier, language)
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(render(dossier, language)))
    logger.info("dossiers: submission copy %s stored for %s", language, dossier.code)
    return saved


def enqueue(dossier_id: int, languages=LANGUAGES) -> None:
    for language in languages:
        # broker down: the page enqueues it again when the copy is asked for
        jobs.enqueue("dossiers.render_submission_copy", dossier_id, language)


def on_transition(*, dossier, name, event, actor, now) -> None:
    """After the submission and each supplement answer, once the transaction commits: the copy in the
    language the person is using (the other one is made when it is first asked for)."""
    from .forms_service import rendering_enabled

    if name in AFTER and rendering_enabled.get():
        dossier_id, language = dossier.pk, language_of(translation.get_language())
        transaction.on_commit(lambda: enqueue(dossier_id, [language]))
