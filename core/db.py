"""Database maintenance that bulk loads need."""

from __future__ import annotations

from django.db import connection


def analyze_database() -> None:
    """Refresh PostgreSQL's planner statistics for every table (no-op on SQLite).

    Call after bulk loads (the demo data, generated benchmark data): until statistics exist the
    planner guesses table sizes and may scan the dossier table where an index would do, and where
    autovacuum is off nothing would ever catch up. Statistics only; no data changes.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
