"""Data: link the forms (01–05) already issued to the event that made them (their name ends in the
event id: mau-01-<code>-<event id>.pdf), so the re-drive job does not render them again."""

from django.db import migrations


def forwards(apps, schema_editor):
    DossierFile = apps.get_model("dossiers", "DossierFile")
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    batch = []
    for file in DossierFile.objects.filter(purpose__startswith="form", event__isnull=True).only(
        "pk", "original_name", "dossier_id"
    ):
        tail = file.original_name.rsplit("-", 1)[-1].removesuffix(".pdf")
        if tail.isdigit() and DossierEvent.objects.filter(pk=int(tail), dossier_id=file.dossier_id).exists():
            file.event_id = int(tail)
            batch.append(file)
    DossierFile.objects.bulk_update(batch, ["event"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0010_dossierfile_event")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
