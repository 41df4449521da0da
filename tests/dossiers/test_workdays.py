"""Working days, working hours and dossier due dates (dossiers.workdays).

Tests create the CalendarDay rows they rely on; only ``test_seed_*`` reads the rows seeded by
migration 0002. Dates are chosen away from the seeded ones (01/2026 and 08/2026) unless stated.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from dossiers import workdays
from dossiers.models import CalendarDay
from dossiers.workdays import (
    WorkCalendar,
    add_working_days,
    add_working_hours,
    due_date,
    due_date_with_pauses,
    is_working_day,
    paused_working_days,
    receipt_day,
    remaining_working_days,
    working_days_between,
)
from tests.factories import UserFactory, login_staff

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN)


def day_off(d: date, reason: str = "Nghỉ thêm (thử nghiệm)") -> CalendarDay:
    return CalendarDay.objects.create(date=d, kind=CalendarDay.Kind.OFF, reason=reason)


def make_up_day(d: date, reason: str = "Làm bù (thử nghiệm)") -> CalendarDay:
    return CalendarDay.objects.create(date=d, kind=CalendarDay.Kind.WORKING, reason=reason)


# --- working days -------------------------------------------------------------------------------


def test_weekdays_work_and_weekends_do_not():
    # 2027-03-01 is a Monday with no holiday that week.
    week = [is_working_day(date(2027, 3, d)) for d in range(1, 8)]
    assert week == [True] * 5 + [False] * 2


@pytest.mark.parametrize(
    "holiday",
    [
        # Tết Bính Ngọ 2026: the five statutory days, Mon 16/02 to Fri 20/02.
        date(2026, 2, 16),
        date(2026, 2, 17),
        date(2026, 2, 18),
        date(2026, 2, 19),
        date(2026, 2, 20),
        # Tết Đinh Mùi 2027 (package): Thu 04/02, Fri 05/02, Mon 08/02 to Wed 10/02.
        date(2027, 2, 4),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),
        # Hùng Kings' day: Sun 26/04/2026 gives Mon 27/04 off; Fri 16/04/2027.
        date(2026, 4, 27),
        date(2027, 4, 16),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2027, 4, 30),
        date(2027, 9, 2),
        date(2027, 9, 3),
    ],
)
def test_public_holidays_from_the_package_are_not_working_days(holiday):
    assert holiday.weekday() < 5
    assert holiday in workdays.public_holidays(holiday.year)
    assert not is_working_day(holiday)


def test_the_days_around_tet_2026_are_working_days():
    assert is_working_day(date(2026, 2, 13))  # Fri 26 tháng Chạp
    assert is_working_day(date(2026, 2, 23))  # Mon mùng 7


def test_an_announced_day_off_is_skipped():
    assert is_working_day(date(2027, 5, 4))
    day_off(date(2027, 5, 4))
    assert not is_working_day(date(2027, 5, 4))
    # Mon 03/05/2027 is the compensatory day for 01/05 (a Saturday); Tue 04/05 now off too.
    assert add_working_days(date(2027, 4, 29), 1) == date(2027, 5, 5)


def test_a_make_up_saturday_is_counted():
    assert not is_working_day(date(2027, 5, 8))
    make_up_day(date(2027, 5, 8))
    assert is_working_day(date(2027, 5, 8))
    assert add_working_days(date(2027, 5, 7), 1) == date(2027, 5, 8)
    assert working_days_between(date(2027, 5, 7), date(2027, 5, 10)) == 2


def test_a_make_up_day_beats_a_package_holiday():
    # How an administrator corrects a day the package guessed wrong.
    make_up_day(date(2027, 2, 4))
    assert is_working_day(date(2027, 2, 4))


def test_seed_rows_exist():
    seeded = dict(CalendarDay.objects.filter(date__year=2026).values_list("date", "kind"))
    assert seeded == {
        date(2026, 1, 2): "off",
        date(2026, 1, 10): "working",
        date(2026, 8, 22): "working",
        date(2026, 8, 31): "off",
    }
    assert not is_working_day(date(2026, 1, 2))
    assert is_working_day(date(2026, 1, 10))
    assert is_working_day(date(2026, 8, 22))
    # Thu 01/01 and Fri 02/01 off, the Saturday after next worked instead.
    assert add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    # Quốc khánh 2026: off Sat 29/08 to Wed 02/09.
    assert add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_seed_is_idempotent_and_keeps_admin_edits():
    CalendarDay.objects.filter(date=date(2026, 1, 10)).update(reason="Đã sửa")
    assert workdays.seed_known_calendar() == 0
    assert CalendarDay.objects.get(date=date(2026, 1, 10)).reason == "Đã sửa"
    CalendarDay.objects.filter(date=date(2026, 1, 2)).delete()
    assert workdays.seed_known_calendar() == 1


def test_add_working_days_from_a_friday():
    assert add_working_days(date(2027, 3, 5), 3) == date(2027, 3, 10)  # Mon, Tue, Wed
    assert add_working_days(date(2027, 3, 5), 0) == date(2027, 3, 5)
    assert add_working_days(date(2027, 3, 10), -3) == date(2027, 3, 5)


def test_add_working_days_across_tet_2026():
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)  # Fri 13, Mon 23, Tue 24
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_add_working_days_across_tet_2027():
    assert add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    assert add_working_days(date(2027, 2, 2), 3) == date(2027, 2, 12)  # Wed 03, Thu 11, Fri 12


def test_add_working_days_across_30_4_and_1_5():
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert add_working_days(date(2026, 4, 24), 1) == date(2026, 4, 28)  # Hùng Kings' Monday skipped


def test_working_days_between_is_signed_and_excludes_the_start():
    assert working_days_between(date(2027, 3, 5), date(2027, 3, 8)) == 1
    assert working_days_between(date(2027, 3, 8), date(2027, 3, 5)) == -1
    assert working_days_between(date(2027, 3, 8), date(2027, 3, 8)) == 0
    assert working_days_between(date(2027, 3, 1), date(2027, 3, 31)) == 22


def test_a_datetime_is_refused_where_a_date_is_expected():
    with pytest.raises(TypeError):
        is_working_day(at(2027, 3, 1, 9))


def test_one_query_for_thirty_working_days(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        # February: 15 working days around Tết (16–20/02); March: 2–20.
        assert add_working_days(date(2026, 1, 30), 30) == date(2026, 3, 20)


def test_one_query_for_a_due_date_with_pauses(django_assert_max_num_queries):
    pauses = [(at(2027, 3, 2, 10), at(2027, 3, 4, 10)), (at(2027, 3, 9, 8), at(2027, 3, 9, 9))]
    with django_assert_max_num_queries(1):
        due_date_with_pauses(at(2027, 3, 1, 9), 15, pauses)


def test_a_loaded_calendar_costs_no_query(django_assert_num_queries):
    calendar = WorkCalendar.load()
    with django_assert_num_queries(0):
        add_working_days(date(2026, 1, 30), 30, calendar=calendar)
        due_date(at(2027, 3, 1, 9), 3, calendar=calendar)


# --- working hours ------------------------------------------------------------------------------


def test_8_working_hours_from_friday_16_00_end_on_monday_afternoon():
    # Friday 16:00–17:00 (1 h), Monday 07:30–11:30 (4 h) and 13:30–16:30 (3 h): a working day is 7.5 h.
    assert add_working_hours(at(2027, 3, 5, 16), 8) == at(2027, 3, 8, 16, 30)


def test_8_working_hours_from_friday_11_00_end_on_monday_at_the_end_of_the_morning():
    # Friday 11:00–11:30 and 13:30–17:00 (4 h), Monday 07:30–11:30 (4 h).
    assert add_working_hours(at(2027, 3, 5, 11), 8) == at(2027, 3, 8, 11, 30)


def test_8_working_hours_skip_a_monday_off():
    day_off(date(2027, 3, 8))
    assert add_working_hours(at(2027, 3, 5, 16), 8) == at(2027, 3, 9, 16, 30)


def test_working_hours_cross_the_weekend_into_monday_morning():
    assert add_working_hours(at(2027, 3, 5, 16), 1.5) == at(2027, 3, 8, 8, 0)


def test_8_working_hours_across_tet_2027():
    assert add_working_hours(at(2027, 2, 3, 16), 8) == at(2027, 2, 11, 16, 30)


def test_lunch_is_skipped():
    assert add_working_hours(at(2027, 3, 8, 10), 2) == at(2027, 3, 8, 14, 0)
    assert add_working_hours(at(2027, 3, 8, 12), 1) == at(2027, 3, 8, 14, 30)  # started during lunch
    assert add_working_hours(at(2027, 3, 8, 10), 1.5) == at(2027, 3, 8, 11, 30)  # ends the morning


def test_hours_outside_the_sessions_do_not_count():
    assert add_working_hours(at(2027, 3, 8, 6), 1) == at(2027, 3, 8, 8, 30)
    assert add_working_hours(at(2027, 3, 8, 18), 1) == at(2027, 3, 9, 8, 30)
    assert add_working_hours(at(2027, 3, 6, 9), 1) == at(2027, 3, 8, 8, 30)  # Saturday
    assert add_working_hours(at(2027, 3, 8, 18), 0) == at(2027, 3, 8, 18)


def test_working_hours_use_vietnam_time_whatever_the_input_zone():
    result = add_working_hours(datetime(2027, 3, 8, 2, 0, tzinfo=UTC), 1)  # 09:00 in Hà Nội
    assert result == at(2027, 3, 8, 10)
    assert result.utcoffset().total_seconds() == 7 * 3600


def test_working_hours_come_from_settings(settings):
    settings.WORKING_HOURS = [("08:00", "12:00"), ("13:00", "17:00")]
    assert add_working_hours(at(2027, 3, 5, 16), 8) == at(2027, 3, 8, 16)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(datetime(2027, 3, 8, 9), 1)
    with pytest.raises(ValueError):
        add_working_hours(at(2027, 3, 8, 9), -1)


# --- due dates ----------------------------------------------------------------------------------


def test_due_date_counts_from_the_working_day_after_receipt():
    assert due_date(at(2027, 3, 5, 10), 3) == at(2027, 3, 10, 17)  # Fri → Mon, Tue, Wed
    assert due_date(at(2027, 3, 8, 9), 5) == at(2027, 3, 15, 17)


def test_due_date_after_the_cut_off_counts_from_the_next_working_day():
    assert receipt_day(at(2027, 3, 5, 15, 30)) == date(2027, 3, 8)
    assert due_date(at(2027, 3, 5, 15, 30), 3) == at(2027, 3, 11, 17)
    assert due_date(at(2027, 3, 5, 15, 0), 3) == at(2027, 3, 10, 17)  # 15:00 itself is on time


def test_cut_off_hour_can_be_overridden(settings):
    assert due_date(at(2027, 3, 5, 15, 30), 3, cutoff_hour=16) == at(2027, 3, 10, 17)
    settings.DOSSIER_CUTOFF_HOUR = 12
    assert due_date(at(2027, 3, 5, 13), 3) == at(2027, 3, 11, 17)
    settings.DOSSIER_CUTOFF_HOUR = None
    assert due_date(at(2027, 3, 5, 16, 30), 3) == at(2027, 3, 10, 17)


def test_due_date_for_a_receipt_on_a_non_working_day():
    assert receipt_day(at(2027, 3, 6, 9)) == date(2027, 3, 8)  # Saturday counts as Monday
    assert due_date(at(2027, 3, 6, 9), 3) == at(2027, 3, 11, 17)
    assert due_date(at(2026, 2, 17, 9), 1) == at(2026, 2, 24, 17)  # Tết 2026: received Mon 23, due Tue 24


def test_due_date_across_tet_2026():
    assert due_date(at(2026, 2, 12, 9), 3) == at(2026, 2, 24, 17)


def test_half_days():
    received = at(2027, 3, 8, 9)  # Monday
    assert due_date(received, 0.5) == at(2027, 3, 9, 11, 30)
    assert due_date(received, Decimal("1.5")) == at(2027, 3, 10, 11, 30)
    assert due_date(received, Decimal("2")) == at(2027, 3, 10, 17)
    assert due_date(received, 0) == at(2027, 3, 8, 17)
    assert due_date(at(2027, 3, 5, 16), 0.5) == at(2027, 3, 9, 11, 30)  # after the cut-off: from Monday


@pytest.mark.parametrize("bad", [0.3, Decimal("1.25"), -1, float("nan")])
def test_due_date_refuses_other_fractions(bad):
    with pytest.raises(ValueError):
        due_date(at(2027, 3, 8, 9), bad)


# --- pauses -------------------------------------------------------------------------------------


def test_paused_working_days_counts_whole_and_partial_days_once():
    # Tue 10:00 → Thu 10:00: Tue and Thu partly, Wed wholly.
    assert paused_working_days([(at(2027, 3, 2, 10), at(2027, 3, 4, 10))]) == 3
    # Overlapping pauses do not count a day twice.
    overlapping = [(at(2027, 3, 2, 10), at(2027, 3, 3, 10)), (at(2027, 3, 3, 9), at(2027, 3, 3, 15))]
    assert paused_working_days(overlapping) == 2


def test_pauses_outside_working_hours_cost_nothing():
    assert paused_working_days([(at(2027, 3, 2, 17, 30), at(2027, 3, 3, 7, 0))]) == 0  # overnight
    assert paused_working_days([(at(2027, 3, 5, 17, 30), at(2027, 3, 8, 7, 15))]) == 0  # weekend
    assert paused_working_days([(at(2027, 3, 2, 11, 45), at(2027, 3, 2, 13, 15))]) == 0  # lunch
    assert paused_working_days([]) == 0


def test_a_pause_must_not_end_before_it_begins():
    with pytest.raises(ValueError):
        paused_working_days([(at(2027, 3, 3, 10), at(2027, 3, 2, 10))])


def test_pauses_push_the_due_date():
    received = at(2027, 3, 1, 9)  # Monday; 5 days → Mon 08/03
    assert due_date_with_pauses(received, 5, []) == at(2027, 3, 8, 17)
    pauses = [(at(2027, 3, 2, 10), at(2027, 3, 4, 10))]  # 3 working days
    assert due_date_with_pauses(received, 5, pauses) == at(2027, 3, 11, 17)


def test_a_pause_on_the_receipt_day_does_not_push_the_due_date():
    received = at(2027, 3, 1, 9)
    pauses = [(at(2027, 3, 1, 10), at(2027, 3, 1, 11))]
    assert due_date_with_pauses(received, 5, pauses) == at(2027, 3, 8, 17)


def test_pauses_keep_a_half_day_due_time():
    received = at(2027, 3, 1, 9)  # 0.5 day → Tue 02/03 11:30
    pauses = [(at(2027, 3, 2, 8), at(2027, 3, 2, 9))]
    assert due_date_with_pauses(received, 0.5, pauses) == at(2027, 3, 3, 11, 30)


def test_pauses_across_tet_count_only_working_days():
    received = at(2027, 1, 28, 9)  # Thursday
    # Fri 29/01, Mon 01, Tue 02, Wed 03, (Tết 04–10/02), Thu 11/02.
    assert due_date(received, 5) == at(2027, 2, 11, 17)
    pauses = [(at(2027, 2, 3, 16), at(2027, 2, 11, 8))]  # Wed 03 and Thu 11 touched, Tết not counted
    assert paused_working_days(pauses) == 2
    assert due_date_with_pauses(received, 5, pauses) == at(2027, 2, 15, 17)


# --- remaining days -----------------------------------------------------------------------------


def test_remaining_working_days():
    due = at(2027, 3, 11, 17)  # Thursday
    assert remaining_working_days(due, at(2027, 3, 8, 10)) == 3
    assert remaining_working_days(due, at(2027, 3, 11, 10)) == 0
    assert remaining_working_days(due, at(2027, 3, 12, 10)) == -1
    assert remaining_working_days(due, at(2027, 3, 15, 10)) == -2
    assert remaining_working_days(due, at(2027, 3, 6, 10)) == 4  # from a Saturday


def test_remaining_working_days_defaults_to_now():
    with time_machine.travel(at(2027, 3, 9, 10), tick=False):
        assert remaining_working_days(at(2027, 3, 11, 17)) == 2


# --- the model and its admin --------------------------------------------------------------------


def test_a_make_up_day_on_an_ordinary_weekday_is_refused():
    with pytest.raises(ValidationError):
        CalendarDay(date=date(2027, 3, 4), kind=CalendarDay.Kind.WORKING, reason="nhầm").full_clean()
    with pytest.raises(ValidationError):
        CalendarDay(date=date(2027, 3, 6), kind=CalendarDay.Kind.OFF, reason="nhầm").full_clean()
    CalendarDay(date=date(2027, 3, 6), kind=CalendarDay.Kind.WORKING, reason="Làm bù").full_clean()
    CalendarDay(date=date(2027, 2, 4), kind=CalendarDay.Kind.WORKING, reason="Sửa lịch Tết").full_clean()


def test_admin_lists_and_filters_by_year(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    login_staff(client, admin)
    make_up_day(date(2027, 5, 8), reason="Làm bù lễ 30/4 năm 2027")
    url = reverse("admin:dossiers_calendarday_changelist")
    response = client.get(url, {"year": "2027"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Làm bù lễ 30/4 năm 2027" in body
    assert "Văn bản 12729/VPCP-KGVX" not in body  # the 2026 seed rows are filtered out
    assert client.get(url, {"q": "12729"}).status_code == 200
    assert client.get(reverse("admin:dossiers_calendarday_add")).status_code == 200


def test_threads_asking_for_a_year_at_once_load_it_once(monkeypatch):
    """Each worker's first submissions asked for the year in every thread at once, and each thread
    loaded the calendar (half a second each): one loads it, the others wait for its answer."""
    import threading
    import time

    from dossiers import holidays

    loads = []
    real = holidays.holidays.country_holidays

    def slow(*args, **kwargs):
        loads.append(kwargs["years"])
        time.sleep(0.2)  # the others, released together with this one, ask while it loads
        return real(*args, **kwargs)

    monkeypatch.setattr(holidays, "_years", {})
    monkeypatch.setattr(holidays.holidays, "country_holidays", slow)
    answers = []
    together = threading.Barrier(6)  # every thread asks at the same moment, as a rush's first requests do

    def ask():
        together.wait()
        answers.append(holidays.public_holidays(2026))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [2026]
    assert len(answers) == 6 and all(answer is answers[0] for answer in answers)
    assert date(2026, 9, 2) in answers[0]  # Quốc khánh
