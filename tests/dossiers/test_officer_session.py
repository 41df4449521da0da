"""Staff sessions at the counter (accounts/middleware.py): 30 idle minutes lock the session; within the
working day the authenticator app's code alone unlocks it (allauth's MFA re-authentication), with a new
session id; the password alone never does; past the working day the session ends."""

import logging
import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from accounts.middleware import LAST_SEEN_KEY, LOCKED_AT_KEY
from tests.factories import AgencyFactory, login_staff, make_staff

pytestmark = pytest.mark.django_db
REAUTH = "/accounts/2fa/reauthenticate/"


@pytest.fixture
def officer():
    user = make_staff(AgencyFactory(), "officer", full_name="Trần Thị Bình")
    user.secret = generate_totp_secret()
    TOTP.activate(user, user.secret)
    return user


def code_now(secret: str) -> str:
    if time.time() % 30 > 27:  # never a code in the last seconds of its step
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def go_idle(client, settings, *, signed_in_ago: int = 60):
    session = client.session
    now = int(time.time())
    session[LAST_SEEN_KEY] = now - settings.STAFF_IDLE_TIMEOUT_SECONDS - 5
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = now - signed_in_ago
    session.save()


def test_idle_session_is_locked_and_reaches_nothing_but_the_code(client, officer, settings, caplog):
    login_staff(client, officer)
    assert client.get("/admin/").status_code == 200
    go_idle(client, settings)
    with caplog.at_level(logging.INFO, logger="accounts.security"):
        response = client.get("/admin/dossiers/dossier/?queue=mine")
    assert response.status_code == 302
    assert response["Location"] == REAUTH + "?next=%2Fadmin%2Fdossiers%2Fdossier%2F%3Fqueue%3Dmine"
    assert "_auth_user_id" in client.session and LOCKED_AT_KEY in client.session  # locked, not signed out
    assert "locked" in caplog.text
    for url in ("/admin/", "/dossiers/", "/accounts/profile/", "/accounts/reauthenticate/"):
        assert client.get(url)["Location"].startswith(REAUTH), url
    page = client.get(REAUTH + "?next=/admin/")
    assert page.status_code == 200 and "Mở khóa phiên làm việc" in page.content.decode()


def test_the_code_alone_unlocks_with_a_new_session_id(client, officer, settings, caplog):
    login_staff(client, officer)
    client.get("/admin/")
    go_idle(client, settings)
    client.get("/admin/")
    locked_key = client.session.session_key
    wrong = client.post(REAUTH, {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 200  # the form again, with its error
    assert client.get("/admin/")["Location"].startswith(REAUTH)
    right = client.post(REAUTH, {"code": code_now(officer.secret), "next": "/admin/dossiers/dossier/"})
    assert right.status_code == 302 and right["Location"] == "/admin/dossiers/dossier/"
    with caplog.at_level(logging.INFO, logger="accounts.security"):
        assert client.get("/admin/").status_code == 200
    assert "unlocked" in caplog.text
    assert client.session.session_key != locked_key  # rotated
    assert LOCKED_AT_KEY not in client.session


def test_an_old_mfa_record_or_the_password_does_not_unlock(client, officer, settings):
    login_staff(client, officer)
    client.get("/admin/")
    go_idle(client, settings)
    client.get("/admin/")
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY].append(
        {"method": "password", "at": time.time(), "reauthenticated": True}
    )
    session[AUTHENTICATION_METHODS_SESSION_KEY].append(
        {"method": "mfa", "at": session[LOCKED_AT_KEY] - 10, "reauthenticated": True}
    )
    session.save()
    assert client.get("/admin/")["Location"].startswith(REAUTH)


def test_past_the_working_day_the_session_ends(client, officer, settings):
    settings.STAFF_REAUTH_WINDOW_SECONDS = 3600
    login_staff(client, officer)
    client.get("/admin/")
    go_idle(client, settings, signed_in_ago=2 * 3600)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_locked_session_past_the_working_day_ends_too(client, officer, settings):
    login_staff(client, officer)
    client.get("/admin/")
    go_idle(client, settings)
    client.get("/admin/")
    settings.STAFF_REAUTH_WINDOW_SECONDS = 30
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - 120
    session.save()
    response = client.get(REAUTH)
    assert response["Location"].startswith(reverse("account_login")) and "_auth_user_id" not in client.session


def test_the_session_cookie_lives_to_the_end_of_the_window_not_30_minutes(client, officer, settings):
    login_staff(client, officer)
    client.get("/admin/")
    assert client.session.get_expiry_age() > settings.STAFF_IDLE_TIMEOUT_SECONDS
    assert client.session.get_expiry_age() <= settings.STAFF_REAUTH_WINDOW_SECONDS
