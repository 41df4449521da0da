"""A procedure's links (sectors, agencies, life events) copied beside it as sorted id lists
(``Procedure.sector_ids`` …), so that search counts its facets in one pass over the matching rows
instead of joining every link in the catalogue (issue 15: a broad query matches 40% of it).

``refresh`` rewrites the copies from the link tables in one statement; ``procedures.signals`` calls
it on every change of a link (either side, ``clear`` and deletions included), bulk loaders call it
after writing link rows themselves (``bench/catalogue_data.py``), and migration 0008 filled it.
"""

from __future__ import annotations

from collections.abc import Iterable

# column on the procedure → (link table, its column)
COPIES = {
    "sector_ids": ("procedures_procedure_sectors", "sector_id"),
    "agency_ids": ("procedures_procedure_agencies", "agency_id"),
    "event_ids": ("procedures_procedure_life_events", "lifeevent_id"),
}
CHUNK = 500


def refresh(connection, procedure_ids: Iterable[int] | None = None) -> None:
    """Rewrite the id lists of ``procedure_ids`` (every procedure when None) from the link tables."""
    table = "procedures_procedure"
    if connection.vendor == "postgresql":
        sets = [
            f"{column} = ARRAY(SELECT x.{fk} FROM {links} x WHERE x.procedure_id = {table}.id ORDER BY 1)"  # noqa: S608 - names are ours
            for column, (links, fk) in COPIES.items()
        ]
    else:
        sets = [
            f"{column} = (SELECT json_group_array(s.{fk}) FROM "  # noqa: S608 - names are ours
            f"(SELECT x.{fk} FROM {links} x WHERE x.procedure_id = {table}.id ORDER BY 1) s)"
            for column, (links, fk) in COPIES.items()
        ]
    update = f"UPDATE {table} SET " + ", ".join(sets)  # noqa: S608 - names are ours
    with connection.cursor() as cursor:
        if procedure_ids is None:
            cursor.execute(update)
            return
        ids = sorted({int(i) for i in procedure_ids})
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cursor.execute(f"{update} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)


def drift(connection) -> list[int]:
    """Procedures whose copies differ from their links (for tests and checks; empty when all agree)."""
    from .models import Procedure

    wrong = []
    copies = Procedure.objects.values_list("pk", *COPIES)
    actual: dict[str, dict[int, list[int]]] = {}
    with connection.cursor() as cursor:
        for column, (links, fk) in COPIES.items():
            cursor.execute(f"SELECT procedure_id, {fk} FROM {links} ORDER BY 1, 2")  # noqa: S608 - names are ours
            by_procedure: dict[int, list[int]] = {}
            for procedure_id, other in cursor.fetchall():
                by_procedure.setdefault(procedure_id, []).append(other)
            actual[column] = by_procedure
    for pk, *lists in copies:
        if any(values != actual[column].get(pk, []) for column, values in zip(COPIES, lists, strict=True)):
            wrong.append(pk)
    return wrong
