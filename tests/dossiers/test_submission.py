import threading
import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from dossiers import services
from dossiers.constants import Status
from dossiers.models import Dossier, DossierEvent, DossierFile
from notifications.models import Message
from tests.factories import (
    PDF,
    PNG,
    AgencyFactory,
    UserFactory,
    make_procedure,
    ready_draft,
)


@pytest.mark.django_db
def test_submit_assigns_code_status_snapshot_event_and_notifies(django_capture_on_commit_callbacks):
    from notifications.services import ensure_default_templates

    ensure_default_templates()
    agency = AgencyFactory(code="000.77.01.T24")
    draft, user = ready_draft(agency=agency)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = services.dossier_submit(
            dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
        )
    today = date.today().strftime("%y%m%d")
    assert dossier.code == f"000.77.01.T24-{today}-0001"
    assert dossier.status == Status.SUBMITTED and dossier.acceptance_due_at > dossier.submitted_at
    assert dossier.procedure_snapshot["charge_vnd"] == 8000
    assert DossierEvent.objects.filter(dossier=dossier, to_status=Status.SUBMITTED).count() == 1
    assert Message.objects.filter(event="dossier_submitted", related_label=dossier.code).count() == 1
    # After commit: one enqueue per message row, and the applicant's PDF copy of the submission.
    assert len(callbacks) == 2


@pytest.mark.django_db
def test_same_submission_twice_gives_one_dossier():
    draft, user = ready_draft()
    key = uuid.uuid4()
    first = services.dossier_submit(dossier=draft, user=user, submission_key=key, declaration_accepted=True)
    for _ in range(19):  # a retried POST with the same key, or the back button with a new one
        again = services.dossier_submit(
            dossier=draft, user=user, submission_key=key, declaration_accepted=True
        )
        assert again.pk == first.pk and again.code == first.code
    assert (
        services.dossier_submit(
            dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
        ).code
        == first.code
    )
    assert Dossier.objects.filter(applicant=user, status=Status.SUBMITTED).count() == 1


@pytest.mark.django_db
def test_codes_count_per_agency_per_day():
    agency_a, agency_b = AgencyFactory(), AgencyFactory()
    assert services.dossier_code_next(agency=agency_a, day=date(2026, 11, 22)).endswith("-261122-0001")
    assert services.dossier_code_next(agency=agency_a, day=date(2026, 11, 22)).endswith("-261122-0002")
    assert services.dossier_code_next(agency=agency_b, day=date(2026, 11, 22)).endswith("-261122-0001")
    assert services.dossier_code_next(agency=agency_a, day=date(2026, 11, 23)).endswith("-261123-0001")


@pytest.mark.django_db
def test_incomplete_draft_says_what_is_missing():
    procedure, _component = make_procedure()
    user = UserFactory()
    draft = services.dossier_start(user=user, procedure=procedure)
    with pytest.raises(services.DossierError) as excinfo:
        services.dossier_submit(
            dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
        )
    message = str(excinfo.value)
    assert "cơ quan tiếp nhận" in message and "Tờ khai" in message and "cách nhận kết quả" in message
    assert Dossier.objects.get(pk=draft.pk).status == Status.DRAFT
    with pytest.raises(services.DossierError, match="cam đoan"):
        services.dossier_submit(
            dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=False
        )


@pytest.mark.django_db
def test_agency_must_implement_the_procedure():
    procedure, _c = make_procedure()
    draft = services.dossier_start(user=UserFactory(), procedure=procedure)
    with pytest.raises(services.DossierError):
        services.draft_save_agency(dossier=draft, agency=AgencyFactory())


@pytest.mark.django_db
def test_start_resumes_the_open_draft():
    procedure, _c = make_procedure()
    user = UserFactory()
    assert (
        services.dossier_start(user=user, procedure=procedure).pk
        == services.dossier_start(user=user, procedure=procedure).pk
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("anh.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "không phải ảnh"),
        (
            "ve.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "không phải ảnh",
        ),
        ("giay-to.pdf", b"MZ\x90\x00\x03\x00\x00\x00 executable", "không phải ảnh"),
        ("to.html", b"<!doctype html><p>hi", "không phải ảnh"),
    ],
)
def test_upload_attacks_are_refused_and_nothing_else_changes(name, content, fragment):
    draft, _user = ready_draft()
    before = list(DossierFile.objects.filter(dossier=draft).values_list("pk", flat=True))
    with pytest.raises(services.DossierError, match=fragment):
        services.draft_add_file(dossier=draft, component=None, upload=SimpleUploadedFile(name, content))
    assert list(DossierFile.objects.filter(dossier=draft).values_list("pk", flat=True)) == before
    assert Dossier.objects.get(pk=draft.pk).agency_id is not None  # the rest of the draft is intact


@pytest.mark.django_db
def test_oversized_and_too_many_files(settings):
    draft, _user = ready_draft()
    component = draft.procedure.components.first()
    settings.DOSSIER_MAX_FILE_BYTES = 1024
    with pytest.raises(services.DossierError, match="quá giới hạn"):
        services.draft_add_file(
            dossier=draft, component=component, upload=SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)
        )
    settings.DOSSIER_MAX_FILE_BYTES = 10 * 1024 * 1024
    settings.DOSSIER_MAX_FILES_PER_COMPONENT = 2
    services.draft_add_file(dossier=draft, component=component, upload=SimpleUploadedFile("b.pdf", PDF))
    with pytest.raises(services.DossierError, match="tối đa 2 tệp"):
        services.draft_add_file(dossier=draft, component=component, upload=SimpleUploadedFile("c.pdf", PDF))
    settings.DOSSIER_MAX_FILES_PER_COMPONENT = 10
    settings.DOSSIER_MAX_TOTAL_BYTES = len(PDF) * 3 - 1  # two files stored already; a third would pass it
    with pytest.raises(services.DossierError, match="Tổng dung lượng"):
        services.draft_add_file(dossier=draft, component=component, upload=SimpleUploadedFile("d.pdf", PDF))


@pytest.mark.django_db
def test_path_traversal_name_is_never_used_on_disk():
    draft, _user = ready_draft()
    stored = services.draft_add_file(
        dossier=draft, component=None, upload=SimpleUploadedFile("../../etc/passwd.png", PNG)
    )
    assert stored.original_name == "passwd.png"
    assert ".." not in stored.file.name and "passwd" not in stored.file.name
    assert stored.file.name.startswith(f"dossiers/{draft.uuid.hex}/") and stored.kind == "png"


@pytest.mark.django_db
def test_withdraw_before_processing_only():
    draft, user = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    withdrawn = services.dossier_withdraw(
        dossier=dossier, user=user, reason="Nộp nhầm", expected_version=dossier.version
    )
    assert withdrawn.status == Status.WITHDRAWN
    with pytest.raises(services.DossierError, match="không rút trực tuyến"):
        services.dossier_withdraw(
            dossier=withdrawn, user=user, reason="lần nữa", expected_version=withdrawn.version
        )


@pytest.mark.django_db
def test_open_dossier_blocks_account_deletion():
    from accounts.services import AccountError, account_delete

    draft, user = ready_draft()
    services.dossier_submit(dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True)
    with pytest.raises(AccountError, match="hồ sơ đang được giải quyết"):
        account_delete(user=user)


needs_server_db = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database locks whole tables without waiting; these run on PostgreSQL (CI sets DATABASE_URL)",
)


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_get_distinct_consecutive_codes(monkeypatch):
    """50 citizens submit to one agency at once: 50 codes, 0001…0050, no gaps, no duplicates."""
    # The applicant's PDF copy is a worker's job after commit: here only that each submission asked
    # for one counts (50 renderings in 10 threads would only measure WeasyPrint under the GIL).
    copies_for: list[int] = []
    monkeypatch.setattr("dossiers.submission_copy.enqueue", lambda pk, languages: copies_for.append(pk))
    agency = AgencyFactory(code="000.88.01.T24")
    procedure, component = make_procedure(agency)
    drafts = [ready_draft(procedure=procedure, component=component) for _ in range(50)]
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def worker(batch):
        try:
            barrier.wait(timeout=30)
            for draft, user in batch:
                codes.append(
                    services.dossier_submit(
                        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
                    ).code
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(drafts[i::10],)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    today = date.today().strftime("%y%m%d")
    assert sorted(codes) == [f"000.88.01.T24-{today}-{n:04d}" for n in range(1, 51)]
    assert sorted(copies_for) == sorted(draft.pk for draft, _ in drafts)


@needs_server_db
@pytest.mark.django_db(transaction=True)
def test_same_submission_posted_from_20_threads_gives_one_dossier():
    draft, user = ready_draft()
    key = uuid.uuid4()
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(
                services.dossier_submit(
                    dossier=draft, user=user, submission_key=key, declaration_accepted=True
                ).code
            )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(set(results)) == 1 and len(results) == 20
    assert Dossier.objects.filter(applicant=user).exclude(status=Status.DRAFT).count() == 1
