"""The e-receipt PDF (biên lai điện tử), through the one PDF helper (core.pdf)."""

from __future__ import annotations

from django.utils import timezone

from core.links import absolute_url
from core.pdf import nfc_context, qr_data_uri, render_to_pdf

from .constants import LegalKind
from .words import amount_in_words, format_vnd


def receipt_pdf(receipt) -> bytes:
    dossier = receipt.fee_request.dossier
    verify_url = absolute_url("payments:verify", receipt.token)
    attempt = receipt.attempt
    paid_at = timezone.localtime(attempt.paid_at or receipt.issued_at)
    items = [
        {
            "label": item["label"],
            "kind_label": str(LegalKind(item["kind"]).label),
            "quantity": item["quantity"],
            "unit": format_vnd(item["unit_amount"]),
            "total": format_vnd(item["amount"]),
        }
        for item in receipt.items
    ]
    context = {
        "receipt": receipt,
        "dossier": dossier,
        "agency_parent": receipt.agency.parent.name if receipt.agency.parent_id else "",
        "agency_name": receipt.agency.name,
        "document_number": receipt.display_number,
        "place": receipt.agency.unit_name or "",
        "date": timezone.localtime(receipt.issued_at).date(),
        "items": items,
        "amount": format_vnd(receipt.amount),
        "amount_words": amount_in_words(receipt.amount),
        "method": str(attempt.get_method_display()),
        "paid_at": paid_at,
        "verify_url": verify_url,
        "qr_data_uri": qr_data_uri(verify_url),
        "lookup_url": verify_url,
    }
    return render_to_pdf("pdf/payments/receipt.html", nfc_context(context))
