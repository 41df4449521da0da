"""PostgreSQL only: extensions and indexes for catalogue search (no-op on SQLite).

- unaccent and pg_trgm extensions (shipped with Debian's postgresql-15);
- a GIN full-text index on to_tsvector('simple', search_text) for prefix tsqueries;
- a GIN trigram index on search_text for similarity (typo) fallback.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE INDEX IF NOT EXISTS proc_search_fts_idx ON procedures_procedure USING gin (to_tsvector('simple', search_text))",
    "CREATE INDEX IF NOT EXISTS proc_search_trgm_idx ON procedures_procedure USING gin (search_text gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS proc_search_trgm_idx",
    "DROP INDEX IF EXISTS proc_search_fts_idx",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
