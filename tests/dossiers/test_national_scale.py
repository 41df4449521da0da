"""The work queue and "Hồ sơ của tôi" at national scale: their queries use indexes, never a sequential
scan of the dossier table, so their cost follows the person's own dossiers, not the country's.

PostgreSQL only: the planner's choices are what is pinned here (``EXPLAIN (FORMAT JSON)`` on the very
SQL the pages ran), seeded with ~20k dossiers spread over agencies and applicants, then ``ANALYZE``.
No timings: a plan is deterministic once the statistics are there.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CitizenProfile, Membership, Organisation, User
from core.text import fold
from dossiers.constants import Status, Step
from dossiers.models import Dossier
from procedures.models import Agency
from tests.factories import AgencyFactory, ProcedureFactory, UserFactory, login_staff, make_staff

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="index use is a PostgreSQL planner's decision; these run on PostgreSQL (CI sets DATABASE_URL)",
    ),
]

DOSSIERS = 20_000
AGENCIES = 40
APPLICANTS = 400
PEOPLE = 20_000  # users in the table; the first APPLICANTS of them have dossiers here
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam"]
STATUSES = [
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.RESULT_READY,
    Status.RETURNED,
    Status.RETURNED,
    Status.REFUSED,
    Status.DRAFT,
]


@pytest.fixture(scope="module")
def country_data(django_db_setup, django_db_blocker):
    """Made once for the module inside an outer transaction that each test's own transaction nests
    in (as ``TestCase.setUpTestData`` does), and rolled back after the module: nothing else sees it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _make_country()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def country(country_data, db):
    return country_data


def _make_country():
    """~20k dossiers over 40 agencies and 400 applicants (bulk inserts, minimal fields), then ANALYZE.

    Agency ``home`` has an officer and a specialist (a few dossiers assigned to them); ``citizen`` has
    27 dossiers of their own (two drafts) and sees 5 more through an organisation they belong to.
    """
    home = AgencyFactory()
    others = Agency.objects.bulk_create(AgencyFactory.build_batch(AGENCIES - 1))
    agencies = [home, *others]
    procedure = ProcedureFactory()
    officer = make_staff(home, "officer")
    specialist = make_staff(home, "specialist")
    citizen = UserFactory(full_name="Trần Văn Công Dân", phone="+84912000111")
    CitizenProfile.objects.update_or_create(user=citizen, defaults={"personal_id": "001190000111"})

    def person(i: int) -> User:
        name = f"{SURNAMES[i % 12]} {MIDDLE[i // 12 % 8]} {GIVEN[i // 96 % 13]}"
        return User(username=f"scale-{i:05d}", full_name=name, name_folded=fold(name), phone=f"+8490{i:07d}")

    people = User.objects.bulk_create([person(i) for i in range(PEOPLE)], batch_size=5000)
    company = Organisation.objects.create(
        name="Công ty Thử Nghiệm", tax_code="0100000001", legal_representative="X"
    )
    Membership.objects.create(user=citizen, organisation=company)
    now = timezone.now()

    def dossier(i: int, **fields) -> Dossier:
        status = STATUSES[i % len(STATUSES)]
        values = {
            "code": None if status == Status.DRAFT else f"SCALE-{i:06d}",
            "procedure_id": procedure.pk,
            "applicant_id": people[i % APPLICANTS].pk,
            "agency_id": agencies[i % AGENCIES].pk,
            "status": status,
            "processing_step": Step.ASSIGNED if status == Status.PROCESSING else "",
            "submitted_at": None if status == Status.DRAFT else now - timedelta(minutes=i),
            "acceptance_due_at": None if status == Status.DRAFT else now + timedelta(hours=8 - i % 50),
            "due_at": None if status == Status.DRAFT else now + timedelta(days=10 - i % 30),
        }
        values.update(fields)
        return Dossier(**values)

    rows = [dossier(i) for i in range(DOSSIERS)]
    for i in range(0, 400, 10):  # a few of the home agency's dossiers are the specialist's
        rows[i * AGENCIES] = dossier(i * AGENCIES, assignee_id=specialist.pk, status=Status.PROCESSING)
    rows += [dossier(DOSSIERS + i, applicant_id=citizen.pk) for i in range(27)]
    rows += [dossier(DOSSIERS + 100 + i, organisation_id=company.pk) for i in range(5)]
    Dossier.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"home": home, "officer": officer, "specialist": specialist, "citizen": citizen}


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def dossier_seq_scans(queries, table: str = "dossiers_dossier") -> list[str]:
    """The SQL of every captured SELECT that reads ``table`` (the dossiers, unless told) with a
    sequential scan."""
    found = []
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or f'"{table}"' not in sql:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        for node in _plan_nodes(plan[0]["Plan"]):
            if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") == table:
                found.append(sql)
    return found


def _page_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return captured.captured_queries


@pytest.mark.parametrize("queue", ["mine", "new", "today", "week", "overdue", "waiting", "assigned"])
def test_officer_queue_reads_the_dossier_table_by_index(client, country, queue):
    login_staff(client, country["officer"])
    queries = _page_queries(client, reverse("admin:dossiers_dossier_changelist"), {"queue": queue})
    assert dossier_seq_scans(queries) == []


@pytest.mark.parametrize("queue", ["mine", "assigned", "overdue"])
def test_specialist_queue_reads_the_dossier_table_by_index(client, country, queue):
    login_staff(client, country["specialist"])
    queries = _page_queries(client, reverse("admin:dossiers_dossier_changelist"), {"queue": queue})
    assert dossier_seq_scans(queries) == []


@pytest.mark.parametrize(
    "term",
    ["Trần Văn Công", "tran van cong dan", "0912 000 111", "+84 912 000 111", "001190000111", "SCALE-000040"],
)
def test_queue_search_reads_dossiers_and_people_by_index(client, country, term):
    """Searching the queue by name (with or without diacritics), phone, identification number or code
    among 20k people and 20k dossiers reads neither table from end to end, and finds the dossier."""
    login_staff(client, country["officer"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:dossiers_dossier_changelist"), {"q": term})
    assert response.status_code == 200
    found = list(response.context["cl"].result_list)
    assert found and all(d.agency_id == country["home"].pk for d in found)
    if not term.startswith("SCALE"):
        assert {d.applicant_id for d in found} == {country["citizen"].pk}
    queries = captured.captured_queries
    assert dossier_seq_scans(queries) == []
    assert dossier_seq_scans(queries, "accounts_user") == []


def test_my_dossiers_reads_the_dossier_table_by_index(client, country):
    client.force_login(country["citizen"])
    queries = _page_queries(client, reverse("dossiers:list"))
    assert dossier_seq_scans(queries) == []
    filtered = _page_queries(client, reverse("dossiers:list"), {"status": str(int(Status.PROCESSING))})
    assert dossier_seq_scans(filtered) == []


def test_the_check_itself_sees_a_sequential_scan(country):
    """The detector is not blind: a filter on an unindexed column is a sequential scan."""
    from django.db import connection as conn

    with CaptureQueriesContext(conn) as captured:
        list(Dossier.objects.filter(sets=3)[:5])
    assert len(dossier_seq_scans(captured.captured_queries)) == 1


def test_my_dossiers_lists_own_and_organisation_dossiers(client, country):
    client.force_login(country["citizen"])
    response = client.get(reverse("dossiers:list"))
    # 27 own and the organisation's 5: the drafts listed apart, the others paginated.
    assert len(response.context["drafts"]) + response.context["page_obj"].paginator.count == 27 + 5


def _dossier_counts(queries) -> list[str]:
    """The paginator's exact COUNT(*) over the dossier table (Django aliases it ``__count``)."""
    return [q["sql"] for q in queries if '"__count"' in q["sql"] and '"dossiers_dossier"' in q["sql"]]


def test_a_list_of_the_whole_country_is_counted_by_estimate_not_by_count(client, country):
    """~18k dossiers in scope: the list's total is the planner's estimate (no COUNT over the table),
    close to the truth; the queue tabs still come from their one grouped query."""
    boss = UserFactory(is_staff=True, is_superuser=True)
    login_staff(client, boss)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:dossiers_dossier_changelist"))
    assert response.status_code == 200
    assert _dossier_counts(captured.captured_queries) == []
    exact = Dossier.objects.exclude(status=Status.DRAFT).count()
    assert exact > 10_000 and abs(response.context["cl"].result_count - exact) < exact * 0.2


def test_an_agencys_list_is_counted_exactly(client, country):
    login_staff(client, country["officer"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:dossiers_dossier_changelist"), {"q": ""})  # everything in scope
    in_scope = Dossier.objects.filter(agency=country["home"]).exclude(status=Status.DRAFT).count()
    assert response.context["cl"].result_count == in_scope
    assert len(_dossier_counts(captured.captured_queries)) == 1
