"""Officers who confirm organisations get a group; every existing representative becomes a claimant.

Organisations registered before verification existed are unverified (the field's default): whoever
registered them first proved nothing. Each of their representatives gets a pending claim, so the
organisation page can tell them how to verify.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Xác minh doanh nghiệp"
PERMISSIONS = ["view_organisation", "view_organisationclaim", "verify_organisation"]


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="accounts", codename__in=PERMISSIONS))
    Membership = apps.get_model("accounts", "Membership")
    OrganisationClaim = apps.get_model("accounts", "OrganisationClaim")
    for membership in Membership.objects.filter(role="representative").iterator():
        OrganisationClaim.objects.get_or_create(
            organisation_id=membership.organisation_id,
            claimant_id=membership.user_id,
            status="pending",
            defaults={"kind": "registration"},
        )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_organisation_verification")]
    operations = [migrations.RunPython(forwards, backwards)]
