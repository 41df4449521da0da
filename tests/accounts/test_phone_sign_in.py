"""Sign-in by phone as people type it, the lockout per account, and the truth about codes."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications.models import Message

from .conftest import latest_code

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "mat-khau-dung-2026"


@pytest.fixture
def hoa():
    return User.objects.create_user(
        "hoa", email="hoa@example.vn", password=PASSWORD, phone="+84987654321", phone_verified=True
    )


def sign_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


@pytest.mark.parametrize(
    "typed",
    [
        "0987 654 321",
        "0987654321",
        "+84 987 654 321",
        "84987654321",
        "0987.654.321",
        "0987-654-321",
        " +84987654321 ",
        "HOA@example.vn",
    ],
)
def test_phone_typed_any_way_signs_in(client, hoa, typed):
    response = sign_in(client, typed)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert int(client.session["_auth_user_id"]) == hoa.pk


def test_demo_citizen_signs_in_with_the_number_as_the_readme_writes_it(client):
    from demo.accounts import load_demo_users

    load_demo_users()
    assert sign_in(client, "0912 345 678", "demo-congdan-2026").status_code == 302
    assert User.objects.get(pk=client.session["_auth_user_id"]).username == "congdan"


def test_wrong_password_for_a_phone_says_so(client, hoa):
    response = sign_in(client, "0987 654 321", "sai-mat-khau")
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def _fail(client, login, times=5):
    for _ in range(times):
        sign_in(client, login, "sai-mat-khau")


def test_five_wrong_passwords_for_one_phone_do_not_lock_another(client, hoa):
    other = User.objects.create_user("lan", password=PASSWORD, phone="+84912345699", phone_verified=True)
    _fail(client, "0987 654 321")
    assert sign_in(client, "0987654321").status_code == 200  # locked, even with the right password
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "0912 345 699").status_code == 302
    assert int(client.session["_auth_user_id"]) == other.pk


def test_the_ways_of_typing_one_phone_count_against_the_same_account(client, hoa):
    for typed in ["0987 654 321", "0987654321", "+84 987 654 321", "84987654321", "0987.654.321"]:
        sign_in(client, typed, "sai-mat-khau")
    response = sign_in(client, "+84987654321")
    assert "_auth_user_id" not in client.session
    assert "quá nhiều lần" in response.content.decode()


def test_email_and_phone_of_one_account_share_its_lock(client, hoa):
    _fail(client, "HOA@example.vn", times=3)
    _fail(client, "0987 654 321", times=2)
    response = sign_in(client, "hoa@example.vn")
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    # The lock message says what happened, for how long, and what to do now.
    assert "Đã nhập sai mật khẩu quá nhiều lần" in html and "5 phút" in html and "mã gửi qua SMS" in html


def test_unknown_identifiers_are_keyed_on_their_normalised_form(client):
    from accounts.adapter import login_attempts_key

    assert login_attempts_key(phone="0987 654 322") == login_attempts_key(phone="+84 987 654 322")
    assert login_attempts_key(phone="0987 654 322") == "phone:+84987654322"
    assert login_attempts_key(email=" Ai@Example.VN ") == "email:ai@example.vn"
    assert login_attempts_key(phone="0987 654 322") != login_attempts_key(phone="0987 654 323")


def test_a_password_reset_clears_the_account_lock(client, hoa, rf):
    from allauth.account.adapter import get_adapter
    from allauth.core.ratelimit import consume

    _fail(client, "0987 654 321")
    request = rf.post("/")
    key = get_adapter()._get_login_attempts_cache_key(request, phone="+84987654321")
    assert not consume(request, action="login_failed", key=key, dry_run=True)
    get_adapter()._delete_login_attempts_cached_email(request, email="hoa@example.vn")
    assert consume(request, action="login_failed", key=key, dry_run=True)


# --- sign-up with a number that already has an account ------------------------------------------------


def signup(client, typed):
    return client.post(
        reverse("account_signup"),
        {"phone": typed, "email": "", "password1": "", "password2": ""},
        follow=True,
    )


def test_sign_up_with_a_taken_number_tells_its_owner_and_offers_to_sign_in(
    client, hoa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "0987 654 321")
    assert User.objects.filter(phone="+84987654321").count() == 1  # no second account
    sms = Message.objects.get(recipient="+84987654321", event="account_exists")
    assert "đã có tài khoản" in sms.body_text.lower() or "da co tai khoan" in sms.body_text.lower()
    assert reverse("account_login") in sms.body_text
    assert not Message.objects.filter(recipient="+84987654321", event="security_code").exists()
    html = response.content.decode()
    assert "Nếu số này đã có tài khoản" in html and f'href="{reverse("account_login")}"' in html


def test_the_sign_up_page_says_the_same_for_a_new_number(client, hoa, django_capture_on_commit_callbacks):
    def page(number):
        client.cookies.clear()
        with django_capture_on_commit_callbacks(execute=True):
            html = signup(client, number).content.decode()
        return html.replace(number.replace(" ", ""), "<n>")

    taken, new = page("+84 987 654 321"), page("+84 987 654 320")
    assert Message.objects.filter(recipient="+84987654320", event="security_code").exists()

    def same_parts(html):  # all but the CSRF token and the number itself
        return [
            line.strip() for line in html.splitlines() if "csrf" not in line.lower() and "+84" not in line
        ]

    assert same_parts(taken) == same_parts(new)


def test_a_code_asked_for_an_unknown_number_says_there_is_no_account(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"phone": "0987 000 111"}, follow=True)
    assert Message.objects.filter(recipient="+84987000111", event="account_unknown").exists()
    assert "đăng ký tài khoản" in response.content.decode()


def test_code_request_with_both_fields_empty_is_a_form_error(client):
    response = client.post(reverse("account_request_login_code"), {"phone": "", "email": ""})
    assert response.status_code == 200
    assert "Nhập số điện thoại di động (hoặc email)" in response.content.decode()


# --- an expired code -------------------------------------------------------------------------------------


def test_an_expired_sign_in_code_is_explained(client, hoa, django_capture_on_commit_callbacks):
    import time_machine

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"phone": "0987 654 321"})
    code = latest_code("+84987654321")
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert "_auth_user_id" not in client.session
    assert response.redirect_chain[-1][0] == reverse("account_request_login_code")
    html = response.content.decode()
    assert "Mã đăng nhập đã hết hạn" in html and "10 phút" in html and "nhận mã mới" in html


def test_an_expired_phone_verification_code_is_explained(client, django_capture_on_commit_callbacks):
    import time_machine

    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "0987 654 300")
    code = latest_code("+84987654300")
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        response = client.post(reverse("account_verify_phone"), {"code": code}, follow=True)
    assert not User.objects.get(phone="+84987654300").phone_verified
    html = response.content.decode()
    assert "Mã xác thực số điện thoại đã hết hạn" in html and "Đăng nhập bằng mã SMS" in html


def test_a_fresh_code_page_has_no_expiry_message(client, hoa, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"phone": "0987 654 321"})
    html = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "hết hạn" not in html
    code = latest_code("+84987654321")
    assert client.post(reverse("account_confirm_login_code"), {"code": code}).status_code == 302
    assert int(client.session["_auth_user_id"]) == hoa.pk
