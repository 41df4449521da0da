from django.db import models
from django.utils.translation import gettext_lazy as _

# Role names live at the ground floor (core.roles): procedures and dossiers scope by them too.
from core.roles import StaffRole

# Django groups created by migration, one per role (name shown in the admin).
ROLE_GROUPS = {
    StaffRole.ONE_STOP_OFFICER: "Cán bộ Một cửa",
    StaffRole.SPECIALIST: "Chuyên viên",
    StaffRole.LEADER: "Lãnh đạo",
    StaffRole.PUBLISHER: "Công bố thủ tục",
    StaffRole.AGENCY_ADMIN: "Quản trị đơn vị",
}

# Model permissions each role's group holds ("app_label.codename").
ROLE_PERMISSIONS = {
    StaffRole.PUBLISHER: [
        "procedures.view_procedure",
        "procedures.add_procedure",
        "procedures.change_procedure",
        "procedures.publish_procedure",
        *[
            f"procedures.{a}_{m}"
            for m in ("procedurestep", "submissionmethod", "dossiercomponent", "legalbasis")
            for a in ("view", "add", "change", "delete")
        ],
        *[
            f"dossiers.{a}_{m}"
            for m in ("onlineform", "onlineformfield")
            for a in ("view", "add", "change", "delete")
        ],
        "dossiers.view_onlineformversion",
        "procedures.view_agency",
        "procedures.view_sector",
        "procedures.view_lifeevent",
    ],
    StaffRole.AGENCY_ADMIN: [
        "procedures.view_procedure",
        "procedures.view_agency",
        "procedures.change_agency",
        "procedures.view_sector",
        "procedures.view_lifeevent",
    ],
    StaffRole.ONE_STOP_OFFICER: ["procedures.view_procedure", "procedures.view_agency"],
    StaffRole.SPECIALIST: ["procedures.view_procedure", "procedures.view_agency"],
    StaffRole.LEADER: ["procedures.view_procedure", "procedures.view_agency"],
}


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class MemberRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Người đại diện theo pháp luật")
    MEMBER = "member", _("Người được ủy quyền")


ACTING_AS_SESSION_KEY = "acting_as_organisation"


# --- organisations: who may act for a business ----------------------------------------------------


class OrganisationStatus(models.TextChoices):
    """Whether the portal knows who represents the business. Only a verified one submits in its name."""

    UNVERIFIED = "unverified", _("Chưa xác minh")
    VERIFIED = "verified", _("Đã xác minh")
    DISPUTED = "disputed", _("Đang có tranh chấp")


class VerificationMethod(models.TextChoices):
    REGISTER = "register", _("Đối chiếu cơ quan đăng ký kinh doanh")
    DOCUMENTS = "documents", _("Cán bộ xác nhận từ giấy tờ")


class ClaimKind(models.TextChoices):
    """A claim to be the legal representative (đề nghị xác nhận người đại diện)."""

    REGISTRATION = "registration", _("Đăng ký tổ chức")
    DISPUTE = "dispute", _("Tranh chấp (mã số thuế đã có người đăng ký)")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Chờ xác minh")
    APPROVED = "approved", _("Được xác nhận")
    REFUSED = "refused", _("Không được xác nhận")
    REVOKED = "revoked", _("Đã bị thay thế bởi người đại diện khác")


class RegisterOutcome(models.TextChoices):
    """What the business register said about one claimant (kết quả đối chiếu)."""

    MATCHED = "matched", _("Khớp người đại diện theo pháp luật")
    NAME_MISMATCH = "name_mismatch", _("Họ tên không khớp người đại diện theo pháp luật")
    ID_MISMATCH = "id_mismatch", _("Số định danh không khớp người đại diện theo pháp luật")
    NO_VERIFIED_IDENTITY = "no_identity", _("Họ tên chưa được xác thực qua định danh điện tử")
    NOT_FOUND = "not_found", _("Không có trong cơ sở dữ liệu đăng ký doanh nghiệp")
    CLOSED = "closed", _("Doanh nghiệp đã chấm dứt hoạt động")
    UNAVAILABLE = "unavailable", _("Cơ quan đăng ký tạm thời không trả lời")
    NOT_CONNECTED = "not_connected", _("Cổng chưa kết nối với cơ quan đăng ký")


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Giấy chứng nhận đăng ký doanh nghiệp (hoặc hộ kinh doanh)")
    IDENTITY = "identity", _("Giấy tờ tùy thân của người đại diện (căn cước)")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ trả lời")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    DECLINED = "declined", _("Đã từ chối")
    REVOKED = "revoked", _("Đã thu hồi")
    EXPIRED = "expired", _("Đã hết hạn")  # shown, never stored: a pending invitation past its expiry


class OrganisationEventKind(models.TextChoices):
    """The audit trail of an organisation (nhật ký tổ chức)."""

    REGISTERED = "registered", _("Đăng ký trên Cổng")
    REGISTER_CHECKED = "register_checked", _("Đối chiếu cơ quan đăng ký")
    DOCUMENTS_SUBMITTED = "documents_submitted", _("Nộp giấy tờ chứng minh")
    DOCUMENT_VIEWED = "document_viewed", _("Cán bộ xem giấy tờ")
    VERIFIED = "verified", _("Được xác minh")
    CLAIM_REFUSED = "claim_refused", _("Đề nghị không được xác nhận")
    DISPUTE_OPENED = "dispute_opened", _("Mở tranh chấp")
    DISPUTE_SETTLED = "dispute_settled", _("Giải quyết tranh chấp")
    MEMBER_INVITED = "member_invited", _("Mời thành viên")
    INVITATION_REVOKED = "invitation_revoked", _("Thu hồi lời mời")
    INVITATION_ACCEPTED = "invitation_accepted", _("Chấp nhận lời mời")
    INVITATION_DECLINED = "invitation_declined", _("Từ chối lời mời")
    MEMBER_REMOVED = "member_removed", _("Gỡ thành viên")
    MEMBER_LEFT = "member_left", _("Thành viên rời tổ chức")


# Staff who confirm organisations from documents hold this permission (through this group, created by
# migration). It is not an agency role: a business is not tied to one commune's one-stop shop.
VERIFY_ORGANISATION_PERMISSION = "accounts.verify_organisation"
VERIFIER_GROUP = "Xác minh doanh nghiệp"
VERIFIER_PERMISSIONS = [
    "accounts.view_organisation",
    "accounts.view_organisationclaim",
    "accounts.verify_organisation",
]
