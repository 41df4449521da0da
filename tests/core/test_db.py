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
