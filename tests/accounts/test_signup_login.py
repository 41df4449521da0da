import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications.models import Message

from .conftest import latest_code

pytestmark = pytest.mark.django_db(transaction=False)
User = get_user_model()


def signup_by_phone(client, typed: str):
    return client.post(
        reverse("account_signup"), {"phone": typed, "email": "", "password1": "", "password2": ""}
    )


@pytest.mark.parametrize("typed", ["0912 345 600", "+84 912 345 600", "84912345600", "0912.345.600"])
def test_signup_by_phone_with_sms_code(client, typed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup_by_phone(client, typed)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone="+84912345600")
    assert not user.phone_verified
    sms = Message.objects.get(recipient="+84912345600", event="security_code")
    assert sms.channel == "sms"
    code = latest_code("+84912345600")
    assert len(code) == 6 and code.isdigit()
    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone_verified
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_wrong_code_three_times_aborts(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup_by_phone(client, "0912345601")
    code = latest_code("+84912345601")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("account_verify_phone"), {"code": wrong})
    # After the attempts run out the code is dead, even the right one.
    client.post(reverse("account_verify_phone"), {"code": code})
    assert not User.objects.get(phone="+84912345601").phone_verified


def test_landline_is_refused_with_a_clear_message(client):
    response = signup_by_phone(client, "024 3825 1234")
    assert response.status_code == 200
    assert "di động" in response.content.decode()
    assert not User.objects.filter(phone__startswith="+8424").exists()


def test_login_by_sms_code(client, django_capture_on_commit_callbacks):
    user = User.objects.create_user("an", phone="+84912345602", phone_verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"phone": "0912 345 602"})
    assert response.status_code == 302
    code = latest_code("+84912345602")
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_by_email_and_password_rotates_the_session(client):
    User.objects.create_user(
        "binh",
        email="binh@example.vn",
        password="mat-khau-cua-binh-1",
        phone="+84912345603",
        phone_verified=True,
    )
    client.get(reverse("account_login"))
    before = client.session.session_key
    response = client.post(
        reverse("account_login"), {"login": "binh@example.vn", "password": "mat-khau-cua-binh-1"}
    )
    assert response.status_code == 302
    assert client.session.session_key != before


def test_failed_logins_are_limited(client):
    User.objects.create_user(
        "cuong", email="cuong@example.vn", password="dung-mat-khau-123", phone="+84912345604"
    )
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "cuong@example.vn", "password": "sai-mat-khau"})
    response = client.post(
        reverse("account_login"), {"login": "cuong@example.vn", "password": "dung-mat-khau-123"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_password_change_is_notified(client, django_capture_on_commit_callbacks):
    user = User.objects.create_user(
        "dung", email="dung@example.vn", password="mat-khau-cu-123", phone="+84912345605", phone_verified=True
    )
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": "mat-khau-cu-123",
                "password1": "mat-khau-moi-456!",
                "password2": "mat-khau-moi-456!",
            },
        )
    assert response.status_code == 302
    assert Message.objects.filter(event="account_changed", user=user).count() == 2  # SMS and email


def test_pending_code_is_never_readable_in_the_session_table(client, django_capture_on_commit_callbacks):
    from django.contrib.sessions.models import Session

    with django_capture_on_commit_callbacks(execute=True):
        signup_by_phone(client, "0912 345 630")
    from django.contrib.sessions.backends.db import SessionStore as PlainStore
    from django.core import signing

    from core.sessions import SessionStore

    code = latest_code("+84912345630")
    row = Session.objects.get()
    # Django's own format (signed, compressed base64) cannot even read it: it is encrypted…
    with pytest.raises(signing.BadSignature):
        signing.loads(row.session_data, salt=PlainStore().key_salt, serializer=PlainStore().serializer)
    # …and only the portal's key opens it, where allauth's pending code indeed sits.
    assert code in str(SessionStore().decode(row.session_data))
    # …and the flow still works: the code verifies the phone.
    client.post(reverse("account_verify_phone"), {"code": code})
    assert User.objects.get(phone="+84912345630").phone_verified
