"""Nobody takes over a business: verification by the business register or an officer, disputes, and
what an unverified or disputed organisation may do (prepare drafts, never submit).

Personas: the real representative (eID name and number match the register), an impostor (types the
director's name into the profile, or has a different eID), a member, a stranger, and officers with
and without the verifier permission.
"""

import itertools
import unicodedata
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import selectors, services
from accounts.constants import (
    ACTING_AS_SESSION_KEY,
    VERIFIER_GROUP,
    ClaimKind,
    ClaimStatus,
    InvitationStatus,
    MemberRole,
    OrganisationEventKind,
    OrganisationStatus,
    RegisterOutcome,
)
from accounts.models import (
    CitizenProfile,
    ClaimDocument,
    Invitation,
    Membership,
    Organisation,
    OrganisationClaim,
    OrganisationEvent,
)
from accounts.registers import RegisterRecord, business_register
from accounts.registers.matching import Identity, compare, names_match
from dossiers import services as dossier_services
from dossiers.constants import Status
from notifications.models import Message
from tests.factories import AgencyFactory, UserFactory, login_staff, make_staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# Documented test tax codes of the register simulator (accounts/registers/simulator_data.json).
KINH_BAC = "2301234566"  # active; representative Nguyễn Văn An
KINH_BAC_BRANCH = "2301234566-001"  # branch; head Lê Thị Hồng Nhung
HOA_SEN = "2301234573"  # active; Trần Thị Thu Thủy with her identification number
CLOSED = "2302345678"
UNACCENTED = "2304567891"  # HOANG VAN EM
TIMES_OUT = "2305678900"
NOT_IN_REGISTER = "0100109106"

AN_ID = "027085001234"
THUY_ID = "027190001234"


_phones = itertools.count(300)


def citizen(**kwargs):
    """A citizen with a verified phone (every account has one: phone is how accounts are created)."""
    return UserFactory(phone=f"+84912000{next(_phones):03d}", phone_verified=True, **kwargs)


def with_eid(user, full_name: str, personal_id: str):
    """As if the person had signed in with the national eID."""
    CitizenProfile.objects.update_or_create(
        user=user,
        defaults={
            "eid_verified": True,
            "eid_full_name": full_name,
            "eid_personal_id": personal_id,
            "personal_id": personal_id,
        },
    )
    return user


def upload(name: str = "giay-to.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def register(user, tax_code: str, name: str = "Công ty thử nghiệm"):
    return services.organisation_register(
        user=user, name=name, tax_code=tax_code, hq_province_code="24", hq_commune_code="09187"
    )


def form_data(tax_code: str, **extra) -> dict:
    return {
        "name": "Công ty TNHH Thương mại Kinh Bắc",
        "tax_code": tax_code,
        "hq_province_code": "24",
        "hq_commune_code": "09187",
        "confirm": "on",
        **extra,
    }


@pytest.fixture
def real_rep():
    return with_eid(
        UserFactory(full_name="Nguyễn Văn An", phone="+84912000101", phone_verified=True),
        "Nguyễn Văn An",
        AN_ID,
    )


@pytest.fixture
def impostor():
    # Types the director's name (public in the register) into the profile: proves nothing.
    return UserFactory(
        full_name="Nguyễn Văn An", phone="+84912000102", phone_verified=True, email="gia.mao@example.vn"
    )


@pytest.fixture
def verifier():
    from django.contrib.auth.models import Group

    services.ensure_role_groups()
    officer = make_staff(AgencyFactory(), "officer")
    officer.groups.add(Group.objects.get(name=VERIFIER_GROUP))
    return officer


# --- names, the Vietnamese way ------------------------------------------------------------------


def test_names_compare_nfc_case_whitespace_and_tone_placement():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert names_match(decomposed, "Nguyễn Văn An")
    assert names_match("  nguyễn   VĂN an ", "Nguyễn Văn An")
    assert names_match("Đỗ Thị Giang", "đỗ thị giang")
    assert names_match("Trần Thị Thu Thuỷ", "Trần Thị Thu Thủy")  # old and new tone placement
    assert names_match("Lê Thị Hoà", "Lê Thị Hòa")
    assert not names_match("Lê Văn An", "Lệ Văn An")  # both written with marks: they must agree
    assert not names_match("Nguyễn Văn Ân", "Nguyễn Văn An")
    assert not names_match("Nguyễn Văn", "Nguyễn Văn An")
    assert not names_match("", "")


def test_unaccented_register_records_match_only_when_one_side_has_no_marks():
    assert names_match("Hoàng Văn Em", "HOANG VAN EM")
    assert names_match("Đặng Văn Đức", "DANG VAN DUC")
    assert not names_match("Hoàng Văn Em", "HOANG VAN EM", allow_unaccented=False)
    assert not names_match("Hoàng Văn Em", "HOANG VAN EMM")


def test_compare_branch_parent_closed_and_namesakes():
    register = business_register("simulator")
    branch = register.lookup(KINH_BAC_BRANCH)
    parent = register.lookup(branch.parent_tax_code)
    assert compare(branch, Identity("Lê Thị Hồng Nhung", "1"), parent=parent) == RegisterOutcome.MATCHED
    assert compare(branch, Identity("Nguyễn Văn An", AN_ID), parent=parent) == RegisterOutcome.MATCHED
    assert compare(register.lookup(CLOSED), Identity("Lê Văn Cường")) == RegisterOutcome.CLOSED
    hoa_sen = register.lookup(HOA_SEN)
    assert compare(hoa_sen, Identity("Trần Thị Thu Thuỷ", THUY_ID)) == RegisterOutcome.MATCHED
    assert compare(hoa_sen, Identity("Trần Thị Thu Thủy", "001190000001")) == RegisterOutcome.ID_MISMATCH
    assert compare(hoa_sen, None) == RegisterOutcome.NO_VERIFIED_IDENTITY
    assert compare(None, Identity("Ai Đó")) == RegisterOutcome.NOT_FOUND
    assert "representative_personal_id" not in hoa_sen.as_dict()  # never stored


# --- registration and the register check --------------------------------------------------------


def test_the_real_representative_is_verified_by_the_register(client, real_rep):
    client.force_login(real_rep)
    response = client.post(reverse("accounts:organisation_new"), form_data(KINH_BAC, name="Cty Kinh Bac"))
    organisation = Organisation.objects.get(tax_code=KINH_BAC)
    assert response.status_code == 302 and response["Location"].endswith(f"/organisations/{organisation.pk}/")
    assert (
        organisation.status == OrganisationStatus.VERIFIED and organisation.verification_method == "register"
    )
    # The register's wording wins over what was typed.
    assert organisation.name == "Công ty TNHH Thương mại Kinh Bắc"
    assert organisation.legal_representative == "Nguyễn Văn An"
    claim = OrganisationClaim.objects.get(organisation=organisation)
    assert claim.status == ClaimStatus.APPROVED and claim.register_outcome == RegisterOutcome.MATCHED
    assert claim.decided_by is None
    assert Message.objects.filter(event="organisation_verified", user=real_rep).exists()
    assert OrganisationEvent.objects.filter(
        organisation=organisation, kind=OrganisationEventKind.VERIFIED
    ).exists()


def test_an_impostor_who_types_the_directors_name_stays_unverified(client, impostor):
    client.force_login(impostor)
    response = client.post(reverse("accounts:organisation_new"), form_data(KINH_BAC), follow=True)
    organisation = Organisation.objects.get(tax_code=KINH_BAC)
    assert organisation.status == OrganisationStatus.UNVERIFIED
    assert OrganisationClaim.objects.get().register_outcome == RegisterOutcome.NO_VERIFIED_IDENTITY
    page = response.content.decode()
    assert "Tổ chức chưa được xác minh" in page and "VNeID" in page
    assert "Nộp giấy tờ để cán bộ xác nhận" in page
    assert not Message.objects.filter(event="organisation_verified").exists()


def test_registration_needs_the_representatives_declaration(client, real_rep):
    client.force_login(real_rep)
    data = form_data(KINH_BAC)
    del data["confirm"]
    response = client.post(reverse("accounts:organisation_new"), data)
    assert response.status_code == 200 and "người đại diện mời bạn" in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("tax_code", "full_name", "personal_id", "outcome"),
    [
        (KINH_BAC, "Phạm Văn Bình", "027085009999", RegisterOutcome.NAME_MISMATCH),
        (HOA_SEN, "Trần Thị Thu Thủy", "001190000001", RegisterOutcome.ID_MISMATCH),  # a namesake
        (CLOSED, "Lê Văn Cường", "027080001111", RegisterOutcome.CLOSED),
        (NOT_IN_REGISTER, "Nguyễn Văn An", AN_ID, RegisterOutcome.NOT_FOUND),
        (TIMES_OUT, "Nguyễn Văn An", AN_ID, RegisterOutcome.UNAVAILABLE),
    ],
)
def test_what_the_register_says_leaves_it_unverified_with_an_explanation(
    client, tax_code, full_name, personal_id, outcome
):
    user = with_eid(UserFactory(full_name=full_name), full_name, personal_id)
    client.force_login(user)
    page = client.post(reverse("accounts:organisation_new"), form_data(tax_code), follow=True)
    organisation = Organisation.objects.get(tax_code=tax_code)
    assert organisation.status == OrganisationStatus.UNVERIFIED
    claim = OrganisationClaim.objects.get(organisation=organisation)
    assert claim.register_outcome == outcome and claim.status == ClaimStatus.PENDING
    assert str(RegisterOutcome(outcome).label) in page.content.decode()


@pytest.mark.parametrize(
    ("tax_code", "full_name", "personal_id"),
    [
        (HOA_SEN, "Trần Thị Thu Thuỷ", THUY_ID),  # the same name with the tone mark placed the old way
        (UNACCENTED, "Hoàng Văn Em", "027088002222"),  # an old record kept without diacritics
        (KINH_BAC_BRANCH, "Lê Thị Hồng Nhung", "027090003333"),  # the branch's head
        (KINH_BAC_BRANCH, "Nguyễn Văn An", AN_ID),  # the parent company's legal representative
    ],
)
def test_register_matches_the_vietnamese_way(tax_code, full_name, personal_id):
    user = with_eid(UserFactory(full_name="tên hiển thị khác"), full_name, personal_id)
    assert register(user, tax_code).status == OrganisationStatus.VERIFIED


def test_check_again_after_signing_in_with_the_eid(client):
    user = UserFactory(full_name="Nguyễn Văn An")
    organisation = register(user, KINH_BAC)
    assert organisation.status == OrganisationStatus.UNVERIFIED
    with_eid(user, "Nguyễn Văn An", AN_ID)
    client.force_login(user)
    response = client.post(reverse("accounts:organisation_check", args=[organisation.pk]))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED


def test_check_again_is_rate_limited_and_only_for_the_representative(client, settings, real_rep):
    settings.ORGANISATION_REGISTER_CHECKS_PER_HOUR = 2
    organisation = register(UserFactory(), TIMES_OUT)
    member = UserFactory()
    Membership.objects.create(user=member, organisation=organisation, role=MemberRole.MEMBER)
    client.force_login(member)
    assert client.post(reverse("accounts:organisation_check", args=[organisation.pk])).status_code == 404
    client.force_login(organisation.memberships.get(role=MemberRole.REPRESENTATIVE).user)
    url = reverse("accounts:organisation_check", args=[organisation.pk])
    client.post(url)
    client.post(url)
    page = client.post(url, follow=True).content.decode()
    assert "nhiều lần trong giờ qua" in page


def test_the_manual_register_asks_for_documents(settings, real_rep):
    settings.BUSINESS_REGISTER = "manual"
    organisation = register(real_rep, KINH_BAC)
    assert organisation.status == OrganisationStatus.UNVERIFIED
    assert OrganisationClaim.objects.get().register_outcome == RegisterOutcome.NOT_CONNECTED


def test_registrations_are_rate_limited(settings):
    settings.ORGANISATION_CLAIMS_PER_USER_PER_DAY = 2
    user = UserFactory()
    register(user, "2301234580")
    register(user, "2301234598")
    with pytest.raises(services.RateLimited, match="tối đa"):
        register(user, "2301234608")
    assert Organisation.objects.count() == 2


def test_staff_accounts_do_not_register_businesses():
    officer = make_staff(AgencyFactory(), "officer")
    with pytest.raises(services.AccountError):
        register(officer, KINH_BAC)


def test_a_claimed_tax_code_offers_a_competing_claim_not_the_first_claimants_name(client, impostor, real_rep):
    register(impostor, KINH_BAC)
    client.force_login(real_rep)
    response = client.post(reverse("accounts:organisation_new"), form_data(KINH_BAC))
    assert response.status_code == 302 and reverse("accounts:organisation_claim") in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Đề nghị xác nhận người đại diện" in page and 'type="file"' in page
    assert "đề nghị người đại diện" not in page.lower()  # nobody is told to ask the first claimant
    assert impostor.phone not in page and "0912 000 102" not in page
    assert not Membership.objects.filter(user=real_rep).exists()


def test_the_claim_page_refuses_garbage(client, real_rep):
    client.force_login(real_rep)
    for value in ("", "abc", "0100109107", "9" * 500):
        response = client.get(reverse("accounts:organisation_claim"), {"tax_code": value})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:organisation_new")


# --- documents and the officer's decision -------------------------------------------------------


def test_proof_documents_are_checked_from_their_bytes(client, impostor, settings):
    organisation = register(impostor, NOT_IN_REGISTER)
    client.force_login(impostor)
    url = reverse("accounts:organisation_documents", args=[organisation.pk])
    fake = upload("giay-phep.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(url, {"certificate": fake, "identity": upload("cccd.png", PNG)})
    assert (
        response.status_code == 200
        and "không phải ảnh JPEG, PNG hoặc tài liệu PDF" in response.content.decode()
    )
    settings.ORGANISATION_DOCUMENT_MAX_BYTES = 10
    response = client.post(url, {"certificate": upload(), "identity": upload("cccd.png", PNG)})
    assert "quá giới hạn" in response.content.decode()
    long_name = "a" * 1000 + ".pdf"
    settings.ORGANISATION_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    response = client.post(url, {"certificate": upload(long_name), "identity": upload("cccd.png", PNG)})
    assert response.status_code == 302
    claim = OrganisationClaim.objects.get()
    assert claim.documents_submitted_at is not None
    names = sorted(d.original_name for d in claim.documents.all())
    assert len(names[0]) <= 150 and {d.file_kind for d in claim.documents.all()} == {"pdf", "png"}
    # Handing in again replaces the files rather than piling up ID card scans.
    client.post(url, {"certificate": upload(), "identity": upload("cccd.png", PNG)})
    assert claim.documents.count() == 2


def test_documents_need_a_claim_or_the_representative(real_rep):
    organisation = register(UserFactory(), NOT_IN_REGISTER)
    member = UserFactory()
    Membership.objects.create(user=member, organisation=organisation, role=MemberRole.MEMBER)
    with pytest.raises(services.AccountError):
        services.claim_documents_submit(
            user=member, organisation=organisation, certificate=upload(), identity=upload()
        )
    assert not ClaimDocument.objects.exists()


def test_officer_confirms_from_documents_audited(client, real_rep, verifier):
    organisation = register(real_rep, NOT_IN_REGISTER)
    claim = services.claim_documents_submit(
        user=real_rep, organisation=organisation, certificate=upload(), identity=upload("cccd.png", PNG)
    )
    login_staff(client, verifier)
    url = reverse("admin:accounts_organisationclaim_decide", args=[claim.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Nguyễn Văn An" in page.content.decode()
    response = client.post(url, {"decision": "approve", "reason": "Đã đối chiếu bản gốc"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (
        organisation.status == OrganisationStatus.VERIFIED and organisation.verification_method == "documents"
    )
    assert organisation.verified_by == verifier and organisation.verified_at is not None
    event = OrganisationEvent.objects.get(organisation=organisation, kind=OrganisationEventKind.VERIFIED)
    assert event.actor == verifier and event.note == "Đã đối chiếu bản gốc"
    assert {e["sha256"] for e in event.data["evidence"]} == set(
        claim.documents.values_list("sha256", flat=True)
    )
    assert Message.objects.filter(event="organisation_verified", user=real_rep).exists()


def test_officer_refusal_needs_a_reason_and_tells_the_claimant(client, impostor, verifier):
    organisation = register(impostor, NOT_IN_REGISTER)
    claim = services.claim_documents_submit(
        user=impostor, organisation=organisation, certificate=upload(), identity=upload()
    )
    login_staff(client, verifier)
    url = reverse("admin:accounts_organisationclaim_decide", args=[claim.pk])
    response = client.post(url, {"decision": "refuse", "reason": "  "})
    assert response.status_code == 200 and "Hãy ghi lý do" in response.content.decode()
    client.post(url, {"decision": "refuse", "reason": "Giấy chứng nhận không khớp mã số thuế"})
    claim.refresh_from_db()
    organisation.refresh_from_db()
    assert claim.status == ClaimStatus.REFUSED and claim.decided_by == verifier
    assert organisation.status == OrganisationStatus.UNVERIFIED
    message = Message.objects.get(event="organisation_refused", user=impostor, channel="sms")
    assert (
        "Giấy chứng nhận không khớp"
        in Message.objects.get(event="organisation_refused", channel="email").body_text
    )
    assert message.recipient == impostor.phone
    # Deciding twice (a stale page, a double click) changes nothing.
    response = client.post(url, {"decision": "approve", "reason": ""})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.UNVERIFIED


def test_only_verifiers_decide_and_see_documents(client, real_rep):
    organisation = register(real_rep, NOT_IN_REGISTER)
    claim = services.claim_documents_submit(
        user=real_rep, organisation=organisation, certificate=upload(), identity=upload()
    )
    officer = make_staff(AgencyFactory(), "officer")
    login_staff(client, officer)
    document = claim.documents.first()
    assert client.get(reverse("admin:accounts_organisationclaim_decide", args=[claim.pk])).status_code == 403
    url = reverse("admin:accounts_organisationclaim_document", args=[claim.pk, document.pk])
    assert client.get(url).status_code == 403
    with pytest.raises(services.AccountError):
        services.claim_approve(claim=claim, officer=officer)
    client.force_login(real_rep)  # a citizen in the admin: sent to the login page
    assert client.get(url).status_code == 302


def test_document_download_is_an_attachment_named_by_its_type_and_logged(client, real_rep, verifier):
    organisation = register(real_rep, NOT_IN_REGISTER)
    claim = services.claim_documents_submit(
        user=real_rep,
        organisation=organisation,
        certificate=upload("ho-so.hta", PDF),
        identity=upload("cccd.png", PNG),
    )
    document = claim.documents.get(kind="certificate")
    login_staff(client, verifier)
    response = client.get(reverse("admin:accounts_organisationclaim_document", args=[claim.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert f'giay-to-{claim.pk}-certificate.pdf"' in response["Content-Disposition"]
    assert ".hta" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert OrganisationEvent.objects.filter(
        kind=OrganisationEventKind.DOCUMENT_VIEWED, actor=verifier, data__document=document.pk
    ).exists()
    other = services.claim_documents_submit(
        user=(u := UserFactory()),
        organisation=register(u, "2301234580"),
        certificate=upload(),
        identity=upload(),
    )
    wrong = reverse("admin:accounts_organisationclaim_document", args=[claim.pk, other.documents.first().pk])
    assert client.get(wrong).status_code == 404


# --- disputes -----------------------------------------------------------------------------------


def test_the_real_representative_takes_back_a_business_the_register_confirms(client, impostor, real_rep):
    organisation = register(impostor, KINH_BAC)
    accomplice = UserFactory(phone="+84912000199", phone_verified=True)
    Membership.objects.create(user=accomplice, organisation=organisation, role=MemberRole.MEMBER)
    Invitation.objects.create(
        organisation=organisation,
        phone="+84912000198",
        invited_by=impostor,
        token_hash="x" * 64,
        expires_at="2999-01-01T00:00:00Z",
    )
    client.force_login(real_rep)
    url = f"{reverse('accounts:organisation_claim')}?tax_code={KINH_BAC}"
    response = client.post(
        url, {"certificate": upload(), "identity": upload("cccd.png", PNG), "note": "", "confirm": "on"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/organisations/{organisation.pk}/")
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED
    assert set(organisation.memberships.values_list("user_id", "role")) == {(real_rep.pk, "representative")}
    assert Invitation.objects.get().status == InvitationStatus.REVOKED
    assert OrganisationClaim.objects.get(claimant=impostor).status == ClaimStatus.REFUSED
    # Both sides are told.
    assert Message.objects.filter(event="organisation_dispute_settled", user=impostor).exists()
    assert Message.objects.filter(event="organisation_dispute_settled", user=real_rep).exists()
    client.force_login(impostor)
    assert client.get(reverse("accounts:organisation_detail", args=[organisation.pk])).status_code == 404
    assert "Không được xác nhận" in client.get(reverse("accounts:profile")).content.decode()


def test_a_dispute_the_register_contradicts_is_refused_and_freezes_nothing(real_rep, impostor):
    organisation = register(real_rep, KINH_BAC)
    assert organisation.status == OrganisationStatus.VERIFIED
    claim = services.organisation_dispute_open(
        user=impostor, organisation=organisation, certificate=upload(), identity=upload()
    )
    organisation.refresh_from_db()
    assert claim.status == ClaimStatus.REFUSED and organisation.status == OrganisationStatus.VERIFIED
    assert selectors.is_representative(real_rep, organisation)
    assert not Message.objects.filter(event="organisation_dispute_opened").exists()


def test_an_undecidable_dispute_freezes_both_sides_until_an_officer_decides(client, verifier):
    incumbent, member, challenger = citizen(), citizen(), citizen()
    organisation = register(incumbent, NOT_IN_REGISTER)
    incumbent_claim = services.claim_documents_submit(
        user=incumbent, organisation=organisation, certificate=upload(), identity=upload()
    )
    services.claim_approve(claim=incumbent_claim, officer=verifier)
    Membership.objects.create(user=member, organisation=organisation, role=MemberRole.MEMBER)
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED

    claim = services.organisation_dispute_open(
        user=challenger,
        organisation=organisation,
        certificate=upload(),
        identity=upload(),
        note="Tôi là GĐ mới",
    )
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.DISPUTED and claim.is_pending
    assert Message.objects.filter(event="organisation_dispute_opened", user=incumbent).exists()
    # The challenger is not a member meanwhile: no access to the business's dossiers or members.
    assert not Membership.objects.filter(user=challenger).exists()
    with pytest.raises(services.AccountError):  # one pending claim per person
        services.organisation_dispute_open(
            user=challenger, organisation=organisation, certificate=upload(), identity=upload()
        )

    services.claim_approve(claim=claim, officer=verifier, reason="Nghị quyết thay đổi người đại diện")
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED and organisation.verified_by == verifier
    assert list(organisation.memberships.values_list("user_id", flat=True)) == [challenger.pk]
    assert OrganisationClaim.objects.get(pk=incumbent_claim.pk).status == ClaimStatus.REVOKED
    for person in (incumbent, challenger):
        assert Message.objects.filter(event="organisation_dispute_settled", user=person).exists()


def test_a_refused_dispute_restores_the_verified_organisation(verifier):
    incumbent, challenger = citizen(), citizen()
    organisation = register(incumbent, NOT_IN_REGISTER)
    services.claim_approve(
        claim=services.claim_documents_submit(
            user=incumbent, organisation=organisation, certificate=upload(), identity=upload()
        ),
        officer=verifier,
    )
    claim = services.organisation_dispute_open(
        user=challenger, organisation=organisation, certificate=upload(), identity=upload()
    )
    with pytest.raises(services.AccountError):
        services.claim_refuse(claim=claim, officer=verifier, reason="")
    services.claim_refuse(claim=claim, officer=verifier, reason="Giấy tờ giả")
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.VERIFIED
    assert selectors.is_representative(incumbent, organisation)
    assert Message.objects.filter(event="organisation_dispute_settled", user=challenger).exists()
    assert Message.objects.filter(event="organisation_dispute_settled", user=incumbent).exists()


def test_a_dispute_with_bad_files_leaves_nothing_behind(impostor, real_rep):
    organisation = register(impostor, NOT_IN_REGISTER)
    with pytest.raises(services.AccountError):
        services.organisation_dispute_open(
            user=real_rep,
            organisation=organisation,
            certificate=upload(),
            identity=upload("x.png", b"GIF89a"),
        )
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.UNVERIFIED
    assert not OrganisationClaim.objects.filter(kind=ClaimKind.DISPUTE).exists()
    assert not ClaimDocument.objects.exists()


# --- who may submit in the business's name ------------------------------------------------------


def _org_draft(user, organisation):
    from tests.factories import make_procedure

    procedure, component = make_procedure()
    draft = dossier_services.dossier_start(user=user, procedure=procedure, organisation=organisation)
    dossier_services.draft_save_agency(dossier=draft, agency=procedure.agencies.first())
    dossier_services.draft_add_file(dossier=draft, component=component, upload=upload())
    dossier_services.draft_save_delivery(dossier=draft, delivery="online")
    return draft


def _submit(draft, user):
    return dossier_services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )


def test_an_unverified_organisation_prepares_drafts_but_cannot_submit(impostor):
    organisation = register(impostor, KINH_BAC)
    draft = _org_draft(impostor, organisation)
    with pytest.raises(dossier_services.DossierError, match="chưa được xác minh"):
        _submit(draft, impostor)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.code is None
    # Submitting as oneself is unaffected.
    from tests.factories import ready_draft

    own, _user = ready_draft(user=impostor)
    assert _submit(own, impostor).status == Status.SUBMITTED


def test_a_verified_organisation_submits_and_a_disputed_one_does_not(real_rep, impostor, verifier):
    organisation = register(real_rep, NOT_IN_REGISTER)
    services.claim_approve(
        claim=services.claim_documents_submit(
            user=real_rep, organisation=organisation, certificate=upload(), identity=upload()
        ),
        officer=verifier,
    )
    assert _submit(_org_draft(real_rep, organisation), real_rep).status == Status.SUBMITTED
    services.organisation_dispute_open(
        user=impostor, organisation=organisation, certificate=upload(), identity=upload()
    )
    with pytest.raises(dossier_services.DossierError, match="tranh chấp"):
        _submit(_org_draft(real_rep, organisation), real_rep)


def test_a_removed_member_cannot_submit_their_old_draft_in_the_business_name(real_rep):
    organisation = register(real_rep, KINH_BAC)
    member = UserFactory()
    membership = Membership.objects.create(user=member, organisation=organisation, role=MemberRole.MEMBER)
    draft = _org_draft(member, organisation)
    services.member_remove(actor=real_rep, membership=membership)
    with pytest.raises(dossier_services.DossierError, match="không còn là thành viên"):
        _submit(draft, member)


def test_the_review_page_and_the_submit_button_say_why(client, impostor):
    organisation = register(impostor, KINH_BAC)
    client.force_login(impostor)
    client.post(reverse("accounts:acting_as"), {"organisation": organisation.pk})
    assert client.session[ACTING_AS_SESSION_KEY] == organisation.pk
    draft = _org_draft(impostor, organisation)
    review = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "review"])).content.decode()
    assert "chưa được xác minh" in review
    response = client.post(
        reverse("dossiers:draft_submit", args=[draft.uuid]),
        {"submission_key": str(uuid.uuid4()), "declaration": "yes"},
        follow=True,
    )
    assert response.status_code == 200 and "chưa được xác minh" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- the eID identity the register is compared with ---------------------------------------------


def test_the_eid_identity_is_kept_apart_from_the_editable_profile(settings):
    user = UserFactory(full_name="")
    services.eid_identity_refresh(user=user, claims={"name": "Nguyễn Văn An", "personal_id": AN_ID})
    services.profile_update(user=user, full_name="Nguyen Van Anh", personal_id="")
    identity = selectors.verified_identity(user)
    assert identity == Identity("Nguyễn Văn An", AN_ID)
    services.eid_identity_refresh(user=user, claims={"name": "Nguyễn Văn An", "personal_id": "bad"})
    assert selectors.verified_identity(user) == identity  # bad claims change nothing


def test_account_deletion_removes_id_scans(real_rep, django_capture_on_commit_callbacks):
    organisation = register(real_rep, NOT_IN_REGISTER)
    claim = services.claim_documents_submit(
        user=real_rep, organisation=organisation, certificate=upload(), identity=upload()
    )
    storage_names = [d.file.name for d in claim.documents.all()]
    from django.core.files.storage import default_storage

    assert all(default_storage.exists(name) for name in storage_names)
    with django_capture_on_commit_callbacks(execute=True):
        services.account_delete(user=real_rep)
    assert not ClaimDocument.objects.exists()
    assert not any(default_storage.exists(name) for name in storage_names)


def test_demo_organisation_is_verified_through_the_simulator(settings):
    from demo.accounts import DEMO_EID, load_demo_organisations

    settings.BUSINESS_REGISTER = "manual"  # the demo uses the simulator whatever is configured
    UserFactory(username=DEMO_EID["username"], full_name="Nguyễn Văn An")
    assert load_demo_organisations() == 1
    organisation = Organisation.objects.get(tax_code="2301234566")
    assert (
        organisation.status == OrganisationStatus.VERIFIED and organisation.verification_method == "register"
    )
    assert load_demo_organisations() == 0


def test_simulator_record_shape():
    record = business_register("simulator").lookup(KINH_BAC)
    assert isinstance(record, RegisterRecord) and record.is_active and record.legal_representative
    assert business_register("simulator").lookup(NOT_IN_REGISTER) is None
    assert business_register("simulator").is_simulator and not business_register("manual").is_simulator


def test_admin_pages_of_organisations_and_claims(client, real_rep, verifier):
    from django.contrib.auth.models import Permission

    organisation = register(real_rep, NOT_IN_REGISTER)
    claim = services.claim_documents_submit(
        user=real_rep, organisation=organisation, certificate=upload(), identity=upload()
    )
    verifier.user_permissions.add(*Permission.objects.filter(codename__in=["view_organisationevent"]))
    login_staff(client, verifier)
    for url in (
        reverse("admin:accounts_organisation_changelist"),
        reverse("admin:accounts_organisation_changelist") + "?status=disputed&q=0100",
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        reverse("admin:accounts_organisationclaim_changelist") + "?documents_submitted_at__isempty=0",
        reverse("admin:accounts_organisationclaim_change", args=[claim.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:accounts_organisationclaim_decide", args=[999999])).status_code == 404
    assert client.get("/admin/accounts/organisationclaim/abc/decide/", follow=True).status_code == 200
    # Organisations change through decisions only, never by editing the row.
    assert client.get(reverse("admin:accounts_organisation_add")).status_code == 403
    response = client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "check_register", "_selected_action": [organisation.pk]},
    )
    assert response.status_code == 302
    assert OrganisationEvent.objects.filter(
        kind=OrganisationEventKind.REGISTER_CHECKED, actor=verifier
    ).exists()


def test_malformed_ids_and_fields_never_give_an_error_page(client, real_rep, verifier):
    organisation = register(real_rep, NOT_IN_REGISTER)
    huge = 10**30
    client.force_login(real_rep)
    for url in (
        reverse("accounts:organisation_detail", args=[huge]),
        reverse("accounts:organisation_documents", args=[huge]),
        reverse("accounts:invitation_respond", args=[huge]),
        reverse("accounts:member_remove", args=[organisation.pk, huge]),
        reverse("accounts:invitation_revoke", args=[organisation.pk, huge]),
    ):
        assert client.post(url, {"action": "x" * 5000}).status_code == 404, url
    page = client.post(
        reverse("accounts:organisation_documents", args=[organisation.pk]), {"note": "x" * 9000}
    )
    assert page.status_code == 200
    login_staff(client, verifier)
    forged = client.post(
        reverse("admin:accounts_organisation_changelist"),
        {"action": "check_register", "_selected_action": ["abc", str(huge)]},
    )
    assert forged.status_code == 302
    assert client.get(reverse("admin:accounts_organisationclaim_decide", args=[huge])).status_code == 404
    claim = OrganisationClaim.objects.get()
    response = client.post(
        reverse("admin:accounts_organisationclaim_decide", args=[claim.pk]),
        {"decision": "maybe", "reason": "x"},
    )
    assert response.status_code == 200 and OrganisationClaim.objects.get().is_pending


def test_eid_sign_up_records_the_verified_identity():
    user = UserFactory(full_name="")
    services.apply_eid_claims(
        user=user,
        claims={
            "name": "Trần Thị Thu Thủy",
            "personal_id": THUY_ID,
            "birthdate": "1990-05-01",
            "gender": "female",
        },
    )
    user.save()
    services.save_eid_profile(user=user)
    assert selectors.verified_identity(user) == Identity("Trần Thị Thu Thủy", THUY_ID)
    assert register(user, HOA_SEN).status == OrganisationStatus.VERIFIED
