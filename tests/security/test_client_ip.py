"""Rate limits keyed on the client's address, as the trusted proxies (TRUSTED_PROXY_COUNT) give it."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from core.ratelimit import client_ip

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"  # the reverse proxy, as the portal sees it connect


def lookup(client, *, remote: str, forwarded: str | None = None, n: int = 0):
    """The public lookup: 20 tries per address (and 5 per code, so each try asks for another code)."""
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.get(
        reverse("dossiers:lookup"),
        {"code": f"000.00.00.H00-260101-{n:04d}", "phone_last4": "1234"},
        **headers,
    )


def test_without_trusted_proxies_the_connecting_address_is_the_client(rf):
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "198.51.100.7"


def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client):
    for n in range(20):  # the public lookup allows 20 tries per address in 10 minutes
        assert lookup(client, remote="198.51.100.7", forwarded=f"203.0.113.{n}", n=n).status_code == 200
    assert lookup(client, remote="198.51.100.7", forwarded="203.0.113.99", n=99).status_code == 429
    assert lookup(client, remote="198.51.100.8").status_code == 200  # another device is not affected


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appended_is_the_client(rf):
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")) == "203.0.113.9"
    # Whatever the client wrote itself stays on the left and is ignored.
    forged = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"
    ipv6 = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 2001:db8::7")
    assert client_ip(ipv6) == "2001:db8::7"
    # A request that did not come through the proxy is keyed on whoever connected.
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_second_address_from_the_right_is_the_client(rf):
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.1")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_two_clients_behind_the_proxy_get_separate_buckets(client):
    for n in range(20):
        assert lookup(client, remote=PROXY, forwarded=f"9.9.9.{n}, 203.0.113.1", n=n).status_code == 200
    assert lookup(client, remote=PROXY, forwarded="203.0.113.1", n=99).status_code == 429
    assert lookup(client, remote=PROXY, forwarded="203.0.113.2").status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_failed_sign_ins_per_address_behind_the_proxy(client):
    """allauth's own limit (10 failed sign-ins a minute per address) uses the same address."""
    User = get_user_model()
    for n in range(11):
        User.objects.create_user(f"u{n}", password="mat-khau-dung-2026", phone=f"+8491234{n:04d}")

    def attempt(n: int, address: str, password: str = "sai-mat-khau"):
        return client.post(
            reverse("account_login"),
            {"login": f"+8491234{n:04d}", "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=address,
        )

    for n in range(10):  # ten accounts, one wrong password each: only the address limit can trip
        attempt(n, "203.0.113.1")
    attempt(10, "203.0.113.1", "mat-khau-dung-2026")
    assert "_auth_user_id" not in client.session  # this address is limited…
    assert attempt(10, "1.1.1.1, 203.0.113.2", "mat-khau-dung-2026").status_code == 302  # …the next is not


def test_allauth_asks_the_portal_for_the_address(rf):
    from allauth.account.adapter import get_adapter

    with override_settings(TRUSTED_PROXY_COUNT=1):
        request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
        assert get_adapter(request).get_client_ip(request) == "203.0.113.9"
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert get_adapter(request).get_client_ip(request) == "198.51.100.7"
