"""Deadline arithmetic of a dossier: when the clock stopped, when the result is due, whether it is late.

The working-day calendar itself is ``dossiers.workdays``; this module applies it to one dossier,
reading the stretches the clock was stopped (statuses 5 and 6) from the dossier's events.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from . import workdays
from .constants import CLOCK_STOPPED, FINAL_STATUSES, Status
from .models import Dossier

# Never overdue: finished, or the result is ready and waits for the applicant (or the post).
NEVER_OVERDUE = frozenset({*FINAL_STATUSES, Status.RESULT_READY, Status.DRAFT})


def pauses(dossier: Dossier, now: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """(start, end) of each stretch in status 5 or 6, from the events (an open one ends ``now``)."""
    out, started = [], None
    for event in dossier.events.order_by("at", "id"):
        if event.to_status in CLOCK_STOPPED and started is None:
            started = event.at
        elif started is not None and event.to_status is not None and event.to_status not in CLOCK_STOPPED:
            out.append((started, event.at))
            started = None
    if started is not None:
        out.append((started, now or timezone.now()))
    return out


def recompute_due(dossier: Dossier, *, now: datetime | None = None) -> None:
    """Due date = time limit from receipt, pushed by every working day the clock was stopped.

    An extended dossier keeps the date its apology (form 04) promised, pushed likewise by pauses
    that started after the extension is not modelled: the extension's date stands.
    """
    if dossier.received_at is None or dossier.extended:
        return
    dossier.due_at = workdays.due_date_with_pauses(
        dossier.received_at, dossier.time_limit_days or 0, pauses(dossier, now)
    )


def is_overdue(dossier: Dossier, now: datetime | None = None) -> bool:
    """Past its due date (or its 8-working-hour acceptance deadline) while the clock runs."""
    if dossier.status in NEVER_OVERDUE or dossier.status in CLOCK_STOPPED:
        return False
    due = dossier.due_at or (dossier.acceptance_due_at if dossier.status == Status.SUBMITTED else None)
    return due is not None and (now or timezone.now()) > due
