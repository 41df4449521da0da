"""Database maintenance that bulk loads need."""

from __future__ import annotations

from django.db import connection


def analyze_database() -> None:
    """Refresh PostgreSQL's planner statistics for every table, and clean up after the load (no-op
    on SQLite).

    Call after bulk loads (the demo data, generated benchmark data): until statistics exist the
    planner guesses table sizes and may scan the dossier table where an index would do, and where
    autovacuum is off nothing would ever catch up. See ``vacuum_analyze`` for the clean-up.
    """
    vacuum_analyze(None)


def vacuum_analyze(tables: list[str] | None) -> None:
    """``VACUUM (ANALYZE)`` the tables (every table when None) on PostgreSQL; no-op on SQLite.

    A bulk load that updates the rows it has just written (the catalogue's search columns and link
    copies are filled after the rows) leaves a dead version of each row behind. Until a VACUUM
    removes them, every index points at both versions and every scan reads both: a broad search
    read twice the table (18,627 index entries for 9,779 matches, 4,553 pages instead of 2,447),
    and its statement took about a fifth longer. A VACUUM also marks the pages all-visible and
    merges the GIN pending lists. Autovacuum would catch up later, or never where it is off.

    VACUUM cannot run inside a transaction: inside ``atomic`` (a test, a caller's transaction)
    this falls back to ANALYZE and merging the GIN pending lists, which can. No data changes.
    """
    if connection.vendor != "postgresql":
        return
    quoted = [connection.ops.quote_name(t) for t in tables] if tables is not None else [""]
    with connection.cursor() as cursor:
        for name in quoted:
            cursor.execute(f"ANALYZE {name}" if connection.in_atomic_block else f"VACUUM (ANALYZE) {name}")
    if connection.in_atomic_block:
        merge_gin_pending_lists(tables)


def merge_gin_pending_lists(tables: list[str] | None = None) -> None:
    """Merge the pending lists of the GIN indexes (search, trigram) into the indexes proper.

    A GIN index with ``fastupdate`` (the default) parks new rows in a pending list that only a
    VACUUM merges; until then the planner prices the index by that list and, after a bulk load,
    reads the whole table instead. Where autovacuum is off, or has not yet come by, this does its
    part. No-op on SQLite; no data changes.
    """
    if connection.vendor != "postgresql":
        return
    sql = (
        "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE a.amname = 'gin' AND n.nspname = current_schema()"
    )
    params: list = []
    if tables is not None:
        sql += " AND t.relname = ANY(%s)"
        params.append(list(tables))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def limit_parallel_query(sender, connection, **kwargs) -> None:
    """``connection_created``: at most DATABASE_PARALLEL_WORKERS parallel workers per query (0).

    The portal's queries are short and many run at once. PostgreSQL planned the work queue's page
    (50 of an agency's dossiers, about 3 ms of work) as a parallel query: starting its worker took
    longer than the query, and under load each start is one more process on the same cores. A
    deployment that runs long reports on their own connections can raise the value. A SET per new
    connection, not a startup option, so it also passes through PgBouncer (with transaction
    pooling, also set it on the database: ``ALTER DATABASE … SET max_parallel_workers_per_gather``).
    """
    from django.conf import settings

    if connection.vendor != "postgresql":
        return
    workers = int(getattr(settings, "DATABASE_PARALLEL_WORKERS", 0))
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = %s", [workers])
