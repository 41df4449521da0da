"""Writes to the catalogue. Views, admin actions and commands call these, nothing else writes."""

from __future__ import annotations

from collections.abc import Iterable

import nh3
from django.db import connection, transaction
from django.utils import timezone

from core.db import vacuum_analyze
from core.text import nfc

from . import links
from .constants import PublicationStatus
from .models import Procedure

RICH_TEXT_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
RICH_TEXT_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


def sanitize_rich_text(html: str) -> str:
    """Staff-entered rich text, cleaned with nh3: no scripts, no styles, safe links only."""
    return nh3.clean(
        nfc(html or ""),
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def _set_status(procedure: Procedure, *, status: str, actor, reason: str) -> Procedure:
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if locked.status == status:
            return locked
        locked.status = status
        fields = ["status", "updated_at"]
        if status == PublicationStatus.PUBLISHED:
            locked.published_at = timezone.now()
            fields.append("published_at")
        locked._change_reason = reason
        locked._history_user = actor
        locked.save(update_fields=fields)
        return locked


def procedure_publish(*, procedure: Procedure, actor) -> Procedure:
    """Make a draft (or archived) procedure public. Writes a history row with the actor."""
    return _set_status(procedure, status=PublicationStatus.PUBLISHED, actor=actor, reason="Công bố")


def procedure_archive(*, procedure: Procedure, actor) -> Procedure:
    """Withdraw a procedure from the public catalogue (bãi bỏ); it stays in history."""
    return _set_status(procedure, status=PublicationStatus.ARCHIVED, actor=actor, reason="Bãi bỏ")


def procedure_unpublish(*, procedure: Procedure, actor) -> Procedure:
    """Take a procedure back to draft for rework."""
    return _set_status(procedure, status=PublicationStatus.DRAFT, actor=actor, reason="Chuyển về bản nháp")


def procedure_links_refresh(procedure_ids: Iterable[int] | None = None) -> None:
    """Rewrite the copies of the procedures' links (``sector_ids``, ``agency_ids``, ``event_ids``)
    from the link tables: every procedure when ``procedure_ids`` is None. The signals call it on
    every link change; call it after writing link rows in bulk (``bulk_create`` sends no signal)."""
    links.refresh(connection, procedure_ids)


CATALOGUE_TABLES = [
    "procedures_procedure",
    "procedures_procedure_sectors",
    "procedures_procedure_agencies",
    "procedures_procedure_life_events",
    "procedures_sector",
    "procedures_agency",
    "procedures_lifeevent",
    "procedures_submissionmethod",
    "procedures_dossiercomponent",
]


def catalogue_analyze() -> None:
    """VACUUM and ANALYZE the catalogue tables on PostgreSQL (no-op on SQLite).

    Call after bulk imports and demo loads: until statistics exist the planner ignores the search
    indexes and scans the table, and until a VACUUM removes the dead row versions an import's
    updates leave, every search reads them too (``core.db.vacuum_analyze``; inside a transaction,
    ANALYZE only). Autovacuum would catch up later, or never where it is off.
    Side effects: none on the data.
    """
    vacuum_analyze(list(CATALOGUE_TABLES))
