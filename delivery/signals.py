"""What happened to a shipment, told to whoever cares about the dossier behind it.

``services`` knows parcels, not dossiers. When a booking fails for good, an officer stops a parcel or
the carrier reports a move, it sends one of these signals inside its transaction, and
``dossier_link`` (connected in ``DeliveryConfig.ready``) moves the dossier in that same transaction.
A receiver that raises rolls the whole change back, as a direct call would.
"""

from django.dispatch import Signal

# shipment: the Shipment whose booking the carrier refused for good.
booking_failed = Signal()
# shipment, actor: an officer cancelled the parcel before the post took it.
shipment_stopped = Signal()
# shipment, row (the TrackingEvent just applied), previous (the status before it).
shipment_moved = Signal()
