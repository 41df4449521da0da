import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from dossiers.constants import Status
from dossiers.models import Dossier
from tests.factories import PDF, UserFactory, make_procedure, ready_draft

pytestmark = pytest.mark.django_db


def test_start_needs_login(client):
    procedure, _c = make_procedure()
    response = client.get(reverse("dossiers:start", args=[procedure.code]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_wizard_walk_through(client):
    procedure, component = make_procedure()
    user = UserFactory(phone="+84912340001")
    client.force_login(user)
    response = client.get(reverse("dossiers:start", args=[procedure.code]))
    draft = Dossier.objects.get(applicant=user)
    assert response["Location"] == reverse("dossiers:draft_step", args=[draft.uuid, "agency"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    agency = procedure.agencies.first()
    response = client.post(
        reverse("dossiers:draft_step", args=[draft.uuid, "agency"]), {"agency": agency.pk, "continue": "1"}
    )
    assert response["Location"].endswith("/files/")  # no online form for this procedure: answers skipped
    assert client.get(response["Location"]).status_code == 200
    client.post(
        reverse("dossiers:draft_upload", args=[draft.uuid]),
        {"component": component.pk, "file": SimpleUploadedFile("to-khai.pdf", PDF)},
    )
    bad = client.post(
        reverse("dossiers:draft_upload", args=[draft.uuid]),
        {"component": component.pk, "file": SimpleUploadedFile("x.pdf", b"MZ...")},
        follow=True,
    )
    assert "không phải ảnh" in bad.content.decode()
    client.post(reverse("dossiers:draft_step", args=[draft.uuid, "files"]), {"continue": "1"})
    client.post(
        reverse("dossiers:draft_step", args=[draft.uuid, "delivery"]), {"delivery": "online", "continue": "1"}
    )
    client.post(reverse("dossiers:draft_step", args=[draft.uuid, "fees"]), {"continue": "1"})
    review = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "review"]))
    assert review.status_code == 200 and not review.context["problems"]
    key = str(uuid.uuid4())
    submit_url = reverse("dossiers:draft_submit", args=[draft.uuid])
    response = client.post(submit_url, {"submission_key": key, "declaration": "yes"})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and response["Location"] == reverse(
        "dossiers:submitted", args=[draft.code]
    )
    # Double click / back button: same dossier, no second one.
    again = client.post(submit_url, {"submission_key": key, "declaration": "yes"})
    assert again["Location"] == response["Location"]
    assert client.get(response["Location"]).status_code == 200
    detail = client.get(reverse("dossiers:detail", args=[draft.code]))
    assert detail.status_code == 200 and draft.code in detail.content.decode()
    assert client.get(reverse("dossiers:list")).status_code == 200


def test_other_citizen_gets_404_everywhere(client):
    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    stored = dossier.files.first()
    client.force_login(UserFactory())
    for url in [
        reverse("dossiers:detail", args=[dossier.code]),
        reverse("dossiers:file", args=[dossier.code, stored.pk]),
        reverse("dossiers:receipt_pdf", args=[dossier.code]),
        reverse("dossiers:submitted", args=[dossier.code]),
        reverse("dossiers:draft_step", args=[draft.uuid, "agency"]),
        reverse("dossiers:draft_file", args=[draft.uuid, stored.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert dossier.code not in client.get(reverse("dossiers:list")).content.decode()


def test_owner_downloads_file_as_attachment(client):
    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    client.force_login(owner)
    response = client.get(reverse("dossiers:file", args=[dossier.code, dossier.files.first().pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_receipt_pdf(client):
    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    client.force_login(owner)
    response = client.get(reverse("dossiers:receipt_pdf", args=[dossier.code]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_public_lookup(client):
    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    ok = client.get(reverse("dossiers:lookup"), {"code": dossier.code, "phone_last4": owner.phone[-4:]})
    assert ok.status_code == 200 and ok.context["result"] == dossier
    assert owner.full_name not in ok.content.decode()  # no personal data
    wrong = client.get(
        reverse("dossiers:lookup"),
        {"code": dossier.code, "phone_last4": "0000" if owner.phone[-4:] != "0000" else "1111"},
    )
    assert wrong.context["result"] is None
    for _ in range(6):
        last = client.get(reverse("dossiers:lookup"), {"code": dossier.code, "phone_last4": "9999"})
    assert last.status_code == 429


def test_withdraw_from_the_dossier_page(client):
    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    client.force_login(owner)
    # The old one-tap form no longer withdraws: it leads to the page that asks first.
    response = client.post(
        reverse("dossiers:detail", args=[dossier.code]), {"action": "withdraw", "reason": "Nộp nhầm thủ tục"}
    )
    assert response["Location"] == reverse("dossiers:withdraw", args=[dossier.code])
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    client.post(
        reverse("dossiers:withdraw", args=[dossier.code]),
        {"reason": "Nộp nhầm thủ tục", "confirm": "on", "expected_version": dossier.version},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


def test_answer_a_supplement_request(client):
    from dossiers.constants import EventKind
    from dossiers.models import DossierEvent

    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    # (The processing issue's officer action; here written directly.)
    DossierEvent.objects.create(
        dossier=dossier,
        kind=EventKind.STATUS,
        from_status=Status.SUBMITTED,
        to_status=Status.SUPPLEMENT_REQUESTED,
        note_to_applicant="Thiếu bản sao giấy khai sinh",
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.SUPPLEMENT_REQUESTED)
    client.force_login(owner)
    page = client.get(reverse("dossiers:detail", args=[dossier.code]))
    assert "Thiếu bản sao giấy khai sinh" in page.content.decode()
    # One upload slot per item asked for (here the request listed none: one per component).
    response = client.post(
        reverse("dossiers:detail", args=[dossier.code]),
        {
            "action": "supplement",
            "expected_version": page.context["dossier"].version,
            "note": "Đã bổ sung",
            "file_item-0": SimpleUploadedFile("bo-sung.pdf", PDF),
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.files.filter(purpose="supplement").count() == 1
    assert dossier.events.filter(kind=EventKind.SUPPLEMENT_ANSWERED).count() == 1


def test_rating_only_when_finished_and_once(client):
    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    client.force_login(owner)
    client.post(reverse("dossiers:detail", args=[dossier.code]), {"action": "rate", "score": "5"})
    assert not hasattr(Dossier.objects.get(pk=dossier.pk), "rating")
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RETURNED)
    client.post(
        reverse("dossiers:detail", args=[dossier.code]), {"action": "rate", "score": "4", "comment": "Nhanh"}
    )
    client.post(reverse("dossiers:detail", args=[dossier.code]), {"action": "rate", "score": "1"})
    assert Dossier.objects.get(pk=dossier.pk).rating.score == 4
    assert (
        client.post(
            reverse("dossiers:detail", args=[dossier.code]), {"action": "rate", "score": "x"}
        ).status_code
        == 302
    )


def test_draft_reminder_and_purge():
    from datetime import timedelta

    from django.utils import timezone

    from dossiers import reminders
    from notifications.models import Message
    from notifications.services import ensure_default_templates

    ensure_default_templates()
    draft, owner = ready_draft()
    Dossier.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + timedelta(days=2))
    assert reminders.remind_expiring_drafts() == 1
    assert reminders.remind_expiring_drafts() == 0  # once per draft
    assert Message.objects.filter(event="draft_expiring", user=owner).exists()
    Dossier.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert reminders.purge_expired_drafts() == 1
    assert not Dossier.objects.filter(pk=draft.pk).exists()


def test_account_with_finished_dossier_is_anonymised_not_deleted(client):
    from accounts.services import account_delete

    draft, owner = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RETURNED)
    account_delete(user=owner)
    owner.refresh_from_db()
    assert not owner.is_active and owner.phone == "" and owner.full_name == ""
    assert Dossier.objects.filter(pk=dossier.pk).exists()


def test_start_page_explains_when_online_submission_is_not_possible(client):
    from tests.factories import AgencyFactory, ProcedureFactory, login_staff, make_staff

    level2 = ProcedureFactory(service_level=2)
    client.force_login(UserFactory())
    html = client.get(reverse("dossiers:start", args=[level2.code])).content.decode()
    assert "chưa nộp trực tuyến được" in html and "đang được hoàn thiện" not in html
    procedure, _c = make_procedure()
    login_staff(client, make_staff(AgencyFactory(), "officer"))
    assert "Tài khoản cán bộ" in client.get(reverse("dossiers:start", args=[procedure.code])).content.decode()
    assert not Dossier.objects.filter(procedure=procedure).exists()


def test_a_post_that_loses_the_race_to_a_concurrent_submit_gets_the_same_result(client, monkeypatch):
    """Two posts of one review page: the second reads the draft just before the first commits. It must
    land on the same confirmation, not a 404 (seen in the battery's R9 with 50 concurrent posts)."""
    from dossiers import selectors

    draft, owner = ready_draft()
    key = uuid.uuid4()
    real = selectors.draft_get_for_user

    def first_post_commits_meanwhile(*, user, uuid):
        services.dossier_submit(
            dossier=real(user=user, uuid=uuid), user=owner, submission_key=key, declaration_accepted=True
        )
        return real(user=user, uuid=uuid)  # no longer a draft: 404

    monkeypatch.setattr(selectors, "draft_get_for_user", first_post_commits_meanwhile)
    client.force_login(owner)
    response = client.post(
        reverse("dossiers:draft_submit", args=[draft.uuid]),
        {"submission_key": str(key), "declaration": "yes"},
    )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:submitted", args=[draft.code])
