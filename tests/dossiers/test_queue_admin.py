import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.constants import Status
from dossiers.models import AuditEntry, Dossier
from tests.factories import AgencyFactory, login_staff, make_procedure, make_staff, ready_draft

pytestmark = pytest.mark.django_db


def submitted_to(agency):
    procedure, component = make_procedure(agency)
    draft, user = ready_draft(procedure=procedure, component=component)
    return services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )


@pytest.fixture
def two_communes():
    from notifications.services import ensure_default_templates

    ensure_default_templates()
    a, b = AgencyFactory(), AgencyFactory()
    return a, b, submitted_to(a), submitted_to(b)


def test_officer_sees_only_own_agency_in_every_admin_view(client, two_communes):
    a, _b, mine, theirs = two_communes
    officer = make_staff(a, "officer")
    login_staff(client, officer)
    html = client.get(reverse("admin:dossiers_dossier_changelist"), follow=True).content.decode()
    assert mine.code in html and theirs.code not in html
    everything = client.get(
        reverse("admin:dossiers_dossier_changelist"), {"status__exact": Status.SUBMITTED}
    ).content.decode()
    assert mine.code in everything and theirs.code not in everything
    assert (
        client.get(reverse("admin:dossiers_dossier_changelist"), {"q": theirs.code})
        .context["cl"]
        .result_count
        == 0
    )
    assert client.get(reverse("admin:dossiers_dossier_change", args=[theirs.pk])).status_code == 404
    assert (
        client.get(
            reverse("admin:dossiers_dossier_file", args=[theirs.pk, theirs.files.first().pk])
        ).status_code
        == 404
    )
    assert client.post(reverse("admin:dossiers_dossier_act", args=[theirs.pk, "receive"])).status_code == 404
    assert Dossier.objects.get(pk=theirs.pk).status == Status.SUBMITTED


def test_officer_receives_from_the_dossier_page_and_it_is_audited(client, two_communes):
    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    login_staff(client, officer)
    page = client.get(reverse("admin:dossiers_dossier_change", args=[mine.pk]))
    assert page.status_code == 200 and "Tiếp nhận" in page.content.decode()
    assert AuditEntry.objects.filter(user=officer, dossier=mine, what="view").count() == 1
    seen = page.context["dossier"].version
    response = client.post(
        reverse("admin:dossiers_dossier_act", args=[mine.pk, "receive"]),
        {"expected_version": seen},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=mine.pk).status == Status.RECEIVED
    assert AuditEntry.objects.filter(dossier=mine, what="transition:receive", user=officer).exists()
    # A second officer with the page still open gets the conflict message, nothing changes.
    again = client.post(
        reverse("admin:dossiers_dossier_act", args=[mine.pk, "refuse"]),
        {"expected_version": seen, "reason": "x"},
        follow=True,
    )
    assert "vừa được cập nhật" in again.content.decode()
    assert Dossier.objects.get(pk=mine.pk).status == Status.RECEIVED


def test_specialist_sees_only_dossiers_assigned_to_them(client, two_communes):
    from dossiers import processing

    a, _b, mine, _theirs = two_communes
    specialist = make_staff(a, "specialist")
    login_staff(client, specialist)
    # Not assigned to them: invisible everywhere, and pressing a button by hand changes nothing.
    assert client.get(reverse("admin:dossiers_dossier_change", args=[mine.pk])).status_code == 404
    assert client.get(reverse("dossiers:detail", args=[mine.code])).status_code == 404
    client.post(reverse("admin:dossiers_dossier_act", args=[mine.pk, "receive"]), {"expected_version": 1})
    assert Dossier.objects.get(pk=mine.pk).status == Status.SUBMITTED
    officer = make_staff(a, "officer")
    d = processing.dossier_receive(dossier_id=mine.pk, actor=officer, expected_version=mine.version)
    d = processing.dossier_assign(
        dossier_id=d.pk, actor=officer, expected_version=d.version, department="Tư pháp", assignee=specialist
    )
    page = client.get(reverse("admin:dossiers_dossier_change", args=[mine.pk]))
    assert page.status_code == 200
    assert [a for a, _label in page.context["actions"]] == [
        "request_supplement",
        "appraise_and_submit",  # one press: appraised and sent to the leader
    ]
    # Asking for payment is owned by the payments panel (it needs line items), not a bare button.
    payments_panel = next(p for p in page.context["panels"] if p["name"] == "payments")
    assert payments_panel["context"]["payment_can_request"]


def test_queue_counts_and_filters(client, two_communes):
    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    login_staff(client, officer)
    response = client.get(reverse("admin:dossiers_dossier_changelist"), {"queue": "new"})
    assert response.context["cl"].result_count == 1
    assert response.context["queue_counts"]["new"][1] == 1
    assert (
        client.get(reverse("admin:dossiers_dossier_changelist"), {"queue": "overdue"})
        .context["cl"]
        .result_count
        == 0
    )


def test_audit_entries_are_read_only(client, two_communes):
    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    login_staff(client, officer)
    client.get(reverse("admin:dossiers_dossier_change", args=[mine.pk]))
    entry = AuditEntry.objects.get(what="view")
    assert client.post(
        reverse("admin:dossiers_auditentry_change", args=[entry.pk]), {"what": "x"}
    ).status_code in (403, 302)
    assert AuditEntry.objects.get(pk=entry.pk).what == "view"


def test_queue_query_count_does_not_grow_with_10000_dossiers(
    client, two_communes, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    login_staff(client, officer)
    url = reverse("admin:dossiers_dossier_changelist")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"queue": "new"}).status_code == 200
    now = timezone.now()
    Dossier.objects.bulk_create(
        [
            Dossier(
                code=f"{a.code}-BULK-{i:05d}",
                procedure_id=mine.procedure_id,
                applicant_id=mine.applicant_id,
                agency=a,
                status=Status.SUBMITTED if i % 3 else Status.PROCESSING,
                submitted_at=now,
                acceptance_due_at=now,
                due_at=now,
            )
            for i in range(10000)
        ],
        batch_size=2000,
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, {"queue": "new"})
    assert response.status_code == 200
    assert response.context["cl"].result_count > 6000


def test_forms_are_produced_by_actions_and_downloadable(
    client, two_communes, django_capture_on_commit_callbacks
):
    from dossiers import processing

    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer", full_name="Trần Thị Bình")
    with django_capture_on_commit_callbacks(execute=True):
        processing.dossier_request_supplement(
            dossier_id=mine.pk,
            actor=officer,
            expected_version=mine.version,
            missing=["Bản sao giấy khai sinh"],
            reason="Thiếu",
        )
    form = mine.files.get(purpose="form02")
    assert form.original_name.startswith("mau-02-") and form.size > 1000
    # The applicant downloads it from their dossier page.
    client.force_login(mine.applicant)
    page = client.get(reverse("dossiers:detail", args=[mine.code]))
    assert "Mẫu số 02" in page.content.decode()
    assert client.get(reverse("dossiers:file", args=[mine.code, form.pk])).status_code == 200
    # Re-running the task never makes a second copy.
    from dossiers.forms_service import store_form_for_event

    event = mine.events.get(action="request_supplement")
    assert store_form_for_event(event.pk).pk == form.pk


def test_form06_and_logbook_exports(client, two_communes):
    from dossiers import processing

    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    processing.dossier_receive(dossier_id=mine.pk, actor=officer, expected_version=mine.version)
    login_staff(client, officer)
    pdf = client.get(reverse("admin:dossiers_dossier_form06", args=[mine.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv_response = client.get(
        reverse("admin:dossiers_dossier_logbook"),
        {"agency": a.pk, "format": "csv", "start": "2000-01-01", "end": "2100-01-01"},
    )
    assert mine.code in csv_response.content.decode()
    assert client.get(reverse("admin:dossiers_dossier_logbook"), {"start": "garbage"}).status_code == 200


def test_bulk_assignment(client, two_communes):
    from dossiers import processing

    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    specialist = make_staff(a, "specialist", full_name="Chuyên Viên A")
    second = submitted_to(a)
    for dossier in (mine, second):
        processing.dossier_receive(dossier_id=dossier.pk, actor=officer, expected_version=dossier.version)
    login_staff(client, officer)
    url = reverse("admin:dossiers_dossier_changelist")
    page = client.post(url, {"action": "bulk_assign", "_selected_action": [mine.pk, second.pk]})
    html = page.content.decode()
    assert page.status_code == 200 and "Chuyên Viên A" in html
    versions = {d.pk: Dossier.objects.get(pk=d.pk).version for d in (mine, second)}
    assert f'name="version_{mine.pk}" value="{versions[mine.pk]}"' in html
    # One of them changes after the confirmation page was shown: it is left alone, the other is assigned.
    Dossier.objects.filter(pk=second.pk).update(version=versions[second.pk] + 1)
    response = client.post(
        url,
        {
            "action": "bulk_assign",
            "_selected_action": [mine.pk, second.pk],
            "apply": "1",
            "assignment": f":{specialist.pk}",
            **{f"version_{pk}": v for pk, v in versions.items()},
        },
        follow=True,
    )
    assert Dossier.objects.get(pk=mine.pk).assignee_id == specialist.pk
    assert Dossier.objects.get(pk=second.pk).assignee_id is None
    assert "vừa được cập nhật" in response.content.decode()
    # A malformed assignee is a message, not an error page.
    bad = client.post(
        url,
        {"action": "bulk_assign", "_selected_action": [mine.pk], "apply": "1", "assignment": "abc:x"},
        follow=True,
    )
    assert bad.status_code == 200 and "chọn trong danh sách" in bad.content.decode()


def test_images_preview_inline_on_the_desk_pdfs_download(client, two_communes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers import services as dossier_services

    a, _b, mine, _theirs = two_communes
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    image = dossier_services.draft_add_file(
        dossier=mine, component=None, upload=SimpleUploadedFile("anh.png", png)
    )
    officer = make_staff(a, "officer")
    login_staff(client, officer)
    page = client.get(reverse("admin:dossiers_dossier_change", args=[mine.pk])).content.decode()
    assert f"{image.pk}/?inline=1" in page
    inline = client.get(reverse("admin:dossiers_dossier_file", args=[mine.pk, image.pk]), {"inline": "1"})
    assert (
        inline["Content-Disposition"].startswith("inline;") and inline["X-Content-Type-Options"] == "nosniff"
    )
    pdf = mine.files.exclude(pk=image.pk).first()
    forced = client.get(reverse("admin:dossiers_dossier_file", args=[mine.pk, pdf.pk]), {"inline": "1"})
    assert forced["Content-Disposition"].startswith("attachment;")


def test_default_queue_is_what_needs_my_action(client, two_communes):
    a, _b, mine, _theirs = two_communes
    login_staff(client, make_staff(a, "officer"))
    response = client.get(reverse("admin:dossiers_dossier_changelist"))
    assert response.status_code == 302 and response["Location"].endswith("?queue=mine")
    assert mine.code in client.get(response["Location"]).content.decode()


def test_queue_pills_are_counted_by_one_query_and_agree_with_each_list(client, two_communes):
    """One grouped COUNT for all the pills (not one per queue), and each pill says what its list holds."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from dossiers.admin_queue import QueueFilter, queue_counts, queue_filter
    from dossiers.selectors import dossiers_for_staff

    a, _b, mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    specialist = make_staff(a, "specialist")
    now = timezone.now()
    for i, status in enumerate(
        [Status.SUBMITTED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.RETURNED]
    ):
        Dossier.objects.create(
            code=f"{a.code}-PILL-{i}",
            procedure_id=mine.procedure_id,
            applicant_id=mine.applicant_id,
            agency=a,
            status=status,
            processing_step="assigned" if status == Status.PROCESSING else "",
            assignee=specialist if i % 2 else None,
            submitted_at=now - timedelta(days=3),
            acceptance_due_at=now - timedelta(days=2),
            due_at=now + timedelta(hours=i * 30 - 40),
        )
    login_staff(client, officer)
    url = reverse("admin:dossiers_dossier_changelist")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"queue": "new"})
    assert response.status_code == 200
    counting = [
        q["sql"]
        for q in captured.captured_queries
        if "COUNT(" in q["sql"].upper() and "dossiers_dossier" in q["sql"]
    ]
    # The pills' one grouped query and the list's own count; never one COUNT per queue.
    assert len(counting) == 2, counting
    keys = [key for key, _label in QueueFilter.lookups(None, None, None)]
    for user in (officer, specialist):
        base = dossiers_for_staff(user)
        one = queue_counts(base, keys, user, now)
        assert one == {key: queue_filter(base, key, user, now).count() for key in keys}
    assert sum(one.values()) > 0


def _found(client, term) -> set[str]:
    response = client.get(reverse("admin:dossiers_dossier_changelist"), {"q": term})
    assert response.status_code == 200
    return {d.code for d in response.context["cl"].result_list}


def test_queue_search_finds_a_dossier_however_the_officer_types_it(client, two_communes):
    """Code, phone typed with spaces or +84, identification number, part of the name: each finds the
    applicant's dossier, and only within the officer's own agency."""
    from accounts.models import CitizenProfile

    a, _b, mine, theirs = two_communes
    applicant = mine.applicant
    applicant.full_name = "Nguyễn Thị Hoà Bình"
    applicant.phone = "+84912345678"
    applicant.save()
    CitizenProfile.objects.update_or_create(user=applicant, defaults={"personal_id": "001190012345"})
    other = theirs.applicant  # the same name in another agency's queue stays out of sight
    other.full_name = "Nguyễn Thị Hoà Bình"
    other.save()
    login_staff(client, make_staff(a, "officer"))
    for term in [
        mine.code,
        mine.code.lower(),
        f"  {mine.code} ",
        "0912 345 678",
        "0912.345.678",
        "+84 912 345 678",
        "84912345678",
        "001190012345",
        "001 190 012 345",
        "Hoà Bình",
        "nguyễn thị",
        "NGUYỄN THỊ HOÀ BÌNH",
        "nguyen thi hoa binh",
        "Hòa Bình",  # the other tone placement
        "hoa   binh",
    ]:
        assert _found(client, term) == {mine.code}, term
    for term in [
        "0912 345 679",
        "001190012346",
        "Trần",
        theirs.code,
        "x" * 500,
        "%",
        "_",
        "' OR 1=1--",
        "bi",
    ]:
        assert _found(client, term) == set(), term
    assert _found(client, "") == {mine.code}


def test_the_queue_reads_the_officers_roles_and_second_factor_once_per_page(client, two_communes):
    """Every model admin's permission check, the menus, the filters, the "mine" tab and the
    leader's flag ask which roles the person holds where: one read of their assignments per request
    (``accounts.selectors.staff_assignments``), not eight in five shapes; the middleware asks once
    whether they have a second factor, not twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a, _b, _mine, _theirs = two_communes
    login_staff(client, make_staff(a, "officer"))
    for queue in ("new", "mine"):
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("admin:dossiers_dossier_changelist"), {"queue": queue}).status_code == 200
            )
        statements = [q["sql"] for q in captured.captured_queries]
        roles = [sql for sql in statements if 'FROM "accounts_staffassignment"' in sql]
        assert len(roles) == 1, roles
        assert len([sql for sql in statements if 'FROM "mfa_authenticator"' in sql]) == 1


def test_each_row_has_a_bulk_action_checkbox_labelled_in_the_reader_s_language(client, two_communes):
    """The checkbox is written as HTML, not rendered through a widget template per row; a screen
    reader hears which dossier it selects, in Vietnamese (Django's own label has no translation)."""
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
    from django.utils.html import escape
    from django.utils.translation import override

    a, _b, mine, _theirs = two_communes
    login_staff(client, make_staff(a, "officer"))
    html = client.get(
        reverse("admin:dossiers_dossier_changelist"), {"status__exact": Status.SUBMITTED}
    ).content
    html = html.decode()
    assert (
        '<input type="checkbox" id="action-toggle" aria-label="Chọn tất cả các mục trên trang này để thao tác hàng loạt">'
        in html
    )
    label = escape(f"Chọn để thao tác hàng loạt: {mine}")
    row = f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{mine.pk}" class="action-select" aria-label="{label}">'
    assert row in html
    # The row's link takes the queue's filters along, as Django's own does (built once per page).
    change = reverse("admin:dossiers_dossier_change", args=[mine.pk])
    assert f'href="{change}?_changelist_filters=status__exact%3D{Status.SUBMITTED}"' in html
    with override("en"):
        client.cookies["django_language"] = "en"
        english = client.get(
            reverse("admin:dossiers_dossier_changelist"),
            {"status__exact": Status.SUBMITTED},
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
    assert f'aria-label="{escape(f"Select for a bulk action: {mine}")}"' in english


@pytest.mark.parametrize(
    "query", [{"queue": "new"}, {"queue": "overdue"}, {"status__exact": Status.PROCESSING, "o": "-2"}]
)
def test_queue_rows_are_cell_for_cell_what_django_writes(client, query):
    """The queue writes its 50 rows itself (``QueueChangeList.rows``, columns looked up once per page);
    every cell must stay what Django's ``items_for_result`` writes, whatever the row's state: a
    step, a deadline late or today, an assignee or a department, in either language."""
    from django.contrib.admin.templatetags.admin_list import items_for_result
    from django.utils.translation import override

    from notifications.services import ensure_default_templates
    from tests.factories import DossierFactory

    ensure_default_templates()
    agency = AgencyFactory()
    states = ["submitted", "received", "assigned", "assigned_with_draft", "appraised", "awaiting_approval"]
    made = [DossierFactory(agency=agency, state=state) for state in states]
    late = made[0]
    Dossier.objects.filter(pk=late.pk).update(acceptance_due_at=timezone.now() - timedelta(days=2))
    login_staff(client, make_staff(agency, "leader"))
    for language in ("vi", "en"):
        with override(language):
            client.cookies["django_language"] = language
            response = client.get(reverse("admin:dossiers_dossier_changelist"), query)
            assert response.status_code == 200
            cl = response.context["cl"]
            ours = cl.rows()
            assert len(ours) == len(cl.result_list) > 0
            for result, cells in zip(cl.result_list, ours, strict=True):
                assert cells == list(items_for_result(cl, result, None))
            # And the page shows them.
            assert "".join(ours[0]) in response.content.decode()


def test_the_procedure_filter_offers_what_django_s_does_reading_three_columns(client, two_communes, rf):
    """The procedure filter's choices are Django's own (``RelatedOnlyFieldListFilter``: the procedures
    of the dossiers in scope, in the same order, with the same labels), read as id, code and name
    only: not the long texts and search columns of every procedure an agency offers."""
    from django.contrib import admin
    from django.contrib.admin.sites import site
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dossiers.admin_queue import ProcedureListFilter

    a, _b, _mine, _theirs = two_communes
    officer = make_staff(a, "officer")
    request = rf.get("/")
    request.user = officer
    model_admin = site._registry[Dossier]
    field = Dossier._meta.get_field("procedure")
    ours = ProcedureListFilter(field, request, {}, Dossier, model_admin, "procedure")
    django = admin.RelatedOnlyFieldListFilter(field, request, {}, Dossier, model_admin, "procedure")
    assert ours.lookup_choices and ours.lookup_choices == django.lookup_choices
    with CaptureQueriesContext(connection) as captured:
        ProcedureListFilter(field, request, {}, Dossier, model_admin, "procedure")
    read = [q["sql"] for q in captured.captured_queries if 'FROM "procedures_procedure"' in q["sql"]]
    assert read and all('"procedures_procedure"."search_text"' not in sql for sql in read), read
