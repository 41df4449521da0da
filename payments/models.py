"""Fees and payments, shaped like Open Forms (an attempt per try, one counts) and GOV.UK Pay (a table
of states, append-only events, refunds that never exceed what remains). Amounts are whole đồng.

- ``FeeRequest``: what the dossier owes (line items, who asked, why); at most one open per dossier.
- ``PaymentAttempt``: one try to pay it (online through a gateway, or recorded by an officer);
  its own amount decides, whatever the fee request says later.
- ``PaymentEvent``: every message from or to the gateway, kept as received, never edited.
- ``Refund``: money given back, full or partial.
- ``Receipt``: the e-receipt (biên lai điện tử), numbered per agency and year without gaps.

The gateway simulator keeps its own records (``Simulated*``), like a real gateway's database: the
portal's payment code never reads them.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import (
    AttemptStatus,
    EventKind,
    EventOutcome,
    FeeMoment,
    FeeRequestStatus,
    LegalKind,
    PaymentMethod,
    RefundReason,
    RefundStatus,
)


def _token() -> str:
    return secrets.token_urlsafe(18)


class FeeRequest(models.Model):
    """Yêu cầu nộp phí, lệ phí: what one dossier owes, item by item."""

    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        related_name="fee_requests",
        verbose_name=_("hồ sơ"),
        help_text=_("Hồ sơ phải nộp khoản này."),
    )
    moment = models.CharField(
        _("thời điểm nộp"),
        max_length=12,
        choices=FeeMoment.choices,
        help_text=_("Khi nộp hồ sơ (mức phí công bố) hoặc theo yêu cầu của cơ quan sau thẩm định."),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=FeeRequestStatus.choices,
        default=FeeRequestStatus.OPEN,
        help_text=_("Chờ nộp, đã nộp hoặc đã hủy."),
    )
    amount = models.PositiveBigIntegerField(
        _("tổng số tiền (đồng)"), help_text=_("Tổng các khoản, tính bằng đồng (số nguyên).")
    )
    reason = models.TextField(
        _("lý do"), blank=True, help_text=_("Căn cứ thu, ghi cho người nộp đọc (ví dụ: lệ phí cấp bản sao).")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ yêu cầu"),
        help_text=_("Để trống khi khoản thu là mức phí công bố lúc nộp hồ sơ."),
    )
    paid_attempt = models.OneToOneField(
        "PaymentAttempt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lần thanh toán được tính"),
        help_text=_("Lần thanh toán thành công đầu tiên; lần thành công sau đó được hoàn tiền tự động."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, help_text=_("Lúc lập yêu cầu."))
    paid_at = models.DateTimeField(
        _("nộp xong lúc"), null=True, blank=True, help_text=_("Lúc thanh toán xong.")
    )

    class Meta:
        verbose_name = _("yêu cầu nộp phí, lệ phí")
        verbose_name_plural = _("yêu cầu nộp phí, lệ phí")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(status="open"), name="payments_one_open_fee_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.amount:,} đ".replace(",", ".")


class FeeItem(models.Model):
    """One line of a fee request: phí or lệ phí, quantity × unit amount."""

    fee_request = models.ForeignKey(
        FeeRequest,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("yêu cầu nộp"),
        help_text=_("Yêu cầu chứa khoản này."),
    )
    label = models.CharField(
        _("nội dung"), max_length=255, help_text=_("Tên khoản thu, ví dụ: Lệ phí hộ tịch.")
    )
    kind = models.CharField(
        _("loại"),
        max_length=10,
        choices=LegalKind.choices,
        help_text=_("Phí hay lệ phí (Luật Phí và lệ phí)."),
    )
    quantity = models.PositiveIntegerField(_("số lượng"), default=1, help_text=_("Ví dụ số bản sao."))
    unit_amount = models.PositiveBigIntegerField(_("đơn giá (đồng)"), help_text=_("Số tiền cho một đơn vị."))
    amount = models.PositiveBigIntegerField(_("thành tiền (đồng)"), help_text=_("Số lượng × đơn giá."))

    class Meta:
        verbose_name = _("khoản thu")
        verbose_name_plural = _("các khoản thu")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount=F("quantity") * F("unit_amount")), name="payments_item_amount"
            )
        ]

    def __str__(self) -> str:
        return self.label


class PaymentAttempt(models.Model):
    """Một lần thanh toán: one try at paying a fee request, online or recorded at the counter."""

    fee_request = models.ForeignKey(
        FeeRequest,
        on_delete=models.PROTECT,
        related_name="attempts",
        verbose_name=_("yêu cầu nộp"),
        help_text=_("Khoản phải nộp mà lần thanh toán này trả."),
    )
    reference = models.CharField(
        _("mã giao dịch của cổng"),
        max_length=40,
        unique=True,
        help_text=_("vnp_TxnRef: duy nhất, không bao giờ dùng lại."),
    )
    amount = models.PositiveBigIntegerField(
        _("số tiền (đồng)"), help_text=_("Số tiền của lần này; là căn cứ so với số tiền cổng báo về.")
    )
    method = models.CharField(
        _("hình thức"),
        max_length=16,
        choices=PaymentMethod.choices,
        default=PaymentMethod.ONLINE,
        help_text=_("Trực tuyến, tại quầy hoặc chuyển khoản."),
    )
    gateway = models.CharField(
        _("cổng thanh toán"), max_length=40, blank=True, help_text=_("Tên plugin cổng (PAYMENT_GATEWAYS).")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=AttemptStatus.choices,
        default=AttemptStatus.CREATED,
        db_index=True,
        help_text=_("Theo bảng chuyển trạng thái trong payments/constants.py."),
    )
    provider_payment_id = models.CharField(
        _("mã giao dịch tại cổng"),
        max_length=64,
        null=True,
        blank=True,
        help_text=_("vnp_TransactionNo do cổng cấp."),
    )
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True, help_text=_("vnp_BankCode."))
    bank_transaction_no = models.CharField(
        _("mã giao dịch ngân hàng"), max_length=64, blank=True, help_text=_("vnp_BankTranNo.")
    )
    card_type = models.CharField(_("loại thẻ"), max_length=20, blank=True, help_text=_("vnp_CardType."))
    response_code = models.CharField(
        _("mã phản hồi"), max_length=4, blank=True, help_text=_("vnp_ResponseCode gần nhất đã xác thực.")
    )
    transaction_status = models.CharField(
        _("tình trạng giao dịch"), max_length=4, blank=True, help_text=_("vnp_TransactionStatus.")
    )
    paid_at = models.DateTimeField(
        _("thanh toán lúc"), null=True, blank=True, help_text=_("vnp_PayDate (giờ Việt Nam) đổi sang UTC.")
    )
    external_receipt_number = models.CharField(
        _("số biên lai thu tại quầy"),
        max_length=60,
        blank=True,
        help_text=_("Khi cán bộ ghi nhận nộp tiền mặt hoặc chuyển khoản: số biên lai hoặc mã chuyển khoản."),
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người bắt đầu"),
        help_text=_("Người nộp bấm thanh toán, hoặc cán bộ ghi nhận."),
    )
    ip_address = models.CharField(_("địa chỉ IP"), max_length=45, blank=True, help_text=_("vnp_IpAddr."))
    is_correction = models.BooleanField(
        _("đã điều chỉnh"),
        default=False,
        help_text=_(
            "Đúng khi cổng báo thành công sau khi giao dịch đã ghi là không thành công hoặc hết hạn."
        ),
    )
    created_at = models.DateTimeField(
        _("tạo lúc"), default=timezone.now, db_index=True, help_text=_("vnp_CreateDate.")
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True, help_text=_("vnp_ExpireDate."))
    finished_at = models.DateTimeField(
        _("kết thúc lúc"), null=True, blank=True, help_text=_("Lúc có kết quả.")
    )
    last_queried_at = models.DateTimeField(
        _("tra cứu lần cuối"), null=True, blank=True, help_text=_("Lần đối soát (querydr) gần nhất.")
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, help_text=_("Lần ghi gần nhất."))

    class Meta:
        verbose_name = _("lần thanh toán")
        verbose_name_plural = _("các lần thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "provider_payment_id"],
                condition=Q(provider_payment_id__isnull=False),
                name="payments_unique_provider_payment",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="payments_attempt_pending_idx")]

    def __str__(self) -> str:
        return self.reference


class PaymentEvent(models.Model):
    """Every message about an attempt (IPN, return, query, refund answer), kept as received."""

    attempt = models.ForeignKey(
        PaymentAttempt,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("lần thanh toán"),
        help_text=_("Trống khi thông báo nói về một giao dịch không có."),
    )
    refund = models.ForeignKey(
        "Refund",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("hoàn tiền"),
        help_text=_("Khi sự kiện là câu trả lời của yêu cầu hoàn tiền."),
    )
    kind = models.CharField(
        _("loại"), max_length=12, choices=EventKind.choices, help_text=_("Nguồn của sự kiện.")
    )
    gateway = models.CharField(
        _("cổng thanh toán"), max_length=40, blank=True, help_text=_("Tên plugin cổng.")
    )
    params = models.JSONField(
        _("tham số nhận được"), default=dict, blank=True, help_text=_("Nguyên văn các tham số, kể cả chữ ký.")
    )
    signature_valid = models.BooleanField(
        _("chữ ký đúng"), null=True, blank=True, help_text=_("Trống khi sự kiện không mang chữ ký.")
    )
    dedupe_key = models.CharField(
        _("khóa chống trùng"),
        max_length=120,
        unique=True,
        help_text=_("Cùng một thông báo gửi lại có cùng khóa và chỉ được áp dụng một lần."),
    )
    outcome = models.CharField(
        _("kết quả xử lý"),
        max_length=16,
        choices=EventOutcome.choices,
        help_text=_("Cổng thông báo gì, ta làm gì."),
    )
    answer = models.CharField(
        _("trả lời cổng"),
        max_length=4,
        blank=True,
        help_text=_("RspCode trả cho cổng (00, 01, 02, 04, 97, 99)."),
    )
    from_status = models.CharField(
        _("từ trạng thái"), max_length=12, blank=True, help_text=_("Trước sự kiện.")
    )
    to_status = models.CharField(_("sang trạng thái"), max_length=12, blank=True, help_text=_("Sau sự kiện."))
    detail = models.CharField(_("ghi chú"), max_length=300, blank=True, help_text=_("Giải thích ngắn."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ"),
        help_text=_("Khi cán bộ ghi nhận hoặc hoàn tiền."),
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True, help_text=_("Lúc nhận."))

    class Meta:
        verbose_name = _("sự kiện thanh toán")
        verbose_name_plural = _("nhật ký cổng thanh toán")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_outcome_display()}"


class Refund(models.Model):
    """Hoàn tiền: part or all of a successful attempt given back through the gateway."""

    attempt = models.ForeignKey(
        PaymentAttempt,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("lần thanh toán"),
        help_text=_("Giao dịch được hoàn."),
    )
    reference = models.CharField(
        _("mã yêu cầu hoàn"), max_length=40, unique=True, help_text=_("vnp_RequestId, duy nhất.")
    )
    amount = models.PositiveBigIntegerField(
        _("số tiền hoàn (đồng)"), help_text=_("Không vượt quá số còn lại.")
    )
    reason = models.CharField(
        _("lý do"), max_length=20, choices=RefundReason.choices, help_text=_("Vì sao hoàn tiền.")
    )
    note = models.TextField(
        _("ghi chú"), blank=True, help_text=_("Giải thích cho người nộp và cho kiểm tra.")
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=RefundStatus.choices,
        default=RefundStatus.REQUESTED,
        db_index=True,
        help_text=_("Đã yêu cầu, đã gửi cổng, đã hoàn, không hoàn được."),
    )
    response_code = models.CharField(_("mã phản hồi"), max_length=4, blank=True, help_text=_("Của cổng."))
    provider_refund_id = models.CharField(
        _("mã hoàn tại cổng"), max_length=64, blank=True, help_text=_("vnp_TransactionNo của giao dịch hoàn.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
        help_text=_("Trống khi cổng thông tin tự hoàn tiền."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, help_text=_("Lúc yêu cầu."))
    submitted_at = models.DateTimeField(
        _("gửi cổng lúc"), null=True, blank=True, help_text=_("Lúc gửi cổng.")
    )
    finished_at = models.DateTimeField(
        _("kết thúc lúc"), null=True, blank=True, help_text=_("Lúc có kết quả.")
    )

    class Meta:
        verbose_name = _("hoàn tiền")
        verbose_name_plural = _("hoàn tiền")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} · {self.amount:,} đ".replace(",", ".")

    @property
    def transaction_type(self) -> str:
        """VNPAY: 02 full refund, 03 partial."""
        return "02" if self.amount == self.attempt.amount else "03"


class ReceiptSequence(models.Model):
    """The per-agency, per-year counter behind receipt numbers (locked on use, so gap-free)."""

    agency = models.ForeignKey(
        "procedures.Agency", on_delete=models.PROTECT, verbose_name=_("cơ quan"), help_text=_("Đơn vị thu.")
    )
    year = models.PositiveSmallIntegerField(_("năm"), help_text=_("Năm phát hành."))
    last = models.PositiveIntegerField(_("số cuối"), default=0, help_text=_("Số biên lai cuối đã cấp."))

    class Meta:
        verbose_name = _("bộ đếm biên lai")
        verbose_name_plural = _("bộ đếm biên lai")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="payments_receipt_sequence")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


def receipt_upload_to(instance: Receipt, filename: str) -> str:
    return f"receipts/{instance.year}/{instance.token}.pdf"


class Receipt(models.Model):
    """Biên lai điện tử: one per paid fee request, numbered per agency and year."""

    fee_request = models.OneToOneField(
        FeeRequest,
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name=_("yêu cầu nộp"),
        help_text=_("Khoản đã nộp."),
    )
    attempt = models.OneToOneField(
        PaymentAttempt,
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name=_("lần thanh toán"),
        help_text=_("Lần thanh toán được tính."),
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị thu"),
        help_text=_("Cơ quan tiếp nhận hồ sơ."),
    )
    year = models.PositiveSmallIntegerField(_("năm"), help_text=_("Năm phát hành."))
    number = models.PositiveIntegerField(_("số"), help_text=_("Số thứ tự trong năm của đơn vị, liên tục."))
    series = models.CharField(_("ký hiệu"), max_length=40, help_text=_("Ký hiệu biên lai, ví dụ BL-2026."))
    token = models.CharField(
        _("mã xác minh"),
        max_length=40,
        unique=True,
        default=_token,
        help_text=_("Ngẫu nhiên, in trong mã QR của trang xác minh công khai."),
    )
    payer_name = models.CharField(_("người nộp"), max_length=200, help_text=_("Họ tên người nộp tiền."))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"), help_text=_("Số tiền đã nộp."))
    items = models.JSONField(
        _("các khoản"), default=list, help_text=_("Bản sao các khoản thu lúc phát hành.")
    )
    issued_at = models.DateTimeField(_("phát hành lúc"), default=timezone.now, help_text=_("Lúc phát hành."))
    pdf = models.FileField(
        _("tệp PDF"),
        upload_to=receipt_upload_to,
        blank=True,
        max_length=200,
        help_text=_("Tạo sau khi ghi sổ."),
    )

    class Meta:
        verbose_name = _("biên lai điện tử")
        verbose_name_plural = _("biên lai điện tử")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"], name="payments_receipt_number")
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.series}/{self.number:07d}"


# --- the gateway simulator's own records -----------------------------------------------------------


class SimulatedTransaction(models.Model):
    """The simulated gateway's record of one payment (its database, not the portal's)."""

    tmn_code = models.CharField(_("mã website"), max_length=20, help_text=_("vnp_TmnCode."))
    txn_ref = models.CharField(_("mã đơn hàng"), max_length=100, help_text=_("vnp_TxnRef của merchant."))
    transaction_no = models.CharField(
        _("mã giao dịch"), max_length=20, unique=True, help_text=_("vnp_TransactionNo cấp bởi cổng mô phỏng.")
    )
    amount = models.CharField(_("số tiền ×100"), max_length=20, help_text=_("vnp_Amount như nhận được."))
    order_info = models.CharField(_("nội dung"), max_length=255, help_text=_("vnp_OrderInfo."))
    order_type = models.CharField(_("loại hàng"), max_length=40, blank=True, help_text=_("vnp_OrderType."))
    locale = models.CharField(_("ngôn ngữ"), max_length=4, default="vn", help_text=_("vnp_Locale."))
    return_url = models.CharField(_("URL trả về"), max_length=500, help_text=_("vnp_ReturnUrl."))
    ip_address = models.CharField(_("IP"), max_length=45, blank=True, help_text=_("vnp_IpAddr."))
    create_date = models.CharField(_("ngày tạo"), max_length=14, help_text=_("vnp_CreateDate, GMT+7."))
    expire_date = models.CharField(
        _("hết hạn"), max_length=14, blank=True, help_text=_("vnp_ExpireDate, GMT+7.")
    )
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True, help_text=_("Ngân hàng đã chọn."))
    response_code = models.CharField(_("mã phản hồi"), max_length=4, blank=True, help_text=_("Kết quả."))
    transaction_status = models.CharField(
        _("tình trạng"), max_length=4, default="01", help_text=_("vnp_TransactionStatus (01: chưa hoàn tất).")
    )
    pay_date = models.CharField(_("ngày thanh toán"), max_length=14, blank=True, help_text=_("GMT+7."))
    refunded = models.PositiveBigIntegerField(_("đã hoàn ×100"), default=0, help_text=_("Tổng đã hoàn."))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, help_text=_("Lúc tạo."))

    class Meta:
        verbose_name = _("giao dịch mô phỏng")
        verbose_name_plural = _("cổng thanh toán mô phỏng: giao dịch")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tmn_code", "txn_ref"], name="payments_sim_txn_ref")]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.response_code or '…'})"


class SimulatedNotice(models.Model):
    """One server-to-server notice (IPN) the simulated gateway owes the merchant, retried until 00/02."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        HELD = "held", _("Giữ lại (đảo thứ tự)")
        ACKNOWLEDGED = "acknowledged", _("Merchant đã xác nhận")
        GAVE_UP = "gave_up", _("Hết số lần thử")
        DROPPED = "dropped", _("Bỏ (theo điều khiển)")

    transaction = models.ForeignKey(
        SimulatedTransaction,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("giao dịch"),
        help_text=_("Giao dịch được báo."),
    )
    url = models.CharField(_("IPN URL"), max_length=500, help_text=_("URL IPN đăng ký của merchant."))
    params = models.JSONField(_("tham số đã ký"), help_text=_("Gửi nguyên văn theo HTTP GET."))
    state = models.CharField(
        _("trạng thái"),
        max_length=14,
        choices=State.choices,
        default=State.PENDING,
        db_index=True,
        help_text=_("Vòng đời của thông báo."),
    )
    tries = models.PositiveSmallIntegerField(_("số lần gửi"), default=0, help_text=_("Tối đa 10."))
    next_attempt_at = models.DateTimeField(
        _("gửi lúc"), default=timezone.now, db_index=True, help_text=_("Lần gửi tới.")
    )
    claimed_at = models.DateTimeField(_("bắt đầu gửi"), null=True, blank=True, help_text=_("Lúc nhận việc."))
    last_answer = models.CharField(
        _("trả lời gần nhất"), max_length=200, blank=True, help_text=_("Của merchant.")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, help_text=_("Lúc tạo."))

    class Meta:
        verbose_name = _("thông báo IPN mô phỏng")
        verbose_name_plural = _("cổng thanh toán mô phỏng: IPN")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"IPN {self.transaction.txn_ref} #{self.pk} ({self.state})"


class SimulatedRefund(models.Model):
    """A refund request the simulated gateway received (deduplicated on vnp_RequestId)."""

    transaction = models.ForeignKey(
        SimulatedTransaction,
        on_delete=models.CASCADE,
        related_name="refunds",
        verbose_name=_("giao dịch"),
        help_text=_("Giao dịch gốc."),
    )
    request_id = models.CharField(_("mã yêu cầu"), max_length=40, unique=True, help_text=_("vnp_RequestId."))
    amount = models.CharField(_("số tiền ×100"), max_length=20, help_text=_("vnp_Amount."))
    transaction_no = models.CharField(
        _("mã giao dịch hoàn"), max_length=20, unique=True, help_text=_("Cấp bởi cổng.")
    )
    transaction_status = models.CharField(
        _("tình trạng"), max_length=4, help_text=_("05 đang xử lý, 06 đã gửi ngân hàng, 09 bị từ chối.")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, help_text=_("Lúc nhận."))

    class Meta:
        verbose_name = _("hoàn tiền mô phỏng")
        verbose_name_plural = _("cổng thanh toán mô phỏng: hoàn tiền")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.request_id


class SimulatorRule(models.Model):
    """How the simulated gateway misbehaves, for one order (``txn_ref``) or for all (blank)."""

    class Mode(models.TextChoices):
        NORMAL = "normal", _("Bình thường")
        DELAY = "delay", _("Gửi IPN chậm")
        DUPLICATE = "duplicate", _("Gửi IPN nhiều lần")
        DROP = "drop", _("Không gửi IPN")
        REORDER = "reorder", _("Giữ IPN lại, gửi sau IPN kế tiếp")
        REFUND_PENDING = "refund_pending", _("Hoàn tiền: trả lời 'đang xử lý'")

    txn_ref = models.CharField(
        _("mã đơn hàng"),
        max_length=100,
        blank=True,
        unique=True,
        help_text=_("Để trống: áp dụng cho mọi giao dịch không có quy tắc riêng."),
    )
    mode = models.CharField(
        _("cách xử lý"), max_length=16, choices=Mode.choices, help_text=_("Hành vi giả lập.")
    )
    delay_seconds = models.PositiveIntegerField(_("độ trễ (giây)"), default=0, help_text=_("Với 'gửi chậm'."))
    copies = models.PositiveSmallIntegerField(_("số bản"), default=2, help_text=_("Với 'gửi nhiều lần'."))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True, help_text=_("Lần sửa gần nhất."))

    class Meta:
        verbose_name = _("quy tắc mô phỏng")
        verbose_name_plural = _("cổng thanh toán mô phỏng: điều khiển")
        ordering = ["txn_ref"]

    def __str__(self) -> str:
        return f"{self.txn_ref or '*'}: {self.get_mode_display()}"
