"""Scheduled reminders (Celery beat). Apps that own the facts register what is due:

- the dossier processing app registers the officers' daily digest (dossiers due soon or overdue);
- the dossier app registers the applicants' reminder of a supplement request unanswered after
  3 working days, and the draft-expiry reminder.

Each registered function is called by the beat task and must itself be idempotent (it records
what it reminded, so a rerun on the same day sends nothing twice) and send through ``notify``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

DAILY: dict[str, Callable[[], int]] = {}
HOURLY: dict[str, Callable[[], int]] = {}


def register(name: str, *, schedule: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    """Decorator: ``@register("officer_digest", schedule="daily")``. The function returns how many it sent."""
    table = {"daily": DAILY, "hourly": HOURLY}[schedule]

    def decorator(func: Callable[[], int]) -> Callable[[], int]:
        table[name] = func
        return func

    return decorator


def run(schedule: str) -> dict[str, int]:
    """Run every reminder of a schedule; one failing reminder does not stop the others."""
    results: dict[str, int] = {}
    for name, func in sorted({"daily": DAILY, "hourly": HOURLY}[schedule].items()):
        try:
            results[name] = func()
        except Exception:
            logger.exception("notifications: reminder %s failed", name)
            results[name] = -1
    return results
