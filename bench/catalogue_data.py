#!/usr/bin/env python
"""A national-size catalogue for benchmarks: the real 2,395 procedures plus synthetic variants.

    .venv/bin/python bench/catalogue_data.py 25000     # on BENCH_DATABASE_URL (bench.settings)

``resize(target)`` makes the catalogue hold ``target`` procedures: it loads the real catalogue and
the demo records if missing, then adds synthetic procedures (codes ``9.xxxxxx``) or deletes them
down to the target. Each synthetic procedure is a real name with a local qualifier (a province, a
commune level, "lưu động", …) and has what a published record has: 1–2 sectors, 1–3 implementing
agencies (34 provinces with their departments and communes, generated once), 1–3 submission
methods, 2–6 dossier components, and sometimes a life event. Popularity follows a long tail.
Deterministic (seeded). Ends with VACUUM ANALYZE (procedures.services.catalogue_analyze) and a catalogue
version bump. Never run against a database you care about: it writes thousands of rows.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

SYNTHETIC_PREFIX = "9."
# Only the codes made here: "9.LOAD01" (bench/load_prepare.py, with dossiers) shares the prefix.
SYNTHETIC_CODE = r"^9\.[0-9]{6}$"
QUALIFIERS = [
    "(thực hiện tại cấp tỉnh)",
    "(thực hiện tại cấp xã)",
    "lưu động",
    "có yếu tố nước ngoài",
    "tại khu vực biên giới",
    "đối với trường hợp đặc biệt",
    "(liên thông)",
]
COMPONENTS = [
    "Tờ khai theo mẫu",
    "Giấy tờ tùy thân của người yêu cầu (xuất trình)",
    "Văn bản ủy quyền được chứng thực",
    "Bản sao giấy tờ chứng minh nơi cư trú",
    "Giấy tờ chứng minh đủ điều kiện theo quy định",
    "Ảnh chân dung 4x6 cm",
    "Biên lai nộp phí, lệ phí",
]
BATCH = 2000


def _setup() -> None:
    import django

    from bench.database import ensure_database

    ensure_database()
    django.setup()


def _ensure_real_catalogue() -> None:
    from django.core.management import call_command

    from demo.catalogue import load_catalogue_demo
    from procedures.models import Procedure

    if not Procedure.objects.filter(code="1.000894", is_detailed=True).exists():
        call_command("import_catalogue", verbosity=0)
        load_catalogue_demo()


def _ensure_agencies(rng: random.Random) -> list[int]:
    """34 provincial People's Committees, 4 departments each and 12 communes each (~580 agencies)."""
    from vietnam_provinces import Province

    from procedures.constants import AgencyKind
    from procedures.models import Agency

    existing = list(Agency.objects.filter(code__startswith="B.").values_list("id", flat=True))
    if existing:
        return existing
    departments = ["Sở Tư pháp", "Sở Xây dựng", "Công an tỉnh", "Sở Nông nghiệp và Môi trường"]
    for province in Province.iter_all():
        code = int(province.code.value)
        top = Agency.objects.create(
            code=f"B.{code:02d}.00",
            name=f"Ủy ban nhân dân {province.name}",
            kind=AgencyKind.PROVINCE,
            unit_code=f"{code:02d}",
            unit_name=province.name,
        )
        Agency.objects.bulk_create(
            [
                Agency(
                    code=f"B.{code:02d}.{i + 1:02d}",
                    name=f"{name} {province.name}",
                    kind=AgencyKind.DEPARTMENT,
                    parent=top,
                    unit_code=f"{code:02d}",
                    unit_name=province.name,
                )
                for i, name in enumerate(departments)
            ]
            + [
                Agency(
                    code=f"B.{code:02d}.X{i:02d}",
                    name=f"Ủy ban nhân dân xã số {i} {province.name}",
                    kind=AgencyKind.COMMUNE,
                    parent=top,
                    unit_code=f"{code:02d}",
                    unit_name=province.name,
                )
                for i in range(1, 13)
            ]
        )
    return list(Agency.objects.filter(code__startswith="B.").values_list("id", flat=True))


def _add(count: int, rng: random.Random) -> None:
    from procedures.constants import Channel, PublicationStatus
    from procedures.models import (
        DossierComponent,
        LifeEvent,
        Procedure,
        Sector,
        SubmissionMethod,
        name_word_count,
        search_text_for,
    )
    from procedures.services import procedure_links_refresh

    agencies = _ensure_agencies(rng)
    sectors = list(Sector.objects.values_list("id", flat=True))
    events = list(LifeEvent.objects.values_list("id", flat=True))
    names = list(Procedure.objects.exclude(code__regex=SYNTHETIC_CODE).values_list("name", flat=True))
    from vietnam_provinces import Province

    provinces = [p.name for p in Province.iter_all()]
    start = Procedure.objects.filter(code__regex=SYNTHETIC_CODE).count()
    through_sectors = Procedure.sectors.through
    through_agencies = Procedure.agencies.through
    through_events = Procedure.life_events.through
    made = 0
    while made < count:
        n = min(BATCH, count - made)
        batch = []
        for i in range(start + made, start + made + n):
            base = rng.choice(names)
            qualifier = rng.choice([*QUALIFIERS, f"tại {rng.choice(provinces)}"])
            name = f"{base} {qualifier}"[:990]
            code = f"{SYNTHETIC_PREFIX}{i:06d}"
            batch.append(
                Procedure(
                    code=code,
                    name=name,
                    service_level=rng.choices([1, 2, 3, 4], weights=[5, 2, 2, 1])[0],
                    for_citizens=rng.random() < 0.6,
                    for_businesses=rng.random() < 0.5,
                    status=PublicationStatus.PUBLISHED,
                    popularity=int(rng.paretovariate(1.2) * 10) - 10,
                    search_text=search_text_for(name, code),
                    search_words=name_word_count(name),
                )
            )
        created = Procedure.objects.bulk_create(batch, batch_size=BATCH)
        links_s, links_a, links_e, methods, components = [], [], [], [], []
        for procedure in created:
            for sector in rng.sample(sectors, rng.randint(1, 2)):
                links_s.append(through_sectors(procedure_id=procedure.pk, sector_id=sector))
            for agency in rng.sample(agencies, rng.randint(1, 3)):
                links_a.append(through_agencies(procedure_id=procedure.pk, agency_id=agency))
            if events and rng.random() < 0.1:
                links_e.append(through_events(procedure_id=procedure.pk, lifeevent_id=rng.choice(events)))
            channels = [Channel.COUNTER] + rng.sample([Channel.ONLINE, Channel.POST], rng.randint(0, 2))
            for channel in channels:
                methods.append(
                    SubmissionMethod(
                        procedure_id=procedure.pk,
                        channel=channel,
                        time_limit_days=rng.choice([None, 1, 3, 5, 10, 15, 20]),
                        fee_vnd=rng.choice([0, 0, 10000, 50000]),
                        charge_vnd=rng.choice([0, 0, 8000, 100000]),
                    )
                )
            for order, component in enumerate(rng.sample(COMPONENTS, rng.randint(2, 6)), start=1):
                components.append(DossierComponent(procedure_id=procedure.pk, order=order, name=component))
        through_sectors.objects.bulk_create(links_s, batch_size=5000)
        through_agencies.objects.bulk_create(links_a, batch_size=5000)
        through_events.objects.bulk_create(links_e, batch_size=5000)
        procedure_links_refresh([p.pk for p in created])  # bulk_create sends no m2m signal
        SubmissionMethod.objects.bulk_create(methods, batch_size=5000)
        DossierComponent.objects.bulk_create(components, batch_size=5000)
        made += n


def _remove(count: int) -> None:
    """Delete the newest synthetic procedures in plain SQL (no history rows, no signals: bench data)."""
    from django.db import connection

    from procedures.models import Procedure

    ids = list(
        Procedure.objects.filter(code__regex=SYNTHETIC_CODE)
        .order_by("-code")
        .values_list("id", flat=True)[:count]
    )
    children = [
        "procedures_procedure_sectors",
        "procedures_procedure_agencies",
        "procedures_procedure_life_events",
        "procedures_submissionmethod",
        "procedures_dossiercomponent",
        "procedures_procedurestep",
        "procedures_legalbasis",
    ]
    with connection.cursor() as cursor:
        for i in range(0, len(ids), BATCH):
            chunk = ids[i : i + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            for table in children:
                cursor.execute(f"DELETE FROM {table} WHERE procedure_id IN ({marks})", chunk)  # noqa: S608
            cursor.execute(f"DELETE FROM procedures_procedure WHERE id IN ({marks})", chunk)  # noqa: S608


def resize(target: int, *, seed: int = 42) -> int:
    """Make the catalogue hold ``target`` procedures (never fewer than the real ones). Returns the count.

    Side effects: writes (or deletes) synthetic procedures and their relations, runs ANALYZE, bumps
    the catalogue version.
    """
    from django.db import transaction

    from procedures.models import Procedure
    from procedures.search import bump_catalogue_version
    from procedures.services import catalogue_analyze

    _ensure_real_catalogue()
    rng = random.Random(seed)
    current = Procedure.objects.count()
    with transaction.atomic():
        if current < target:
            _add(target - current, rng)
        elif current > target:
            _remove(current - target)
    catalogue_analyze()
    bump_catalogue_version()
    return Procedure.objects.count()


def main() -> int:
    _setup()
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 25000
    started = time.monotonic()
    count = resize(target)
    print(f"{count} procedures ({time.monotonic() - started:.1f} s), ANALYZE done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
