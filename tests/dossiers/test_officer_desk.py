"""The officer's desk (dossiers/admin_queue.py, dossiers/desk.py, templates/admin/dossiers/dossier/*):
the checklist that becomes the supplement request and the applicant's one slot per item, one decision
per press, the next action first, departments and people, what the desk shows, bulk receipt, labels."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.departments import Department
from dossiers import checklist, processing, services
from dossiers.constants import Status, Step
from dossiers.models import Dossier
from notifications.services import ensure_default_templates
from tests.factories import (
    PDF,
    AgencyFactory,
    ComponentFactory,
    MethodFactory,
    ProcedureFactory,
    UserFactory,
    login_staff,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ensure_default_templates()
    agency = AgencyFactory(
        name="Ủy ban nhân dân phường Thử",
        address="Bộ phận Một cửa, số 2 đường Ngô Gia Tự, phường Thử",
        phone="0222 3821 234",
    )
    people = {
        "officer": make_staff(agency, "officer", full_name="Trần Thị Bình", phone="+84912000101"),
        "specialist": make_staff(agency, "specialist", full_name="Lê Văn Cường"),
        "other_specialist": make_staff(agency, "specialist", full_name="Đỗ Văn Khác"),
        "leader": make_staff(agency, "leader", full_name="Phạm Thị Dung"),
    }
    justice = Department.objects.create(agency=agency, name="Văn phòng HĐND và UBND", order=1)
    justice.specialists.add(people["specialist"])
    justice.leaders.add(people["leader"])
    economy = Department.objects.create(agency=agency, name="Phòng Kinh tế", order=2)
    economy.specialists.add(people["other_specialist"])
    procedure = ProcedureFactory(service_level=4, name="Thủ tục đăng ký khai sinh")
    procedure.agencies.add(agency)
    MethodFactory(procedure=procedure, channel="online", time_limit_days=3, charge_vnd=8000)
    components = {
        "declaration": ComponentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", order=1),
        "certificate": ComponentFactory(
            procedure=procedure, name="Giấy chứng sinh", order=2, originals=1, copies=0
        ),
        "proxy": ComponentFactory(
            procedure=procedure,
            name="Văn bản ủy quyền",
            order=3,
            case_group="Trường hợp ủy quyền",
            required=True,
        ),
    }
    return {"agency": agency, "procedure": procedure, "components": components, **people}


def submit(office, *, files=("declaration", "certificate"), delivery="counter", address=None) -> Dossier:
    user = UserFactory(full_name="Nguyễn Văn Dân", phone=f"+849123{uuid.uuid4().int % 100000:05d}")
    draft = services.dossier_start(user=user, procedure=office["procedure"])
    services.draft_save_agency(dossier=draft, agency=office["agency"])
    for key in files:
        services.draft_add_file(
            dossier=draft, component=office["components"][key], upload=SimpleUploadedFile(f"{key}.pdf", PDF)
        )
    services.draft_save_delivery(dossier=draft, delivery=delivery, address=address or {})
    return services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )


def desk(client, dossier):
    return client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))


def act(client, dossier, action, data=None, **kwargs):
    dossier.refresh_from_db()
    payload = {"expected_version": dossier.version, **(data or {})}
    return client.post(reverse("admin:dossiers_dossier_act", args=[dossier.pk, action]), payload, **kwargs)


def content(response) -> str:
    """The page body between the admin's header and footer (the <title> repeats the code)."""
    html = response.content.decode()
    return html.split('<div id="content"', 1)[1].split("<footer", 1)[0]


# --- the checklist and the supplement request ----------------------------------------------------------


def test_checklist_lists_the_components_of_the_applicants_case(office):
    dossier = submit(office)
    rows = checklist.rows_for(dossier)
    assert [(r.name, r.required, r.present) for r in rows] == [
        ("Tờ khai đăng ký khai sinh", True, True),
        ("Giấy chứng sinh", True, True),
        ("Văn bản ủy quyền", False, False),  # another case: not required of this applicant
    ]
    assert checklist.is_complete(rows)
    with_proxy = submit(office, files=("declaration", "certificate", "proxy"))
    assert [r.required for r in checklist.rows_for(with_proxy)] == [True, True, True]


def test_supplement_request_from_the_unticked_rows_plus_free_text(
    client, office, django_capture_on_commit_callbacks
):
    dossier = submit(office)
    login_staff(client, office["officer"])
    page = content(desk(client, dossier))
    assert 'name="ok" value="c' in page and "Kiểm tra thành phần hồ sơ" in page
    certificate = office["components"]["certificate"]
    declaration = office["components"]["declaration"]
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client,
            dossier,
            "request_supplement",
            {
                "checklist": "1",
                "ok": [
                    f"c{declaration.pk}",
                    f"c{office['components']['proxy'].pk}",
                ],  # the certificate is not
                f"originals_c{certificate.pk}": "1",
                f"certified_c{certificate.pk}": "1",
                f"copies_c{certificate.pk}": "0",
                "missing": "Ảnh 3x4\n\n",
                "reason": "Giấy chứng sinh bị mờ; thiếu ảnh.",
            },
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    event = dossier.events.get(action="request_supplement")
    assert event.data["items"] == [
        {
            "component_id": certificate.pk,
            "name": "Giấy chứng sinh",
            "originals": 1,
            "certified_copies": 1,
            "copies": 0,
        },
        {"component_id": None, "name": "Ảnh 3x4", "originals": 1, "certified_copies": 0, "copies": 0},
    ]
    assert event.to_user == "Nguyễn Văn Dân"  # the hand-off goes to the applicant
    form02 = dossier.files.get(purpose="form02")
    assert form02.event_id == event.pk

    # The applicant: one upload slot per item asked for, "Ảnh 3x4" included.
    client.force_login(dossier.applicant)
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert page.count('type="file" name="file_item-') == 2
    assert "1. Giấy chứng sinh" in page and "2. Ảnh 3x4" in page
    assert "01 bản chính, 01 bản sao có chứng thực" in page
    response = client.post(
        reverse("dossiers:detail", args=[dossier.code]),
        {
            "action": "supplement",
            "note": "Đã gửi lại",
            "expected_version": Dossier.objects.get(pk=dossier.pk).version,
            "file_item-0": SimpleUploadedFile("chung-sinh.pdf", PDF),
            "file_item-1": SimpleUploadedFile("anh.pdf", PDF),
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    answered = dossier.files.filter(purpose="supplement").order_by("id")
    assert [(f.component_id, f.component_name) for f in answered] == [
        (certificate.pk, "Giấy chứng sinh"),
        (None, "Ảnh 3x4"),
    ]
    # Back on the desk, the free-text item is a row of the checklist, now present.
    rows = {r.name: r for r in checklist.rows_for(dossier)}
    assert rows["Ảnh 3x4"].present and rows["Ảnh 3x4"].required


def test_receive_needs_every_required_row_ticked(client, office, django_capture_on_commit_callbacks):
    dossier = submit(office)
    login_staff(client, office["officer"])
    declaration = office["components"]["declaration"]
    response = act(client, dossier, "receive", {"checklist": "1", "ok": [f"c{declaration.pk}"]}, follow=True)
    assert "Còn giấy tờ bắt buộc chưa đạt: Giấy chứng sinh" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    ticks = [f"c{c.pk}" for c in office["components"].values()]
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, dossier, "receive", {"checklist": "1", "ok": ticks, "sets": "2"})
    dossier.refresh_from_db()
    assert (
        dossier.status == Status.RECEIVED and dossier.sets == 2 and dossier.logbook_number.endswith("/0001")
    )
    event = dossier.events.get(action="receive")
    assert event.data["sets"] == 2 and set(event.data["checklist"]) == {
        c.pk for c in office["components"].values()
    }
    # The officer's next step is theirs (assign): back on the desk, with form 01 one click away.
    assert response["Location"].startswith(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    page = content(desk(client, dossier))
    form01 = dossier.files.get(purpose="form01")
    print_url = reverse("admin:dossiers_dossier_form_print", args=[dossier.pk, form01.pk])
    assert f'href="{print_url}"' in page and "In giấy tiếp nhận (mẫu 01)" in page
    printed = client.get(print_url)
    assert printed["Content-Type"] == "application/pdf" and printed["Content-Disposition"].startswith(
        "inline;"
    )
    assert printed.content.startswith(b"%PDF")
    # Only forms the portal made print inline: an applicant's upload is not served through this view.
    upload = dossier.files.filter(purpose="application").first()
    assert (
        client.get(reverse("admin:dossiers_dossier_form_print", args=[dossier.pk, upload.pk])).status_code
        == 404
    )


# --- one decision, one press; the next action first --------------------------------------------------


def received_and_assigned(office) -> Dossier:
    dossier = submit(office)
    d = processing.dossier_receive(
        dossier_id=dossier.pk, actor=office["officer"], expected_version=dossier.version
    )
    return processing.dossier_assign(
        dossier_id=d.pk,
        actor=office["officer"],
        expected_version=d.version,
        department=Department.objects.get(name="Văn phòng HĐND và UBND"),
        assignee=office["specialist"],
    )


def test_specialist_appraises_and_submits_in_one_press_with_the_draft(client, office):
    dossier = received_and_assigned(office)
    login_staff(client, office["specialist"])
    response = desk(client, dossier)
    assert response.context["primary"].name == "appraise_and_submit"
    primary_form = (
        content(response).split('class="dossier-action dossier-action-primary')[1].split("</form>")[0]
    )
    assert 'name="result_draft"' in primary_form and "required" in primary_form
    assert 'name="message"' not in primary_form  # nothing goes to the applicant: no message asked
    assert 'name="internal_note"' in primary_form
    response = act(
        client,
        dossier,
        "appraise_and_submit",
        {"internal_note": "Đủ điều kiện.", "result_draft": SimpleUploadedFile("du-thao.pdf", PDF)},
        HTTP_REFERER="x",
    )
    dossier.refresh_from_db()
    assert dossier.processing_step == Step.AWAITING_APPROVAL
    assert (
        dossier.events.get(action="appraise_and_submit").to_user == "Phạm Thị Dung"
    )  # the department's leader
    # Nothing left for the specialist: back to their queue.
    assert response["Location"].startswith(reverse("admin:dossiers_dossier_changelist"))
    # The leader sees the draft before approving; the applicant never does.
    login_staff(client, office["leader"])
    page = content(desk(client, dossier))
    draft = dossier.files.get(purpose="result_draft")
    assert (
        "Dự thảo kết quả" in page
        and reverse("admin:dossiers_dossier_file", args=[dossier.pk, draft.pk]) in page
    )
    assert desk(client, dossier).context["primary"].name == "approve"
    client.force_login(dossier.applicant)
    assert client.get(reverse("dossiers:file", args=[dossier.code, draft.pk])).status_code == 404
    assert "du-thao.pdf" not in client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()


def test_only_actions_that_reach_the_applicant_ask_for_a_message(client, office):
    dossier = submit(office)
    login_staff(client, office["officer"])
    html = content(desk(client, dossier))
    forms = {
        m.group(1): m.group(0) for m in re.finditer(r'<form[^>]*act/([a-z_]+)/".*?</form>', html, flags=re.S)
    }
    assert 'name="reason"' in forms["refuse"] and "gửi người nộp" in forms["refuse"]
    assert 'name="message"' not in forms["refuse"]
    d = received_and_assigned(office)
    html = content(desk(client, d))
    forms = {
        m.group(1): m.group(0) for m in re.finditer(r'<form[^>]*act/([a-z_]+)/".*?</form>', html, flags=re.S)
    }
    assert 'name="message"' not in forms["assign"] and 'name="reason"' not in forms["assign"]
    assert 'name="new_due"' in forms["extend"]  # extend is offered before the deadline passes


def test_return_defaults_to_the_applicants_choice_and_shows_the_address(client, office):
    address = {
        "name": "Nguyễn Văn Dân",
        "phone": "+84912345678",
        "street": "Số 5 ngõ 2 phố Huyền Quang",
        "commune_name": "Phường Kinh Bắc",
        "province_name": "Tỉnh Bắc Ninh",
    }
    dossier = submit(office, delivery="post", address=address)
    login_staff(client, office["officer"])
    page = content(desk(client, dossier))
    assert "Nhận qua dịch vụ bưu chính công ích" in page
    assert "Số 5 ngõ 2 phố Huyền Quang" in page and "0912 345 678" in page
    assert "8.000 đồng" in page  # the charge, and a place for the payment status
    d = received_and_assigned(office)
    Dossier.objects.filter(pk=d.pk).update(status=Status.RESULT_READY, processing_step="", delivery="post")
    response = desk(client, d)
    assert response.context["primary"].name == "return_result"
    assert 'value="post" selected' in content(response)


def test_assignment_picks_from_departments_and_never_unassigns(client, office):
    dossier = received_and_assigned(office)
    login_staff(client, office["officer"])
    response = desk(client, dossier)
    groups = response.context["assignment_groups"]
    assert [g.label for g in groups] == ["Văn phòng HĐND và UBND", "Phòng Kinh tế"]
    selected = [c for g in groups for c in g.choices if c.selected]
    assert len(selected) == 1 and selected[0].label == "Lê Văn Cường"  # the current assignee
    assert all(c.value.split(":")[1] for g in groups for c in g.choices)  # no "nobody" choice now
    assert "Hiện do Lê Văn Cường (Văn phòng HĐND và UBND) xử lý." in content(response)
    response = act(client, dossier, "assign", {"assignment": ""}, follow=True)
    assert "Chọn phòng và chuyên viên" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).assignee == office["specialist"]
    economy = Department.objects.get(name="Phòng Kinh tế")
    act(client, dossier, "assign", {"assignment": f"{economy.pk}:{office['other_specialist'].pk}"})
    dossier.refresh_from_db()
    assert dossier.assignee == office["other_specialist"] and dossier.department == "Phòng Kinh tế"


def test_queue_keeps_its_filter_after_an_action(client, office):
    dossier = received_and_assigned(office)
    login_staff(client, office["officer"])
    page = content(
        client.get(
            reverse("admin:dossiers_dossier_change", args=[dossier.pk]), {"_changelist_filters": "queue=week"}
        )
    )
    assert 'name="_changelist_filters" value="queue=week"' in page
    economy = Department.objects.get(name="Phòng Kinh tế")
    response = act(
        client,
        dossier,
        "assign",
        {
            "assignment": f"{economy.pk}:{office['other_specialist'].pk}",
            "_changelist_filters": "queue=week&evil=1",
        },
    )
    # Nothing more for the officer: back to the same queue (only the queue's own parameters kept).
    assert response["Location"] == reverse("admin:dossiers_dossier_changelist") + "?queue=week"


def test_a_stale_desk_form_says_so_first(client, office):
    dossier = received_and_assigned(office)
    login_staff(client, office["officer"])
    response = client.post(
        reverse("admin:dossiers_dossier_act", args=[dossier.pk, "assign"]),
        {"expected_version": dossier.version - 1, "assignment": "garbage"},
        follow=True,
    )
    assert "vừa được cập nhật" in response.content.decode()


# --- bulk receipt ----------------------------------------------------------------------------------------


def test_bulk_receive_takes_the_complete_ones_with_their_versions(client, office):
    complete, also_complete = submit(office), submit(office)
    incomplete = submit(office)
    incomplete.files.filter(
        component=office["components"]["certificate"]
    ).delete()  # e.g. removed as unreadable
    login_staff(client, office["officer"])
    url = reverse("admin:dossiers_dossier_changelist")
    selected = [complete.pk, also_complete.pk, incomplete.pk]
    page = client.post(url, {"action": "bulk_receive", "_selected_action": selected})
    html = page.content.decode()
    assert page.status_code == 200
    assert complete.code in html and "còn thiếu: Giấy chứng sinh" in html
    versions = {d.pk: Dossier.objects.get(pk=d.pk).version for d in (complete, also_complete, incomplete)}
    Dossier.objects.filter(pk=also_complete.pk).update(
        version=versions[also_complete.pk] + 1
    )  # changed since
    response = client.post(
        url,
        {
            "action": "bulk_receive",
            "_selected_action": selected,
            "apply": "1",
            **{f"version_{pk}": v for pk, v in versions.items()},
        },
        follow=True,
    )
    statuses = {d.pk: d.status for d in Dossier.objects.filter(pk__in=selected)}
    assert statuses == {
        complete.pk: Status.RECEIVED,
        also_complete.pk: Status.SUBMITTED,
        incomplete.pk: Status.SUBMITTED,
    }
    text = response.content.decode()
    assert "Đã tiếp nhận 1 hồ sơ." in text and "vừa được cập nhật" in text and "chưa đủ thành phần" in text


# --- what the desk says, and how ------------------------------------------------------------------------


def test_readable_labels_one_code_and_formatted_phones(client, office):
    dossier = received_and_assigned(office)
    dossier = processing.dossier_appraise_and_submit(
        dossier_id=dossier.pk,
        actor=office["specialist"],
        expected_version=dossier.version,
        result_draft=SimpleUploadedFile("du-thao.pdf", PDF),
    )
    login_staff(client, office["leader"])
    page = content(desk(client, dossier))
    for raw in ("receive", "awaiting_approval", "appraise_and_submit", ">assign<", "dossier_received"):
        assert raw not in re.sub(r"<[^>]+>", lambda m: m.group(0) if raw.startswith(">") else "", page), raw
    for label in (
        "Tiếp nhận",
        "Chuyển xử lý, phân công",
        "Thẩm định và trình lãnh đạo duyệt",
        "Chờ lãnh đạo duyệt",
    ):
        assert label in page, label
    visible = re.sub(r"<[^>]+>", " ", page)
    assert visible.count(dossier.code) == 1  # the title only
    assert re.search(r"0912 \d{3} \d{3}", visible)  # the applicant's phone, as people read it
    assert "Phiếu kiểm soát (mẫu 06)" in page and 'class="button desk-link"' in page
    assert "<" not in str(Dossier._meta.get_field("code").help_text)
    assert "History" not in page and "Bản ghi nhớ" not in page  # Django's mistranslated "History" link
    assert "Nhật ký truy cập hồ sơ" in page


def test_queue_page_speaks_vietnamese(client, office):
    submit(office)
    login_staff(client, office["officer"])
    html = client.get(reverse("admin:dossiers_dossier_changelist"), {"queue": "new"}).content.decode()
    assert "Show counts" not in html and "Hide counts" not in html and "History" not in html
    assert "Hiện số lượng" in html and "Bộ lọc" in html


def test_queue_overdue_count_and_the_leaders_dashboard_agree(client, office):
    from datetime import timedelta

    from django.utils import timezone

    late = [submit(office) for _ in range(3)]
    Dossier.objects.filter(pk=late[0].pk).update(
        acceptance_due_at=timezone.now() - timedelta(hours=1)
    )  # not received in time
    d = received_and_assigned(office)
    Dossier.objects.filter(pk=d.pk).update(due_at=timezone.now() - timedelta(days=1))
    ready = received_and_assigned(office)  # result ready: never overdue
    Dossier.objects.filter(pk=ready.pk).update(
        status=Status.RESULT_READY, completed_at=timezone.now(), due_at=timezone.now() - timedelta(days=2)
    )
    waiting = received_and_assigned(office)  # waiting for the applicant: the clock is stopped
    Dossier.objects.filter(pk=waiting.pk).update(
        status=Status.SUPPLEMENT_REQUESTED, due_at=timezone.now() - timedelta(days=2)
    )
    login_staff(client, office["leader"])
    queue = client.get(reverse("admin:dossiers_dossier_changelist"), {"queue": "overdue"})
    dashboard = client.get(reverse("leader_dashboard"))
    assert queue.context["queue_counts"]["overdue"][1] == 2
    assert queue.context["cl"].result_count == 2
    assert dashboard.context["total"]["overdue"] == 2
