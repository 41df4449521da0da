"""Move the simulated carrier on by hand (development and demos without a beat process).

manage.py carrier_simulator                      report what is due, resend unacknowledged callbacks
manage.py carrier_simulator --advance 1          every open simulated parcel: its next event now
manage.py carrier_simulator --advance 99 EB…VN   that parcel (item number or our reference) to the end
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Q

from delivery.carriers import simulator
from delivery.models import SimulatedParcel


class Command(BaseCommand):
    help = "Make the carrier simulator report its due events (or move parcels on with --advance)."

    def add_arguments(self, parser):
        parser.add_argument("parcels", nargs="*", help="item numbers or references (default: all)")
        parser.add_argument(
            "--advance", type=int, default=0, help="make the next N planned events happen now"
        )

    def handle(self, *args, parcels, advance, **options):
        if not parcels and not advance:
            self.stdout.write(str(simulator.tick()))
            return
        qs = SimulatedParcel.objects.filter(cancelled=False)
        if parcels:
            qs = qs.filter(Q(item_number__in=[p.upper() for p in parcels]) | Q(reference__in=parcels))
        for parcel in qs:
            outcome = simulator.emit(parcel.pk, advance=advance)
            self.stdout.write(f"{parcel.item_number}: {outcome}")
