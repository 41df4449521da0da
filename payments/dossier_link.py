"""Everything payments needs from dossiers, in one module (the dossiers app never imports payments).

Built on the workflow (``dossiers.workflow.dossier_transition``): payments asks for payment
(``request_payment``, staff) and moves a paid dossier on (``payment_received``, as the **system**
actor ``payments:<gateway>``, or as the officer who recorded a counter payment). Registration with
``dossiers.extensions`` is in ``apps.py``; what it shows is in ``panels.py``.
"""

from __future__ import annotations

import logging
from datetime import datetime

logger = logging.getLogger(__name__)

STATUS_PAYMENT_REQUESTED = 6
STATUS_PROCESSING = 4
# A paid dossier ending through one of these rows gets its online payments refunded automatically.
REFUND_ON = {
    "refuse": "dossier_refused",
    "withdraw": "dossier_withdrawn",
    "withdraw_by_applicant": "dossier_withdrawn",
    "stop": "dossier_stopped",
}


class TransitionRefused(Exception):
    """The workflow said no (wrong status, role, a stale page); the message is for the person."""


def current_version(dossier_id: int) -> int:
    """The dossier's version now, under its row lock: for an officer's payment record, whose
    consequence moves the dossier without a page of it (``dossiers.workflow.current_version``)."""
    from dossiers.workflow import current_version as version_now

    return version_now(dossier_id)


def transition(
    *,
    dossier_id: int,
    name: str,
    user=None,
    gateway: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
    reason: str = "",
    note_to_applicant: str = "",
    data: dict | None = None,
    notify_extra: dict | None = None,
):
    """Run one workflow row as staff (``user``) or as the system (``gateway``); TransitionRefused if not allowed."""
    from dossiers.workflow import Actor, TransitionError, dossier_transition

    actor = Actor.staff(user) if user is not None else Actor.system(f"payments:{gateway or 'system'}")
    try:
        return dossier_transition(
            dossier_id=dossier_id,
            name=name,
            actor=actor,
            expected_version=expected_version,
            now=now,
            reason=reason,
            note_to_applicant=note_to_applicant,
            data=data or {},
            notify_extra=notify_extra or {},
        )
    except TransitionError as exc:
        raise TransitionRefused(str(exc)) from exc


def dossier_locked(dossier_id: int):
    from dossiers.models import Dossier

    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency", "applicant", "procedure")
        .get(pk=dossier_id)
    )


def audit(
    *, user, dossier, what: str, detail: str = "", before: dict | None = None, after: dict | None = None
) -> None:
    """An officer's payment action in the dossier's audit log."""
    from dossiers.models import AuditEntry

    AuditEntry.objects.create(
        user=user,
        actor_name=(user.get_full_name() or user.get_username())[:200],
        dossier=dossier,
        what=what[:60],
        detail=detail[:300],
        before=before or {},
        after=after or {},
    )


def staff_roles(user, dossier) -> set[str]:
    """The processing roles ``user`` holds in the dossier's agency (publishers hold none)."""
    from dossiers.workflow import staff_roles as roles

    return roles(user, dossier.agency_id)


def dossiers_for_staff(user):
    """The dossiers this staff member may see (agency AND role; specialists only their assigned ones)."""
    from dossiers.selectors import dossiers_for_staff as selector

    return selector(user)


def dossier_link(dossier) -> str:
    from core.links import absolute_url

    return absolute_url("dossiers:detail", dossier.code)


def is_level4_online(dossier) -> bool:
    snapshot = dossier.procedure_snapshot or {}
    level = snapshot.get("service_level") or getattr(dossier.procedure, "service_level", 0)
    return int(level or 0) >= 4


def submission_items(dossier) -> list:
    """The fee of the online channel as the dossier froze it at submission, line by line with its legal
    kind (phí / lệ phí), its unit amount and quantity (``dossiers.fees``). Exempt lines (0 đồng) are
    not billed."""
    from dossiers.fees import dossier_fee_lines

    from .constants import ItemInput

    items = []
    for line in dossier_fee_lines(dossier):
        if line.amount_vnd <= 0:
            continue
        quantity = line.quantity if line.unit_vnd and line.unit_vnd * line.quantity == line.amount_vnd else 1
        unit = line.unit_vnd if quantity > 1 else line.amount_vnd
        items.append(ItemInput(label=str(line.label), kind=line.kind, unit_amount=unit, quantity=quantity))
    return items
