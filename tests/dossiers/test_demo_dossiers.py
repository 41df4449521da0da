import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from demo.accounts import load_demo_users
from demo.dossiers import CITIZEN_USERNAMES, HOME_AGENCY, load_demo_dossiers
from dossiers import statistics
from dossiers.constants import EventKind, Status
from dossiers.deadlines import is_overdue
from dossiers.models import AuditEntry, Dossier, DossierEvent, DossierFile, DossierSequence, Rating
from notifications.models import Message

pytestmark = pytest.mark.django_db
CODE = re.compile(r"^(?P<agency>[0-9.]+\.H\d\d)-(?P<day>\d{6})-(?P<number>\d{4})$")


@pytest.fixture
def demo():
    load_demo_users()
    created = load_demo_dossiers(count=40)
    return created, list(
        Dossier.objects.select_related("agency", "applicant").prefetch_related("events", "files")
    )


def test_every_status_with_consistent_codes_events_and_dates(demo):
    created, dossiers = demo
    now = timezone.now()
    assert created == len(dossiers) == 40
    statuses = Counter(d.status for d in dossiers)
    assert set(statuses) == set(range(1, 11)), statuses
    assert statuses[Status.RETURNED] == max(statuses.values())  # most dossiers are finished
    # The demo staff's desk has every status, a new dossier to receive included, at any hour it is loaded.
    assert {d.status for d in dossiers if d.agency.code == HOME_AGENCY} == set(range(1, 11))

    codes = [d.code for d in dossiers]
    assert len(set(codes)) == len(codes)
    numbers = defaultdict(list)
    for d in dossiers:
        match = CODE.match(d.code)
        assert match, d.code
        assert match["agency"] == d.agency.code
        assert match["day"] == timezone.localtime(d.submitted_at).strftime(
            "%y%m%d"
        )  # code of the submission day
        numbers[(d.agency_id, match["day"])].append(int(match["number"]))
    for (agency_id, day), used in numbers.items():  # the real counter, gap-free, numbered in submission order
        assert sorted(used) == list(range(1, len(used) + 1))
        sequence = DossierSequence.objects.get(
            agency_id=agency_id, day=timezone.datetime.strptime(day, "%y%m%d").date()
        )
        assert sequence.last == len(used)
    today = timezone.localdate()
    assert not DossierSequence.objects.filter(day=today, last=0).exists()
    # The log books: per agency and volume (year), gap-free and in the order the dossiers were entered.
    from dossiers.models import RegisterSequence

    books = defaultdict(list)
    for d in sorted(dossiers, key=lambda d: d.received_at or d.completed_at or d.submitted_at):
        if d.logbook_number:
            volume, number = d.logbook_number.split("/")
            books[(d.agency_id, int(volume))].append(int(number))
    assert books and any(d.status == Status.REFUSED and d.logbook_number for d in dossiers)
    for (agency_id, volume), used in books.items():
        assert used == list(range(1, len(used) + 1)), (agency_id, volume, used)
        assert RegisterSequence.objects.get(agency_id=agency_id, year=volume, series="logbook").last == len(
            used
        )

    for d in dossiers:
        events = sorted(d.events.all(), key=lambda e: e.id)
        times = [e.at for e in events]
        assert times == sorted(times) and len(set(times)) == len(times), (
            d.code
        )  # chronological, in the order made
        assert times[-1] < now
        assert events[0].kind == EventKind.CREATED
        submitted = [e for e in events if e.kind == EventKind.SUBMITTED]
        assert len(submitted) == 1 and submitted[0].at == d.submitted_at
        assert events[-1].to_status == d.status or (
            d.status == Status.WITHDRAWN and events[-1].kind == EventKind.WITHDRAWN
        )
        assert d.created_at <= d.submitted_at < d.acceptance_due_at
        assert all(d.created_at <= f.uploaded_at <= times[-1] for f in d.files.all())
        entries = list(AuditEntry.objects.filter(dossier=d).order_by("id").values_list("at", flat=True))
        assert entries == [e.at for e in events if e.action]  # one audit entry per officer action, same time
        if d.received_at is not None:
            assert d.due_at > d.received_at
            assert d.logbook_number.startswith(f"{timezone.localtime(d.received_at):%Y}/")
            receive = next(e for e in events if e.action == "receive")
            assert receive.at == d.received_at
        if d.status == Status.RETURNED:
            assert d.received_at <= d.completed_at <= d.returned_at
        if d.status == Status.SUPPLEMENT_REQUESTED:
            assert d.supplement_requests >= 1
        if d.status in (
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.STOPPED,
            Status.RESULT_READY,
            Status.RETURNED,
        ):
            assert d.completed_at == next(e.at for e in events if e.to_status in (3, 7, 8, 9)), d.code
        if d.extended:
            extension = [e for e in events if e.action == "extend"][-1]
            assert datetime.fromisoformat(extension.data["new_due"]) == d.due_at > extension.at

    assert any(d.extended for d in dossiers)
    assert any(is_overdue(d) for d in dossiers if d.status == Status.PROCESSING)
    # New ones still within the 8 working hours for receipt: the officer's "new" queue.
    assert any(d.acceptance_due_at > now for d in dossiers if d.status == Status.SUBMITTED)
    assert min(d.submitted_at for d in dossiers) < now - timezone.timedelta(days=60)  # spread over months
    assert Counter(d.agency.code for d in dossiers).most_common(1)[0][0] == HOME_AGENCY
    assert any(d.applicant.username == "congdan" for d in dossiers)
    assert {d.applicant.username for d in dossiers} - {"congdan"} <= set(CITIZEN_USERNAMES)
    for rating in Rating.objects.select_related("dossier"):
        assert 3 <= rating.score <= 5 and rating.dossier.status == Status.RETURNED
        assert rating.dossier.returned_at < rating.created_at < now


def test_statistics_look_like_a_real_office(demo):
    _created, _dossiers = demo
    today = timezone.localdate()
    row = statistics.summarise(
        Dossier.objects.all(), period_start=today - timedelta(days=200), period_end=today
    )
    assert row["received"] >= 30 and row["resolved"] >= 20
    assert row["early"] and row["on_time"] and row["late"]
    assert row["in_progress"] and row["overdue"] and row["refused"] and row["withdrawn"] and row["stopped"]
    assert 3 <= row["satisfaction_avg"] <= 5 and row["avg_processing_days"] is not None


def test_bulk_load_renders_no_forms_and_they_can_be_made_later_dated_like_their_event(
    django_capture_on_commit_callbacks,
):
    from dossiers.forms_service import store_form_for_event

    load_demo_users()
    with django_capture_on_commit_callbacks(execute=True):
        assert load_demo_dossiers(count=12) == 12
    assert not DossierFile.objects.filter(purpose__startswith="form").exists()  # fast: no PDFs at load
    assert not Message.objects.exists()  # queued while building, deleted before commit: nothing was sent
    event = (
        DossierEvent.objects.filter(action="request_supplement").first()
        or DossierEvent.objects.filter(action="receive").first()
    )
    stored = store_form_for_event(event.pk)
    assert stored is not None and stored.original_name.endswith(f"-{event.pk}.pdf")


def test_nothing_left_to_send_and_a_second_call_does_nothing(demo):
    created, dossiers = demo
    dossier_type = ContentType.objects.get_for_model(Dossier)
    assert not Message.objects.filter(related_type=dossier_type).exists()
    assert load_demo_dossiers(count=40) == 0
    assert Dossier.objects.count() == created


def test_a_person_has_one_draft_per_procedure_at_a_time():
    """dossier_start resumes an open draft: two planned applications of one person for one procedure
    must not overlap, or both plans would act on the same dossier (found on a `make run` one day)."""
    from datetime import datetime, timedelta
    from types import SimpleNamespace as NS

    from demo.dossiers import _one_draft_at_a_time

    t0 = datetime(2026, 11, 28, 8, 0)
    person, other, procedure = NS(pk=1), NS(pk=2), NS(pk=7)

    def plan(user, created_min, submitted_min):
        return NS(
            user=user,
            procedure=procedure,
            created_at=t0 + timedelta(minutes=created_min),
            steps=[NS(at=t0 + timedelta(minutes=submitted_min))],
        )

    first, overlapping, someone_else = plan(person, 0, 30), plan(person, 10, 60), plan(other, 10, 40)
    same_moment = plan(person, 20, 60)
    kept = _one_draft_at_a_time([first, someone_else, overlapping, same_moment])
    assert kept == [first, someone_else, overlapping]
    assert first.steps[0].at < overlapping.created_at < overlapping.steps[0].at
    assert someone_else.created_at == t0 + timedelta(minutes=10)
