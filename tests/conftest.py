import pytest
from django.core.cache import cache
from django.core.management import call_command

from dossiers.demo import load_online_forms
from procedures.demo import load_catalogue_demo


def load_reference_data() -> None:
    """The real national catalogue plus the demo province and full procedures."""
    from accounts.services import ensure_role_groups
    from notifications.services import ensure_default_templates

    ensure_role_groups()
    ensure_default_templates()
    call_command("import_catalogue", verbosity=0)
    load_catalogue_demo()
    load_online_forms()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Loaded once into the test database; each test runs in a transaction on top of it.
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()
