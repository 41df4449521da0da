"""Irreversible actions ask first: withdrawing a dossier (consequence stated, a reason refused
when empty, beside the field, a confirmation box) and deleting an uploaded file; without
JavaScript."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.constants import Status
from dossiers.models import DossierFile

from .citizen_helpers import (
    MARRIAGE,
    PDF,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    submit,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def dossier(client):
    user = citizen()
    dossier = submit(draft_for(MARRIAGE, user, marriage_data()), user)
    client.force_login(user)
    return dossier


def test_the_dossier_page_has_no_one_tap_withdrawal(client, dossier):
    html = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert 'value="withdraw"' not in html  # no form that withdraws at once
    assert f'href="{reverse("dossiers:withdraw", args=[dossier.code])}"' in html


def test_the_confirmation_states_the_consequence(client, dossier):
    text = text_of(client.get(reverse("dossiers:withdraw", args=[dossier.code])).content.decode())
    assert f"Rút hồ sơ {dossier.code}?" in text
    assert "Việc này không hoàn tác được" in text
    assert "dừng giải quyết hồ sơ này" in text and "phải nộp một hồ sơ mới" in text


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_missing_reason_gets_a_message_beside_the_field(client, dossier, reason):
    response = client.post(
        reverse("dossiers:withdraw", args=[dossier.code]),
        {"reason": reason, "confirm": "on", "expected_version": dossier.version},
    )
    html = response.content.decode()
    assert response.status_code == 200
    field = html.split('for="id_reason"')[1].split("</textarea>")[0]
    assert 'id="id_reason-error"' in field and "Hãy ghi lý do rút hồ sơ" in field
    assert 'aria-describedby="id_reason-error"' in field
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_without_the_confirmation_nothing_happens_and_the_reason_is_kept(client, dossier):
    response = client.post(
        reverse("dossiers:withdraw", args=[dossier.code]),
        {"reason": "Nộp nhầm thủ tục", "expected_version": dossier.version},
    )
    html = response.content.decode()
    assert "Đánh dấu ô này để xác nhận bạn muốn rút hồ sơ." in html
    assert "Nộp nhầm thủ tục</textarea>" in html
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_confirmed_with_a_reason_withdraws(client, dossier):
    response = client.post(
        reverse("dossiers:withdraw", args=[dossier.code]),
        {"reason": "Nộp nhầm thủ tục", "confirm": "on", "expected_version": dossier.version},
        follow=True,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert "Đã rút hồ sơ" in text_of(response.content.decode())
    # Nothing more to withdraw: the page says so rather than failing.
    again = client.get(reverse("dossiers:withdraw", args=[dossier.code]), follow=True)
    assert "không rút trực tuyến được" in text_of(again.content.decode())


def test_another_citizen_cannot_open_the_withdrawal(client, dossier):
    client.force_login(citizen())
    assert client.get(reverse("dossiers:withdraw", args=[dossier.code])).status_code == 404
    assert (
        client.post(
            reverse("dossiers:withdraw", args=[dossier.code]), {"reason": "x", "confirm": "on"}
        ).status_code
        == 404
    )


def test_deleting_an_uploaded_file_asks_first(client):
    user = citizen()
    draft = draft_for(MARRIAGE, user, marriage_data())
    client.force_login(user)
    component = draft.procedure.components.exclude(satisfied_by_declaration=True).first()
    client.post(
        reverse("dossiers:draft_upload", args=[draft.uuid]),
        {"component": component.pk, "file": SimpleUploadedFile("anh-cccd.pdf", PDF)},
    )
    stored = draft.files.get(original_name="anh-cccd.pdf")
    url = reverse("dossiers:draft_file_delete", args=[draft.uuid, stored.pk])
    page = client.post(url)  # the "Xóa" button of the upload step
    assert page.status_code == 200
    text = text_of(page.content.decode())
    assert "Xóa tệp đã tải lên?" in text and "không khôi phục được" in text and "anh-cccd.pdf" in text
    assert DossierFile.objects.filter(pk=stored.pk).exists()
    response = client.post(url, {"confirm_step": "1"})
    assert response.status_code == 302
    assert not DossierFile.objects.filter(pk=stored.pk).exists()


def test_deleting_the_account_asks_and_says_why_beside_the_box(client):
    from accounts.models import User

    user = citizen()
    client.force_login(user)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "bị xóa vĩnh viễn" in text_of(page)
    response = client.post(reverse("accounts:delete"), {})
    html = response.content.decode()
    assert response.status_code == 200
    box = html.split('id="confirm-delete-error"')[1].split("</div>")[0]
    assert "Hãy đánh dấu ô xác nhận" in box and 'aria-describedby="confirm-delete-error"' in box
    assert User.objects.filter(pk=user.pk).exists()
