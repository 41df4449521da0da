from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import MemberRole, Sex, StaffRole


class User(AbstractUser):
    """A person: citizen, business representative or staff member (one account each)."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(
        _("số điện thoại"), max_length=20, blank=True, db_index=True, help_text=_("Định dạng E.164, ví dụ +84912345678.")
    )
    phone_verified = models.BooleanField(_("đã xác minh số điện thoại"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="uniq_user_phone")]

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()


class StaffAssignment(models.Model):
    """Binds a staff account to an agency in a role (một cán bộ có thể thuộc nhiều cơ quan)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("cán bộ"))
    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.CASCADE, related_name="staff_assignments", verbose_name=_("cơ quan")
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_staff_assignment")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class CitizenProfile(models.Model):
    """What a citizen fills in once, and every dossier form is prefilled from."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("người dùng"))
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True, db_index=True, help_text=_("12 chữ số, in trên thẻ căn cước."))
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices, blank=True)
    contact_same_as_permanent = models.BooleanField(_("địa chỉ liên hệ giống nơi thường trú"), default=True)
    eid_verified = models.BooleanField(_("đã xác thực qua định danh điện tử"), default=False)
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
        parts = [getattr(self, f"{prefix}_street"), getattr(self, f"{prefix}_commune_name"), getattr(self, f"{prefix}_province_name")]
        return ", ".join(p for p in parts if p)

    @property
    def is_complete(self) -> bool:
        return bool(self.user.full_name and self.personal_id and self.date_of_birth and self.sex and self.permanent_commune_code)


class Organisation(models.Model):
    """A business or organisation a user may act for (identified by its tax code)."""

    name = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=300)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True, help_text=_("10 chữ số, hoặc 10 chữ số-3 chữ số với đơn vị phụ thuộc."))
    legal_representative = models.CharField(_("người đại diện theo pháp luật"), max_length=200)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    hq_province_code = models.CharField(_("mã tỉnh (trụ sở)"), max_length=10, blank=True)
    hq_province_name = models.CharField(_("tỉnh, thành phố (trụ sở)"), max_length=120, blank=True)
    hq_commune_code = models.CharField(_("mã xã (trụ sở)"), max_length=10, blank=True)
    hq_commune_name = models.CharField(_("xã, phường (trụ sở)"), max_length=120, blank=True)
    hq_street = models.CharField(_("số nhà, đường, thôn (trụ sở)"), max_length=255, blank=True)

    members = models.ManyToManyField(User, through="Membership", related_name="organisations", verbose_name=_("thành viên"))

    class Meta:
        verbose_name = _("tổ chức, doanh nghiệp")
        verbose_name_plural = _("tổ chức, doanh nghiệp")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"

    def address_text(self) -> str:
        return ", ".join(p for p in [self.hq_street, self.hq_commune_name, self.hq_province_name] if p)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("người dùng"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("tổ chức"))
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    created_at = models.DateTimeField(_("tham gia lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên tổ chức")
        verbose_name_plural = _("thành viên tổ chức")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"
