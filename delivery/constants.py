"""Shipment statuses and the one table of transitions between them (bưu chính công ích).

Read ``TRANSITIONS`` as "from this status, a carrier event may move the shipment to these". A final
status is never left (its row is empty). An event whose status equals the current one is applied
when it is newer (a parcel scanned at the next hub stays "in transit" but its place changes).
An event older than the latest applied one is recorded and never applied (``services``), so
callbacks that arrive late, twice or shuffled never move a shipment backwards.

Forward jumps are allowed (booked → delivered): a carrier's callbacks may be lost and the tracking
poll only sees the latest state, so a missed step must not block the next one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Which way the parcel travels."""

    OUTBOUND = "outbound", _("Trả kết quả qua bưu chính")  # the result, from the agency to the applicant
    INBOUND = "inbound", _("Gửi hồ sơ qua bưu chính")  # the paper dossier, from the applicant to the agency


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Đang đặt gửi")
    BOOKED = "booked", _("Bưu chính đã nhận đơn")
    PICKED_UP = "picked_up", _("Đã lấy hàng")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Đang giao")
    DELIVERED = "delivered", _("Đã giao")
    FAILED_ATTEMPT = "failed_attempt", _("Giao không thành công, sẽ giao lại")
    RETURNING = "returning", _("Đang hoàn về nơi gửi")
    RETURNED = "returned", _("Đã hoàn về nơi gửi")
    CANCELLED = "cancelled", _("Đã hủy")
    LOST = "lost", _("Thất lạc")


S = ShipmentStatus
FINAL_STATUSES = frozenset({S.DELIVERED, S.RETURNED, S.CANCELLED, S.LOST})
# Once the parcel is on its way, cancelling is no longer possible (the carrier has it).
CANCELLABLE = frozenset({S.CREATED, S.BOOKED})

_ON_THE_WAY = {
    S.IN_TRANSIT,
    S.OUT_FOR_DELIVERY,
    S.DELIVERED,
    S.FAILED_ATTEMPT,
    S.RETURNING,
    S.RETURNED,
    S.LOST,
}

# The table. A newer event with the same status as now is always applied (``can_move``), not listed.
TRANSITIONS: dict[str, frozenset[str]] = {
    # "created" is a booking in flight: the carrier's first callbacks may overtake its answer to our create.
    S.CREATED: frozenset({S.BOOKED, S.PICKED_UP, S.CANCELLED, *_ON_THE_WAY}),
    S.BOOKED: frozenset({S.PICKED_UP, S.CANCELLED, *_ON_THE_WAY}),
    S.PICKED_UP: frozenset(_ON_THE_WAY),
    S.IN_TRANSIT: frozenset(_ON_THE_WAY - {S.IN_TRANSIT}),
    S.OUT_FOR_DELIVERY: frozenset({S.DELIVERED, S.FAILED_ATTEMPT, S.RETURNING, S.RETURNED, S.LOST}),
    S.FAILED_ATTEMPT: frozenset({S.OUT_FOR_DELIVERY, S.DELIVERED, S.RETURNING, S.RETURNED, S.LOST}),
    S.RETURNING: frozenset({S.RETURNED, S.LOST}),
    S.DELIVERED: frozenset(),
    S.RETURNED: frozenset(),
    S.CANCELLED: frozenset(),
    S.LOST: frozenset(),
}


def can_move(current: str, new: str) -> bool:
    """Whether an event with status ``new`` may be applied to a shipment in ``current``."""
    if current in FINAL_STATUSES:
        return False
    if new == current:
        return True  # a newer scan with the same status: new place, new attempt
    return new in TRANSITIONS.get(current, frozenset())


# What the citizen sees, in order, on the dossier page (the milestones of a result by post).
MILESTONES = (S.BOOKED, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED)


class Payer(models.TextChoices):
    """Who pays the postage (cước bưu chính)."""

    CITIZEN_COD = "citizen_cod", _("Người nhận trả khi nhận (thu hộ COD)")
    AGENCY = "agency", _("Cơ quan trả")
    CITIZEN_AT_PICKUP = "citizen_pickup", _("Người gửi trả khi bưu tá đến lấy")


class BookingState(models.TextChoices):
    """The outbox of bookings: a row written with the hand-over, booked after commit, retried."""

    PENDING = "pending", _("Chờ đặt")
    BOOKING = "booking", _("Đang đặt")
    BOOKED = "booked", _("Đã đặt")
    FAILED = "failed", _("Đặt không được")


class EventOutcome(models.TextChoices):
    """What became of one tracking event (kept with the event; events are never deleted)."""

    APPLIED = "applied", _("Đã cập nhật trạng thái")
    OLDER = "older", _("Cũ hơn sự kiện đã áp dụng: chỉ lưu lại")
    FINAL = "final", _("Bưu gửi đã ở trạng thái cuối: chỉ lưu lại")
    NOT_ALLOWED = "not_allowed", _("Không hợp lệ từ trạng thái hiện tại: chỉ lưu lại")
    UNKNOWN = "unknown", _("Không tìm thấy bưu gửi: chỉ lưu lại")


class PickupSlot(models.TextChoices):
    """Khung giờ bưu tá đến lấy hồ sơ."""

    MORNING = "morning", _("Buổi sáng (8:00–11:30)")
    AFTERNOON = "afternoon", _("Buổi chiều (13:30–17:00)")
    EVENING = "evening", _("Buổi tối (18:00–20:00)")


# Statuses during which the carrier may still attempt delivery; after this many failed attempts the
# carrier returns the parcel to the sender (Vietnamese couriers try up to three times).
MAX_DELIVERY_ATTEMPTS = 3
