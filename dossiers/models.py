from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day on which the government's announcement overrides the statutory calendar.

    Statutory holidays (Tết, Hùng Kings' day, 30/4, 1/5, 2/9, …) come from the ``holidays``
    package; this table holds what the package cannot know: the extra days off and the make-up
    working Saturdays announced each year (see ``dossiers.workdays``).
    """

    class Kind(models.TextChoices):
        OFF = "off", _("Ngày nghỉ bù / nghỉ thêm")
        WORKING = "working", _("Ngày làm bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(
        _("loại ngày"),
        max_length=10,
        choices=Kind.choices,
        help_text=_(
            "Nghỉ bù / nghỉ thêm: một ngày thường được nghỉ. Làm bù: một ngày nghỉ (thường là thứ Bảy) phải đi làm."
        ),
    )
    reason = models.CharField(
        _("lý do"),
        max_length=255,
        help_text=_("Ghi cả văn bản căn cứ, ví dụ: Nghỉ bù Tết Dương lịch 2026 (Văn bản 12729/VPCP-KGVX)."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ bù / làm bù")
        verbose_name_plural = _("lịch nghỉ bù / làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.get_kind_display()}"

    def clean(self) -> None:
        # Catches the usual typo: a make-up day entered on the weekday it replaces, or the reverse.
        if self.date is None:
            return
        from .workdays import public_holidays

        weekend = self.date.weekday() >= 5
        if (
            self.kind == self.Kind.WORKING
            and not weekend
            and self.date not in public_holidays(self.date.year)
        ):
            raise ValidationError(
                {
                    "kind": _(
                        "Ngày làm bù phải là thứ Bảy, Chủ nhật hoặc một ngày lễ trong lịch chuẩn: ngày này vốn là ngày làm việc."
                    )
                }
            )
        if self.kind == self.Kind.OFF and weekend:
            raise ValidationError(
                {"kind": _("Thứ Bảy và Chủ nhật vốn là ngày nghỉ: hãy nhập ngày làm việc được nghỉ thay.")}
            )
