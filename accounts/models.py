import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import fold

from .constants import (
    ClaimKind,
    ClaimStatus,
    DocumentKind,
    InvitationStatus,
    MemberRole,
    OrganisationEventKind,
    OrganisationStatus,
    RegisterOutcome,
    Sex,
    StaffRole,
    VerificationMethod,
)


class User(AbstractUser):
    """A person: citizen, business representative or staff member (one account each)."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(
        _("số điện thoại"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("Định dạng E.164, ví dụ +84912345678."),
    )
    phone_verified = models.BooleanField(_("đã xác minh số điện thoại"), default=False)
    # core.text.fold(full_name), kept by save(): what the work queue's search matches, so
    # "nguyen thi hoa binh", "Hoà Bình" and "NGUYỄN THỊ HÒA BÌNH" all find "Nguyễn Thị Hòa Bình"
    # (a trigram index on PostgreSQL, migration 0009; dossiers.selectors.queue_search).
    name_folded = models.CharField(max_length=200, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="uniq_user_phone")
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.full_name)[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)


class StaffAssignment(models.Model):
    """Binds a staff account to an agency in a role (một cán bộ có thể thuộc nhiều cơ quan)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("cán bộ")
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        on_delete=models.CASCADE,
        related_name="staff_assignments",
        verbose_name=_("cơ quan"),
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_staff_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class CitizenProfile(models.Model):
    """What a citizen fills in once, and every dossier form is prefilled from."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("người dùng")
    )
    personal_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        db_index=True,
        help_text=_("12 chữ số, in trên thẻ căn cước."),
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices, blank=True)
    contact_same_as_permanent = models.BooleanField(_("địa chỉ liên hệ giống nơi thường trú"), default=True)
    eid_verified = models.BooleanField(_("đã xác thực qua định danh điện tử"), default=False)
    # What the national eID itself said, kept apart from the editable fields above: the person may
    # correct how their name is shown on forms, but only these are compared with the business register.
    eid_full_name = models.CharField(
        _("họ và tên theo định danh điện tử"),
        max_length=200,
        blank=True,
        help_text=_("Ghi từ VNeID khi đăng nhập; người dùng không sửa được."),
    )
    eid_personal_id = models.CharField(
        _("số định danh theo định danh điện tử"),
        max_length=12,
        blank=True,
        help_text=_("Ghi từ VNeID khi đăng nhập; người dùng không sửa được."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    # Addresses from official administrative units: code *and* name (units get renumbered).
    permanent_province_code = models.CharField(_("mã tỉnh (thường trú)"), max_length=10, blank=True)
    permanent_province_name = models.CharField(_("tỉnh, thành phố (thường trú)"), max_length=120, blank=True)
    permanent_commune_code = models.CharField(_("mã xã (thường trú)"), max_length=10, blank=True)
    permanent_commune_name = models.CharField(_("xã, phường (thường trú)"), max_length=120, blank=True)
    permanent_street = models.CharField(_("số nhà, đường, thôn (thường trú)"), max_length=255, blank=True)
    contact_province_code = models.CharField(_("mã tỉnh (liên hệ)"), max_length=10, blank=True)
    contact_province_name = models.CharField(_("tỉnh, thành phố (liên hệ)"), max_length=120, blank=True)
    contact_commune_code = models.CharField(_("mã xã (liên hệ)"), max_length=10, blank=True)
    contact_commune_name = models.CharField(_("xã, phường (liên hệ)"), max_length=120, blank=True)
    contact_street = models.CharField(_("số nhà, đường, thôn (liên hệ)"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("hồ sơ cá nhân")
        verbose_name_plural = _("hồ sơ cá nhân")

    def __str__(self) -> str:
        return str(self.user)

    def address_text(self, prefix: str = "permanent") -> str:
        parts = [
            getattr(self, f"{prefix}_street"),
            getattr(self, f"{prefix}_commune_name"),
            getattr(self, f"{prefix}_province_name"),
        ]
        return ", ".join(p for p in parts if p)

    @property
    def is_complete(self) -> bool:
        return bool(
            self.user.full_name
            and self.personal_id
            and self.date_of_birth
            and self.sex
            and self.permanent_commune_code
        )


class Organisation(models.Model):
    """A business or organisation a user may act for (identified by its tax code).

    Whoever registers it first is only a claimant: the organisation stays unverified, and nobody
    submits in its name, until the business register or an officer confirms the representative.
    """

    name = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=300)
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        unique=True,
        help_text=_("10 chữ số, hoặc 10 chữ số-3 chữ số với đơn vị phụ thuộc."),
    )
    legal_representative = models.CharField(
        _("người đại diện theo pháp luật"),
        max_length=200,
        help_text=_("Theo cơ quan đăng ký kinh doanh khi đã đối chiếu; nếu chưa, theo người đăng ký."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    hq_province_code = models.CharField(_("mã tỉnh (trụ sở)"), max_length=10, blank=True)
    hq_province_name = models.CharField(_("tỉnh, thành phố (trụ sở)"), max_length=120, blank=True)
    hq_commune_code = models.CharField(_("mã xã (trụ sở)"), max_length=10, blank=True)
    hq_commune_name = models.CharField(_("xã, phường (trụ sở)"), max_length=120, blank=True)
    hq_street = models.CharField(_("số nhà, đường, thôn (trụ sở)"), max_length=255, blank=True)

    status = models.CharField(
        _("trạng thái xác minh"),
        max_length=12,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.UNVERIFIED,
        db_index=True,
        help_text=_("Chỉ tổ chức đã xác minh mới nộp được hồ sơ nhân danh tổ chức."),
    )
    verified_at = models.DateTimeField(
        _("xác minh lúc"), null=True, blank=True, help_text=_("Trống khi chưa từng được xác minh.")
    )
    verification_method = models.CharField(
        _("cách xác minh"), max_length=12, choices=VerificationMethod.choices, blank=True
    )
    verified_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ xác minh"),
        help_text=_("Trống khi xác minh tự động qua cơ quan đăng ký."),
    )
    register_record = models.JSONField(
        _("thông tin từ cơ quan đăng ký"),
        default=dict,
        blank=True,
        help_text=_("Bản ghi nhận được ở lần đối chiếu gần nhất (tên, người đại diện, tình trạng, địa chỉ)."),
    )
    register_checked_at = models.DateTimeField(_("đối chiếu lần cuối lúc"), null=True, blank=True)

    members = models.ManyToManyField(
        User, through="Membership", related_name="organisations", verbose_name=_("thành viên")
    )

    class Meta:
        verbose_name = _("tổ chức, doanh nghiệp")
        verbose_name_plural = _("tổ chức, doanh nghiệp")
        ordering = ["name"]
        permissions = [("verify_organisation", _("Xác minh tổ chức, doanh nghiệp từ giấy tờ"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"

    def address_text(self) -> str:
        return ", ".join(p for p in [self.hq_street, self.hq_commune_name, self.hq_province_name] if p)

    @property
    def can_submit(self) -> bool:
        return self.status == OrganisationStatus.VERIFIED


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("người dùng")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("tổ chức")
    )
    role = models.CharField(
        _("vai trò"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    created_at = models.DateTimeField(_("tham gia lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên tổ chức")
        verbose_name_plural = _("thành viên tổ chức")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class OrganisationClaim(models.Model):
    """One person's claim to be the legal representative (đề nghị xác nhận người đại diện).

    The first registration is a claim; so is a competing one (a dispute). The business register or an
    officer settles claims; the decision, who made it, when and why stay on the row.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="claims", verbose_name=_("tổ chức")
    )
    claimant = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="organisation_claims", verbose_name=_("người đề nghị")
    )
    kind = models.CharField(_("loại"), max_length=12, choices=ClaimKind.choices)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ClaimStatus.choices,
        default=ClaimStatus.PENDING,
        db_index=True,
    )
    note = models.TextField(_("ghi chú của người đề nghị"), blank=True, max_length=2000)
    register_outcome = models.CharField(
        _("kết quả đối chiếu"),
        max_length=16,
        choices=RegisterOutcome.choices,
        blank=True,
        help_text=_("Cơ quan đăng ký nói gì về người đề nghị ở lần đối chiếu gần nhất."),
    )
    register_checked_at = models.DateTimeField(_("đối chiếu lúc"), null=True, blank=True)
    documents_submitted_at = models.DateTimeField(
        _("nộp giấy tờ lúc"),
        null=True,
        blank=True,
        help_text=_("Có giá trị khi đề nghị đang chờ cán bộ xem giấy tờ."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ quyết định"),
        help_text=_("Trống khi cơ quan đăng ký quyết định tự động."),
    )
    decision_reason = models.TextField(_("lý do"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("đề nghị xác nhận người đại diện")
        verbose_name_plural = _("đề nghị xác nhận người đại diện")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "claimant"],
                condition=models.Q(status=ClaimStatus.PENDING),
                name="uniq_pending_claim",
            )
        ]

    def __str__(self) -> str:
        return f"{self.claimant} — {self.organisation} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ClaimStatus.PENDING


def claim_document_upload_to(instance: "ClaimDocument", filename: str) -> str:
    # Generated names only: the uploader's file name is shown as text, never used on disk.
    return f"organisations/{instance.claim.organisation_id}/{uuid.uuid4().hex}.{instance.file_kind}"


class ClaimDocument(models.Model):
    """A document proving a claim: the registration certificate or the representative's ID."""

    claim = models.ForeignKey(
        OrganisationClaim, on_delete=models.CASCADE, related_name="documents", verbose_name=_("đề nghị")
    )
    kind = models.CharField(_("loại giấy tờ"), max_length=12, choices=DocumentKind.choices)
    file = models.FileField(_("tệp"), upload_to=claim_document_upload_to, max_length=200)
    file_kind = models.CharField(
        _("định dạng"), max_length=10, help_text=_("Xác định từ nội dung tệp (pdf, jpeg, png).")
    )
    original_name = models.CharField(_("tên tệp gốc"), max_length=150, help_text=_("Chỉ để hiển thị."))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ chứng minh")
        verbose_name_plural = _("giấy tờ chứng minh")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"


class Invitation(models.Model):
    """An invitation to become a member (người được ủy quyền); the invitee must accept it.

    Only a hash of the token in the link is stored; the link works once, until ``expires_at``.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("tổ chức")
    )
    phone = models.CharField(
        _("số điện thoại được mời"), max_length=20, db_index=True, help_text=_("Định dạng E.164.")
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người mời")
    )
    token_hash = models.CharField(
        _("mã băm của mã mời"), max_length=64, unique=True, help_text=_("SHA-256 của mã trong đường dẫn.")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("mời lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    responded_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisation_invitations",
        verbose_name=_("người trả lời"),
        help_text=_("Tài khoản đã chấp nhận hoặc từ chối."),
    )

    class Meta:
        verbose_name = _("lời mời thành viên")
        verbose_name_plural = _("lời mời thành viên")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "phone"],
                condition=models.Q(status=InvitationStatus.PENDING),
                name="uniq_pending_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone} — {self.organisation}"

    @property
    def effective_status(self) -> str:
        if self.status == InvitationStatus.PENDING and self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return self.status

    def get_effective_status_display(self) -> str:
        return InvitationStatus(self.effective_status).label

    @property
    def is_open(self) -> bool:
        return self.effective_status == InvitationStatus.PENDING


class OrganisationEvent(models.Model):
    """The audit trail of an organisation: who did what, when, and on what evidence."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="events", verbose_name=_("tổ chức")
    )
    kind = models.CharField(_("sự kiện"), max_length=24, choices=OrganisationEventKind.choices)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_display = models.CharField(
        _("người thực hiện (tên)"),
        max_length=200,
        blank=True,
        help_text=_("Giữ lại cả khi tài khoản bị xóa."),
    )
    claim = models.ForeignKey(
        OrganisationClaim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("đề nghị"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("nhật ký tổ chức")
        verbose_name_plural = _("nhật ký tổ chức")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_kind_display()}"


from .departments import Department  # noqa: E402,F401 - departments of an agency (phòng chuyên môn)
