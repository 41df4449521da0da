"""The service-index statistics pages: public (per agency) and the leaders' dashboard in the admin.

Charts are plain HTML/CSS (public page: width classes from portal.css) or server-drawn inline SVG
without style attributes (admin): the CSP allows no inline style and no inline script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib import admin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.constants import StaffRole
from accounts.selectors import staff_assignments
from procedures.page_cache import public_catalogue_page

from . import extensions, statistics, workdays
from .constants import Status
from .models import Dossier

PUBLIC_CACHE_SECONDS = 300
FIRST_YEAR = 2020


# --- the period ---------------------------------------------------------------------------------


@dataclass
class Period:
    start: date
    end: date
    label: str
    year: int | None = None
    month: int | None = None
    notice: str = ""
    months: int = 12  # how many months the trend shows, ending with ``end``'s month
    year_choices: list[int] = field(default_factory=list)


def parse_period(params: QueryDict, today: date) -> Period:
    """``?year=&month=``: a month, a whole year, or (default) the last 12 months up to today.

    Anything unusable (not a number, month 13, a future month, a month without a year) falls back
    to the default with a notice; never an error.
    """
    year_choices = list(range(today.year, FIRST_YEAR - 1, -1))
    raw_year = (params.get("year") or "").strip()
    raw_month = (params.get("month") or "").strip()
    default_start = statistics.add_months(date(today.year, today.month, 1), -11)
    default = Period(
        start=default_start,
        end=today,
        label=_("12 tháng gần nhất (%(start)s – %(end)s)")
        % {"start": f"{default_start:%m/%Y}", "end": f"{today:%m/%Y}"},
        year_choices=year_choices,
    )
    if not raw_year and not raw_month:
        return default
    try:
        year = int(raw_year)
        month = int(raw_month) if raw_month else None
    except ValueError:
        year = month = None
    valid = (
        year is not None
        and FIRST_YEAR <= year <= today.year
        and (month is None or 1 <= month <= 12)
        and (month is None or date(year, month, 1) <= today)
    )
    if not valid:
        default.notice = _("Kỳ thống kê đã chọn không hợp lệ; đang hiển thị 12 tháng gần nhất.")
        return default
    if month is None:
        end = min(date(year, 12, 31), today)
        return Period(
            start=date(year, 1, 1),
            end=end,
            year=year,
            label=_("Năm %(year)d") % {"year": year},
            months=end.month,
            year_choices=year_choices,
        )
    end = min(statistics.add_months(date(year, month, 1), 1) - timedelta(days=1), today)
    return Period(
        start=date(year, month, 1),
        end=end,
        year=year,
        month=month,
        label=_("Tháng %(month)d/%(year)d") % {"month": month, "year": year},
        year_choices=year_choices,
        months=12,  # the selected month and the eleven before it
    )


# --- chart helpers ------------------------------------------------------------------------------


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def bar_class(fraction: float | None) -> str:
    """``stat-w-0`` … ``stat-w-100`` in steps of 5 (portal.css); the exact number is printed next to it."""
    if fraction is None:
        return "stat-w-0"
    step = int(max(0.0, min(1.0, fraction)) * 20 + 0.5) * 5  # half up, not banker's rounding
    return f"stat-w-{step}"


def _svg_number(value: float) -> str:
    # SVG attributes must not go through the template's localisation (a decimal comma in "vi").
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _decorate(row: dict) -> dict:
    rate = row["on_time_rate"]
    satisfaction = row["satisfaction_avg"]
    return {
        **row,
        "on_time_pct": _pct(rate),
        "on_time_bar": bar_class(rate),
        "on_time_svg": _svg_number((rate or 0) * 100),
        "satisfaction_bar": bar_class(None if satisfaction is None else satisfaction / 5),
        "satisfaction_svg": _svg_number((satisfaction or 0) / 5 * 100),
    }


def month_chart(rows: list[dict]) -> dict:
    """Geometry of the month trend (inline SVG): per month a bar of dossiers received and a bar of
    dossiers resolved, split into early-or-on-time and late."""
    # Room on the left for the counts, above the plot for the y-axis title, at the bottom for the
    # months and the x-axis title (phones draw it at half size with larger text: desk.css).
    width, height, top, bottom, left = 720, 290, 40, 48, 52
    plot = height - top - bottom
    peak = max([1] + [max(r["received"], r["resolved"]) for r in rows])
    slot = (width - left) / max(len(rows), 1)
    bar = max(slot * 0.32, 2)

    def scale(n: int) -> float:
        return n / peak * plot

    months = []
    for i, r in enumerate(rows):
        x = left + i * slot + slot * 0.14
        received_h = scale(r["received"])
        good = r["early"] + r["on_time"]
        good_h, late_h = scale(good), scale(r["late"])
        months.append(
            {
                **r,
                "label": f"{r['month']:%m/%y}",
                "received_x": _svg_number(x),
                "received_y": _svg_number(top + plot - received_h),
                "received_h": _svg_number(received_h),
                "good": good,
                "good_x": _svg_number(x + bar),
                "good_y": _svg_number(top + plot - good_h),
                "good_h": _svg_number(good_h),
                "late_y": _svg_number(top + plot - good_h - late_h),
                "late_h": _svg_number(late_h),
                "label_x": _svg_number(x + bar),
            }
        )
    return {
        "width": width,
        "height": height,
        "bar": _svg_number(bar),
        "peak": peak,
        "base_y": _svg_number(top + plot),
        "top_y": _svg_number(top),
        "left": left,
        "label_y": _svg_number(top + plot + 16),
        "peak_y": _svg_number(top + 4),
        "axis_x_y": _svg_number(height - 6),
        "axis_x_x": _svg_number(left + (width - left) / 2),
        "axis_y_x": "2",
        "axis_y_y": "24",
        "tick_x": _svg_number(left - 6),
        "months": months,
    }


# --- the public page ----------------------------------------------------------------------------


@require_safe
@public_catalogue_page(params=("year", "month"), stored_seconds=PUBLIC_CACHE_SECONDS)
def public_statistics(request: HttpRequest) -> HttpResponse:
    """Public: on-time rate and satisfaction per agency for a period. Aggregates only, no personal data."""
    today = timezone.localdate()
    period = parse_period(request.GET, today)
    cache_key = f"dossiers:statistics:public:{period.start:%Y%m%d}:{period.end:%Y%m%d}"
    data = cache.get(cache_key)
    if data is None:
        qs = Dossier.objects.exclude(status=Status.DRAFT)
        calendar = workdays.WorkCalendar.load()
        kwargs = {"period_start": period.start, "period_end": period.end, "calendar": calendar}
        data = {
            "total": statistics.summarise(qs, **kwargs),
            "agencies": [r for r in statistics.by_agency(qs, **kwargs) if r["agency_id"] is not None],
        }
        cache.set(cache_key, data, PUBLIC_CACHE_SECONDS)
    context = {
        "period": period,
        "total": _decorate(data["total"]),
        "agencies": [_decorate(r) for r in data["agencies"]],
        "month_choices": range(1, 13),
    }
    return render(request, "dossiers/statistics.html", context)


# --- the leaders' dashboard (admin) -------------------------------------------------------------


def leader_agency_ids(user) -> set[int] | None:
    """The agencies whose statistics ``user`` may see: ``None`` = all (superuser); else the agencies
    where they hold the leader role (empty set: not a leader anywhere)."""
    if user.is_superuser:
        return None
    return {agency for agency, role in staff_assignments(user) if role == StaffRole.LEADER}


@require_safe
def leader_dashboard(request: HttpRequest) -> HttpResponse:
    """Admin only (wrap with ``admin.site.admin_view``): leaders see their own agencies, superusers all."""
    scope = leader_agency_ids(request.user)
    if scope is not None and not scope:
        raise PermissionDenied
    today = timezone.localdate()
    period = parse_period(request.GET, today)
    qs = Dossier.objects.exclude(status=Status.DRAFT)
    if scope is not None:
        qs = qs.filter(agency_id__in=scope)
    calendar = workdays.WorkCalendar.load()
    now = timezone.now()
    kwargs = {"period_start": period.start, "period_end": period.end, "now": now, "calendar": calendar}
    monthly = statistics.by_month(qs, period.months, period_end=period.end, now=now, calendar=calendar)
    agencies = [
        {**_decorate(r), "name": r["agency_name"], "code": r["agency_code"]}
        for r in statistics.by_agency(qs, **kwargs)
    ]
    procedures = [
        {**_decorate(r), "name": r["procedure_name"], "code": r["procedure_code"]}
        for r in statistics.by_procedure(qs, **kwargs)
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Thống kê giải quyết hồ sơ"),
        "period": period,
        "month_choices": range(1, 13),
        "total": _decorate(statistics.summarise(qs, **kwargs)),
        "agencies": agencies,
        "procedures": procedures,
        "sections": [
            {"id": "agencies", "title": _("Theo cơ quan"), "name_label": _("Cơ quan"), "rows": agencies},
            {
                "id": "procedures",
                "title": _("Theo thủ tục (nhiều hồ sơ nhất)"),
                "name_label": _("Thủ tục"),
                "rows": procedures,
            },
        ],
        "months": [_decorate(r) for r in monthly],
        "chart": month_chart(monthly),
        "all_agencies": scope is None,
        "extension_rows": _extension_rows(scope, period),
    }
    return TemplateResponse(request, "admin/dossiers/dashboard.html", context)


def _extension_rows(scope, period) -> list[dict]:
    """Rows the apps above dossiers add to the summary (``extensions.statistics_rows``, e.g. payments)."""

    start, end = statistics.period_bounds(period.start, period.end)
    return [
        row
        for _name, rows_for in extensions.statistics_rows.items()
        for row in rows_for(agency_ids=scope, start=start, end=end)
    ]
