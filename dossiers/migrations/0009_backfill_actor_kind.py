"""Data: events and audit rows written before the workflow knew its actors. An event whose actor is
the dossier's applicant was the applicant's (submit, withdrawal, supplement answer)."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    DossierEvent.objects.filter(actor_id=F("dossier__applicant_id")).update(actor_kind="applicant")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0008_workflow_version_channel_actors")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
