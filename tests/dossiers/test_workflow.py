"""The state machine: one table, one service, every actor (dossiers/transitions.py, dossiers/workflow.py).

For every row of the table: the allowed actor succeeds (status, step, version + 1, an event and an audit
row naming the actor, the notification), every other kind of actor is refused and nothing changes, and a
stale version is refused.
"""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dossiers import processing, services
from dossiers.constants import ActorKind, Status, Step
from dossiers.models import AuditEntry, Dossier
from dossiers.transitions import TRANSITIONS
from dossiers.workflow import Actor, ConflictError, TransitionError, allowed_transitions, dossier_transition
from notifications.models import Message
from notifications.services import ensure_default_templates
from tests.factories import (
    PDF,
    AgencyFactory,
    DossierFactory,
    UserFactory,
    login_staff,
    make_staff,
)

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
        "other_specialist": make_staff(agency, "specialist", full_name="Chuyên Viên Khác"),
        "leader": make_staff(agency, "leader", full_name="Lãnh Đạo"),
        "publisher": make_staff(agency, "publisher", full_name="Công Bố"),
        "agency_admin": make_staff(agency, "agency_admin", full_name="Quản Trị"),
        "stranger": make_staff(AgencyFactory(), "officer"),
    }


def at(office, state: str) -> Dossier:
    """A dossier of the office's agency, brought to ``state`` by the office's own people."""
    return DossierFactory(state=state, agency=office["agency"], people=office)


def go(dossier: Dossier, name: str, actor: Actor, **kwargs) -> Dossier:
    dossier.refresh_from_db()
    return dossier_transition(
        dossier_id=dossier.pk, name=name, actor=actor, expected_version=dossier.version, **kwargs
    )


def staff(office, key) -> Actor:
    return Actor.staff(office[key])


def to_received(office, d):
    return go(d, "receive", staff(office, "officer"))


def with_draft(d):
    """The specialist's result draft, attached as the desk does before the dossier goes to the leader."""
    from dossiers.uploads import check_upload, store_checked

    checked = check_upload(dossier=d, component=None, upload=SimpleUploadedFile("du-thao.pdf", PDF))
    store_checked(dossier=d, checked=checked, purpose="result_draft")
    return d


def working_day_ahead(days: int) -> datetime:
    """17:00 on the working day ``days`` working days from today (a new date an extension accepts)."""
    from dossiers import workdays

    day = workdays.add_working_days(timezone.localdate(), days)
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=VN)


# row name: (the state it starts from, see tests.factories.ROADS; allowed actor key or "applicant"/"system", kwargs, refused actor keys)
CASES = {
    "receive": ("submitted", "officer", {}, ["specialist", "leader", "publisher", "agency_admin", "stranger", "applicant", "system"]),
    "request_supplement": ("submitted", "officer", {"reason": "Thiếu", "missing": ["Giấy khai sinh"]}, ["leader", "publisher", "stranger", "applicant", "system"]),
    "refuse": ("submitted", "officer", {"reason": "Không thuộc thẩm quyền"}, ["specialist", "leader", "publisher", "stranger", "applicant", "system"]),
    "withdraw": ("submitted", "officer", {"reason": "Theo đơn"}, ["specialist", "publisher", "stranger", "applicant", "system"]),
    "withdraw_by_applicant": ("submitted", "applicant", {"reason": "Nộp nhầm"}, ["officer", "other_citizen", "system"]),
    "assign": ("received", "officer", {"department": "Tư pháp"}, ["specialist", "publisher", "agency_admin", "stranger", "applicant", "system"]),
    "appraise_and_submit": ("assigned_with_draft", "specialist", {"internal_note": "Đủ điều kiện"}, ["other_specialist", "officer", "leader", "publisher", "applicant", "system"]),
    "appraise": ("assigned", "specialist", {}, ["other_specialist", "officer", "leader", "publisher", "applicant", "system"]),
    "submit_for_approval": ("appraised", "specialist", {}, ["other_specialist", "officer", "leader", "applicant", "system"]),
    "approve": ("awaiting_approval", "leader", {}, ["specialist", "officer", "publisher", "stranger", "applicant", "system"]),
    "return_for_rework": ("awaiting_approval", "leader", {"reason": "Sửa lại"}, ["specialist", "officer", "applicant", "system"]),
    "request_payment": ("assigned", "officer", {}, ["leader", "publisher", "other_specialist", "applicant", "system"]),
    "payment_received": ("awaiting_payment", "system", {}, ["specialist", "leader", "publisher", "applicant"]),
    "stop": ("assigned", "leader", {"reason": "Không đủ điều kiện"}, ["specialist", "publisher", "stranger", "applicant", "system"]),
    "extend": ("received", "leader", {"reason": "Chờ xác minh", "new_due": lambda: working_day_ahead(12)}, ["specialist", "publisher", "stranger", "applicant", "system"]),
    "result_ready": ("approved", "specialist", {}, ["other_specialist", "leader", "publisher", "applicant", "system"]),
    "return_result": ("result_ready", "officer", {"method": "counter"}, ["specialist", "leader", "publisher", "stranger", "applicant"]),
    "hand_to_post": ("result_ready", "officer", {}, ["specialist", "leader", "publisher", "applicant", "system"]),
    "post_delivered": ("with_post", "system", {}, ["officer", "leader", "applicant"]),
    "post_returned": ("with_post", "system", {}, ["officer", "leader", "applicant"]),
    "post_lost": ("with_post", "system", {}, ["officer", "leader", "applicant"]),
    "post_cancelled": ("with_post", "officer", {}, ["specialist", "leader", "stranger", "applicant", "system"]),
    "answer_supplement": ("supplement_requested", "applicant", {"note_to_applicant": "Đã bổ sung"}, ["officer", "other_citizen", "system"]),
}  # fmt: skip


def actor_for(office, key, dossier) -> Actor:
    if key == "applicant":
        return Actor.applicant(dossier.applicant)
    if key == "other_citizen":
        return Actor.applicant(UserFactory())
    if key == "system":
        return Actor.system("test:simulator")
    return Actor.staff(office[key])


def test_every_row_has_a_case():
    # Rows that create a dossier: tests/dossiers/test_submission.py (submit),
    # tests/delivery/test_counter.py (register_at_counter), tests/delivery/test_pickup.py (submit_by_post).
    assert set(CASES) == set(TRANSITIONS) - {"submit", "register_at_counter", "submit_by_post"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_transition_allowed_refused_recorded_and_versioned(
    office, name, django_capture_on_commit_callbacks
):
    prepare, allowed, kwargs, refused = CASES[name]
    kwargs = {key: value() if callable(value) else value for key, value in kwargs.items()}
    row = TRANSITIONS[name]
    d = at(office, prepare)
    d.refresh_from_db()
    before_version, before_status = d.version, d.status
    events_before = d.events.count()
    for key in refused:
        with pytest.raises(TransitionError):
            dossier_transition(
                dossier_id=d.pk,
                name=name,
                actor=actor_for(office, key, d),
                expected_version=d.version,
                **kwargs,
            )
        d.refresh_from_db()
        assert (d.version, d.status, d.events.count()) == (before_version, before_status, events_before), key
    # A stale page (the version it saw is older) is refused even for the right actor.
    with pytest.raises(ConflictError):
        dossier_transition(
            dossier_id=d.pk,
            name=name,
            actor=actor_for(office, allowed, d),
            expected_version=d.version - 1,
            **kwargs,
        )
    if allowed != "system":
        # A person's form that lost its version is refused like a stale one: only the system
        # (a gateway's or carrier's callback) acts on the dossier as it is now.
        with pytest.raises(ConflictError):
            dossier_transition(
                dossier_id=d.pk,
                name=name,
                actor=actor_for(office, allowed, d),
                expected_version=None,
                **kwargs,
            )
        d.refresh_from_db()
        assert (d.version, d.status, d.events.count()) == (before_version, before_status, events_before)
    actor = actor_for(office, allowed, d)
    messages_before = Message.objects.filter(related_label=d.code).count()
    with django_capture_on_commit_callbacks(execute=True):
        after = dossier_transition(
            dossier_id=d.pk, name=name, actor=actor, expected_version=d.version, **kwargs
        )
    assert after.version == before_version + 1
    if row.to_status is not None:
        assert after.status == row.to_status
    if row.step_after is not None:
        assert after.processing_step == row.step_after
    event = after.events.order_by("-id").first()
    assert event.action == name and event.actor_kind == actor.kind and event.from_status == before_status
    audit = AuditEntry.objects.filter(dossier=after, what=f"transition:{name}").get()
    assert audit.actor_kind == actor.kind and audit.before["version"] == before_version
    assert audit.after["version"] == after.version and audit.after["status"] == after.status
    if actor.kind == ActorKind.SYSTEM:
        assert audit.user is None and event.actor is None and "test:simulator" in audit.actor_name
    else:
        assert audit.user == actor.user
    if row.notification:
        assert Message.objects.filter(related_label=d.code, event=row.notification).exists(), row.notification
    else:
        assert Message.objects.filter(related_label=d.code).count() == messages_before
    if row.form:
        assert after.files.filter(purpose=f"form{row.form}").exists()


def test_a_stale_page_never_undoes_the_leaders_approval(office, client):
    """The walk-through's finding: the officer's old page pressed "assign" after the leader approved."""
    d = at(office, "awaiting_approval")
    login_staff(client, office["officer"])
    stale = client.get(reverse("admin:dossiers_dossier_change", args=[d.pk])).context["dossier"].version
    go(d, "approve", staff(office, "leader"))
    response = client.post(
        reverse("admin:dossiers_dossier_act", args=[d.pk, "assign"]),
        {"expected_version": stale, "department": "Tư pháp", "assignee": office["specialist"].pk},
        follow=True,
    )
    assert "vừa được cập nhật" in response.content.decode()
    d.refresh_from_db()
    assert d.processing_step == Step.APPROVED
    # A desk form without a version is refused too, not applied blindly.
    response = client.post(
        reverse("admin:dossiers_dossier_act", args=[d.pk, "assign"]), {"department": "X"}, follow=True
    )
    assert "Trang đã cũ" in response.content.decode()
    assert Dossier.objects.get(pk=d.pk).processing_step == Step.APPROVED


def test_the_whole_way_with_one_notification_per_step(office, django_capture_on_commit_callbacks):
    officer, specialist, leader = office["officer"], office["specialist"], office["leader"]
    dossier = at(office, "submitted")
    with django_capture_on_commit_callbacks(execute=True):
        d = processing.dossier_receive(dossier_id=dossier.pk, actor=officer, expected_version=dossier.version)
    assert d.status == Status.RECEIVED and d.due_at and d.logbook_number
    assert processing.allowed_actions(officer, d)[:1] == ["request_supplement"] or "assign" in (
        processing.allowed_actions(officer, d)
    )
    d = processing.dossier_assign(
        dossier_id=d.pk, actor=officer, expected_version=d.version, department="Tư pháp", assignee=specialist
    )
    assert d.status == Status.PROCESSING and d.assignee == specialist and d.processing_step == "assigned"
    with pytest.raises(processing.ProcessingError, match="dự thảo kết quả"):  # never to the leader blind
        processing.dossier_appraise_and_submit(dossier_id=d.pk, actor=specialist, expected_version=d.version)
    assert not d.files.filter(purpose="result_draft").exists()
    d = processing.dossier_appraise_and_submit(
        dossier_id=d.pk,
        actor=specialist,
        expected_version=d.version,
        opinion="Hồ sơ đủ điều kiện.",
        result_draft=SimpleUploadedFile("du-thao.pdf", PDF),
    )
    assert d.processing_step == Step.AWAITING_APPROVAL
    event = d.events.get(action="appraise_and_submit")
    assert event.internal_note == "Hồ sơ đủ điều kiện." and event.to_user == "Lãnh Đạo"  # the agency's leader
    with pytest.raises(processing.ProcessingError):
        processing.dossier_act("approve", dossier_id=d.pk, actor=specialist, expected_version=d.version)
    d = processing.dossier_act("approve", dossier_id=d.pk, actor=leader, expected_version=d.version)
    with django_capture_on_commit_callbacks(execute=True):
        d = processing.dossier_result_ready(dossier_id=d.pk, actor=specialist, expected_version=d.version)
    assert d.status == Status.RESULT_READY
    with django_capture_on_commit_callbacks(execute=True):
        d = processing.dossier_return_result(
            dossier_id=d.pk, actor=officer, expected_version=d.version, method="counter"
        )
    assert d.status == Status.RETURNED and d.returned_at
    actions = list(d.events.order_by("at", "id").values_list("action", flat=True))
    assert actions == [
        "",  # the draft's creation
        "submit",
        "receive",
        "assign",
        "appraise_and_submit",
        "approve",
        "result_ready",
        "return_result",
    ]
    for event in ("dossier_submitted", "dossier_received", "result_ready", "dossier_returned"):
        assert Message.objects.filter(related_label=d.code, event=event).count() == 1, event
    assert d.version == 7
    # Every hand-off names its receiver (form 06).
    assert all(e.to_user for e in d.events.exclude(action__in=["", "receive"]).order_by("at", "id")), list(
        d.events.values_list("action", "to_user")
    )


def test_applicant_withdrawal_is_audited_and_notified(office, client, django_capture_on_commit_callbacks):
    d = at(office, "submitted")
    client.force_login(d.applicant)
    page = client.get(reverse("dossiers:withdraw", args=[d.code])).content.decode()
    assert f'name="expected_version" value="{d.version}"' in page
    # Without a reason: a message, nothing changes.
    response = client.post(
        reverse("dossiers:withdraw", args=[d.code]),
        {"reason": "", "confirm": "on", "expected_version": d.version},
        follow=True,
    )
    assert "lý do" in response.content.decode()
    assert Dossier.objects.get(pk=d.pk).status == Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dossiers:withdraw", args=[d.code]),
            {"reason": "Nộp nhầm thủ tục", "confirm": "on", "expected_version": d.version},
        )
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN
    audit = AuditEntry.objects.get(dossier=d, what="transition:withdraw_by_applicant")
    assert audit.actor_kind == ActorKind.APPLICANT and audit.user == d.applicant
    assert Message.objects.filter(related_label=d.code, event="dossier_withdrawn").exists()


def test_applicant_page_gone_stale_gets_a_message_not_a_change(office, client):
    d = at(office, "submitted")
    client.force_login(d.applicant)
    seen = d.version
    to_received(office, d)  # the officer received it meanwhile
    response = client.post(
        reverse("dossiers:withdraw", args=[d.code]),
        {"reason": "Nộp nhầm", "confirm": "on", "expected_version": seen},
        follow=True,
    )
    assert "vừa được cập nhật" in response.content.decode()
    assert Dossier.objects.get(pk=d.pk).status == Status.RECEIVED


def test_applicant_form_without_its_version_is_refused_not_applied(office, client):
    d = at(office, "submitted")
    client.force_login(d.applicant)
    response = client.post(
        reverse("dossiers:withdraw", args=[d.code]), {"reason": "Nộp nhầm", "confirm": "on"}, follow=True
    )
    assert response.status_code == 200 and "vừa được cập nhật" in response.content.decode()
    assert Dossier.objects.get(pk=d.pk).status == Status.SUBMITTED


def test_system_actor_moves_a_payment_request_on_and_the_due_date_moves(office):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):  # Monday
        d = at(office, "awaiting_payment")
        due_before = d.due_at
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=VN), tick=False):  # Thursday
        d = dossier_transition(
            dossier_id=d.pk,
            name="payment_received",
            actor=Actor.system("payments:vnpay"),
            expected_version=None,
        )
    assert d.status == Status.PROCESSING and d.due_at > due_before
    event = d.events.get(action="payment_received")
    assert event.actor is None and event.data["system"] == "payments:vnpay"


def test_buttons_follow_the_table(office):
    d = at(office, "received")
    assert "assign" in allowed_transitions(Actor.staff(office["officer"]), d)
    assert allowed_transitions(Actor.staff(office["publisher"]), d) == []
    assert allowed_transitions(Actor.staff(office["specialist"]), d) == []  # not assigned to them
    assert allowed_transitions(Actor.staff(office["stranger"]), d) == []
    assert "hand_to_post" not in processing.allowed_actions(office["officer"], at(office, "result_ready"))


def test_return_online_needs_the_electronic_result(office):
    d = at(office, "result_ready")
    with pytest.raises(TransitionError, match="kết quả điện tử"):
        go(d, "return_result", staff(office, "officer"), method="online")
    assert Dossier.objects.get(pk=d.pk).status == Status.RESULT_READY
    d = at(office, "approved")
    d = processing.dossier_result_ready(
        dossier_id=d.pk,
        actor=office["specialist"],
        expected_version=d.version,
        result_file=SimpleUploadedFile("ket-qua.pdf", PDF),
    )
    d = go(d, "return_result", staff(office, "officer"), method="online")
    assert d.status == Status.RETURNED and d.return_method == "online"


def test_result_ready_is_never_overdue_in_the_queue(office, client):
    d = at(office, "result_ready")
    Dossier.objects.filter(pk=d.pk).update(due_at=timezone.now() - timedelta(days=3))
    login_staff(client, office["officer"])
    url = reverse("admin:dossiers_dossier_changelist")
    response = client.get(url, {"queue": "overdue"})
    assert response.context["cl"].result_count == 0
    assert "quá hạn" not in client.get(url, {"status__exact": Status.RESULT_READY}).content.decode()


def test_extend_before_the_deadline_to_a_later_working_day(office):
    """The law expects the apology before the deadline: it can be issued while the dossier is on time;
    the new date is a working day after the current one; form 04 gets its own number and the
    appointment the applicant had (an earlier extension included)."""
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):  # Monday
        d = at(office, "received")
        first_due = d.due_at
        saturday = datetime(2026, 11, 28, 17, 0, tzinfo=VN)
        with pytest.raises(TransitionError, match="không phải ngày làm việc"):
            go(d, "extend", staff(office, "leader"), reason="Chờ xác minh", new_due=saturday)
        with pytest.raises(TransitionError, match="sau ngày hẹn hiện tại"):
            go(
                d,
                "extend",
                staff(office, "leader"),
                reason="Chờ xác minh",
                new_due=first_due - timedelta(hours=1),
            )
        assert not Dossier.objects.get(pk=d.pk).extended
        d = go(
            d,
            "extend",
            staff(office, "leader"),
            reason="Chờ xác minh",
            new_due=datetime(2026, 12, 2, 17, 0, tzinfo=VN),
        )
        d = go(
            d,
            "extend",
            staff(office, "officer"),
            reason="Chờ kết quả xác minh",
            new_due=datetime(2026, 12, 4, 17, 0, tzinfo=VN),
        )
    first, second = d.events.filter(action="extend").order_by("id")
    assert datetime.fromisoformat(first.data["previous_due"]) == first_due
    assert datetime.fromisoformat(second.data["previous_due"]) == datetime(2026, 12, 2, 17, 0, tzinfo=VN)
    assert (first.data["document_number"], second.data["document_number"]) == ("01/XLGH", "02/XLGH")
    assert d.extended and d.due_at == datetime(2026, 12, 4, 17, 0, tzinfo=VN)


def test_log_book_numbers_are_the_agencys_series_refused_included(office):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):
        first = at(office, "received")
        refused = go(
            at(office, "submitted"), "refuse", staff(office, "officer"), reason="Không thuộc thẩm quyền"
        )
        third = at(office, "received")
        elsewhere = DossierFactory(agency=AgencyFactory())
    assert [first.logbook_number, refused.logbook_number, third.logbook_number] == [
        "2026/0001",
        "2026/0002",
        "2026/0003",
    ]
    assert elsewhere.logbook_number == ""
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=VN), tick=False):
        assert at(office, "received").logbook_number == "2027/0001"  # a new volume


def test_stop_letters_have_their_own_numbers(office):
    d = at(office, "assigned")
    d = go(d, "stop", staff(office, "leader"), reason="Người nộp đề nghị dừng")
    assert d.events.get(action="stop").data["document_number"] == "01/TB-DGQ"


def test_reassignment_never_unassigns_by_accident(office):
    d = at(office, "assigned")
    with pytest.raises(TransitionError, match="chọn chuyên viên"):
        go(d, "assign", staff(office, "officer"), department="Tư pháp", assignee=None)
    assert Dossier.objects.get(pk=d.pk).assignee == office["specialist"]
    d = go(d, "assign", staff(office, "leader"), department="Tư pháp", assignee=office["other_specialist"])
    assert d.assignee == office["other_specialist"]


def test_assignment_picks_from_the_department(office):
    from accounts.departments import Department

    department = Department.objects.create(agency=office["agency"], name="Phòng Văn hóa - Xã hội")
    department.specialists.add(office["specialist"])
    department.leaders.add(office["leader"])
    d = at(office, "received")
    with pytest.raises(TransitionError, match="không phải chuyên viên của Phòng Văn hóa"):
        go(d, "assign", staff(office, "officer"), department=department, assignee=office["other_specialist"])
    d = go(d, "assign", staff(office, "officer"), department=department, assignee=office["specialist"])
    assert d.department == "Phòng Văn hóa - Xã hội" and d.assignee == office["specialist"]
    other = Department.objects.create(agency=AgencyFactory(), name="Phòng khác")
    with pytest.raises(TransitionError, match="không thuộc cơ quan"):
        go(d, "assign", staff(office, "officer"), department=other, assignee=office["specialist"])
    d = with_draft(d)
    d = go(d, "appraise_and_submit", staff(office, "specialist"))
    assert d.events.get(action="appraise_and_submit").to_user == "Lãnh Đạo"  # the department's leader


def test_supplement_round_trip_pauses_the_clock(office):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):  # Monday
        d = at(office, "assigned")
        due_before = d.due_at
        d = processing.dossier_request_supplement(
            dossier_id=d.pk,
            actor=office["specialist"],
            expected_version=d.version,
            missing=["Bản sao giấy khai sinh"],
            reason="Thiếu",
        )
        assert d.status == Status.SUPPLEMENT_REQUESTED and d.supplement_requests == 1
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=VN), tick=False):  # 3 working days later
        d = services.dossier_answer_supplement(
            dossier=d, user=d.applicant, note="Đã bổ sung", uploads=[], expected_version=d.version
        )
    assert d.status == Status.PROCESSING
    assert d.due_at > due_before  # pushed by the working days the applicant held it
    d = processing.dossier_request_supplement(
        dossier_id=d.pk,
        actor=office["specialist"],
        expected_version=d.version,
        missing=["X"],
        reason="Lần hai",
    )
    assert processing.supplement_is_repeat(d) and d.supplement_requests == 2


def test_result_file_must_be_a_pdf_and_nothing_is_half_applied(office, client):
    d = at(office, "approved")
    with pytest.raises(processing.ProcessingError, match="PDF"):
        processing.dossier_result_ready(
            dossier_id=d.pk,
            actor=office["specialist"],
            expected_version=d.version,
            result_file=SimpleUploadedFile("kq.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32),
        )
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING
    d = processing.dossier_result_ready(
        dossier_id=d.pk,
        actor=office["specialist"],
        expected_version=d.version,
        result_file=SimpleUploadedFile("ket-qua.pdf", PDF),
    )
    result = d.files.get(purpose="result")
    client.force_login(d.applicant)
    assert (
        "Kết quả giải quyết (bản điện tử)"
        in client.get(reverse("dossiers:detail", args=[d.code])).content.decode()
    )
    assert client.get(reverse("dossiers:file", args=[d.code, result.pk])).status_code == 200


def test_officer_digest_and_supplement_reminder(office):
    from dossiers import reminders

    office["officer"].email = "motcua@example.vn"
    office["officer"].save()
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False):
        d = at(office, "received")
    Dossier.objects.filter(pk=d.pk).update(due_at=timezone.now() - timedelta(days=1))  # overdue
    assert reminders.send_officer_digests() >= 1
    digest = Message.objects.filter(event="officer_digest", recipient="motcua@example.vn").get()
    assert d.code in digest.body_text
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=VN), tick=False):
        other = at(office, "supplement_requested")
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=VN), tick=False):
        assert reminders.remind_unanswered_supplements() == 1
        assert reminders.remind_unanswered_supplements() == 0
    assert Message.objects.filter(event="supplement_reminder", related_label=other.code).exists()


def test_state_diagram_is_up_to_date():
    """docs/state-machine.md is generated from the table; regenerate with `manage.py workflow_diagram`."""
    call_command("workflow_diagram", "--check")


@pytest.mark.skipif(connection.vendor == "sqlite", reason="threads against PostgreSQL (CI sets DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_two_officers_at_the_same_instant_one_wins(office):
    second = make_staff(office["agency"], "officer")
    for _round in range(10):
        dossier = at(office, "submitted")
        barrier = threading.Barrier(2)
        results: list[str] = []

        def act(actor, name, kwargs, dossier_id=dossier.pk, version=dossier.version):
            try:
                barrier.wait(timeout=10)
                dossier_transition(
                    dossier_id=dossier_id,
                    name=name,
                    actor=Actor.staff(actor),
                    expected_version=version,
                    **kwargs,
                )
                results.append("ok")
            except ConflictError:
                results.append("conflict")
            finally:
                connection.close()

        threads = [
            threading.Thread(target=act, args=(office["officer"], "receive", {})),
            threading.Thread(target=act, args=(second, "refuse", {"reason": "Không đủ điều kiện"})),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(results) == ["conflict", "ok"], results
        final = Dossier.objects.get(pk=dossier.pk)
        assert final.status in (Status.RECEIVED, Status.REFUSED) and final.version == dossier.version + 1
        assert final.events.exclude(action__in=["", "submit"]).count() == 1  # never half applied


def test_forms_lost_with_their_task_are_rendered_again_by_the_redrive_job(office, settings):
    """Broker down at commit (or a worker killed mid-render): the beat job renders the form, once."""
    from dossiers import forms_service
    from dossiers.tasks import redrive_forms

    d = at(office, "submitted")
    token = forms_service.rendering_enabled.set(False)  # the render task is lost
    try:
        d = to_received(office, d)
    finally:
        forms_service.rendering_enabled.reset(token)
    assert not d.files.filter(purpose="form01").exists()
    event = d.events.get(action="receive")
    assert forms_service.redrive_missing_forms() == 0  # too young: its task may still be running
    later = timezone.now() + timedelta(minutes=6)
    assert list(forms_service.events_missing_their_form(now=later)) == [event]
    with time_machine.travel(later, tick=False):
        assert redrive_forms() == 1
        assert redrive_forms() == 0  # rendered: nothing left
    form = d.files.get(purpose="form01")
    assert form.event_id == event.pk


def test_every_event_action_written_anywhere_has_a_readable_label():
    """The timeline shows ``event.action`` through ``transitions.label``: an action written by any app
    (a transition, or a note such as the post's arrival) must never show as its raw name."""
    import re
    from pathlib import Path

    from dossiers.transitions import label

    root = Path(__file__).resolve().parents[2]
    written = set()
    for path in root.glob("*/*.py"):
        if path.parts[-2] in {"tests", ".venv", "bench"}:
            continue
        written |= set(re.findall(r'\baction="([a-z_]+)"', path.read_text(encoding="utf-8")))
    written -= {"store_true", "store_false", "append"}  # argparse
    assert {"post_arrived", "claim"} <= written
    unlabelled = {name for name in written | set(TRANSITIONS) if label(name) == name}
    assert not unlabelled, unlabelled
