"""The applicant's PDF copy of a submission is made by a task after commit and served from storage:
never rendered in a web request when tasks run on a worker (issue 15)."""

import uuid

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from dossiers import services, submission_copy
from tests.factories import ready_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    draft, owner = ready_draft()
    with django_capture_on_commit_callbacks() as callbacks:
        dossier = services.dossier_submit(
            dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
        )
    return dossier, owner, callbacks


@pytest.fixture
def worker_elsewhere(monkeypatch):
    """Tasks go to a worker that has not run yet: record what is enqueued instead of running it."""
    queued = []
    monkeypatch.setattr(
        submission_copy, "enqueue", lambda pk, languages=("vi", "en"): queued.append((pk, list(languages)))
    )
    return queued


def test_the_submission_enqueues_the_copy_after_commit(submitted, worker_elsewhere):
    dossier, _owner, callbacks = submitted
    assert worker_elsewhere == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert (dossier.pk, ["vi"]) in worker_elsewhere


def test_while_the_copy_is_made_the_page_says_so_and_updates_itself(
    client, submitted, worker_elsewhere, monkeypatch
):
    dossier, owner, _ = submitted
    client.force_login(owner)
    url = reverse("dossiers:receipt_pdf", args=[dossier.code])

    def no_render(*args, **kwargs):
        raise AssertionError("rendered in the request")

    monkeypatch.setattr(submission_copy, "render", no_render)
    page = client.get(url)
    assert page.status_code == 202
    assert "Bản PDF đang được tạo" in page.content.decode()
    assert worker_elsewhere == [(dossier.pk, ["vi"])]  # asked for once, not once per poll
    fragment = client.get(url, {"status": "1"})
    assert fragment.status_code == 202 and 'hx-trigger="every 3s"' in fragment.content.decode()
    assert len(worker_elsewhere) == 1

    monkeypatch.undo()  # the worker renders it
    submission_copy.store(dossier_id=dossier.pk, language="vi")
    monkeypatch.setattr(submission_copy, "render", no_render)
    ready = client.get(url, {"status": "1"})
    assert ready.status_code == 200 and "Tải bản PDF hồ sơ" in ready.content.decode()
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == f'attachment; filename="ho-so-{dossier.code}.pdf"'
    assert pdf["Cache-Control"] == "private, no-store"


def test_a_new_file_makes_a_new_copy_and_each_language_has_its_own(submitted):
    dossier, _owner, _ = submitted
    first = submission_copy.store(dossier_id=dossier.pk, language="vi")
    assert submission_copy.store(dossier_id=dossier.pk, language="vi") == first  # idempotent
    english = submission_copy.store(dossier_id=dossier.pk, language="en")
    assert english != first and english.endswith("-en.pdf")
    dossier.files.first().delete()  # the list of documents changed (as a supplement answer changes it)
    assert submission_copy.stored(dossier, "vi") is None
    assert default_storage.exists(first)  # superseded, not served again


def test_another_person_gets_a_404_not_a_copy(client, submitted):
    dossier, _owner, _ = submitted
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("dossiers:receipt_pdf", args=[dossier.code])).status_code == 404
    assert (
        client.get(reverse("dossiers:receipt_pdf", args=[dossier.code]), {"status": "1"}).status_code == 404
    )
