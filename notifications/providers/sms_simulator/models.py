from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulatedSms(models.Model):
    """What the SMS simulator 'delivered': the test double's own records, like a gateway's log.

    Unique on our reference, as real brand-name gateways deduplicate on the client's request id.
    """

    reference = models.UUIDField(_("mã tham chiếu của Cổng"), unique=True)
    provider_message_id = models.CharField(_("mã tin của nhà mạng"), max_length=100, unique=True)
    to = models.CharField(_("số nhận"), max_length=20)
    text = models.TextField(_("nội dung"))
    submissions = models.PositiveIntegerField(
        _("số lần gửi"), default=1, help_text=_("Số lần Cổng gửi cùng mã tham chiếu này.")
    )
    outcome = models.CharField(_("kết quả mô phỏng"), max_length=20)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        # The table keeps its name from when the model lived in the notifications app: no data moves.
        db_table = "notifications_simulatedsms"
        verbose_name = _("SMS mô phỏng")
        verbose_name_plural = _("SMS mô phỏng (môi trường thử)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"
