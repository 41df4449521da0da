"""National-size dossier data for the queue bench: people and dossiers made by SQL on PostgreSQL.

``grow(total)`` brings the dossier table to ``total`` rows (1,000,000 in about a minute here) without
changing what the demo staff and the demo citizen see: the demo agency keeps ``HOME_DOSSIERS``
dossiers and the citizen ``congdan`` their 27, whatever the size of the country. Everything added
goes to the other agencies, from ``PEOPLE_PER_DOSSIER`` generated people with Vietnamese names, so
only the national totals grow, which is what a page must not depend on. Ends with VACUUM ANALYZE
(``core.db.analyze_database``).

Rows are copies of one template row (``INSERT … SELECT … FROM generate_series``) with the columns
that differ computed in SQL, so the generator follows the model's columns as they change.
Synthetic rows carry the code prefix ``BENCH-`` and usernames ``bench-…``; ``shrink()`` removes them.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.db.models import Max

HOME_DOSSIERS = 1000
CITIZEN_DOSSIERS = 27
PEOPLE_PER_DOSSIER = 0.2  # 200,000 people for 1M dossiers
BATCH = 200_000
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Gia"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hương",
    "Khánh",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
]
# Submitted and in-progress statuses, as the country's table holds them (drafts included).
STATUSES = [1, 2, 3, 3, 4, 5, 6, 6, 6, 6, 6, 6, 8, 9, 10, 0]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _copy_sql(model, template_pk: int, overrides: dict[str, str], count: int, start: int) -> str:
    columns = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    values = ", ".join(overrides.get(c, f"t.{connection.ops.quote_name(c)}") for c in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    return (
        f"INSERT INTO {table} ({quoted}) SELECT {values} FROM {table} t, "
        f"generate_series({start}, {start + count - 1}) AS g WHERE t.id = {template_pk}"
    )


def _people(count: int) -> tuple[int, int]:
    """Make ``count`` more bench people; returns the (first, last) id of all of them."""
    from accounts.models import User
    from core.text import fold

    existing = User.objects.filter(username__startswith="bench-").count()
    if count > existing:
        template = User.objects.filter(username="congdan").values_list("pk", flat=True).first()
        names = [f"{s} {m} {g}" for s in SURNAMES for m in MIDDLE for g in GIVEN]
        n = len(names)
        overrides = {
            "username": "'bench-' || g",
            "password": "'!'",
            "email": "''",
            "full_name": f"({_sql_array(names)})[1 + g % {n}]",
            "name_folded": f"({_sql_array([fold(x) for x in names])})[1 + g % {n}]",
            "phone": "'+8497' || lpad(g::text, 7, '0')",
            "phone_verified": "true",
            "is_staff": "false",
            "is_superuser": "false",
            "date_joined": "now()",
            "last_login": "NULL",
        }
        with connection.cursor() as cursor:
            cursor.execute(_copy_sql(User, template, overrides, count - existing, existing))
    ids = User.objects.filter(username__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    return ids.first(), ids.last()


def grow(total: int) -> int:
    """Bring the dossier table to ``total`` rows (never shrinks). Returns the count."""
    from accounts.models import User
    from core.db import analyze_database
    from demo.dossiers import HOME_AGENCY
    from dossiers.models import Dossier
    from procedures.models import Agency

    if connection.vendor != "postgresql":
        raise SystemExit("bench/dossier_data.py needs PostgreSQL (BENCH_DATABASE_URL)")
    started = time.monotonic()
    home = Agency.objects.get(code=HOME_AGENCY)
    citizen = User.objects.get(username="congdan")
    template = Dossier.objects.filter(agency=home).exclude(status=0).order_by("pk").first()
    others = list(
        Agency.objects.exclude(pk=home.pk).filter(parent__isnull=False).values_list("pk", flat=True)
    ) or list(Agency.objects.exclude(pk=home.pk).values_list("pk", flat=True))
    statuses = "ARRAY[" + ", ".join(str(s) for s in STATUSES) + "]"
    common = {
        "uuid": "gen_random_uuid()",
        "submission_key": "gen_random_uuid()",
        "status": f"({statuses})[1 + g % {len(STATUSES)}]",
        "code": f"CASE WHEN ({statuses})[1 + g % {len(STATUSES)}] = 0 THEN NULL ELSE 'BENCH-' || g END",
        "submitted_at": "now() - (g % 4000) * interval '37 minutes'",
        "acceptance_due_at": "now() + ((g % 48) - 16) * interval '1 hour'",
        "due_at": "now() + ((g % 40) - 12) * interval '1 day'",
        "received_at": "NULL",
        "completed_at": "NULL",
        "returned_at": "NULL",
        "assignee_id": "NULL",
        "organisation_id": "NULL",
        "processing_step": "''",
        "logbook_number": "''",
        "created_at": "now()",
        "updated_at": "now()",
        "version": "1",
    }
    with transaction.atomic():
        # The demo agency and the demo citizen: fixed, whatever the country's size.
        home_now = Dossier.objects.filter(agency=home).count()
        mine_now = Dossier.objects.filter(applicant=citizen).count()
        # g numbers the generated rows (codes BENCH-<g>): past every id, so never one used before.
        offset = (Dossier.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        with connection.cursor() as cursor:
            for n, overrides in (
                (HOME_DOSSIERS - home_now, {"agency_id": str(home.pk)}),
                (CITIZEN_DOSSIERS - mine_now, {"agency_id": str(home.pk), "applicant_id": str(citizen.pk)}),
            ):
                if n > 0:
                    first, last = _people(max(1000, n))
                    fields = {"applicant_id": f"{first} + g % {last - first + 1}", **common, **overrides}
                    cursor.execute(_copy_sql(Dossier, template.pk, fields, n, offset))
                    offset += n
    left = total - Dossier.objects.count()
    if left > 0:
        first, last = _people(int(total * PEOPLE_PER_DOSSIER))
        agencies = "ARRAY[" + ", ".join(str(a) for a in others) + "]"
        fields = {
            **common,
            "applicant_id": f"{first} + (g::bigint * 7919) % {last - first + 1}",
            "agency_id": f"({agencies})[1 + g % {len(others)}]",
        }
        while left > 0:
            n = min(BATCH, left)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(_copy_sql(Dossier, template.pk, fields, n, offset))
            offset += n
            left -= n
    analyze_database()
    count = Dossier.objects.count()
    print(f"dossiers: {count:,} ({time.monotonic() - started:.0f} s), ANALYZE done")
    return count


def shrink() -> None:
    """Remove every generated dossier and person."""
    from accounts.models import User
    from dossiers.models import Dossier

    with transaction.atomic():
        Dossier.objects.filter(code__startswith="BENCH-").delete()
        Dossier.objects.filter(code__isnull=True, applicant__username__startswith="bench-").delete()
        User.objects.filter(username__startswith="bench-").delete()
