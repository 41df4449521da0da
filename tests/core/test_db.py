import pytest
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext

from core.db import analyze_database
from procedures.models import Agency
from procedures.services import catalogue_analyze
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


def _heap_fetches() -> int:
    """How many table rows an index-only scan of the agencies had to read to know they are live."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT id FROM {Agency._meta.db_table} WHERE id > 0")
        plan = cursor.fetchone()[0]
        plan = plan[0]["Plan"] if isinstance(plan, list) else __import__("json").loads(plan)[0]["Plan"]
    assert plan["Node Type"] == "Index Only Scan", plan["Node Type"]
    return plan["Heap Fetches"]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="VACUUM and the visibility map are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # VACUUM cannot run inside the test's transaction
def test_after_a_bulk_load_the_catalogue_is_vacuumed_not_only_analyzed():
    """A bulk load that updates the rows it has just written leaves a dead version of each; until a
    VACUUM, every scan reads them too (a broad search read twice the table). After
    ``catalogue_analyze`` an index-only scan needs no row at all: the pages are all-visible."""
    AgencyFactory.create_batch(40)
    Agency.objects.update(name=Concat("name", Value(" ")))  # as the loaders fill columns after the rows
    assert _heap_fetches() > 0
    catalogue_analyze()
    assert _heap_fetches() == 0


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL's statistics")
def test_inside_a_transaction_the_clean_up_falls_back_to_analyze():
    """VACUUM cannot run in a transaction (a test, a caller's ``atomic``): ANALYZE still does."""
    with CaptureQueriesContext(connection) as ctx:
        catalogue_analyze()
    statements = [q["sql"] for q in ctx.captured_queries]
    assert any(sql.startswith("ANALYZE") for sql in statements)
    assert not any(sql.startswith("VACUUM") for sql in statements)
