"""Shipments by post (bưu gửi) and their tracking events.

A ``Shipment`` is one parcel: a result going out to the applicant (outbound) or a paper dossier
coming in from the applicant's address (inbound). It carries its own snapshot of the address with
unit codes *and* names (units are renumbered; a booking months later must still know where it
goes), the postage and who pays it, and the booking outbox columns (``booking_*``): the row is
written in the transaction that hands the parcel to the post and a task books it after commit.

``TrackingEvent`` rows are append-only: every event a carrier reports is kept once (unique on the
carrier's event id), applied or not, with the reason.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .constants import (
    FINAL_STATUSES,
    BookingState,
    Direction,
    EventOutcome,
    Payer,
    PickupSlot,
    ShipmentStatus,
)


def new_reference() -> str:
    """Our reference for a shipment (the carrier's ``client_order_code``): short, unambiguous."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "DVC" + "".join(secrets.choice(alphabet) for _ in range(10))


class Shipment(models.Model):
    """Bưu gửi: one parcel handed to a carrier, in one direction."""

    reference = models.CharField(
        _("mã tham chiếu"),
        max_length=20,
        unique=True,
        default=new_reference,
        editable=False,
        help_text=_("Mã của Cổng gửi cho bưu chính; đặt lại nhiều lần vẫn chỉ một đơn."),
    )
    direction = models.CharField(_("chiều gửi"), max_length=10, choices=Direction.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("hồ sơ"),
        help_text=_("Với hồ sơ gửi qua bưu chính: có khi bưu tá đã nhận đủ giấy tờ."),
    )
    agency = models.ForeignKey(
        "procedures.Agency",
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("cơ quan"),
        help_text=_("Nơi gửi kết quả, hoặc nơi nhận hồ sơ."),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thủ tục"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("người nộp"),
    )
    carrier = models.CharField(
        _("đơn vị bưu chính"), max_length=40, help_text=_("Tên plugin trong CARRIERS, ví dụ simulator.")
    )
    service = models.CharField(
        _("dịch vụ"), max_length=1, default="E", help_text=_("Chữ cái dịch vụ S10: E (EMS), R, C hoặc L.")
    )
    carrier_order_code = models.CharField(_("mã đơn của bưu chính"), max_length=60, blank=True)
    item_number = models.CharField(
        _("số hiệu bưu gửi"),
        max_length=13,
        blank=True,
        db_index=True,
        help_text=_("Số hiệu S10, ví dụ EE123456785VN, do bưu chính cấp khi nhận đơn."),
    )
    # The applicant's side: where the result goes, or where the postal worker picks the dossier up.
    recipient_name = models.CharField(
        _("người nhận / người gửi"),
        max_length=200,
        help_text=_("Người nhận kết quả, hoặc người giao hồ sơ cho bưu tá."),
    )
    recipient_phone = models.CharField(_("điện thoại"), max_length=20, help_text=_("Định dạng E.164."))
    applicant_name = models.CharField(_("tên người nộp"), max_length=200, blank=True)
    authorised_recipient = models.BooleanField(
        _("người được ủy quyền nhận"),
        default=False,
        help_text=_("Người nhận không phải người nộp mà là người được người nộp ủy quyền."),
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=10)
    province_name = models.CharField(_("tỉnh, thành phố"), max_length=120)
    commune_code = models.CharField(_("mã xã"), max_length=10)
    commune_name = models.CharField(_("xã, phường"), max_length=120)
    street = models.CharField(_("số nhà, đường, thôn, tổ"), max_length=255)
    address_note = models.CharField(
        _("ghi chú địa chỉ"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ mã xã đã đổi so với khi người nộp khai."),
    )
    agency_address = models.JSONField(
        _("địa chỉ cơ quan"),
        default=dict,
        blank=True,
        help_text=_("Tên, địa chỉ, mã và tên đơn vị hành chính của cơ quan khi đặt gửi."),
    )
    # Inbound: the pickup the applicant asked for.
    pickup_date = models.DateField(_("ngày đến lấy"), null=True, blank=True)
    pickup_slot = models.CharField(_("khung giờ"), max_length=10, choices=PickupSlot.choices, blank=True)
    checklist = models.JSONField(
        _("bảng kiểm giấy tờ"),
        default=list,
        blank=True,
        help_text=_("Thành phần hồ sơ bưu tá đối chiếu khi nhận: tên, bắt buộc, có hay không."),
    )
    intake = models.JSONField(
        _("thông tin nộp hồ sơ"),
        default=dict,
        blank=True,
        help_text=_("Với hồ sơ gửi qua bưu chính: cách nhận kết quả và địa chỉ nhận do người nộp chọn."),
    )
    # Postage
    weight_grams = models.PositiveIntegerField(_("khối lượng (gam)"), default=200)
    postage_vnd = models.PositiveIntegerField(_("cước (đồng)"), default=0)
    payer = models.CharField(_("người trả cước"), max_length=20, choices=Payer.choices)
    cod_amount_vnd = models.PositiveIntegerField(
        _("thu hộ (đồng)"), default=0, help_text=_("Số tiền bưu tá thu của người nhận khi giao.")
    )
    # Tracking
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.CREATED
    )
    status_reason = models.CharField(_("lý do"), max_length=300, blank=True)
    last_event_at = models.DateTimeField(
        _("sự kiện áp dụng gần nhất lúc"),
        null=True,
        blank=True,
        help_text=_("Thời điểm bưu chính báo; sự kiện cũ hơn không bao giờ làm bưu gửi lùi lại."),
    )
    last_location = models.CharField(_("vị trí gần nhất"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần giao không thành"), default=0)
    next_attempt_on = models.DateField(_("giao lại ngày"), null=True, blank=True)
    # Booking outbox
    label_file = models.FileField(
        _("nhãn bưu gửi (PDF)"),
        upload_to="delivery/labels/",
        max_length=200,
        blank=True,
        help_text=_("Nhãn A6 in sau khi đặt gửi xong; tạo lại nếu mất."),
    )
    booking_state = models.CharField(
        _("đặt gửi"), max_length=10, choices=BookingState.choices, default=BookingState.PENDING
    )
    booking_attempts = models.PositiveSmallIntegerField(_("số lần đặt"), default=0)
    booking_next_at = models.DateTimeField(_("đặt lại lúc"), null=True, blank=True)
    booking_claimed_at = models.DateTimeField(_("bắt đầu đặt lúc"), null=True, blank=True)
    booking_error = models.CharField(_("lỗi đặt gửi"), max_length=500, blank=True)
    booked_at = models.DateTimeField(_("đặt xong lúc"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("giao xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("hoàn về lúc"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bưu gửi")
        verbose_name_plural = _("bưu gửi")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One parcel in flight per dossier and direction: a double click on "Giao bưu chính"
            # cannot book twice; a parcel returned to sender may be shipped again.
            models.UniqueConstraint(
                fields=["dossier", "direction"],
                condition=Q(dossier__isnull=False) & ~Q(status__in=sorted(FINAL_STATUSES)),
                name="uniq_open_shipment_per_dossier",
            ),
            models.UniqueConstraint(
                fields=["carrier", "item_number"],
                condition=~Q(item_number=""),
                name="uniq_shipment_item_number",
            ),
        ]
        indexes = [
            models.Index(fields=["booking_state", "booking_next_at"], name="shipment_booking_idx"),
            models.Index(fields=["status", "last_event_at"], name="shipment_status_idx"),
            models.Index(fields=["agency", "booked_at"], name="shipment_agency_idx"),
        ]

    def __str__(self) -> str:
        return self.item_number or self.reference

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_cod(self) -> bool:
        return self.payer == Payer.CITIZEN_COD

    def address_text(self) -> str:
        return ", ".join(p for p in (self.street, self.commune_name, self.province_name) if p)


class TrackingEvent(models.Model):
    """Hành trình: one event a carrier reported, kept once, applied or not (and why)."""

    shipment = models.ForeignKey(
        Shipment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("bưu gửi"),
        help_text=_("Trống khi chưa tìm thấy bưu gửi ứng với số hiệu hoặc mã tham chiếu."),
    )
    carrier = models.CharField(_("đơn vị bưu chính"), max_length=40)
    carrier_event_id = models.CharField(_("mã sự kiện của bưu chính"), max_length=120)
    reference = models.CharField(_("mã tham chiếu"), max_length=40, blank=True, db_index=True)
    item_number = models.CharField(_("số hiệu bưu gửi"), max_length=13, blank=True, db_index=True)
    order_code = models.CharField(_("mã đơn của bưu chính"), max_length=60, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=ShipmentStatus.choices)
    carrier_status = models.CharField(_("mã trạng thái của bưu chính"), max_length=40, blank=True)
    occurred_at = models.DateTimeField(_("xảy ra lúc"), help_text=_("Thời điểm bưu chính ghi nhận."))
    location = models.CharField(_("nơi"), max_length=200, blank=True)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    missing = models.JSONField(
        _("giấy tờ còn thiếu"),
        default=list,
        blank=True,
        help_text=_("Bưu tá báo khi nhận hồ sơ: thành phần hồ sơ còn thiếu."),
    )
    next_attempt_on = models.DateField(_("giao lại ngày"), null=True, blank=True)
    source = models.CharField(
        _("nguồn"),
        max_length=10,
        choices=[("callback", _("Bưu chính gọi về")), ("poll", _("Cổng hỏi hành trình"))],
        default="callback",
    )
    outcome = models.CharField(_("kết quả"), max_length=12, choices=EventOutcome.choices)
    raw = models.JSONField(_("nội dung gốc"), default=dict, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện hành trình")
        verbose_name_plural = _("hành trình bưu gửi")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "carrier_event_id"], name="uniq_tracking_event"),
        ]

    def __str__(self) -> str:
        return f"{self.item_number or self.reference} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"


class AgencyPostage(models.Model):
    """Whether an agency pays the postage of results it sends (otherwise the applicant pays on delivery)."""

    agency = models.OneToOneField(
        "procedures.Agency", on_delete=models.CASCADE, related_name="postage", verbose_name=_("cơ quan")
    )
    agency_pays = models.BooleanField(
        _("cơ quan trả cước"),
        default=False,
        help_text=_("Bật nếu cơ quan trả cước gửi kết quả; tắt thì người nhận trả khi nhận (COD)."),
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True, help_text=_("Ví dụ số hợp đồng."))

    class Meta:
        verbose_name = _("cước gửi kết quả của cơ quan")
        verbose_name_plural = _("cước gửi kết quả của cơ quan")

    def __str__(self) -> str:
        return str(self.agency)


class SimulatedParcel(models.Model):
    """The carrier simulator's own records (its 'database'), like a courier's order log.

    Unique on our reference, as couriers deduplicate ``client_order_code``: a repeated create
    returns the same order and item number.
    """

    reference = models.CharField(max_length=40, unique=True)
    order_code = models.CharField(max_length=40, unique=True)
    item_number = models.CharField(max_length=13, unique=True)
    scenario = models.CharField(max_length=30)
    direction = models.CharField(max_length=10)
    phone = models.CharField(max_length=20)
    fee_vnd = models.PositiveIntegerField(default=0)
    cod_amount_vnd = models.PositiveIntegerField(default=0)
    checklist = models.JSONField(default=list, blank=True)
    plan = models.JSONField(
        default=list,
        help_text="Events the simulated carrier will report: status, due_at, emitted, acknowledged.",
    )
    next_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the next planned event happens."
    )
    pending_callbacks = models.PositiveSmallIntegerField(
        default=0, db_index=True, help_text="Events whose callback was not acknowledged yet."
    )
    creates = models.PositiveIntegerField(default=1, help_text="How many times the portal sent this create.")
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bưu gửi mô phỏng")
        verbose_name_plural = _("bưu gửi mô phỏng (môi trường thử)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.item_number} ({self.scenario})"


class CounterApplicant(models.Model):
    """Who handed a paper dossier in at the counter without an account of their own.

    The dossier's applicant is then an inactive placeholder account (no phone, no password: nobody can
    sign in to it, and the real person's sign-up by phone is never blocked by it); the name,
    identification number and phone the officer typed live here. The person claims the dossier into
    their own account once that account's phone is verified and matches, and they give the
    identification number on the receipt (``counter.dossier_claim``).
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.CASCADE,
        related_name="counter_applicant",
        verbose_name=_("hồ sơ"),
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, help_text=_("12 chữ số."))
    phone = models.CharField(
        _("số điện thoại"), max_length=20, db_index=True, help_text=_("Định dạng E.164.")
    )
    fee_paid_vnd = models.PositiveIntegerField(_("phí, lệ phí đã nộp tại quầy (đồng)"), default=0)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("cán bộ tiếp nhận"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản đã nhận hồ sơ"),
    )
    claimed_at = models.DateTimeField(_("nhận vào tài khoản lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("người nộp hồ sơ trực tiếp")
        verbose_name_plural = _("người nộp hồ sơ trực tiếp")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.dossier})"
