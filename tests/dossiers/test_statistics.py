"""Service-index statistics: the definitions (dossiers/statistics.py) and the two pages."""

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossiers import services, statistics, stats_views
from dossiers.constants import Status
from dossiers.models import Dossier, Rating
from tests.factories import AgencyFactory, ProcedureFactory, UserFactory, login_staff, make_staff, ready_draft

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = {"period_start": date(2026, 3, 1), "period_end": date(2026, 3, 31)}
NOW = datetime(2026, 3, 25, 12, 0, tzinfo=VN)  # inside March: "open at period end" means open now
SECRET_NAME = "Trần Văn Bí Mật"


def at(day: str, hhmm: str = "09:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), tzinfo=VN)


_codes = iter(range(1, 1_000_000))


def make(agency, procedure, applicant, *, status, rating=None, **fields):
    """A dossier row with the given dates; submitted just before it was received unless told."""
    if "submitted_at" not in fields:
        anchor = fields.get("received_at") or fields.get("completed_at")
        fields["submitted_at"] = anchor - timedelta(hours=1) if anchor else None
    dossier = Dossier.objects.create(
        procedure=procedure,
        applicant=applicant,
        agency=agency,
        status=status,
        code=f"TK-{next(_codes):06d}",
        delivery="online",
        **fields,
    )
    if rating is not None:
        Rating.objects.create(dossier=dossier, score=rating)
    return dossier


@pytest.fixture
def world():
    """Two agencies, two procedures, March 2026 (1/3 is a Sunday; no public holiday in March)."""
    a = AgencyFactory(name="Ủy ban nhân dân xã An Thống Kê")
    b = AgencyFactory(name="Ủy ban nhân dân xã Bình Thống Kê")
    p1, p2 = ProcedureFactory(name="Thủ tục thống kê một"), ProcedureFactory(name="Thủ tục thống kê hai")
    user = UserFactory(full_name=SECRET_NAME)
    R = Status.RETURNED
    d = {}
    # Agency A, procedure 1: six resolved in March.
    d["early"] = make(
        a,
        p1,
        user,
        status=R,
        received_at=at("2026-03-02"),
        due_at=at("2026-03-05", "17:00"),
        completed_at=at("2026-03-04", "10:00"),
        rating=5,
    )
    # Thu → Tue across the weekend: 3 working days (Fri, Mon, Tue); on the due day, before the hour.
    d["on_time"] = make(
        a,
        p1,
        user,
        status=Status.RESULT_READY,
        received_at=at("2026-03-05"),
        due_at=at("2026-03-10", "17:00"),
        completed_at=at("2026-03-10", "16:00"),
    )
    d["late"] = make(
        a,
        p1,
        user,
        status=R,
        received_at=at("2026-03-06"),
        due_at=at("2026-03-11", "17:00"),
        completed_at=at("2026-03-12", "09:00"),
        rating=2,
    )
    # Finished well before the due day, but a second supplement request makes it late.
    d["second_supplement"] = make(
        a,
        p1,
        user,
        status=R,
        received_at=at("2026-03-02"),
        due_at=at("2026-03-20", "17:00"),
        completed_at=at("2026-03-09"),
        supplement_requests=2,
    )
    # Extended (form 04): late, even though the new date was kept.
    d["extended"] = make(
        a,
        p1,
        user,
        status=R,
        received_at=at("2026-03-02"),
        due_at=at("2026-03-27", "17:00"),
        completed_at=at("2026-03-16"),
        extended=True,
    )
    # One supplement only: not late. 06:30 local on the due day is the previous day in UTC: still on time, not early.
    d["one_supplement"] = make(
        a,
        p1,
        user,
        status=R,
        received_at=at("2026-03-09"),
        due_at=at("2026-03-13", "17:00"),
        completed_at=at("2026-03-13", "06:30"),
        supplement_requests=1,
    )
    # Agency A, February: outside March, inside the month trend.
    d["february"] = make(
        a,
        p1,
        user,
        status=R,
        received_at=at("2026-02-02"),
        due_at=at("2026-02-05", "17:00"),
        completed_at=at("2026-02-05", "10:00"),
        rating=1,
    )
    # Agency B, procedure 2.
    d["stopped_early"] = make(
        b,
        p2,
        user,
        status=Status.STOPPED,
        received_at=at("2026-03-10"),
        due_at=at("2026-03-20", "17:00"),
        completed_at=at("2026-03-12"),
        rating=4,
    )
    d["refused"] = make(
        b,
        p2,
        user,
        status=Status.REFUSED,
        submitted_at=at("2026-03-03", "08:00"),
        completed_at=at("2026-03-03", "10:00"),
    )
    d["withdrawn"] = make(
        b, p2, user, status=Status.WITHDRAWN, received_at=at("2026-03-04"), completed_at=at("2026-03-05")
    )
    d["overdue"] = make(
        b, p2, user, status=Status.PROCESSING, received_at=at("2026-03-16"), due_at=at("2026-03-19", "17:00")
    )
    d["waiting"] = make(
        b,
        p2,
        user,
        status=Status.SUPPLEMENT_REQUESTED,
        received_at=at("2026-03-16"),
        due_at=at("2026-03-19", "17:00"),
        supplement_requests=1,
    )
    d["not_due"] = make(
        b, p2, user, status=Status.PROCESSING, received_at=at("2026-03-23"), due_at=at("2026-03-30", "17:00")
    )
    d["new"] = make(b, p2, user, status=Status.SUBMITTED, submitted_at=at("2026-03-24"))
    # Agency B, procedure 1: received Friday 27/2, resolved Tuesday 3/3 (2 working days), open at the end of February.
    d["across_months"] = make(
        b,
        p1,
        user,
        status=R,
        received_at=at("2026-02-27"),
        due_at=at("2026-03-03", "17:00"),
        completed_at=at("2026-03-03", "11:00"),
    )
    # A draft never counts.
    Dossier.objects.create(procedure=p1, applicant=user, agency=a, status=Status.DRAFT)
    qs = Dossier.objects.filter(agency__in=[a, b])
    return {"a": a, "b": b, "p1": p1, "p2": p2, "user": user, "d": d, "qs": qs}


# --- summarise ----------------------------------------------------------------------------------


def test_summarise_classifies_and_counts_exactly(world):
    s = statistics.summarise(world["qs"], **MARCH, now=NOW)
    assert s["received"] == 11  # A 6, B: stopped, withdrawn, overdue, waiting, not_due
    assert s["resolved"] == 8  # A 6, stopped_early, across_months; not refused or withdrawn
    assert (s["early"], s["on_time"], s["late"]) == (2, 3, 3)
    assert s["on_time_rate"] == pytest.approx(5 / 8)
    # (2 + 3 + 4 + 5 + 10 + 4) for A, 2 (stopped), 2 (Fri 27/2 → Tue 3/3, weekend skipped)
    assert s["avg_processing_days"] == pytest.approx(32 / 8)
    assert (s["in_progress"], s["overdue"]) == (
        4,
        1,
    )  # overdue, waiting, not_due, new; only "overdue" is late
    assert (s["satisfaction_avg"], s["satisfaction_count"]) == (
        pytest.approx(11 / 3),
        3,
    )  # 5, 2, 4; not February's 1
    assert (s["refused"], s["withdrawn"], s["stopped"]) == (1, 1, 1)
    assert s["online_share"] == 1.0
    assert set(s) == set(statistics.METRIC_KEYS)


def test_early_on_time_late_rules(world):
    d = world["d"]

    def split(dossier):
        s = statistics.summarise(Dossier.objects.filter(pk=dossier.pk), **MARCH, now=NOW)
        return s["early"], s["on_time"], s["late"]

    assert split(d["early"]) == (1, 0, 0)
    assert split(d["on_time"]) == (0, 1, 0)
    assert split(d["late"]) == (0, 0, 1)
    assert split(d["second_supplement"]) == (0, 0, 1)
    assert split(d["extended"]) == (0, 0, 1)
    assert split(d["one_supplement"]) == (0, 1, 0)  # local day, not the UTC day (which is the day before)
    Dossier.objects.filter(pk=d["one_supplement"].pk).update(supplement_requests=2)
    assert split(d["one_supplement"]) == (0, 0, 1)


def test_processing_days_skip_the_weekend(world):
    d = world["d"]
    s = statistics.summarise(
        Dossier.objects.filter(pk__in=[d["on_time"].pk, d["across_months"].pk]), **MARCH, now=NOW
    )
    assert s["avg_processing_days"] == pytest.approx((3 + 2) / 2)


def test_in_progress_and_overdue_at_the_end_of_a_past_period(world):
    february = statistics.summarise(
        world["qs"], period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), now=NOW
    )
    assert (february["received"], february["resolved"], february["in_progress"], february["overdue"]) == (
        2,
        1,
        1,
        0,
    )
    # Later, the processing dossier is past its due date; the one waiting for the applicant is not counted.
    later = statistics.summarise(world["qs"], **MARCH, now=at("2026-03-31", "10:00"))
    assert (later["in_progress"], later["overdue"]) == (4, 2)


def test_empty_queryset_gives_zeros_and_no_rates():
    s = statistics.summarise(Dossier.objects.none(), **MARCH, now=NOW)
    assert s["received"] == s["resolved"] == s["in_progress"] == 0
    assert s["on_time_rate"] is None and s["avg_processing_days"] is None and s["satisfaction_avg"] is None
    assert s["online_share"] is None


def test_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        statistics.summarise(
            Dossier.objects.all(), period_start=date(2026, 3, 2), period_end=date(2026, 3, 1)
        )


# --- groupings ----------------------------------------------------------------------------------


def test_by_agency(world):
    rows = {r["agency_id"]: r for r in statistics.by_agency(world["qs"], **MARCH, now=NOW)}
    assert set(rows) == {world["a"].pk, world["b"].pk}
    a, b = rows[world["a"].pk], rows[world["b"].pk]
    assert a["agency_name"] == "Ủy ban nhân dân xã An Thống Kê"
    assert (a["received"], a["resolved"], a["early"], a["on_time"], a["late"]) == (6, 6, 1, 2, 3)
    assert a["on_time_rate"] == pytest.approx(0.5)
    assert a["avg_processing_days"] == pytest.approx(28 / 6)
    assert (a["satisfaction_avg"], a["satisfaction_count"]) == (pytest.approx(3.5), 2)
    assert (a["in_progress"], a["overdue"]) == (0, 0)
    assert (b["received"], b["resolved"], b["early"], b["on_time"], b["late"]) == (5, 2, 1, 1, 0)
    assert b["on_time_rate"] == 1.0 and b["avg_processing_days"] == pytest.approx(2.0)
    assert (b["in_progress"], b["overdue"], b["refused"], b["withdrawn"], b["stopped"]) == (4, 1, 1, 1, 1)
    assert (b["satisfaction_avg"], b["satisfaction_count"]) == (pytest.approx(4.0), 1)


def test_by_procedure(world):
    rows = statistics.by_procedure(world["qs"], **MARCH, now=NOW)
    assert [r["procedure_id"] for r in rows] == [world["p1"].pk, world["p2"].pk]  # busiest first
    p1, p2 = rows
    assert (p1["received"], p1["resolved"], p1["late"], p1["in_progress"]) == (6, 7, 3, 0)
    assert (p2["received"], p2["resolved"], p2["early"], p2["in_progress"], p2["refused"]) == (5, 1, 1, 4, 1)
    assert len(statistics.by_procedure(world["qs"], **MARCH, now=NOW, limit=1)) == 1


def test_by_month(world):
    rows = statistics.by_month(world["qs"], 3, period_end=date(2026, 3, 31), now=NOW)
    assert [r["month"] for r in rows] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    january, february, march = rows
    assert (
        january["received"] == january["resolved"] == january["in_progress"] == 0
        and january["online_share"] is None
    )
    assert (february["received"], february["resolved"], february["on_time"], february["in_progress"]) == (
        2,
        1,
        1,
        1,
    )
    assert (february["satisfaction_avg"], february["avg_processing_days"]) == (1.0, 3.0)
    summary = statistics.summarise(world["qs"], **MARCH, now=NOW)
    assert {k: march[k] for k in statistics.METRIC_KEYS} == summary


def test_by_month_rejects_silly_lengths():
    with pytest.raises(ValueError):
        statistics.by_month(Dossier.objects.all(), 0)


@pytest.mark.parametrize("count", [5, 50])
def test_summarise_query_count_is_constant(world, count, django_assert_max_num_queries):
    a, p1, user = world["a"], world["p1"], world["user"]
    Dossier.objects.bulk_create(
        Dossier(
            procedure=p1,
            applicant=user,
            agency=a,
            status=Status.RETURNED,
            code=f"BULK-{count}-{i}",
            submitted_at=at("2026-03-02", "08:00") + timedelta(days=i % 20),
            received_at=at("2026-03-02") + timedelta(days=i % 20),
            due_at=at("2026-03-06", "17:00") + timedelta(days=i % 20),
            completed_at=at("2026-03-04") + timedelta(days=i % 20, hours=i % 7),
            supplement_requests=i % 3,
        )
        for i in range(count)
    )
    with CaptureQueriesContext(connection) as captured:
        statistics.summarise(world["qs"], **MARCH, now=NOW)
    assert len(captured) == 5  # received, completed, processing days, open/overdue, the working calendar
    with django_assert_max_num_queries(5):
        statistics.summarise(world["qs"], **MARCH, now=NOW)
    with django_assert_max_num_queries(6):
        statistics.by_agency(world["qs"], **MARCH, now=NOW)
    with django_assert_max_num_queries(5):
        statistics.by_month(world["qs"], 12, period_end=date(2026, 3, 31), now=NOW)


def test_a_dossier_submitted_through_the_real_flow_is_counted():
    from notifications.services import ensure_default_templates

    ensure_default_templates()
    draft, user = ready_draft()
    dossier = services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    now = timezone.now()
    Dossier.objects.filter(pk=dossier.pk).update(
        received_at=now - timedelta(days=1), due_at=now - timedelta(hours=1), status=Status.PROCESSING
    )
    today = timezone.localdate()
    s = statistics.summarise(
        Dossier.objects.filter(pk=dossier.pk), period_start=today - timedelta(days=7), period_end=today
    )
    assert (s["received"], s["in_progress"], s["overdue"]) == (1, 1, 1)


# --- the period parameters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, (date(2025, 12, 1), date(2026, 11, 22), False)),
        ({"year": "2025"}, (date(2025, 1, 1), date(2025, 12, 31), False)),
        ({"year": "2026"}, (date(2026, 1, 1), date(2026, 11, 22), False)),
        ({"year": "2026", "month": "2"}, (date(2026, 2, 1), date(2026, 2, 28), False)),
        ({"year": "", "month": ""}, (date(2025, 12, 1), date(2026, 11, 22), False)),
        ({"year": "abc", "month": "13"}, (date(2025, 12, 1), date(2026, 11, 22), True)),
        ({"year": "2026", "month": "13"}, (date(2025, 12, 1), date(2026, 11, 22), True)),
        ({"year": "2026", "month": "12"}, (date(2025, 12, 1), date(2026, 11, 22), True)),  # not yet
        ({"month": "3"}, (date(2025, 12, 1), date(2026, 11, 22), True)),
        ({"year": "1999"}, (date(2025, 12, 1), date(2026, 11, 22), True)),
        ({"year": "2026", "month": "\x00"}, (date(2025, 12, 1), date(2026, 11, 22), True)),
    ],
)
def test_parse_period(params, expected):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(params)
    period = stats_views.parse_period(query, date(2026, 11, 22))
    assert (period.start, period.end, bool(period.notice)) == expected


def test_bar_classes():
    assert stats_views.bar_class(None) == "stat-w-0"
    assert stats_views.bar_class(0.625) == "stat-w-65"
    assert stats_views.bar_class(1.2) == "stat-w-100"


# --- the public page ----------------------------------------------------------------------------


def recent_world():
    """Dossiers inside the default period (the last 12 months), relative to today."""
    a = AgencyFactory(name="Ủy ban nhân dân xã Gần Đây")
    b = AgencyFactory(name="Ủy ban nhân dân xã Xa Xôi")
    idle = AgencyFactory(name="Ủy ban nhân dân xã Không Hồ Sơ")
    p = ProcedureFactory()
    user = UserFactory(full_name=SECRET_NAME, phone="+84912345678", email="bi.mat@example.vn")
    now = timezone.now()
    make(
        a,
        p,
        user,
        status=Status.RETURNED,
        received_at=now - timedelta(days=20),
        due_at=now - timedelta(days=10),
        completed_at=now - timedelta(days=15),
        rating=4,
    )
    make(
        a,
        p,
        user,
        status=Status.RETURNED,
        received_at=now - timedelta(days=20),
        due_at=now - timedelta(days=10),
        completed_at=now - timedelta(days=5),
        rating=2,
    )
    make(
        b,
        p,
        user,
        status=Status.PROCESSING,
        received_at=now - timedelta(days=3),
        due_at=now + timedelta(days=3),
    )
    return a, b, idle


def test_public_page_shows_rates_per_agency_without_personal_data(client):
    a, b, idle = recent_world()
    response = client.get(reverse("dossiers:statistics"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = {r["agency_id"]: r for r in response.context["agencies"]}
    assert rows[a.pk]["on_time_rate"] == pytest.approx(0.5) and rows[a.pk][
        "satisfaction_avg"
    ] == pytest.approx(3.0)
    assert rows[a.pk]["on_time_bar"] == "stat-w-50"
    assert b.pk in rows and idle.pk not in rows  # only agencies with dossiers
    assert a.name in html and "stat-w-50" in html and idle.name not in html
    assert (
        SECRET_NAME not in html and "0912345678" not in html and "345678" not in html and "bi.mat" not in html
    )
    assert " style=" not in html and "<script>" not in html  # CSP: no inline style, no inline script


def test_public_page_survives_bad_parameters(client):
    recent_world()
    for params in (
        {"year": "abc", "month": "13"},
        {"year": "99999999999999999999"},
        {"month": "-1"},
        {"year": "2026", "month": "1.5"},
    ):
        response = client.get(reverse("dossiers:statistics"), params)
        assert response.status_code == 200
        assert response.context["period"].notice
        assert "không hợp lệ" in response.content.decode()


def test_public_page_for_one_month(client, world):
    response = client.get(reverse("dossiers:statistics"), {"year": "2026", "month": "3"})
    assert response.status_code == 200 and not response.context["period"].notice
    rows = {r["agency_id"]: r for r in response.context["agencies"]}
    assert rows[world["a"].pk]["on_time_rate"] == pytest.approx(0.5)
    assert rows[world["b"].pk]["on_time_rate"] == 1.0
    assert "Tháng 3/2026" in response.content.decode()


# --- the leaders' dashboard ---------------------------------------------------------------------


def test_dashboard_is_forbidden_to_an_officer(client):
    a, _b, _idle = recent_world()
    officer = make_staff(a, "officer")
    login_staff(client, officer)
    assert client.get(reverse("leader_dashboard")).status_code == 403


def test_dashboard_needs_a_staff_sign_in(client):
    response = client.get(reverse("leader_dashboard"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_dashboard_shows_a_leader_only_their_agency(client):
    a, b, _idle = recent_world()
    leader = make_staff(a, "leader")
    login_staff(client, leader)
    response = client.get(reverse("leader_dashboard"))
    assert response.status_code == 200
    assert [r["agency_id"] for r in response.context["agencies"]] == [a.pk]
    total = response.context["total"]
    assert (total["resolved"], total["early"], total["late"], total["in_progress"]) == (2, 1, 1, 0)
    assert len(response.context["months"]) == 12
    html = response.content.decode()
    assert a.name in html and b.name not in html and SECRET_NAME not in html
    assert "<svg" in html and " style=" not in html and "<script>" not in html
    assert client.get(reverse("leader_dashboard"), {"year": "abc", "month": "13"}).status_code == 200


def test_dashboard_shows_a_superuser_every_agency(client):
    a, b, _idle = recent_world()
    boss = UserFactory(is_staff=True, is_superuser=True)
    login_staff(client, boss)
    response = client.get(reverse("leader_dashboard"))
    assert response.status_code == 200
    ids = {r["agency_id"] for r in response.context["agencies"]}
    assert {a.pk, b.pk} <= ids


def test_public_page_is_served_from_the_page_cache_to_anonymous_visitors_only(client):
    recent_world()
    url = reverse("dossiers:statistics")
    first = client.get(url, {"year": "2026", "utm_source": "zalo"})
    again = client.get(url, {"year": "2026"})
    assert first.status_code == again.status_code == 200
    assert "public" in first["Cache-Control"] and first["ETag"] == again["ETag"]
    assert again.context is None  # not rendered again: the stored page
    assert client.get(url, {"year": "2026"}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    client.force_login(UserFactory())
    signed_in = client.get(url, {"year": "2026"})
    assert "private" in signed_in["Cache-Control"] and signed_in.context is not None
