"""Departments (phòng chuyên môn) of an agency, each with its specialists and leaders.

A dossier is handed to a department and one of its specialists (``assign``); "submit for
approval" goes to the department's leaders. People are staff accounts that hold the matching role
(``StaffAssignment``) in the department's agency: a specialist of another agency, or a publisher,
can never be a member (checked by ``selectors.department_problems``, which the admin form runs).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """Phòng chuyên môn: one department of an agency."""

    agency = models.ForeignKey(
        "procedures.Agency",
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("cơ quan"),
    )
    name = models.CharField(_("tên phòng"), max_length=200, help_text=_("Ví dụ: Phòng Văn hóa - Xã hội."))
    phone = models.CharField(
        _("điện thoại"), max_length=40, blank=True, help_text=_("Số liên hệ của phòng, nếu có.")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0, help_text=_("Thứ tự trong danh sách."))
    specialists = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="specialist_departments",
        verbose_name=_("chuyên viên"),
        help_text=_("Cán bộ có vai trò chuyên viên xử lý tại cơ quan này."),
    )
    leaders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="leader_departments",
        verbose_name=_("lãnh đạo"),
        help_text=_("Cán bộ có vai trò lãnh đạo phê duyệt tại cơ quan này; nhận hồ sơ trình duyệt."),
    )

    class Meta:
        verbose_name = _("phòng chuyên môn")
        verbose_name_plural = _("phòng chuyên môn")
        ordering = ["agency", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="uniq_department_name")]

    def __str__(self) -> str:
        return self.name
