"""Carrier plugins: ``CARRIERS`` maps names to dotted paths, ``CARRIER`` names the one new parcels use.

A shipment remembers the carrier that booked it, so changing ``CARRIER`` never strands a parcel in
flight: its callbacks, tracking and cancellation still go to its own carrier.
"""

from __future__ import annotations

from core.plugins import Registry

from .base import Carrier

carriers: Registry[Carrier] = Registry("carrier", paths_setting="CARRIERS", choice_setting="CARRIER")


def carrier_for(name: str | None = None) -> Carrier:
    return carriers.get(name or None)
