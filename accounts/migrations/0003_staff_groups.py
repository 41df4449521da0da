"""Create one Django group per staff role, with the permissions of accounts.constants.ROLE_PERMISSIONS."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# A frozen copy of accounts.constants at the time of this migration (migrations must not import app code).
ROLE_GROUPS = {
    "officer": "Cán bộ Một cửa",
    "specialist": "Chuyên viên",
    "leader": "Lãnh đạo",
    "publisher": "Công bố thủ tục",
    "agency_admin": "Quản trị đơn vị",
}
_VIEW = ["procedures.view_procedure", "procedures.view_agency"]
ROLE_PERMISSIONS = {
    "publisher": [
        "procedures.view_procedure", "procedures.add_procedure", "procedures.change_procedure",
        "procedures.publish_procedure", "procedures.view_agency", "procedures.view_sector", "procedures.view_lifeevent",
        *[f"procedures.{a}_{m}" for m in ("procedurestep", "submissionmethod", "dossiercomponent", "legalbasis") for a in ("view", "add", "change", "delete")],
    ],
    "agency_admin": [*_VIEW, "procedures.change_agency", "procedures.view_sector", "procedures.view_lifeevent"],
    "officer": _VIEW,
    "specialist": _VIEW,
    "leader": _VIEW,
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, group_name in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for dotted in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                group.permissions.add(perm)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("procedures", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, remove_groups)]
