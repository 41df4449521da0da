"""Test fixtures shared by every test, in tests/ and in the provider packages' own tests/ folders."""

import pytest
from django.core.cache import cache

from tests.reference import load_reference_data

# The real-worker fixtures (broker, smtp, workers): any test may ask for them by name.
pytest_plugins = ["tests.worker_harness"]


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


@pytest.fixture(autouse=True)
def _notifications_state():
    """Each test starts without the process's notification memory: rows queued by a test whose commit
    never came (SQLite reuses ids after a rollback), templates a rolled-back test had edited."""
    from notifications.services import discard_unpublished, forget_template

    discard_unpublished()
    forget_template()
    yield
    discard_unpublished()
    forget_template()
