from django.db import transaction

from delivery import services
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
