"""What payments adds to dossier pages, through ``dossiers.extensions`` (registered in apps.py):
the citizen's panel on /dossiers/<code>/, the officer's desk panel, the automatic refund when a paid
dossier ends, and the leaders' statistics row (Decision 766: share of dossiers paid online)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from . import dossier_link, selectors
from .constants import PENDING_STATUSES, FeeRequestStatus, LegalKind, PaymentMethod, RefundReason
from .words import amount_in_words, format_vnd

logger = logging.getLogger(__name__)

# Statuses in which the fee of the online channel may still be paid at submission.
SUBMISSION_PAYABLE = frozenset({1, 2, 4})


def submission_fee_items(dossier) -> list[dict]:
    """The fee of the online channel as line items (from the dossier's snapshot), without writing."""
    return [
        {
            "label": item.label,
            "kind": item.kind,
            "kind_label": LegalKind(item.kind).label,
            "amount": item.unit_amount * item.quantity,
        }
        for item in dossier_link.submission_items(dossier)
    ]


def citizen_context(request, dossier) -> dict:
    """The payment panel of the citizen's dossier page: what is owed item by item, the button,
    what was paid and the receipts, refunds."""
    fee_requests = selectors.fee_requests_for_dossier(dossier)
    is_applicant = dossier.applicant_id == getattr(request.user, "pk", None)
    open_request = next((fr for fr in fee_requests if fr.status == FeeRequestStatus.OPEN), None)
    virtual = None
    if (
        not fee_requests
        and dossier.status in SUBMISSION_PAYABLE
        and dossier_link.is_level4_online(dossier)
        and (dossier.fee_vnd or dossier.charge_vnd)
    ):
        total = dossier.fee_vnd + dossier.charge_vnd
        items = [
            {**item, "amount_text": format_vnd(item["amount"])} for item in submission_fee_items(dossier)
        ]
        virtual = {"items": items, "amount": format_vnd(total), "words": amount_in_words(total)}
    pending = bool(open_request and any(a.status in PENDING_STATUSES for a in open_request.attempts.all()))
    rows = []
    for fr in fee_requests:
        rows.append(
            {
                "request": fr,
                "items": [
                    {
                        "label": i.label,
                        "kind_label": i.get_kind_display(),
                        "quantity": i.quantity,
                        "amount": format_vnd(i.amount),
                    }
                    for i in fr.items.all()
                ],
                "amount": format_vnd(fr.amount),
                "words": amount_in_words(fr.amount),
                "receipt": getattr(fr, "receipt", None) if fr.status == FeeRequestStatus.PAID else None,
                "refunds": [r for a in fr.attempts.all() for r in a.refunds.all()],
            }
        )
    return {
        "payment_rows": rows,
        "payment_virtual": virtual,
        "payment_open": open_request,
        "payment_pending": pending,
        "payment_can_pay": is_applicant
        and (virtual is not None or (open_request is not None and dossier.status not in (3, 7, 8, 10))),
        "dossier": dossier,
    }


def desk_context(request, dossier) -> dict:
    from .admin import desk_context as context

    return context(request, dossier)


def on_transition(*, dossier, name, event, actor, now) -> None:
    """Inside the workflow's transaction: a paid dossier refused, withdrawn or stopped is refunded
    (what remains of every online payment), and its open fee requests are cancelled."""
    if name == "request_payment":
        _fee_request_for_bare_request(dossier=dossier, event=event, now=now)
        return
    if name == "payment_received":
        _settle_bare_payment_received(dossier=dossier, event=event, actor=actor, now=now)
        return
    reason = dossier_link.REFUND_ON.get(name)
    if reason is None:
        return
    from .services import refund_paid_dossier

    refunds = refund_paid_dossier(dossier=dossier, reason=RefundReason(reason), now=now)
    if refunds:
        logger.info("payments: %d automatic refund(s) for %s after %s", len(refunds), dossier.code, name)


def statistics_rows(*, agency_ids, start: datetime, end: datetime) -> list[dict]:
    """Decision 766: among dossiers submitted in the period whose fees were paid, the share paid online."""
    from .models import FeeRequest

    qs = FeeRequest.objects.filter(
        status=FeeRequestStatus.PAID, dossier__submitted_at__gte=start, dossier__submitted_at__lt=end
    )
    if agency_ids is not None:
        qs = qs.filter(dossier__agency_id__in=list(agency_ids))
    counts = qs.aggregate(
        paid=Count("dossier", distinct=True),
        online=Count("dossier", distinct=True, filter=Q(paid_attempt__method=PaymentMethod.ONLINE)),
    )
    paid, online = counts["paid"] or 0, counts["online"] or 0
    share = f"{online * 100 / paid:.1f}%".replace(".", ",") if paid else "—"
    return [
        {"label": _("Hồ sơ đã nộp phí, lệ phí"), "value": paid},
        {"label": _("Trong đó thanh toán trực tuyến (Quyết định 766)"), "value": f"{online} ({share})"},
    ]


def _fee_request_for_bare_request(*, dossier, event, now) -> None:
    """``request_payment`` made without line items (demo data, an integration): the dossier must still
    say what to pay, so the published fee of its channel becomes the request. Nothing when the
    payments panel already created one (it does so before the transition), or when nothing is owed."""
    from .models import FeeRequest
    from .services import ItemInput, fee_request_create

    if FeeRequest.objects.filter(dossier=dossier, status=FeeRequestStatus.OPEN).exists():
        return
    items = [
        ItemInput(label=str(i["label"]), kind=i["kind"], unit_amount=i["amount"])
        for i in submission_fee_items(dossier)
    ]
    if not items:
        logger.warning("payments: %s asked for payment with no amount known", dossier.code)
        return
    from .constants import FeeMoment

    fee_request_create(
        dossier=dossier,
        items=items,
        moment=FeeMoment.REQUESTED,
        reason=getattr(event, "note_to_applicant", "") or "",
        requested_by=getattr(event, "actor", None),
        now=now,
    )


def _settle_bare_payment_received(*, dossier, event, actor, now) -> None:
    """``payment_received`` made outside payments (demo data, an integration): the open fee request is
    recorded as paid at the counter, so the citizen is never asked to pay it again. Payments' own
    settlement marks the request paid before it moves the dossier, so it never comes here."""
    from .constants import AttemptStatus, EventKind, EventOutcome, PaymentMethod
    from .models import FeeRequest, PaymentAttempt, PaymentEvent
    from .services import new_reference

    fee_request = (
        FeeRequest.objects.select_for_update().filter(dossier=dossier, status=FeeRequestStatus.OPEN).first()
    )
    if fee_request is None:
        return
    user = getattr(actor, "user", None)
    attempt = PaymentAttempt.objects.create(
        fee_request=fee_request,
        reference=new_reference(now),
        amount=fee_request.amount,
        method=PaymentMethod.COUNTER,
        status=AttemptStatus.SUCCESS,
        external_receipt_number=f"DE-{getattr(event, 'pk', '')}",
        payer=user,
        created_at=now,
        finished_at=now,
        paid_at=now,
    )
    PaymentEvent.objects.create(
        attempt=attempt,
        kind=EventKind.OFFICER,
        params={"transition": "payment_received", "event": getattr(event, "pk", None)},
        dedupe_key=f"officer:{attempt.reference}",
        outcome=EventOutcome.APPLIED,
        to_status=AttemptStatus.SUCCESS,
        actor=user,
        created_at=now,
    )
    fee_request.status = FeeRequestStatus.PAID
    fee_request.paid_attempt = attempt
    fee_request.paid_at = now
    fee_request.save(update_fields=["status", "paid_attempt", "paid_at"])
