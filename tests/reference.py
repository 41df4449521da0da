"""The reference data every test database holds: the real national catalogue, the demo province and
its full procedures, the staff groups and the default notification templates (loaded once per run)."""

from django.core.management import call_command


def load_reference_data() -> None:
    from accounts.services import ensure_role_groups
    from demo.catalogue import load_catalogue_demo
    from demo.forms import load_online_forms
    from notifications.services import ensure_default_templates

    ensure_role_groups()
    ensure_default_templates()
    call_command("import_catalogue", verbosity=0)
    load_catalogue_demo()
    load_online_forms()
