"""Dossiers that do not start online: handed in at the counter, or picked up by the post.

``dossier_intake`` creates the dossier row and submits it through the state machine, with the same
per-agency daily code (``services.dossier_code_next``), the same events, audit rows, notifications
and public lookup as an online submission; only the row of the table differs:
``register_at_counter`` (an officer) or ``submit_by_post`` (the system, when the postman has the
sealed dossier). What was handed in is kept in ``procedure_snapshot["intake"]``: the components
checked off, the fee paid at the counter, and, for an applicant without an account of their own,
the name, identification number and phone the officer typed (the receipt and the public lookup
read them from there until the applicant claims the dossier into their account).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.text import nfc
from procedures.constants import Channel as MethodChannel

from .constants import Channel, Status
from .models import Dossier
from .services import _snapshot, dossier_code_next
from .workflow import Actor, dossier_transition

# The procedure's submission method whose fees and time limit apply to each intake channel.
METHOD_FOR_CHANNEL = {
    Channel.COUNTER: MethodChannel.COUNTER,
    Channel.POST: MethodChannel.POST,
    Channel.ONLINE: MethodChannel.ONLINE,
}


def _method(procedure, channel: str):
    methods = {m.channel: m for m in procedure.methods.all()}
    return (
        methods.get(METHOD_FOR_CHANNEL[channel])
        or methods.get(MethodChannel.COUNTER)
        or next(iter(methods.values()), None)
    )


def dossier_intake(
    *,
    procedure,
    agency,
    applicant,
    channel: str,
    transition: str,
    actor: Actor,
    delivery: str = "",
    delivery_address: dict | None = None,
    components: list[str] | None = None,
    fee_paid_vnd: int | None = None,
    contact: dict | None = None,
    now: datetime | None = None,
    data: dict | None = None,
) -> Dossier:
    """Create and submit a dossier that arrived on paper (status 1, a code, the clock of acceptance).

    Preconditions: ``agency`` handles ``procedure``; ``transition`` is ``register_at_counter`` (``actor``
    an officer of ``agency``) or ``submit_by_post`` (the system). Raises the workflow's TransitionError
    otherwise, and nothing is saved. ``contact`` (name, personal_id, phone) is for an applicant
    without an account of their own. Side effects: as any submission (event, audit, notification).
    """
    now = now or timezone.now()
    method = _method(procedure, channel)
    intake = {
        "channel": channel,
        "components": [nfc(c).strip() for c in components or [] if nfc(c).strip()],
        "fee_paid_vnd": fee_paid_vnd,
    }
    if contact:
        intake["applicant"] = {
            key: nfc(str(contact.get(key) or "")) for key in ("name", "personal_id", "phone")
        }
    with transaction.atomic():
        dossier = Dossier.objects.create(
            procedure=procedure,
            applicant=applicant,
            agency=agency,
            channel=channel,
            status=Status.DRAFT,
            delivery=delivery,
            delivery_address=delivery_address or {},
            fee_vnd=method.fee_vnd if method else 0,
            charge_vnd=method.charge_vnd if method else 0,
            time_limit_days=method.time_limit_days if method else None,
            declaration_accepted=True,
        )

        def apply(d: Dossier, at: datetime) -> list[str]:
            d.code = dossier_code_next(agency=d.agency, day=timezone.localdate(at))
            d.procedure_snapshot = {**_snapshot(d), "intake": intake}
            return ["code", "procedure_snapshot"]

        return dossier_transition(
            dossier_id=dossier.pk,
            name=transition,
            actor=actor,
            expected_version=dossier.version,
            now=now,
            apply=apply,
            data={"channel": channel, **(data or {})},
        )
