"""Reads of accounts data, always scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import (
    ACTING_AS_SESSION_KEY,
    ClaimStatus,
    InvitationStatus,
    MemberRole,
    OrganisationStatus,
    StaffRole,
)
from .models import (
    CitizenProfile,
    Department,
    Invitation,
    Membership,
    Organisation,
    OrganisationClaim,
    StaffAssignment,
)
from .registers.matching import Identity


def staff_assignments(user) -> tuple[tuple[int, str], ...]:
    """Every (agency id, role) the person holds, read once per user object.

    The admin asked for them eight times per work-queue page, in five shapes (the processing
    agencies, their roles, the leader's flag, an agency administrator's agencies…); every
    selector that scopes staff by agency and role now reads this one list. The authentication
    middleware loads the user afresh for every request, so this lasts one request: a role given or
    taken away applies from the next page on (as ``dossiers.selectors.processing_agency_ids`` did).
    """
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return ()
    cached = getattr(user, "_staff_assignments", None)
    if cached is None:
        cached = tuple(
            StaffAssignment.objects.filter(user=user).values_list("agency_id", "role").order_by("pk")
        )
        user._staff_assignments = cached
    return cached


def profile_for(user) -> CitizenProfile:
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    return profile


def organisations_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def organisation_get_for_user(*, user, pk: int) -> Organisation:
    """Another user's organisation is a 404, never a 403 that confirms it exists."""
    organisation = organisations_for(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404("organisation not found")
    return organisation


def is_representative(user, organisation: Organisation) -> bool:
    return Membership.objects.filter(
        user=user, organisation=organisation, role=MemberRole.REPRESENTATIVE
    ).exists()


def acting_as(request) -> Organisation | None:
    """The organisation the person is currently acting for, if any (checked against membership)."""
    if not request.user.is_authenticated:
        return None
    pk = request.session.get(ACTING_AS_SESSION_KEY)
    if not pk:
        return None
    return organisations_for(request.user).filter(pk=pk).first()


# --- organisations ------------------------------------------------------------------------------


def verified_identity(user) -> Identity | None:
    """The person as the national eID knows them (name and number recorded at eID sign-in), or None.

    A name typed into the profile is not an identity: anyone can type the director's name.
    """
    profile = (
        CitizenProfile.objects.filter(user=user)
        .only("eid_verified", "eid_full_name", "eid_personal_id")
        .first()
    )
    if profile is None or not profile.eid_verified or not profile.eid_full_name:
        return None
    return Identity(full_name=profile.eid_full_name, personal_id=profile.eid_personal_id)


def membership_of(user, organisation: Organisation) -> Membership | None:
    return Membership.objects.filter(user=user, organisation=organisation).first()


def organisation_by_tax_code(tax_code: str) -> Organisation | None:
    return Organisation.objects.filter(tax_code=tax_code).first()


def pending_claim(user, organisation: Organisation) -> OrganisationClaim | None:
    return (
        OrganisationClaim.objects.filter(claimant=user, organisation=organisation, status=ClaimStatus.PENDING)
        .prefetch_related("documents")
        .first()
    )


def latest_claim(user, organisation: Organisation) -> OrganisationClaim | None:
    return (
        OrganisationClaim.objects.filter(claimant=user, organisation=organisation)
        .prefetch_related("documents")
        .order_by("-created_at", "-id")
        .first()
    )


def claims_for(user) -> list[OrganisationClaim]:
    """The person's own claims (registrations and disputes), newest first."""
    return list(
        OrganisationClaim.objects.filter(claimant=user)
        .select_related("organisation")
        .order_by("-created_at", "-id")[:50]
    )


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )


def invitations_of(organisation: Organisation) -> list[Invitation]:
    """For the representative: every invitation of the organisation (the invitee's name is never shown
    before they accept; the number is what the representative typed)."""
    return list(Invitation.objects.filter(organisation=organisation).order_by("-created_at", "-id")[:100])


def invitations_pending_for(user) -> list[Invitation]:
    """Open invitations to the person's verified phone number."""
    if not getattr(user, "phone", "") or not getattr(user, "phone_verified", False):
        return []
    return list(
        Invitation.objects.filter(
            phone=user.phone, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def invitation_get_for_user(*, user, pk: int) -> Invitation:
    """An invitation to the person's verified number (in any state); anyone else's is a 404."""
    if not getattr(user, "phone", "") or not getattr(user, "phone_verified", False):
        raise Http404("invitation not found")
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=pk, phone=user.phone)
        .first()
    )
    if invitation is None:
        raise Http404("invitation not found")
    return invitation


def organisation_submission_problems(*, organisation_id: int | None, applicant_id: int | None) -> list[str]:
    """Why a dossier cannot be submitted in the organisation's name (empty when it can, or when the
    dossier is the person's own). Dossier submission calls this inside its lock."""
    if organisation_id is None:
        return []
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return [_("Tổ chức của hồ sơ này không còn trên Cổng. Hãy tạo hồ sơ mới.")]
    if not Membership.objects.filter(organisation=organisation, user_id=applicant_id).exists():
        return [
            _(
                "Bạn không còn là thành viên của %(name)s nên không nộp được hồ sơ nhân danh tổ chức này. Hãy chuyển sang thao tác cho chính mình và tạo hồ sơ mới, hoặc đề nghị người đại diện mời lại bạn."
            )
            % {"name": organisation.name}
        ]
    if organisation.status == OrganisationStatus.DISPUTED:
        return [
            _(
                "%(name)s đang có tranh chấp về người đại diện theo pháp luật: trong khi cán bộ xem xét, không ai nộp được hồ sơ nhân danh tổ chức. Bản nháp vẫn được lưu; bạn sẽ nhận được thông báo khi có kết quả."
            )
            % {"name": organisation.name}
        ]
    if organisation.status != OrganisationStatus.VERIFIED:
        return [
            _(
                "%(name)s chưa được xác minh nên chưa nộp được hồ sơ nhân danh tổ chức. Người đại diện hãy mở trang của tổ chức (Tài khoản của tôi → tên tổ chức) để đối chiếu với cơ quan đăng ký kinh doanh hoặc tải giấy chứng nhận đăng ký và căn cước để cán bộ xác nhận. Bản nháp vẫn được lưu."
            )
            % {"name": organisation.name}
        ]
    return []


# --- departments (phòng chuyên môn) ------------------------------------------------------------


def departments_of(agency_id: int | None) -> QuerySet[Department]:
    """The departments of an agency, in their order, with their people."""
    if agency_id is None:
        return Department.objects.none()
    return Department.objects.filter(agency_id=agency_id).prefetch_related("specialists", "leaders")


def department_problems(*, agency_id: int, specialists, leaders) -> list[str]:
    """Why these people cannot be members (empty when they can): each must hold the role in the agency."""
    problems = []
    for people, role, label in (
        (specialists, StaffRole.SPECIALIST, _("chuyên viên")),
        (leaders, StaffRole.LEADER, _("lãnh đạo")),
    ):
        ids = {p.pk for p in people}
        holding = set(
            StaffAssignment.objects.filter(user_id__in=ids, agency_id=agency_id, role=role).values_list(
                "user_id", flat=True
            )
        )
        for person in people:
            if person.pk not in holding:
                problems.append(
                    _("%(name)s không có vai trò %(role)s tại cơ quan này.") % {"name": person, "role": label}
                )
    return problems
