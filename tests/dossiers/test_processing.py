import threading
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from dossiers import processing, services
from dossiers.constants import Status
from dossiers.models import Dossier
from notifications.models import Message
from notifications.services import ensure_default_templates
from tests.factories import AgencyFactory, make_staff

from .test_submission import make_procedure, ready_draft

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def office():
    ensure_default_templates()
    agency = AgencyFactory()
    return {
        "agency": agency,
        "officer": make_staff(agency, "officer", full_name="Cán bộ Một Cửa"),
        "specialist": make_staff(agency, "specialist", full_name="Chuyên Viên"),
        "leader": make_staff(agency, "leader", full_name="Lãnh Đạo"),
        "stranger": make_staff(AgencyFactory(), "officer"),
    }


def submitted(office):
    procedure, component = make_procedure(office["agency"])
    draft, user = ready_draft(procedure=procedure, component=component)
    return services.dossier_submit(dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True)


def test_the_whole_way_with_one_notification_per_step(office, django_capture_on_commit_callbacks):
    dossier = submitted(office)
    officer, specialist, leader = office["officer"], office["specialist"], office["leader"]
    with django_capture_on_commit_callbacks(execute=True):
        d = processing.dossier_receive(dossier_id=dossier.pk, actor=officer)
    assert d.status == Status.RECEIVED and d.due_at and d.logbook_number
    assert Message.objects.filter(related_label=d.code, event="dossier_received").count() == 1
    assert processing.allowed_actions(officer, d) == ["assign"] or "assign" in processing.allowed_actions(officer, d)
    d = processing.dossier_assign(dossier_id=d.pk, actor=officer, expected_status=Status.RECEIVED, department="Phòng Tư pháp", assignee=specialist)
    assert d.status == Status.PROCESSING and d.assignee == specialist and d.processing_step == "assigned"
    d = processing.dossier_appraise(dossier_id=d.pk, actor=specialist)
    d = processing.dossier_submit_for_approval(dossier_id=d.pk, actor=specialist)
    with pytest.raises(processing.ProcessingError):
        processing.dossier_approve(dossier_id=d.pk, actor=specialist)  # only a leader approves
    d = processing.dossier_approve(dossier_id=d.pk, actor=leader)
    with django_capture_on_commit_callbacks(execute=True):
        d = processing.dossier_result_ready(dossier_id=d.pk, actor=specialist)
    assert d.status == Status.RESULT_READY
    with django_capture_on_commit_callbacks(execute=True):
        d = processing.dossier_return_result(dossier_id=d.pk, actor=officer, method="counter")
    assert d.status == Status.RETURNED and d.returned_at
    events = list(d.events.order_by("at", "id").values_list("action", flat=True))
    assert events[-7:] == ["receive", "assign", "appraise", "submit_for_approval", "approve", "result_ready", "return_result"]
    for event in ("dossier_received", "result_ready", "dossier_returned"):
        assert Message.objects.filter(related_label=d.code, event=event).count() == 1, event


def test_forbidden_by_role_agency_state_and_missing_reason(office):
    dossier = submitted(office)
    with pytest.raises(processing.ProcessingError, match="Vai trò"):
        processing.dossier_receive(dossier_id=dossier.pk, actor=office["specialist"])  # a specialist cannot receive
    with pytest.raises(processing.ProcessingError, match="Vai trò"):
        processing.dossier_receive(dossier_id=dossier.pk, actor=office["stranger"])  # officer of another agency
    with pytest.raises(processing.ProcessingError, match="lý do"):
        processing.dossier_refuse(dossier_id=dossier.pk, actor=office["officer"], reason="  ")
    with pytest.raises(processing.ProcessingError):
        processing.dossier_result_ready(dossier_id=dossier.pk, actor=office["officer"])  # wrong state
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_refuse_at_receipt(office, django_capture_on_commit_callbacks):
    dossier = submitted(office)
    with django_capture_on_commit_callbacks(execute=True):
        d = processing.dossier_refuse(dossier_id=dossier.pk, actor=office["officer"], reason="Thủ tục không thuộc thẩm quyền")
    assert d.status == Status.REFUSED
    assert Message.objects.filter(related_label=d.code, event="dossier_refused").count() == 1


def test_stale_page_gets_a_conflict(office):
    dossier = submitted(office)
    processing.dossier_receive(dossier_id=dossier.pk, actor=office["officer"])
    with pytest.raises(processing.ConflictError, match="vừa thao tác"):
        processing.dossier_refuse(dossier_id=dossier.pk, actor=office["officer"], reason="x", expected_status=Status.SUBMITTED)


def test_supplement_round_trip_pauses_the_clock(office):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):  # Monday
        dossier = submitted(office)
        d = processing.dossier_receive(dossier_id=dossier.pk, actor=office["officer"])
        d = processing.dossier_assign(dossier_id=d.pk, actor=office["officer"], expected_status=Status.RECEIVED, department="P", assignee=office["specialist"])
        due_before = d.due_at
        d = processing.dossier_request_supplement(dossier_id=d.pk, actor=office["specialist"], expected_status=Status.PROCESSING, missing=["Bản sao giấy khai sinh"], reason="Thiếu")
        assert d.status == Status.SUPPLEMENT_REQUESTED and d.supplement_requests == 1
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=VN), tick=False):  # Thursday: 3 working days later
        d = services.dossier_answer_supplement(dossier=d, user=d.applicant, note="Đã bổ sung", uploads=[])
    assert d.status == Status.PROCESSING
    assert d.due_at > due_before  # pushed by the working days the applicant held it
    d = processing.dossier_request_supplement(dossier_id=d.pk, actor=office["specialist"], expected_status=Status.PROCESSING, missing=["X"], reason="Lần hai")
    assert processing.supplement_is_repeat(d) and d.supplement_requests == 2


def test_extend_only_when_overdue(office):
    dossier = submitted(office)
    d = processing.dossier_receive(dossier_id=dossier.pk, actor=office["officer"])
    with pytest.raises(processing.ProcessingError, match="quá hạn"):
        processing.dossier_extend(dossier_id=d.pk, actor=office["leader"], expected_status=Status.RECEIVED, new_due=d.due_at + timedelta(days=3), reason="Chờ xác minh")
    Dossier.objects.filter(pk=d.pk).update(due_at=datetime(2026, 1, 5, 17, 0, tzinfo=VN))
    from django.utils import timezone

    d = processing.dossier_extend(dossier_id=d.pk, actor=office["leader"], expected_status=Status.RECEIVED, new_due=timezone.now() + timedelta(days=5), reason="Chờ xác minh")
    assert d.extended


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads against PostgreSQL (CI sets DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_two_officers_at_the_same_instant_one_wins(office):
    second = make_staff(office["agency"], "officer")
    outcomes: list[str] = []
    for _round in range(10):
        dossier = submitted(office)
        barrier = threading.Barrier(2)
        results: list[str] = []

        def act(actor, kind, dossier_id=dossier.pk):
            try:
                barrier.wait(timeout=10)
                if kind == "receive":
                    processing.dossier_receive(dossier_id=dossier_id, actor=actor)
                else:
                    processing.dossier_refuse(dossier_id=dossier_id, actor=actor, reason="Không đủ điều kiện")
                results.append("ok")
            except processing.ConflictError:
                results.append("conflict")
            finally:
                connection.close()

        threads = [threading.Thread(target=act, args=(office["officer"], "receive")), threading.Thread(target=act, args=(second, "refuse"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(results) == ["conflict", "ok"], results
        final = Dossier.objects.get(pk=dossier.pk)
        assert final.status in (Status.RECEIVED, Status.REFUSED)
        assert final.events.exclude(action="").count() == 1  # never half applied
        outcomes.extend(results)
    assert outcomes.count("ok") == 10


def test_officer_digest_and_supplement_reminder(office):
    from dossiers import reminders

    office["officer"].email = "motcua@example.vn"
    office["officer"].save()
    dossier = submitted(office)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False):
        d = processing.dossier_receive(dossier_id=dossier.pk, actor=office["officer"])
    from django.utils import timezone

    Dossier.objects.filter(pk=d.pk).update(due_at=timezone.now() - timedelta(days=1))  # overdue
    assert reminders.send_officer_digests() >= 1
    digest = Message.objects.filter(event="officer_digest", recipient="motcua@example.vn").get()
    assert d.code in digest.body_text
    # Supplement request answered by nobody for 3 working days: one reminder, then none.
    other = submitted(office)
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False):
        processing.dossier_request_supplement(dossier_id=other.pk, actor=office["officer"], expected_status=Status.SUBMITTED, missing=["Giấy khai sinh"], reason="Thiếu")
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=VN), tick=False):
        assert reminders.remind_unanswered_supplements() == 1
        assert reminders.remind_unanswered_supplements() == 0
    assert Message.objects.filter(event="supplement_reminder", related_label=other.code).exists()


def test_result_ready_with_an_electronic_result(office, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from .test_submission import PDF

    dossier = submitted(office)
    d = processing.dossier_receive(dossier_id=dossier.pk, actor=office["officer"])
    d = processing.dossier_assign(dossier_id=d.pk, actor=office["officer"], expected_status=Status.RECEIVED, department="P", assignee=office["specialist"])
    processing.dossier_appraise(dossier_id=d.pk, actor=office["specialist"])
    processing.dossier_submit_for_approval(dossier_id=d.pk, actor=office["specialist"])
    processing.dossier_approve(dossier_id=d.pk, actor=office["leader"])
    with pytest.raises(processing.ProcessingError, match="PDF"):
        processing.dossier_result_ready(dossier_id=d.pk, actor=office["specialist"], result_file=SimpleUploadedFile("kq.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32))
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING  # nothing half-applied
    d = processing.dossier_result_ready(dossier_id=d.pk, actor=office["specialist"], result_file=SimpleUploadedFile("ket-qua.pdf", PDF))
    result = d.files.get(purpose="result")
    client.force_login(d.applicant)
    page = client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    assert "Kết quả giải quyết (bản điện tử)" in page
    assert client.get(reverse("dossiers:file", args=[d.code, result.pk])).status_code == 200
