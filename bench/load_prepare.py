"""What the load harness (bench/locustfile.py) needs, made in the database the server under load uses.

- a level-4 procedure at the demo agency with two required documents and no form to fill
  (``9.LOAD01``), so the wizard is the same for every simulated citizen;
- ``LOAD_CITIZENS`` citizens (``load-<n>@load.invalid``, one password, email verified), made by SQL
  with the password hashed once, so 500 accounts take a second;
- sessions past MFA for the demo's one-stop-shop officer (as ``bench/queue_bench.py`` makes them);
- look-up pairs (dossier code, last 4 digits of the applicant's phone), a name and a phone for the
  queue's search.

Writes the plan to ``LOAD_PLAN`` (default ``var/load-plan.json``). Needs the demo (``load_demo``).
Run again at will: what exists is kept.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

CODE = "9.LOAD01"
PASSWORD = "load-citizen-2026"  # noqa: S105 - synthetic load accounts only
EMAIL = "load-{n}@load.invalid"


def procedure(home):
    from procedures.constants import Channel, PublicationStatus
    from procedures.models import DossierComponent, Procedure, SubmissionMethod

    found, created = Procedure.objects.get_or_create(
        code=CODE,
        defaults={
            "name": "Thủ tục đo tải (chỉ dùng cho đo hiệu năng)",
            "service_level": 4,
            "status": PublicationStatus.PUBLISHED,
            "is_detailed": True,
        },
    )
    if created:
        found.agencies.add(home)
        SubmissionMethod.objects.create(procedure=found, channel=Channel.ONLINE, time_limit_days=3)
        for name in ("Tờ khai", "Giấy tờ kèm theo"):
            DossierComponent.objects.create(procedure=found, name=name, required=True)
    return found


def citizens(count: int) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import get_hasher, make_password
    from django.db import connection

    from accounts.models import User

    existing = User.objects.filter(username__startswith="load-").count()
    stored = User.objects.filter(username__startswith="load-").values_list("password", flat=True).first()
    if stored and get_hasher().must_update(stored):
        # Accounts a run made under other hasher settings: hashed as the settings now say, as each
        # person's next sign-in would do, so the run measures today's cost of a sign-in.
        User.objects.filter(username__startswith="load-").update(password=make_password(PASSWORD))
    if count <= existing:
        return
    password = make_password(PASSWORD).replace("'", "''")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, full_name, phone, phone_verified, name_folded) "
            f"SELECT '{password}', false, 'load-' || g, '', '', 'load-' || g || '@load.invalid', false, "
            "true, now(), 'Người Đo Tải ' || g, '+8496' || lpad(g::text, 7, '0'), true, 'nguoi do tai ' || g "
            f"FROM generate_series({existing + 1}, {count}) AS g"
        )
    users = User.objects.filter(username__startswith="load-").exclude(emailaddress__isnull=False)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=2000
    )


def main() -> int:
    import django

    from bench.database import ensure_database

    ensure_database()
    django.setup()
    from bench.queue_bench import session_cookie
    from core.people import format_vn_phone
    from core.text import fold
    from demo.dossiers import HOME_AGENCY
    from dossiers.models import Dossier
    from procedures.models import Agency, Procedure

    count = int(os.environ.get("LOAD_CITIZENS", "500"))
    home = Agency.objects.get(code=HOME_AGENCY)
    load_procedure = procedure(home)
    citizens(count)
    sample = (
        Dossier.objects.filter(agency=home)
        .exclude(code=None)
        .select_related("applicant")
        .order_by("pk")
        .first()
    )
    lookups = [
        (code, phone[-4:])
        for code, phone in Dossier.objects.exclude(code=None)
        .exclude(applicant__phone="")
        .values_list("code", "applicant__phone")[:5000]
    ]
    plan = {
        "procedure": load_procedure.code,
        "agency": home.pk,
        "components": list(load_procedure.components.order_by("pk").values_list("pk", flat=True)),
        "citizens": count,
        "citizen_email": EMAIL,
        "citizen_password": PASSWORD,
        "officer_cookies": [session_cookie("motcua", mfa=True) for _ in range(5)],
        "procedure_pages": list(
            Procedure.objects.published().filter(is_detailed=True).values_list("code", flat=True)[:50]
        ),
        "lookups": lookups,
        "queue_name": fold(sample.applicant.full_name),
        "queue_phone": format_vn_phone(sample.applicant.phone),
    }
    path = Path(os.environ.get("LOAD_PLAN", ROOT / "var" / "load-plan.json"))
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"load plan: {count} citizens, procedure {load_procedure.code}, written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
