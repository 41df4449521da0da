"""Messages to the citizen about money, through the notifications outbox (written in the caller's
transaction, sent after commit). Templates: ``fee_paid`` and ``refund_made`` (defaults in
notifications/default_texts/); ``payment_requested`` is sent by the workflow's ``request_payment``."""

from __future__ import annotations

import logging

from core.links import absolute_url
from notifications.services import NotificationError, notify

from .words import format_vnd

logger = logging.getLogger(__name__)


def _context(dossier, amount: int) -> dict:
    return {
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "agency_name": dossier.agency.name if dossier.agency else "",
        "amount": f"{format_vnd(amount)} đồng",
        "link": absolute_url("dossiers:detail", dossier.code),
    }


def _send(event: str, dossier, context: dict) -> None:
    try:
        notify(
            event=event, context=context, user=dossier.applicant, related=dossier, related_label=dossier.code
        )
    except NotificationError:
        logger.warning("payments: could not notify %s about %s", dossier.code, event)


def amount_context(amount: int, receipt=None) -> dict:
    """Extra placeholders for the workflow's messages about money."""
    return {"amount": f"{format_vnd(amount)} đồng", **({"note": receipt.display_number} if receipt else {})}


def fee_paid(*, fee_request, receipt) -> None:
    """Money received while the dossier was not waiting for it (paid at submission): ``fee_paid``.
    (When it was waiting, status 6, the workflow's ``payment_received`` message says it.)"""
    dossier = fee_request.dossier
    context = _context(dossier, receipt.amount)
    context["note"] = receipt.display_number
    _send("fee_paid", dossier, context)


def refund_made(*, refund) -> None:
    dossier = refund.attempt.fee_request.dossier
    context = _context(dossier, refund.amount)
    context["reason"] = refund.get_reason_display()
    _send("refund_made", dossier, context)
