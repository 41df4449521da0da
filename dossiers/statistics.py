"""Service-index statistics (Bộ chỉ số phục vụ người dân, doanh nghiệp — Decision 766/QĐ-TTg).

Pure functions over a queryset of dossiers. Each function runs a fixed number of aggregate
(GROUP BY) queries, whatever the number of dossiers: never one query per dossier.

Definitions (a period is ``[period_start, period_end]``, whole local days, Asia/Ho_Chi_Minh):

received
    ``received_at`` in the period (accepted by the one-stop shop; status 2 and later).
resolved
    ``completed_at`` in the period and a result was produced: status 9 (result ready), 10 (returned)
    or 8 (processing stopped with a written reason, form 05). Refused (3, never accepted) and
    withdrawn (7, at the applicant's request) dossiers are counted apart in ``refused`` /
    ``withdrawn`` (by ``completed_at`` too), not as resolved.
early / on_time / late
    Split of ``resolved``. Late: completed after ``due_at``, or asked for a supplement twice or more
    (the rule is guidance once: a second request counts as late whatever the dates), or extended
    with an apology (form 04). Early: not late and completed on a local day before the due date's
    day. On time: the rest (completed on the due day by ``due_at``; also a dossier without a due date).
on_time_rate
    ``(early + on_time) / resolved``; ``None`` when nothing was resolved.
in_progress
    Open at the reference moment: submitted before it and not completed (``completed_at``) by it.
    The reference moment is the end of the period, or now if the period has not ended yet.
overdue
    In progress at the reference moment with ``due_at`` before it, or not yet received with the
    8-working-hour acceptance deadline (``acceptance_due_at``) before it, except dossiers still
    waiting for the applicant (status 5 or 6: the clock is stopped). A dossier whose result is ready
    (9) or returned (10) is finished, so never overdue. For a current period this is exactly the
    officers' "Quá hạn" queue (``overdue_q``, the one definition both use). For a past period it is
    overdue at the period's end; the clock-stopped state is only known for dossiers still open today
    (an approximation).
avg_processing_days
    Mean working days (``workdays.working_days_between`` on local dates: the receipt day not
    counted) from ``received_at`` to ``completed_at`` over the resolved dossiers; ``None`` when none.
online_share
    ``received`` dossiers that came in online (``Dossier.channel``) over all ``received``; the rest
    came to the counter or by post. ``None`` when nothing was received.
satisfaction_avg / satisfaction_count
    Average ``Rating.score`` (1–5) and number of ratings of the dossiers completed in the period
    (any completed status that may be rated).
refused / withdrawn / stopped
    Completed in the period with status 3 / 7 / 8 (``stopped`` is also part of ``resolved``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.db.models.lookups import LessThan
from django.utils import timezone

from . import workdays
from .constants import CLOCK_STOPPED, Channel, Status

RESOLVED_STATUSES = (Status.RESULT_READY, Status.RETURNED, Status.STOPPED)

METRIC_KEYS = (
    "received",
    "resolved",
    "early",
    "on_time",
    "late",
    "on_time_rate",
    "in_progress",
    "overdue",
    "avg_processing_days",
    "online_share",
    "satisfaction_avg",
    "satisfaction_count",
    "refused",
    "withdrawn",
    "stopped",
)

MONTH = "__month__"  # group key: the month of the metric's own date field
MAX_MONTHS = 120

Key = object


# --- dates --------------------------------------------------------------------------------------


def _tz():
    return timezone.get_default_timezone()


def period_bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """``[start, end)`` as aware datetimes: local midnight of the first day, of the day after the last."""
    if period_end < period_start:
        raise ValueError(f"The period ends before it starts: {period_start} → {period_end}.")
    tz = _tz()
    return (
        datetime.combine(period_start, time.min, tzinfo=tz),
        datetime.combine(period_end + timedelta(days=1), time.min, tzinfo=tz),
    )


def add_months(first_of_month: date, n: int) -> date:
    """The first day of the month ``n`` months after (before, if negative) ``first_of_month``'s month."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _month_key(value: datetime | date) -> date:
    if isinstance(value, datetime):
        value = value.astimezone(_tz()) if timezone.is_aware(value) else value
    return date(value.year, value.month, 1)


# --- rows ---------------------------------------------------------------------------------------


def _empty_row() -> dict:
    return {
        "received": 0,
        "received_online": 0,
        "resolved": 0,
        "early": 0,
        "on_time": 0,
        "late": 0,
        "on_time_rate": None,
        "in_progress": 0,
        "overdue": 0,
        "avg_processing_days": None,
        "online_share": None,
        "satisfaction_avg": None,
        "satisfaction_count": 0,
        "refused": 0,
        "withdrawn": 0,
        "stopped": 0,
    }


def _finish(row: dict, days: tuple[int, int] | None) -> dict:
    row["on_time"] = row["resolved"] - row["early"] - row["late"]
    row["on_time_rate"] = (row["early"] + row["on_time"]) / row["resolved"] if row["resolved"] else None
    if days and days[1]:
        row["avg_processing_days"] = days[0] / days[1]
    if row["satisfaction_avg"] is not None:
        row["satisfaction_avg"] = float(row["satisfaction_avg"])
    row["online_share"] = row["received_online"] / row["received"] if row["received"] else None
    return {key: row[key] for key in METRIC_KEYS}


# --- the queries --------------------------------------------------------------------------------


def _completed_aggregates() -> dict:
    tz = _tz()
    resolved = Q(status__in=RESOLVED_STATUSES)
    late = Q(supplement_requests__gte=2) | Q(extended=True) | Q(completed_at__gt=F("due_at"))
    early = Q(
        LessThan(TruncDate("completed_at", tzinfo=tz), TruncDate("due_at", tzinfo=tz)),
        supplement_requests__lt=2,
        extended=False,
    )
    return {
        "resolved": Count("pk", filter=resolved),
        "early": Count("pk", filter=resolved & early),
        "late": Count("pk", filter=resolved & late),
        "refused": Count("pk", filter=Q(status=Status.REFUSED)),
        "withdrawn": Count("pk", filter=Q(status=Status.WITHDRAWN)),
        "stopped": Count("pk", filter=Q(status=Status.STOPPED)),
        "satisfaction_avg": Avg("rating__score"),
        "satisfaction_count": Count("rating"),
    }


def _open_at(ref: datetime) -> Q:
    return (
        Q(submitted_at__lt=ref)
        & ~Q(status=Status.DRAFT)
        & (Q(completed_at__isnull=True) | Q(completed_at__gte=ref))
    )


def _overdue_at(ref: datetime) -> Q:
    waiting_now = Q(completed_at__isnull=True, status__in=CLOCK_STOPPED)
    not_received_yet = Q(received_at__isnull=True) | Q(received_at__gte=ref)
    late = Q(due_at__lt=ref) | (not_received_yet & Q(acceptance_due_at__lt=ref))
    return _open_at(ref) & late & ~waiting_now


def open_q(ref: datetime) -> Q:
    """Dossiers being dealt with at ``ref`` (submitted before it, not finished by it)."""
    return _open_at(ref)


def overdue_q(ref: datetime) -> Q:
    """Overdue at ``ref``: the one definition of the leaders' dashboard and the officers' queue."""
    return _overdue_at(ref)


def _group_expression(group: str | None, anchor: str):
    if group == MONTH:
        return TruncMonth(anchor, tzinfo=_tz())
    return F(group)


def _normalise_key(group: str | None, value) -> Key:
    return _month_key(value) if group == MONTH else value


def _anchored(
    qs: QuerySet,
    anchor: str,
    start: datetime,
    end: datetime,
    group: str | None,
    aggregates: dict,
    extra: dict | None = None,
) -> Iterable[tuple[Key, dict]]:
    """One query: the aggregates over the dossiers whose ``anchor`` falls in ``[start, end)``,
    grouped by ``group`` (a field, ``MONTH`` or ``None`` for one row) and the ``extra`` expressions."""
    qs = qs.filter(**{f"{anchor}__gte": start, f"{anchor}__lt": end}).order_by()
    if group is None and not extra:
        yield (), qs.aggregate(**aggregates)
        return
    values = dict(extra or {})
    if group is not None:
        values["s_key"] = _group_expression(group, anchor)
    for row in qs.values(**values).annotate(**aggregates).order_by():
        key = _normalise_key(group, row.pop("s_key")) if group is not None else ()
        yield key, row


def _collect(
    qs: QuerySet,
    *,
    start: datetime,
    end: datetime,
    group: str | None,
    now: datetime,
    calendar: workdays.WorkCalendar,
    months: list[date] | None = None,
) -> dict[Key, dict]:
    """All metrics, keyed by group value; a fixed number of queries (4 plus the calendar's)."""
    rows: dict[Key, dict] = defaultdict(_empty_row)
    qs = qs.exclude(status=Status.DRAFT)

    received = {"received": Count("pk"), "received_online": Count("pk", filter=Q(channel=Channel.ONLINE))}
    for key, values in _anchored(qs, "received_at", start, end, group, received):
        rows[key].update(values)

    for key, values in _anchored(qs, "completed_at", start, end, group, _completed_aggregates()):
        rows[key].update(values)

    # Processing time: one row per (group, receipt day, completion day), the working days in Python.
    tz = _tz()
    days: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    resolved_qs = qs.filter(status__in=RESOLVED_STATUSES, received_at__isnull=False)
    extra = {"s_rday": TruncDate("received_at", tzinfo=tz), "s_cday": TruncDate("completed_at", tzinfo=tz)}
    for key, values in _anchored(resolved_qs, "completed_at", start, end, group, {"n": Count("pk")}, extra):
        between = workdays.working_days_between(values["s_rday"], values["s_cday"], calendar=calendar)
        days[key][0] += between * values["n"]
        days[key][1] += values["n"]

    # Open and overdue at the reference moment(s).
    if group == MONTH:
        # Months that have not started yet have nothing open.
        refs = {
            m: min(now, datetime.combine(add_months(m, 1), time.min, tzinfo=tz))
            for m in months or []
            if datetime.combine(m, time.min, tzinfo=tz) <= now
        }
        if refs:
            earliest, latest = min(refs.values()), max(refs.values())
            candidates = qs.filter(submitted_at__lt=latest).filter(
                Q(completed_at__isnull=True) | Q(completed_at__gte=earliest)
            )
            aggregates = {}
            for i, ref in enumerate(refs.values()):
                aggregates[f"in_progress_{i}"] = Count("pk", filter=_open_at(ref))
                aggregates[f"overdue_{i}"] = Count("pk", filter=_overdue_at(ref))
            totals = candidates.order_by().aggregate(**aggregates)
            for i, month in enumerate(refs):
                if totals[f"in_progress_{i}"]:
                    rows[month]["in_progress"] = totals[f"in_progress_{i}"]
                    rows[month]["overdue"] = totals[f"overdue_{i}"]
    else:
        ref = min(now, end)
        open_qs = qs.filter(_open_at(ref)).order_by()
        aggregates = {"in_progress": Count("pk"), "overdue": Count("pk", filter=_overdue_at(ref))}
        if group is None:
            snapshot = [((), open_qs.aggregate(**aggregates))]
        else:
            snapshot = [
                (row.pop("s_key"), row)
                for row in open_qs.values(s_key=F(group)).annotate(**aggregates).order_by()
            ]
        for key, values in snapshot:
            if values["in_progress"]:
                rows[key].update(values)

    return {key: _finish(row, tuple(days.get(key, (0, 0)))) for key, row in rows.items()}


def _setup(now: datetime | None, calendar: workdays.WorkCalendar | None):
    return (now or timezone.now()), (calendar if calendar is not None else workdays.WorkCalendar.load())


# --- public API ---------------------------------------------------------------------------------


def summarise(
    qs: QuerySet,
    *,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
    calendar: workdays.WorkCalendar | None = None,
) -> dict:
    """The service-index metrics of ``qs`` for the period (see the module docstring).

    Five queries (four aggregates and the working calendar; four when ``calendar`` is given).
    """
    start, end = period_bounds(period_start, period_end)
    now, calendar = _setup(now, calendar)
    rows = _collect(qs, start=start, end=end, group=None, now=now, calendar=calendar)
    return rows.get((), _finish(_empty_row(), None))


def by_agency(
    qs: QuerySet,
    *,
    period_start: date,
    period_end: date,
    now: datetime | None = None,
    calendar: workdays.WorkCalendar | None = None,
) -> list[dict]:
    """One row per agency with dossiers counted in the period, by agency name: ``agency_id``,
    ``agency_code``, ``agency_name`` and the :func:`summarise` metrics."""
    from procedures.models import Agency

    start, end = period_bounds(period_start, period_end)
    now, calendar = _setup(now, calendar)
    rows = _collect(qs, start=start, end=end, group="agency_id", now=now, calendar=calendar)
    names = {
        pk: (code, name)
        for pk, code, name in Agency.objects.filter(pk__in=[k for k in rows if k is not None]).values_list(
            "pk", "code", "name"
        )
    }
    out = []
    for pk, metrics in rows.items():
        code, name = names.get(pk, ("", ""))
        out.append({"agency_id": pk, "agency_code": code, "agency_name": name, **metrics})
    out.sort(key=lambda r: (r["agency_name"] == "", r["agency_name"], r["agency_code"]))
    return out


def by_procedure(
    qs: QuerySet,
    *,
    period_start: date,
    period_end: date,
    limit: int = 20,
    now: datetime | None = None,
    calendar: workdays.WorkCalendar | None = None,
) -> list[dict]:
    """The ``limit`` busiest procedures of the period (most received, then most resolved):
    ``procedure_id``, ``procedure_code``, ``procedure_name`` and the :func:`summarise` metrics."""
    from procedures.models import Procedure

    start, end = period_bounds(period_start, period_end)
    now, calendar = _setup(now, calendar)
    rows = _collect(qs, start=start, end=end, group="procedure_id", now=now, calendar=calendar)
    ranked = sorted(
        rows.items(),
        key=lambda item: (-item[1]["received"], -item[1]["resolved"], -item[1]["in_progress"], item[0]),
    )
    ranked = ranked[: max(limit, 0)]
    names = {
        pk: (code, name)
        for pk, code, name in Procedure.objects.filter(pk__in=[k for k, _ in ranked]).values_list(
            "pk", "code", "name"
        )
    }
    out = []
    for pk, metrics in ranked:
        code, name = names.get(pk, ("", ""))
        out.append({"procedure_id": pk, "procedure_code": code, "procedure_name": name, **metrics})
    return out


def by_month(
    qs: QuerySet,
    months: int = 12,
    *,
    period_end: date | None = None,
    now: datetime | None = None,
    calendar: workdays.WorkCalendar | None = None,
) -> list[dict]:
    """The last ``months`` calendar months up to ``period_end``'s month (default: this month),
    oldest first, every month present: ``month`` (its first day) and the :func:`summarise` metrics.

    Each metric falls in the month of its own date (received by ``received_at``, resolved by
    ``completed_at``); in progress / overdue are taken at each month's end (or now)."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"months must be between 1 and {MAX_MONTHS}, not {months!r}.")
    now, calendar = _setup(now, calendar)
    last = _month_key(period_end or timezone.localdate(now))
    month_list = [add_months(last, i) for i in range(-(months - 1), 1)]
    start, end = period_bounds(month_list[0], add_months(last, 1) - timedelta(days=1))
    rows = _collect(qs, start=start, end=end, group=MONTH, now=now, calendar=calendar, months=month_list)
    return [{"month": month, **rows.get(month, _finish(_empty_row(), None))} for month in month_list]
