"""Reads of payments, always through the person asking: another person's payment is a 404.

Citizens see the fee requests of their own dossiers (and their organisations'); staff see those of
dossiers of their agency where they hold a processing role (one-stop-shop officer, specialist,
leader); publishers and other roles see nothing.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from . import dossier_link
from .constants import FeeRequestStatus
from .models import FeeRequest, PaymentAttempt, PaymentEvent, Receipt


def _citizen_dossiers(user):
    from dossiers.selectors import dossiers_for_user

    return dossiers_for_user(user)


def fee_requests_for_dossier(dossier) -> list[FeeRequest]:
    return list(
        FeeRequest.objects.filter(dossier=dossier)
        .exclude(status=FeeRequestStatus.CANCELLED)
        .prefetch_related(
            "items",
            Prefetch("attempts", queryset=PaymentAttempt.objects.order_by("created_at", "id")),
        )
        .select_related("receipt")
        .order_by("created_at", "id")
    )


def open_fee_request(dossier) -> FeeRequest | None:
    return (
        FeeRequest.objects.filter(dossier=dossier, status=FeeRequestStatus.OPEN)
        .prefetch_related("items")
        .first()
    )


def fee_request_get_for_citizen(*, user, fee_request_id: int) -> FeeRequest:
    request = (
        FeeRequest.objects.filter(pk=fee_request_id, dossier__in=_citizen_dossiers(user))
        .select_related("dossier")
        .first()
    )
    if request is None:
        raise Http404("fee request not found")
    return request


def attempt_get_for_citizen(*, user, reference: str) -> PaymentAttempt:
    attempt = (
        PaymentAttempt.objects.filter(reference=reference, fee_request__dossier__in=_citizen_dossiers(user))
        .select_related("fee_request__dossier", "receipt")
        .first()
    )
    if attempt is None:
        raise Http404("payment not found")
    return attempt


def receipt_get_for_citizen(*, user, token: str) -> Receipt:
    receipt = (
        Receipt.objects.filter(token=token, fee_request__dossier__in=_citizen_dossiers(user))
        .select_related("agency", "fee_request__dossier__procedure", "attempt")
        .first()
    )
    if receipt is None:
        raise Http404("receipt not found")
    return receipt


def receipt_for_public_check(*, token: str) -> Receipt | None:
    return Receipt.objects.select_related("agency", "attempt").filter(token=token).first()


def staff_can_see(user, dossier) -> bool:
    return dossier_link.dossiers_for_staff(user).filter(pk=dossier.pk).exists()


def attempts_for_staff(user) -> QuerySet[PaymentAttempt]:
    return PaymentAttempt.objects.filter(
        fee_request__dossier__in=dossier_link.dossiers_for_staff(user).values("pk")
    )


def events_for_attempts(attempt_ids) -> list[PaymentEvent]:
    return list(PaymentEvent.objects.filter(attempt_id__in=list(attempt_ids)).order_by("created_at", "id"))


def mask_name(name: str) -> str:
    """Only the initials of a payer's name are public, not even the length of each word:
    "Nguyễn Thị Hoa" → "N*** T*** H***"."""
    return " ".join(word[0] + "***" for word in (name or "").split()) or "—"
