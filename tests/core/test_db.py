import pytest
from django.db import connection

from core.db import analyze_database
from procedures.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_analyze_runs_on_every_database():
    analyze_database()  # a no-op on SQLite, never an error


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="planner statistics are PostgreSQL's (CI sets DATABASE_URL)"
)
def test_analyze_gives_the_planner_the_real_table_sizes():
    AgencyFactory.create_batch(7)
    analyze_database()
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Agency._meta.db_table])
        assert cursor.fetchone()[0] == Agency.objects.count()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's parallel query")
def test_no_parallel_workers_for_the_portal_s_short_queries_unless_asked(settings):
    """Every new connection plans without parallel workers (DATABASE_PARALLEL_WORKERS, 0): the work
    queue's page was planned as a parallel query whose worker took longer to start than the query.
    A deployment that wants them for long reports raises the value."""
    from django.db import connections

    def planned_with() -> str:
        fresh = connections.create_connection("default")
        try:
            with fresh.cursor() as cursor:
                cursor.execute("SHOW max_parallel_workers_per_gather")
                return cursor.fetchone()[0]
        finally:
            fresh.close()

    assert planned_with() == "0"
    settings.DATABASE_PARALLEL_WORKERS = 2
    assert planned_with() == "2"
