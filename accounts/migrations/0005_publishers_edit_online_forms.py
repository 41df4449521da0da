"""Publishers also edit the online declarations (tờ khai điện tử) of their procedures."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = [
    *[f"{action}_{model}" for model in ("onlineform", "onlineformfield") for action in ("view", "add", "change", "delete")],
    "view_onlineformversion",
]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Công bố thủ tục").first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="dossiers", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Công bố thủ tục").first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="dossiers", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_profiles_organisations"), ("dossiers", "0004_ratings_and_draft_reminders")]
    operations = [migrations.RunPython(grant, revoke)]
