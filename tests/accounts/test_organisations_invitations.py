"""Nobody is added to a business without consent, and the invitation form tells nobody whether a
number has an account.

Personas: the representative of a verified organisation, a member, an invited person with an account,
an invited number with no account yet, and a stranger.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.constants import InvitationStatus, MemberRole, OrganisationStatus
from accounts.models import Invitation, Membership, Organisation, OrganisationEvent
from notifications.models import Message
from tests.factories import AgencyFactory, UserFactory, make_staff

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
INVITEE_PHONE = "+84912000401"
NEWCOMER_PHONE = "+84912000402"  # no account


@pytest.fixture
def organisation():
    return Organisation.objects.create(
        name="Công ty TNHH Hoa Sen",
        tax_code="0100109106",
        legal_representative="Nguyễn Văn An",
        status=OrganisationStatus.VERIFIED,
        verified_at=timezone.now(),
    )


@pytest.fixture
def representative(organisation):
    user = UserFactory(full_name="Nguyễn Văn An", phone="+84912000400", phone_verified=True)
    Membership.objects.create(user=user, organisation=organisation, role=MemberRole.REPRESENTATIVE)
    return user


@pytest.fixture
def member(organisation):
    user = UserFactory(full_name="Lê Thị Thành Viên", phone="+84912000403", phone_verified=True)
    Membership.objects.create(user=user, organisation=organisation, role=MemberRole.MEMBER)
    return user


@pytest.fixture
def invitee():
    return UserFactory(
        full_name="Trần Văn Được Mời", phone=INVITEE_PHONE, phone_verified=True, email="duocmoi@example.vn"
    )


@pytest.fixture
def stranger():
    return UserFactory(full_name="Người Lạ", phone="+84912000404", phone_verified=True)


def invite(representative, organisation, phone) -> tuple[Invitation, str]:
    """Create an invitation and return it with the token of its link (read from the SMS)."""
    invitation = services.invitation_create(actor=representative, organisation=organisation, phone=phone)
    sms = Message.objects.filter(event="organisation_invitation", recipient=phone, channel="sms").latest("id")
    token = re.search(r"/accounts/invitations/([A-Za-z0-9_-]+)/", sms.body_text).group(1)
    return invitation, token


def _scrub(html: str) -> str:
    """Without the CSRF tokens (in forms and in htmx's headers), which differ on every page."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", html)


# --- enumeration and rate limits ---------------------------------------------------------------


def test_the_form_says_the_same_whether_or_not_the_number_has_an_account(
    client, representative, organisation
):
    """The same number, once with an account and once without: every byte the representative sees is
    the same, apart from CSRF tokens and the invitation's database id (a PostgreSQL sequence is not
    rewound by the rollback between the two runs)."""
    UserFactory(full_name="Chủ Số Máy", phone=INVITEE_PHONE, phone_verified=True, email="chu@example.vn")
    client.force_login(representative)
    url = reverse("accounts:organisation_detail", args=[organisation.pk])
    seen = []
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):
        for has_account in (True, False):
            sid = transaction.savepoint()
            if not has_account:
                from accounts.models import User

                User.objects.filter(phone=INVITEE_PHONE).update(phone="", is_active=False)
            posted = client.post(url, {"phone": "0912 000 401"})
            page = client.get(url)
            invitation = Invitation.objects.get()
            html = _scrub(page.content.decode()).replace(f"/invitations/{invitation.pk}/", "/invitations/ID/")
            seen.append((posted.status_code, posted["Location"], posted.content, html))
            sms = Message.objects.filter(
                event="organisation_invitation", recipient=INVITEE_PHONE, channel="sms"
            )
            assert sms.count() == 1  # the number gets the invitation either way
            transaction.savepoint_rollback(sid)
            client.cookies.pop("messages", None)
    assert seen[0] == seen[1]
    assert seen[0][0] == 302 and "0912 000 401" in seen[0][3]
    assert "Chủ Số Máy" not in seen[0][3]  # nobody's name before they accept


def test_email_only_reaches_an_account_holder_and_nobody_is_added(representative, organisation, invitee):
    invite(representative, organisation, INVITEE_PHONE)
    invite(representative, organisation, NEWCOMER_PHONE)
    assert Message.objects.filter(event="organisation_invitation", channel="email").count() == 1
    assert Message.objects.get(event="organisation_invitation", channel="email").recipient == invitee.email
    assert not Membership.objects.filter(organisation=organisation, role=MemberRole.MEMBER).exists()
    sms = Message.objects.get(event="organisation_invitation", recipient=NEWCOMER_PHONE)
    assert "Cong ty TNHH Hoa Sen" in sms.body_text  # folded to GSM-7 for the SMS
    assert not Invitation.objects.filter(
        token_hash__in=re.findall(r"[A-Za-z0-9_-]{43}", sms.body_text)
    ).exists()


def test_invitations_are_rate_limited_per_representative(client, settings, representative, organisation):
    settings.ORGANISATION_INVITES_PER_USER_PER_HOUR = 2
    client.force_login(representative)
    url = reverse("accounts:organisation_detail", args=[organisation.pk])
    for number in ("0912 000 501", "0912 000 502"):
        assert client.post(url, {"phone": number}, follow=True).redirect_chain[0][1] == 302
    pages = [client.post(url, {"phone": number}) for number in ("0912 000 401", "0912 000 503")]
    assert all(p.status_code == 200 and "tối đa" in p.content.decode() for p in pages)
    assert _scrub(pages[0].content.decode()).replace("0912 000 401", "N") == _scrub(
        pages[1].content.decode()
    ).replace("0912 000 503", "N")
    assert Invitation.objects.count() == 2
    assert Message.objects.filter(event="organisation_invitation").count() == 2


def test_invitations_are_rate_limited_per_organisation(settings, representative, organisation):
    settings.ORGANISATION_INVITES_PER_ORGANISATION_PER_DAY = 1
    second = UserFactory(phone="+84912000410", phone_verified=True)
    Membership.objects.create(user=second, organisation=organisation, role=MemberRole.REPRESENTATIVE)
    services.invitation_create(actor=representative, organisation=organisation, phone="+84912000501")
    with pytest.raises(services.RateLimited, match="trong hôm nay"):
        services.invitation_create(actor=second, organisation=organisation, phone="+84912000502")


def test_only_the_representative_of_a_verified_organisation_invites(
    client, organisation, representative, member
):
    client.force_login(member)
    url = reverse("accounts:organisation_detail", args=[organisation.pk])
    assert "Gửi lời mời" not in client.get(url).content.decode()
    client.post(url, {"phone": "0912 000 501"})
    assert not Invitation.objects.exists()
    organisation.status = OrganisationStatus.UNVERIFIED
    organisation.save()
    client.force_login(representative)
    client.post(url, {"phone": "0912 000 501"})
    assert not Invitation.objects.exists()
    with pytest.raises(services.AccountError, match="xác minh"):
        services.invitation_create(actor=representative, organisation=organisation, phone="+84912000501")


def test_inviting_a_member_or_oneself_says_so(representative, organisation, member):
    with pytest.raises(services.AccountError, match="đã là thành viên"):
        services.invitation_create(actor=representative, organisation=organisation, phone=member.phone)
    with pytest.raises(services.AccountError, match="chính bạn"):
        services.invitation_create(
            actor=representative, organisation=organisation, phone=representative.phone
        )


def test_inviting_again_replaces_the_old_link(representative, organisation, invitee, client):
    first, first_token = invite(representative, organisation, INVITEE_PHONE)
    second, second_token = invite(representative, organisation, INVITEE_PHONE)
    first.refresh_from_db()
    assert first.status == InvitationStatus.REVOKED and second.is_open
    client.force_login(invitee)
    assert client.get(reverse("accounts:invitation", args=[first_token])).status_code == 410
    assert client.get(reverse("accounts:invitation", args=[second_token])).status_code == 200


# --- accepting, declining, tokens ---------------------------------------------------------------


def test_the_invitee_accepts_through_the_link_once(client, representative, organisation, invitee):
    invitation, token = invite(representative, organisation, INVITEE_PHONE)
    assert invitation.token_hash != token and token not in invitation.token_hash  # only a hash is kept
    url = reverse("accounts:invitation", args=[token])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(invitee)
    page = client.get(url)
    assert page.status_code == 200 and "Công ty TNHH Hoa Sen" in page.content.decode()
    response = client.post(url, {"action": "accept"})
    assert response.status_code == 302
    assert Membership.objects.get(user=invitee, organisation=organisation).role == MemberRole.MEMBER
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.user == invitee
    used = client.get(url)
    assert used.status_code == 410 and "chỉ dùng được một lần" in used.content.decode()
    assert client.post(url, {"action": "decline"}).status_code == 410
    assert Membership.objects.filter(user=invitee, organisation=organisation).exists()
    assert OrganisationEvent.objects.filter(kind="invitation_accepted", actor=invitee).exists()


def test_forged_expired_revoked_and_declined_links_get_a_clear_page(
    client, representative, organisation, invitee
):
    client.force_login(invitee)
    forged = client.get(reverse("accounts:invitation", args=["A" * 43]))
    assert forged.status_code == 404 and "Đường dẫn không đúng" in forged.content.decode()
    too_long = client.get(reverse("accounts:invitation", args=["A" * 5000]))
    assert too_long.status_code == 404

    invitation, token = invite(representative, organisation, INVITEE_PHONE)
    url = reverse("accounts:invitation", args=[token])
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        expired = client.get(url)
        assert expired.status_code == 410 and "hết hạn" in expired.content.decode()
        assert client.post(url, {"action": "accept"}).status_code == 410
        assert not Membership.objects.filter(user=invitee).exists()

    services.invitation_revoke(actor=representative, invitation=invitation)
    revoked = client.get(url)
    assert revoked.status_code == 410 and "thu hồi" in revoked.content.decode()

    _second, token = invite(representative, organisation, INVITEE_PHONE)
    client.post(reverse("accounts:invitation", args=[token]), {"action": "decline"})
    declined = client.get(reverse("accounts:invitation", args=[token]))
    assert declined.status_code == 410 and "từ chối" in declined.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_another_users_invitation_is_a_404(client, representative, organisation, invitee, stranger):
    invitation, token = invite(representative, organisation, INVITEE_PHONE)
    client.force_login(stranger)
    response = client.get(reverse("accounts:invitation", args=[token]))
    assert response.status_code == 404 and "Công ty TNHH Hoa Sen" not in response.content.decode()
    assert client.post(reverse("accounts:invitation", args=[token]), {"action": "accept"}).status_code == 404
    respond = reverse("accounts:invitation_respond", args=[invitation.pk])
    assert client.post(respond, {"action": "accept"}).status_code == 404
    assert (
        client.post(reverse("accounts:invitation_respond", args=[999999]), {"action": "accept"}).status_code
        == 404
    )
    invitation.refresh_from_db()
    assert invitation.is_open and not Membership.objects.filter(user=stranger).exists()


def test_an_unverified_phone_cannot_take_an_invitation(client, representative, organisation):
    squatter = UserFactory(phone=INVITEE_PHONE, phone_verified=False)
    invitation, token = invite(representative, organisation, INVITEE_PHONE)
    client.force_login(squatter)
    assert client.get(reverse("accounts:invitation", args=[token])).status_code == 404
    respond = reverse("accounts:invitation_respond", args=[invitation.pk])
    assert client.post(respond, {"action": "accept"}).status_code == 404
    assert "Lời mời tham gia tổ chức" not in client.get(reverse("accounts:profile")).content.decode()


def test_a_newcomer_signs_up_and_accepts_from_the_profile(client, representative, organisation):
    invitation, _token = invite(representative, organisation, NEWCOMER_PHONE)
    newcomer = UserFactory(full_name="Người Mới", phone=NEWCOMER_PHONE, phone_verified=True)
    client.force_login(newcomer)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Lời mời tham gia tổ chức" in profile and "Công ty TNHH Hoa Sen" in profile
    client.post(reverse("accounts:invitation_respond", args=[invitation.pk]), {"action": "accept"})
    assert Membership.objects.filter(user=newcomer, organisation=organisation).exists()
    assert "Lời mời tham gia tổ chức" not in client.get(reverse("accounts:profile")).content.decode()


def test_staff_accounts_cannot_join(client, representative, organisation):
    officer = make_staff(AgencyFactory(), "officer", phone="+84912000420", phone_verified=True)
    invitation, _token = invite(representative, organisation, officer.phone)
    with pytest.raises(services.AccountError):
        services.invitation_accept(invitation=invitation, user=officer)
    assert not Membership.objects.filter(user=officer).exists()


def test_the_representative_sees_every_state_and_revokes(
    client, representative, organisation, invitee, stranger
):
    accepted, _ = invite(representative, organisation, INVITEE_PHONE)
    services.invitation_accept(invitation=accepted, user=invitee)
    declined, _ = invite(representative, organisation, stranger.phone)
    services.invitation_decline(invitation=declined, user=stranger)
    expired, _ = invite(representative, organisation, "+84912000601")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    pending, _ = invite(representative, organisation, "+84912000602")
    client.force_login(representative)
    page = client.get(reverse("accounts:organisation_detail", args=[organisation.pk])).content.decode()
    for label in ("Đã chấp nhận", "Đã từ chối", "Đã hết hạn", "Đang chờ trả lời"):
        assert label in page
    assert page.count(">Thu hồi<") == 1  # only the pending one
    # A member cannot revoke; the representative can.
    client.force_login(invitee)
    url = reverse("accounts:invitation_revoke", args=[organisation.pk, pending.pk])
    client.post(url)
    pending.refresh_from_db()
    assert pending.is_open
    client.force_login(representative)
    client.post(url)
    pending.refresh_from_db()
    assert pending.status == InvitationStatus.REVOKED
    # Another organisation's invitation id under this organisation: 404.
    other = Organisation.objects.create(name="Khác", tax_code="2301234580", legal_representative="X")
    foreign = Invitation.objects.create(
        organisation=other,
        phone="+84912000700",
        token_hash="f" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert (
        client.post(reverse("accounts:invitation_revoke", args=[organisation.pk, foreign.pk])).status_code
        == 404
    )


def test_members_leave_and_the_representative_removes(client, representative, organisation, member, stranger):
    client.force_login(stranger)
    detail = reverse("accounts:organisation_detail", args=[organisation.pk])
    assert client.get(detail).status_code == 404
    membership = Membership.objects.get(user=member)
    assert (
        client.post(reverse("accounts:member_remove", args=[organisation.pk, membership.pk])).status_code
        == 404
    )
    assert client.post(reverse("accounts:organisation_leave", args=[organisation.pk])).status_code == 404

    # A member removes nobody, and the representative cannot be removed or simply leave.
    client.force_login(member)
    rep_membership = Membership.objects.get(user=representative)
    client.post(reverse("accounts:member_remove", args=[organisation.pk, rep_membership.pk]))
    client.force_login(representative)
    client.post(reverse("accounts:member_remove", args=[organisation.pk, rep_membership.pk]))
    client.post(reverse("accounts:organisation_leave", args=[organisation.pk]))
    assert Membership.objects.filter(user=representative).exists()

    client.post(reverse("accounts:member_remove", args=[organisation.pk, membership.pk]))
    assert not Membership.objects.filter(user=member).exists()

    again = UserFactory(phone="+84912000405", phone_verified=True)
    Membership.objects.create(user=again, organisation=organisation, role=MemberRole.MEMBER)
    client.force_login(again)
    client.post(reverse("accounts:acting_as"), {"organisation": organisation.pk})
    response = client.post(reverse("accounts:organisation_leave", args=[organisation.pk]))
    assert response.status_code == 302 and not Membership.objects.filter(user=again).exists()
    assert "acting_as_organisation" not in client.session


def test_personas_on_the_organisation_page(client, representative, organisation, member, invitee, stranger):
    invite(representative, organisation, INVITEE_PHONE)
    url = reverse("accounts:organisation_detail", args=[organisation.pk])
    client.force_login(representative)
    page = client.get(url).content.decode()
    assert "Gửi lời mời" in page and "0912 000 401" in page
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Gửi lời mời" not in page and "0912 000 401" not in page and "Rời tổ chức" in page
    for outsider in (invitee, stranger):  # invited is not a member
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_organisation_page_queries_do_not_grow_with_members(
    client, representative, organisation, django_assert_num_queries
):
    client.force_login(representative)
    url = reverse("accounts:organisation_detail", args=[organisation.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        user = UserFactory(phone=f"+849120008{n:02d}", phone_verified=True)
        Membership.objects.create(user=user, organisation=organisation, role=MemberRole.MEMBER)
        Invitation.objects.create(
            organisation=organisation,
            phone=f"+849120009{n:02d}",
            token_hash=f"{n:064d}",
            expires_at=timezone.now() + timedelta(days=1),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
