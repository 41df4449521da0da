from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import StaffRole


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
