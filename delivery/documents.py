"""PDFs of the post: the A6 label of a parcel and the daily hand-over list (bảng kê giao nhận).

Pure functions: they read the shipment(s) and return PDF bytes from ``core.pdf.render_to_pdf``.
The label carries a Code 128 barcode of the S10 item number (``barcode.py``), both addresses in
full Vietnamese with their unit codes, the amount to collect, and a QR code to the public tracking
page; the hand-over list is an A4 table the one-stop shop and the postman both sign.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from core.links import absolute_url
from core.pdf import nfc_context, qr_data_uri, render_to_pdf

from . import addresses
from .barcode import code128_data_uri
from .carriers import carriers
from .constants import Direction, Payer


def money(value: int) -> str:
    """32000 → "32.000" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def phone_local(e164: str) -> str:
    """+84912345678 → "0912 345 678", as people read it."""
    if e164.startswith("+84") and len(e164) == 12:
        local = "0" + e164[3:]
        return f"{local[:4]} {local[4:7]} {local[7:]}"
    return e164


def _address_line(street: str, commune: str, province: str) -> str:
    """Street, commune, province, without repeating what the street already says."""
    from core.text import fold

    parts = [street]
    for part in (commune, province):
        if part and fold(part) not in fold(" ".join(parts)):
            parts.append(part)
    return ", ".join(p for p in parts if p)


def item_spaced(item_number: str) -> str:
    """EE123456785VN → "EE 1234 5678 5 VN", as printed under the barcode."""
    if len(item_number) != 13:
        return item_number
    return f"{item_number[:2]} {item_number[2:6]} {item_number[6:10]} {item_number[10]} {item_number[11:]}"


def _carrier_label(name: str) -> str:
    try:
        return carriers.get_class(name).label or name
    except Exception:  # an unknown carrier name on an old parcel: print the name
        return name


def _citizen(shipment) -> dict:
    return {
        "name": shipment.recipient_name,
        "phone": phone_local(shipment.recipient_phone),
        "line": _address_line(shipment.street, shipment.commune_name, shipment.province_name),
        "street": shipment.street,
        "commune_name": shipment.commune_name,
        "commune_code": shipment.commune_code,
        "province_name": shipment.province_name,
        "province_code": shipment.province_code,
    }


def label_context(shipment) -> dict:
    agency = dict(shipment.agency_address or addresses.agency_snapshot(shipment.agency))
    agency["line"] = _address_line(
        agency.get("street", ""), agency.get("commune_name", ""), agency.get("province_name", "")
    )
    outbound = shipment.direction == Direction.OUTBOUND
    tracking_url = absolute_url("delivery:track", shipment.item_number)
    if shipment.payer == Payer.CITIZEN_COD:
        cod = f"Thu của người nhận: {money(shipment.cod_amount_vnd)} đ"
    elif shipment.payer == Payer.AGENCY:
        cod = "Cước do cơ quan trả — không thu tiền người nhận"
    else:
        cod = "Cước người gửi đã trả"
    return nfc_context(
        {
            "carrier_label": _carrier_label(shipment.carrier),
            "direction_label": "Trả kết quả thủ tục hành chính" if outbound else "Hồ sơ thủ tục hành chính",
            "item_number": shipment.item_number,
            "item_spaced": item_spaced(shipment.item_number),
            "barcode_uri": code128_data_uri(shipment.item_number),
            "qr_uri": qr_data_uri(tracking_url, scale=3),
            "tracking_url": tracking_url,
            "sender": agency if outbound else _citizen(shipment),
            "receiver": _citizen(shipment) if outbound else agency,
            "on_behalf_of": shipment.applicant_name if shipment.authorised_recipient else "",
            "cod_text": cod,
            "weight_grams": shipment.weight_grams,
            "dossier_code": shipment.dossier.code if shipment.dossier_id else "",
            "printed_on": timezone.localdate(shipment.booked_at or timezone.now()),
            "reference": shipment.reference,
            "note": "Tài liệu hành chính — giao tận tay, kiểm tra giấy tờ tùy thân người nhận",
        }
    )


def label_pdf(shipment) -> bytes:
    """The A6 label. Precondition: the shipment is booked (it has an item number)."""
    if not shipment.item_number:
        raise ValueError("a label needs the item number the carrier gave")
    return render_to_pdf("pdf/delivery/label.html", label_context(shipment))


def handover_pdf(agency, day: date, shipments) -> bytes:
    """The hand-over list of ``shipments`` (booked, outbound) of ``agency`` for ``day``."""
    rows = []
    total = 0
    carrier_names = set()
    for shipment in shipments:
        carrier_names.add(shipment.carrier)
        cod = shipment.cod_amount_vnd if shipment.payer == Payer.CITIZEN_COD else 0
        total += cod
        rows.append(
            {
                "item_number": shipment.item_number,
                "dossier_code": shipment.dossier.code if shipment.dossier_id else "",
                "name": shipment.recipient_name,
                "phone": phone_local(shipment.recipient_phone),
                "address": _address_line(shipment.street, shipment.commune_name, shipment.province_name),
                "weight": shipment.weight_grams,
                "cod": money(cod),
                "note": "Người được ủy quyền nhận" if shipment.authorised_recipient else "",
            }
        )
    return render_to_pdf(
        "pdf/delivery/handover.html",
        nfc_context(
            {
                "agency_parent": agency.parent.name if agency.parent_id else "",
                "agency_name": agency.name,
                "place": agency.unit_name or "",
                "date": day,
                "day_text": day.strftime("%d/%m/%Y"),
                "rows": rows,
                "total_cod_text": money(total),
                "carrier_label": ", ".join(sorted(_carrier_label(n) for n in carrier_names)) or "—",
            }
        ),
    )
