import json
import time
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.constants import ACTING_AS_SESSION_KEY
from accounts.middleware import LAST_SEEN_KEY
from accounts.models import CitizenProfile, Membership, Organisation
from accounts.services import DELETION_BLOCKERS
from tests.factories import AgencyFactory, UserFactory, login_staff, make_staff

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def officer():
    return make_staff(AgencyFactory(), "officer")


def totp_now(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    if time.time() % 30 > 25:  # never type a code in the last seconds of its 30-second step
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.mark.django_db(transaction=True)  # allauth records the enrolment on commit, as in production
def test_officer_without_mfa_is_walked_through_enrolment(client, officer):
    from notifications.services import ensure_default_templates

    ensure_default_templates()
    # Every account has a verified mobile number (phone is how accounts are created here).
    officer.email, officer.phone, officer.phone_verified = "motcua.test@example.vn", "+84912000111", True
    officer.save()
    response = client.post(
        reverse("account_login"), {"login": "motcua.test@example.vn", "password": "mat-khau-thu-nghiem-1"}
    )
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    activate_url = response["Location"]
    # allauth asks for the password again before an account-security change…
    reauth = client.get(activate_url)
    assert reauth.status_code == 302 and reauth["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reauth["Location"], {"password": "mat-khau-thu-nghiem-1"}).status_code == 302
    # …then shows the QR code and secret, and takes a code from the authenticator app.
    page = client.get(activate_url)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(activate_url, {"code": totp_now(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200  # enrolled in this session: in
    # Next time, the password alone is not enough: allauth asks for the authenticator code.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "motcua.test@example.vn", "password": "mat-khau-thu-nghiem-1"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302


def test_officer_with_mfa_reaches_the_admin(client, officer):
    login_staff(client, officer)
    assert client.get("/admin/").status_code == 200


def test_officer_session_without_second_factor_is_signed_out(client, officer):
    login_staff(client, officer)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time()}]
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_admin_login_page_goes_to_the_portal_login(client):
    response = client.get("/admin/login/?next=/admin/procedures/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2Fprocedures%2F"
    assert client.get("/admin/login/?next=https://evil.example/").url.endswith("next=%2Fadmin%2F")


def test_staff_idle_timeout(client, officer, settings):
    """Idle past the timeout: locked until the second factor again (tests/dossiers/test_officer_session.py);
    signed out when the sign-in is older than the re-authentication window."""
    login_staff(client, officer)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.STAFF_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    settings.STAFF_REAUTH_WINDOW_SECONDS = 0
    response = client.get("/admin/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_staff_passwords_need_12_characters():
    staff = UserFactory(is_staff=True)
    citizen = UserFactory()
    with pytest.raises(ValidationError):
        validate_password("ngan-qua-9x", user=staff)
    validate_password("ngan-qua-9x", user=citizen)  # 11 characters is fine for a citizen
    validate_password("du-dai-roi-12x", user=staff)


def profile_payload(**overrides):
    data = {
        "full_name": "Nguyễn Văn An",
        "personal_id": "027090012345",
        "date_of_birth": "1990-05-17",
        "sex": "male",
        "permanent_province_code": "24",
        "permanent_commune_code": "09187",
        "permanent_street": "Số 5 đường Lý Thái Tổ",
        "contact_same_as_permanent": "on",
    }
    data.update(overrides)
    return data


def test_profile_is_saved_with_unit_codes_and_names(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), profile_payload())
    assert response.status_code == 302, response.context["form"].errors
    profile = CitizenProfile.objects.get(user=user)
    assert (profile.permanent_province_code, profile.permanent_province_name) == ("24", "Bắc Ninh")
    assert (profile.permanent_commune_code, profile.permanent_commune_name) == ("09187", "Phường Kinh Bắc")
    assert profile.contact_commune_name == "Phường Kinh Bắc"
    assert profile.date_of_birth == date(1990, 5, 17) and profile.is_complete


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"personal_id": "12345"}, "personal_id", "12 chữ số"),
        ({"sex": "female"}, "personal_id", "giới tính"),
        ({"date_of_birth": "2001-01-01"}, "personal_id", "năm sinh"),
        ({"permanent_commune_code": "00070"}, "permanent_commune_code", "không thuộc tỉnh"),
        ({"permanent_province_code": "99"}, "permanent_province_code", ""),
    ],
)
def test_profile_errors_are_clear_and_nothing_is_saved(client, overrides, field, fragment):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), profile_payload(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert errors and fragment.lower() in errors.lower()
    assert not CitizenProfile.objects.filter(user=user, personal_id__gt="").exists()


def test_commune_options_follow_the_province(client):
    response = client.get(reverse("accounts:commune_options"), {"permanent_province_code": "24"})
    assert "Phường Kinh Bắc" in response.content.decode()
    assert (
        client.get(reverse("accounts:commune_options"), {"permanent_province_code": "<x>"}).status_code == 200
    )


def test_organisation_register_and_privacy(client):
    owner, stranger = UserFactory(), UserFactory()
    client.force_login(owner)
    response = client.post(
        reverse("accounts:organisation_new"),
        {
            "name": "Công ty TNHH Hoa Sen",
            "tax_code": "0100109106",
            "hq_province_code": "24",
            "hq_commune_code": "09187",
            "confirm": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    organisation = Organisation.objects.get(tax_code="0100109106")
    assert Membership.objects.get(user=owner, organisation=organisation).role == "representative"
    client.force_login(stranger)
    assert client.get(reverse("accounts:organisation_detail", args=[organisation.pk])).status_code == 404
    client.post(reverse("accounts:acting_as"), {"organisation": organisation.pk})
    assert ACTING_AS_SESSION_KEY not in client.session  # cannot act for someone else's organisation


def test_organisation_bad_tax_code(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organisation_new"),
        {
            "name": "X",
            "tax_code": "0100109107",
            "legal_representative": "Y",
            "hq_province_code": "24",
            "hq_commune_code": "09187",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["tax_code"]


def test_member_can_act_for_the_organisation(client):
    owner, member = UserFactory(), UserFactory(phone="+84912345699", phone_verified=True)
    organisation = Organisation.objects.create(
        name="HKD Bình An", tax_code="0300588569", legal_representative="A", status="verified"
    )
    Membership.objects.create(user=owner, organisation=organisation, role="representative")
    client.force_login(owner)
    client.post(reverse("accounts:organisation_detail", args=[organisation.pk]), {"phone": "0912 345 699"})
    # Invited, not added: nobody becomes a member without accepting.
    assert not Membership.objects.filter(user=member, organisation=organisation).exists()
    client.force_login(member)
    invitation = organisation.invitations.get()
    client.post(reverse("accounts:invitation_respond", args=[invitation.pk]), {"action": "accept"})
    assert Membership.objects.filter(user=member, organisation=organisation, role="member").exists()
    client.post(reverse("accounts:acting_as"), {"organisation": organisation.pk})
    assert client.session[ACTING_AS_SESSION_KEY] == organisation.pk


def test_a_user_never_sees_another_users_profile_data(client):
    other = UserFactory(full_name="Trần Thị Bí Mật")
    CitizenProfile.objects.create(user=other, personal_id="079301234567")
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    data = client.get(reverse("accounts:data_export")).content.decode()
    assert "Bí Mật" not in html and "079301234567" not in html and "079301234567" not in data


def test_data_export(client):
    user = UserFactory(full_name="Lê Văn Xuất", email="xuat@example.vn")
    client.force_login(user)
    response = client.get(reverse("accounts:data_export"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["full_name"] == "Lê Văn Xuất" and data["account"]["email"] == "xuat@example.vn"


def test_account_deletion_and_blockers(client):
    user = UserFactory()
    client.force_login(user)
    DELETION_BLOCKERS.append(lambda u: "Bạn còn hồ sơ đang giải quyết.")
    try:
        response = client.post(reverse("accounts:delete"), {"confirm": "yes"}, follow=True)
        assert "Bạn còn hồ sơ đang giải quyết." in response.content.decode()
        assert User.objects.filter(pk=user.pk).exists()
    finally:
        DELETION_BLOCKERS.pop()
    client.post(reverse("accounts:delete"), {"confirm": "yes"})
    assert not User.objects.filter(pk=user.pk).exists()


def test_pages_need_login(client):
    for name in (
        "accounts:profile",
        "accounts:profile_edit",
        "accounts:preferences",
        "accounts:data_export",
        "accounts:delete",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_the_vneid_mark_shows_only_beside_the_number_the_eid_gave(client):
    from django.urls import reverse

    from accounts.models import CitizenProfile

    user = UserFactory(full_name="Nguyễn Văn An")
    CitizenProfile.objects.create(
        user=user, personal_id="001090012345", eid_personal_id="001090012345", eid_verified=True
    )
    client.force_login(user)
    assert "đã xác thực VNeID" in client.get(reverse("accounts:profile")).content.decode()
    CitizenProfile.objects.filter(user=user).update(personal_id="001090012346")  # typed in later
    assert "đã xác thực VNeID" not in client.get(reverse("accounts:profile")).content.decode()


def test_staff_requests_rewrite_the_session_row_at_most_once_a_minute(client, officer):
    """The last-activity stamp moves once a minute, not on every request: a staff member's clicks do
    not each rewrite their session row (the idle lock stays exact to the minute)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def session_writes(queries):
        return [
            q["sql"]
            for q in queries
            if "session" in q["sql"].lower() and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
        ]

    login_staff(client, officer)
    url = reverse("accounts:profile")
    assert client.get(url).status_code == 200  # the first request stamps the session
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    assert session_writes(again.captured_queries) == []
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 61  # a minute later: stamped again
    session.save()
    with CaptureQueriesContext(connection) as later:
        assert client.get(url).status_code == 200
    assert len(session_writes(later.captured_queries)) == 1
    assert client.session[LAST_SEEN_KEY] >= int(time.time()) - 5
