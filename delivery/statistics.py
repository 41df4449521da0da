"""Leaders' dashboard rows (``extensions.statistics_rows``): the channel split and results by post."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _


def statistics_rows(*, agency_ids, start, end) -> list[dict]:
    """Dossiers received in [start, end) by channel (counter / online / post), and the share of the
    results returned in that period that went by post."""
    from dossiers.constants import Channel, Delivery, Status
    from dossiers.models import Dossier

    scope = Dossier.objects.exclude(status=Status.DRAFT)
    if agency_ids is not None:
        scope = scope.filter(agency_id__in=agency_ids)
    received = scope.filter(submitted_at__gte=start, submitted_at__lt=end).aggregate(
        total=Count("id"),
        counter=Count("id", filter=Q(channel=Channel.COUNTER)),
        online=Count("id", filter=Q(channel=Channel.ONLINE)),
        post=Count("id", filter=Q(channel=Channel.POST)),
    )
    returned = scope.filter(status=Status.RETURNED, returned_at__gte=start, returned_at__lt=end).aggregate(
        total=Count("id"), post=Count("id", filter=Q(return_method=Delivery.POST))
    )

    def share(part: int, whole: int) -> str:
        return f"{part} ({part / whole:.0%})" if whole else "0"

    return [
        {
            "label": _("Tiếp nhận trực tiếp tại Bộ phận Một cửa"),
            "value": share(received["counter"], received["total"]),
        },
        {"label": _("Tiếp nhận trực tuyến"), "value": share(received["online"], received["total"])},
        {"label": _("Tiếp nhận qua bưu chính công ích"), "value": share(received["post"], received["total"])},
        {"label": _("Kết quả trả qua bưu chính"), "value": share(returned["post"], returned["total"])},
    ]
