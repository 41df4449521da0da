"""Working days and working hours for dossier time limits (ngày làm việc, giờ làm việc).

Where the calendar comes from
    * Saturdays and Sundays are days off.
    * Statutory public holidays come from ``holidays.country_holidays("VN", language="vi")``: New Year,
      the five Tết days (with the package's own choice of which five when Tết meets a weekend), Hùng
      Kings' day, 30/4, 1/5, 2/9 and the day next to it, and the Labour Code's compensatory days when a
      holiday falls on a weekend. They are computed once per year and kept in memory.
    * The government's yearly announcements (extra days off, make-up working Saturdays) are not in the
      package: they are ``CalendarDay`` rows, edited in the admin. A ``working`` row beats everything, so
      it can also correct a holiday the package guessed wrong.

Queries
    Every public function reads the ``CalendarDay`` table at most once (one query, all rows: a few
    per year) and works from that snapshot, so a computation costs one query whatever its length.
    Callers that make many computations in a loop load a :class:`WorkCalendar` once and pass it as
    ``calendar=``. There is no cross-request cache, so an admin edit applies to the next computation.

Time zone
    Datetimes must be timezone-aware. They are read, and results are returned, in the project's
    time zone (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh).

Settings
    ``WORKING_HOURS``: the one-stop shop's sessions, default ``[("07:30", "11:30"), ("13:30", "17:00")]``.
    ``DOSSIER_CUTOFF_HOUR``: receipts later than this hour count from the next working day; default 15,
    ``None`` to turn the rule off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from .holidays import public_holidays

if TYPE_CHECKING:
    from .models import CalendarDay

DEFAULT_WORKING_HOURS: tuple[tuple[str, str], ...] = (("07:30", "11:30"), ("13:30", "17:00"))
DEFAULT_CUTOFF_HOUR = 15
ONE_DAY = timedelta(days=1)

Number = Decimal | int | float
Session = tuple[time, time]


# --- the calendar snapshot ----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCalendar:
    """Statutory holidays plus one snapshot of the ``CalendarDay`` overrides.

    A working day is a Monday to Friday that is neither a public holiday nor an announced day off,
    or any date marked as a make-up working day (``working`` wins over everything else).
    """

    days_off: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()

    @classmethod
    def load(cls) -> WorkCalendar:
        """Read every ``CalendarDay`` row: one query."""
        from .models import CalendarDay

        days_off: set[date] = set()
        make_up_days: set[date] = set()
        for day, kind in CalendarDay.objects.values_list("date", "kind"):
            (make_up_days if kind == CalendarDay.Kind.WORKING else days_off).add(day)
        return cls(days_off=frozenset(days_off), make_up_days=frozenset(make_up_days))

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            raise TypeError("Pass a date, not a datetime: take the local date first (timezone.localdate).")
        if day in self.make_up_days:
            return True
        if day.weekday() >= 5 or day in self.days_off:
            return False
        return day not in public_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The date ``n`` working days after ``start`` (``start`` not counted); backwards when ``n < 0``."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative (the count in ``(end, start]``) when ``end < start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count


def _calendar(calendar: WorkCalendar | None) -> WorkCalendar:
    return WorkCalendar.load() if calendar is None else calendar


# --- settings and time helpers ------------------------------------------------------------------


def working_sessions() -> tuple[Session, ...]:
    """The sessions of a working day from ``settings.WORKING_HOURS``, checked to be ordered and disjoint."""
    raw = getattr(settings, "WORKING_HOURS", DEFAULT_WORKING_HOURS)
    sessions = tuple((time.fromisoformat(begin), time.fromisoformat(end)) for begin, end in raw)
    if not sessions:
        raise ValueError("WORKING_HOURS must list at least one session.")
    previous_end = time.min
    for begin, end in sessions:
        if not previous_end <= begin < end:
            raise ValueError(f"WORKING_HOURS sessions must be ordered and must not overlap: {raw!r}")
        previous_end = end
    return sessions


def _cutoff_hour(cutoff_hour: int | None) -> int | None:
    value = (
        getattr(settings, "DOSSIER_CUTOFF_HOUR", DEFAULT_CUTOFF_HOUR) if cutoff_hour is None else cutoff_hour
    )
    if value is not None and not 0 <= value <= 23:
        raise ValueError(f"The cut-off hour must be between 0 and 23, not {value!r}.")
    return value


def _local(value: datetime) -> datetime:
    if timezone.is_naive(value):
        raise ValueError(f"Expected a timezone-aware datetime, got {value!r}.")
    return timezone.localtime(value, timezone.get_default_timezone())


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=timezone.get_default_timezone())


def _split_days(days: Number) -> tuple[int, bool]:
    """``days`` as (whole days, has a half day); only non-negative multiples of 0.5 are accepted."""
    if isinstance(days, bool):
        raise TypeError("A time limit is a number of days, not a bool.")
    value = Decimal(str(days)) if isinstance(days, float) else Decimal(days)
    if not value.is_finite() or value < 0 or (value * 2) % 1 != 0:
        raise ValueError(f"A time limit must be a non-negative multiple of half a day, not {days!r}.")
    whole = int(value)
    return whole, value != whole


def _half_day_end(sessions: tuple[Session, ...]) -> time:
    """When half a working day ends: the end of the morning session (the middle of a single session)."""
    if len(sessions) > 1:
        return sessions[0][1]
    begin, end = (datetime.combine(date.min, t) for t in sessions[0])
    return (begin + (end - begin) / 2).time()


# --- public API ---------------------------------------------------------------------------------


def is_working_day(d: date, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether ``d`` is a working day: Monday to Friday, not a public holiday, not an announced day
    off; or any date marked as a make-up working day."""
    return _calendar(calendar).is_working_day(d)


def add_working_days(start: date, n: int, *, calendar: WorkCalendar | None = None) -> date:
    """The date ``n`` working days after ``start``, which itself is not counted.

    A 3-day limit from a Friday receipt ends on Wednesday (Mon, Tue, Wed). ``n == 0`` returns
    ``start`` unchanged; a negative ``n`` counts backwards.
    """
    return _calendar(calendar).add_working_days(start, n)


def working_days_between(start: date, end: date, *, calendar: WorkCalendar | None = None) -> int:
    """The number of working days in ``(start, end]``; negative when ``end < start``."""
    return _calendar(calendar).working_days_between(start, end)


def add_working_hours(start: datetime, hours: Number, *, calendar: WorkCalendar | None = None) -> datetime:
    """The moment ``hours`` working hours after ``start``, skipping lunch, evenings and non-working days.

    Used for the 8 working hours within which an online dossier must be accepted or answered. Time
    before the first session or after the last one does not count; a start outside working hours
    begins counting at the next session. A result that ends a session exactly is that session's end
    (11:30, not 13:30). ``hours == 0`` returns ``start``.
    """
    if hours < 0:
        raise ValueError("Working hours cannot be negative.")
    cursor = _local(start)
    remaining = timedelta(hours=float(hours))
    if not remaining:
        return cursor
    cal = _calendar(calendar)
    sessions = working_sessions()
    day = cursor.date()
    while True:
        if cal.is_working_day(day):
            for session_start, session_end in sessions:
                begin = max(cursor, _at(day, session_start))
                end = _at(day, session_end)
                if begin >= end:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += ONE_DAY


def receipt_day(
    received_at: datetime, *, cutoff_hour: int | None = None, calendar: WorkCalendar | None = None
) -> date:
    """The working day on which a dossier counts as received for its time limit.

    The receipt date itself if that is a working day and the dossier arrived no later than
    ``cutoff_hour``:00 local time; otherwise the next working day (a Saturday receipt, or a
    Friday 16:00 receipt with the default cut-off of 15, counts as received on Monday).
    """
    cal = _calendar(calendar)
    local = _local(received_at)
    cutoff = _cutoff_hour(cutoff_hour)
    on_time = cutoff is None or local.time() <= time(cutoff)
    if on_time and cal.is_working_day(local.date()):
        return local.date()
    return cal.next_working_day(local.date())


def due_date(
    received_at: datetime,
    days: Number,
    *,
    cutoff_hour: int | None = None,
    calendar: WorkCalendar | None = None,
) -> datetime:
    """When the result is due (ngày hẹn trả kết quả) for a limit of ``days`` working days.

    The convention implemented:

    1. The receipt day (:func:`receipt_day`) is not counted. Counting starts on the next working day
       (Decree 118/2025/NĐ-CP; the Civil Code's general rule, Arts. 147–148 of the 2015 Code, is the
       same: the first day is not counted and a limit ends when its last day ends).
    2. A dossier received later than the cut-off hour (``cutoff_hour``, default the
       ``DOSSIER_CUTOFF_HOUR`` setting, 15) or on a non-working day counts as received on the next
       working day, so counting starts one working day later.
    3. Whole days: due at the end of the last session (17:00) of the ``days``-th working day.
    4. Half days: ``N + 0.5`` days is due at the end of the morning session (11:30) of working day
       ``N + 1``; so 0.5 day received on Monday morning is due on Tuesday at 11:30.
    5. ``days == 0`` (results "trong ngày") is due at the end of the receipt day.

    Example: 3 working days, received Friday 10:00 → due Wednesday 17:00; received Friday 15:30 →
    counts from Monday → due Thursday 17:00.
    """
    whole, half = _split_days(days)
    cal = _calendar(calendar)
    start = receipt_day(received_at, cutoff_hour=cutoff_hour, calendar=cal)
    sessions = working_sessions()
    if half:
        return _at(cal.add_working_days(start, whole + 1), _half_day_end(sessions))
    return _at(cal.add_working_days(start, whole), sessions[-1][1])


def paused_working_days(
    intervals: Iterable[tuple[datetime, datetime]],
    *,
    after: date | None = None,
    calendar: WorkCalendar | None = None,
) -> int:
    """How many working days the clock was stopped (supplement or payment requested → answered).

    A working day counts, once, if any pause overlaps its working hours: a whole day inside a pause
    counts as one and so does a partly paused day (a request at 16:00 answered the next day at 09:00
    costs two days). Pauses that only cover evenings, lunch or non-working days cost nothing;
    overlapping pauses are not counted twice. With ``after``, only days later than it count (the
    receipt day is outside the time limit anyway). An ongoing pause is passed with ``now`` as its end.
    """
    cal = _calendar(calendar)
    sessions = working_sessions()
    paused: set[date] = set()
    for begin, end in intervals:
        begin, end = _local(begin), _local(end)
        if end < begin:
            raise ValueError(f"A pause cannot end before it begins: {begin} → {end}.")
        day = begin.date() if after is None else max(begin.date(), after + ONE_DAY)
        while day <= end.date():
            overlaps = any(begin < _at(day, s_end) and end > _at(day, s_start) for s_start, s_end in sessions)
            if overlaps and cal.is_working_day(day):
                paused.add(day)
            day += ONE_DAY
    return len(paused)


def due_date_with_pauses(
    received_at: datetime,
    days: Number,
    pauses: Iterable[tuple[datetime, datetime]],
    *,
    cutoff_hour: int | None = None,
    calendar: WorkCalendar | None = None,
) -> datetime:
    """:func:`due_date`, pushed later by the working days the clock was stopped.

    Each working day counted by :func:`paused_working_days` after the receipt day moves the due date
    one working day later, at the same time of day (17:00, or 11:30 for a half-day limit). Pauses
    are taken as given: the caller passes the dossier's own pause history.
    """
    cal = _calendar(calendar)
    due = due_date(received_at, days, cutoff_hour=cutoff_hour, calendar=cal)
    start = receipt_day(received_at, cutoff_hour=cutoff_hour, calendar=cal)
    extra = paused_working_days(pauses, after=start, calendar=cal)
    if not extra:
        return due
    return _at(cal.add_working_days(due.date(), extra), due.time())


def remaining_working_days(
    due: datetime, now: datetime | None = None, *, calendar: WorkCalendar | None = None
) -> int:
    """Working days left until ``due``, by local dates: those in ``(today, due day]``.

    ``0`` means due today, ``1`` due on the next working day, a negative number overdue by that
    many working days. Dates only: compare ``now > due`` to know whether today's deadline has passed.
    """
    now = timezone.now() if now is None else now
    return _calendar(calendar).working_days_between(_local(now).date(), _local(due).date())


# --- seed data ----------------------------------------------------------------------------------

# The government's announcements that change the statutory calendar, as confirmed when written
# (November 2026). Statutory days already in the package are not repeated, except a swapped day off
# (31/08/2026) kept next to its make-up day so the admin shows the pair. Sources: migration 0002.
KNOWN_CALENDAR: tuple[tuple[date, str, str], ...] = (
    (
        date(2026, 1, 2),
        "off",
        "Nghỉ Tết Dương lịch 2026 (01–04/01), hoán đổi với thứ Bảy 10/01/2026 (Văn bản 12729/VPCP-KGVX ngày 25/12/2025)",
    ),
    (
        date(2026, 1, 10),
        "working",
        "Làm bù cho thứ Sáu 02/01/2026, Tết Dương lịch 2026 (Văn bản 12729/VPCP-KGVX ngày 25/12/2025)",
    ),
    (
        date(2026, 8, 22),
        "working",
        "Làm bù cho thứ Hai 31/08/2026, nghỉ Quốc khánh 2026 (ý kiến Thủ tướng do Văn phòng Chính phủ truyền đạt, tháng 10/2025)",
    ),
    (
        date(2026, 8, 31),
        "off",
        "Nghỉ Quốc khánh 2026 (29/08–02/09), hoán đổi với thứ Bảy 22/08/2026 (ý kiến Thủ tướng do Văn phòng Chính phủ truyền đạt, tháng 10/2025)",
    ),
)


def seed_known_calendar(calendar_day_model: type[CalendarDay] | None = None) -> int:
    """Create the ``KNOWN_CALENDAR`` rows that do not exist yet; returns how many were created.

    Idempotent, and never overwrites a row an administrator has edited. Migrations pass their
    historical model (``apps.get_model("dossiers", "CalendarDay")``).
    """
    if calendar_day_model is None:
        from .models import CalendarDay

        calendar_day_model = CalendarDay
    created = 0
    for day, kind, reason in KNOWN_CALENDAR:
        _row, was_created = calendar_day_model.objects.get_or_create(
            date=day, defaults={"kind": kind, "reason": reason}
        )
        created += was_created
    return created
