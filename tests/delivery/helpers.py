import json

from django.db import transaction

from delivery import services
from delivery.carriers.wire import event_payload
from delivery.constants import Direction, Payer


def ship(capture, agency, address, *, phone="+84999000020", direction=Direction.OUTBOUND, **kwargs):
    """Hand a parcel to the post as the hand-over transaction does, and run what follows the commit."""
    kwargs.setdefault("payer", Payer.CITIZEN_COD)
    kwargs.setdefault("recipient_name", "Nguyễn Văn An")
    with capture(execute=True), transaction.atomic():
        shipment = services.shipment_prepare(
            direction=direction, agency=agency, address=address, recipient_phone=phone, **kwargs
        )
    shipment.refresh_from_db()
    return shipment


def body_for(shipment, status, at, event_id=None, **kwargs):
    payload = event_payload(
        event_id=event_id or f"t-{status}-{at.timestamp()}",
        status=status,
        at=at,
        reference=shipment.reference,
        order_code=shipment.carrier_order_code,
        item_number=shipment.item_number,
        location="Bưu cục Kinh Bắc",
        **kwargs,
    )
    return json.dumps(payload).encode()
