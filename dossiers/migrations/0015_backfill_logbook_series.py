"""Log-book numbers become each agency's gap-free series per year (volume/number).

Before, the number was the last four digits of the dossier code, a counter that restarts every day, so
one agency's book repeated ``2026/0001`` once a day. Every dossier entered in a book (received, or
refused at receipt) is renumbered in the order it was entered, per agency and year, and the counters
(``RegisterSequence``) are set to the last number used, so new receipts continue the series.
"""

from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Coalesce

BATCH = 1000


def renumber(apps, schema_editor):
    from zoneinfo import ZoneInfo

    from django.conf import settings

    Dossier = apps.get_model("dossiers", "Dossier")
    RegisterSequence = apps.get_model("dossiers", "RegisterSequence")
    tz = ZoneInfo(settings.TIME_ZONE)
    entered = (
        Dossier.objects.filter(Q(received_at__isnull=False) | Q(status=3, completed_at__isnull=False))
        .exclude(agency__isnull=True)
        .annotate(entered_at=Coalesce("received_at", "completed_at"))
        .order_by("agency_id", F("entered_at").asc(), "pk")
        .values_list("pk", "agency_id", "entered_at")
    )
    counters: dict[tuple[int, int], int] = {}
    batch = []
    for pk, agency_id, at in entered.iterator(chunk_size=BATCH):
        year = at.astimezone(tz).year
        key = (agency_id, year)
        counters[key] = counters.get(key, 0) + 1
        batch.append(Dossier(pk=pk, logbook_number=f"{year}/{counters[key]:04d}"))
        if len(batch) >= BATCH:
            Dossier.objects.bulk_update(batch, ["logbook_number"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["logbook_number"])
    RegisterSequence.objects.filter(series="logbook").delete()
    RegisterSequence.objects.bulk_create(
        RegisterSequence(agency_id=agency_id, year=year, series="logbook", last=last)
        for (agency_id, year), last in counters.items()
    )


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_logbook_series_sets_result_draft")]

    operations = [migrations.RunPython(renumber, migrations.RunPython.noop)]
