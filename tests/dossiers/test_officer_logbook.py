"""The log book (sổ theo dõi hồ sơ, mẫu 07): each agency's own gap-free series per year, taken inside the
receiving transaction (dossiers/registers.py), and the migration that renumbered the old daily numbers."""

import importlib
import threading
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection

from dossiers import services
from dossiers.constants import Status
from dossiers.models import Dossier, DossierEvent, RegisterSequence
from dossiers.workflow import Actor, TransitionError, dossier_transition
from tests.factories import AgencyFactory, make_procedure, make_staff, ready_draft

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def submitted_many(agency, n: int) -> list[Dossier]:
    procedure, component = make_procedure(agency)
    out = []
    for _ in range(n):
        draft, user = ready_draft(procedure=procedure, component=component)
        out.append(
            services.dossier_submit(
                dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
            )
        )
    return out


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables without waiting; this runs on PostgreSQL "
    "(DATABASE_URL=postgres://…)",
)
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_receipts_get_a_gap_free_series(monkeypatch):
    """50 officers' receipts at once (10 of them roll back after taking a number): the 40 that commit
    hold 0001…0040 of this year's volume, no gap, no repeat, and the counter says 40."""
    # The receipt forms are a worker's job after commit: here only which ones were asked for counts
    # (rendering 40 PDFs in 50 threads would only measure WeasyPrint under the GIL).
    forms_for: list[int] = []
    monkeypatch.setattr("dossiers.workflow._enqueue_form", forms_for.append)
    agency = AgencyFactory(code="000.66.01.T24")
    officers = [make_staff(agency, "officer") for _ in range(5)]
    dossiers = submitted_many(agency, 50)
    failing = {d.pk for d in dossiers[::5]}  # every fifth transaction fails after its number was taken
    errors: list[BaseException] = []
    refused: list[int] = []
    barrier = threading.Barrier(50)

    def boom(dossier, now):
        raise TransitionError("simulated failure after the number was taken")

    def worker(index: int, dossier: Dossier):
        try:
            barrier.wait(timeout=60)
            dossier_transition(
                dossier_id=dossier.pk,
                name="receive",
                actor=Actor.staff(officers[index % len(officers)]),
                expected_version=dossier.version,
                apply=boom if dossier.pk in failing else None,
            )
        except TransitionError:
            refused.append(dossier.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, d)) for i, d in enumerate(dossiers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
    assert sorted(refused) == sorted(failing)
    received = Dossier.objects.filter(agency=agency, status=Status.RECEIVED)
    numbers = sorted(received.values_list("logbook_number", flat=True))
    year = datetime.now(VN).year
    assert numbers == [f"{year}/{n:04d}" for n in range(1, 41)]
    assert RegisterSequence.objects.get(agency=agency, year=year, series="logbook").last == 40
    assert not Dossier.objects.filter(pk__in=failing).exclude(logbook_number="").exists()
    # Forms were asked for the 40 committed receipts only, never for a rolled-back one.
    asked = set(DossierEvent.objects.filter(pk__in=forms_for).values_list("dossier_id", flat=True))
    assert len(forms_for) == 40 and asked == set(received.values_list("pk", flat=True))


@pytest.mark.django_db
def test_migration_renumbers_the_old_daily_numbers_per_agency_and_year():
    """Before: "2026/0001" once a day (the last digits of the code). After: one series per agency and
    year in the order the dossiers were entered, refused ones included, and the counter continues it."""
    migration = importlib.import_module("dossiers.migrations.0015_backfill_logbook_series")
    a, b = AgencyFactory(), AgencyFactory()
    made = submitted_many(a, 4) + submitted_many(b, 1)
    moments = [
        datetime(2025, 12, 31, 16, 0, tzinfo=VN),
        datetime(2026, 1, 5, 9, 0, tzinfo=VN),
        datetime(2026, 1, 6, 9, 0, tzinfo=VN),
        datetime(2026, 1, 5, 10, 0, tzinfo=VN),
    ]
    for dossier, at in zip(made[:3], moments[:3], strict=True):
        Dossier.objects.filter(pk=dossier.pk).update(
            status=Status.RECEIVED, received_at=at, logbook_number=f"{at:%Y}/0001"
        )
    Dossier.objects.filter(pk=made[3].pk).update(status=Status.REFUSED, completed_at=moments[3])
    Dossier.objects.filter(pk=made[4].pk).update(
        status=Status.RECEIVED, received_at=moments[1], logbook_number="2026/0001"
    )
    migration.renumber(apps, None)
    numbers = {d.pk: d.logbook_number for d in Dossier.objects.filter(pk__in=[d.pk for d in made])}
    assert [numbers[d.pk] for d in made] == ["2025/0001", "2026/0001", "2026/0003", "2026/0002", "2026/0001"]
    assert RegisterSequence.objects.get(agency=a, year=2026, series="logbook").last == 3
    assert RegisterSequence.objects.get(agency=b, year=2026, series="logbook").last == 1
    # A receipt now continues the series.
    fresh = submitted_many(a, 1)[0]
    officer = make_staff(a, "officer")
    import time_machine

    with time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=VN), tick=False):
        received = dossier_transition(
            dossier_id=fresh.pk, name="receive", actor=Actor.staff(officer), expected_version=fresh.version
        )
    assert received.logbook_number == "2026/0004"
