from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.constants import TRANSITIONS, Channel, FailureKind, Preference, Status, can_transition
from notifications.models import ContactPreference, DeliveryReceipt, Message
from notifications.providers.base import PermanentFailure, SendResult, TemporaryFailure
from notifications.providers.sms_simulator.models import SimulatedSms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
CONTEXT = {
    "dossier_code": "000.21.01.H24-261122-0001",
    "procedure_name": "Đăng ký khai sinh",
    "agency_name": "UBND Phường Kinh Bắc",
    "link": "https://x/",
}


def test_transition_table_is_closed():
    assert can_transition(Status.QUEUED, Status.SENDING)
    assert can_transition(Status.SENT, Status.DELIVERED)
    assert not can_transition(Status.DELIVERED, Status.FAILED)
    assert not can_transition(Status.FAILED, Status.QUEUED)
    assert not can_transition(Status.SENT, Status.QUEUED)
    assert TRANSITIONS[Status.DELIVERED] == frozenset() == TRANSITIONS[Status.FAILED]
    assert can_transition(Status.QUEUED, Status.DELIVERED)  # a receipt overtaking a retry


def test_notify_writes_rows_and_sends_on_commit(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        messages = services.notify(event="dossier_submitted", context=CONTEXT, user=citizen)
    assert {m.channel for m in messages} == {Channel.SMS, Channel.EMAIL}
    assert all(m.status == Status.QUEUED for m in messages)
    assert len(callbacks) == 1  # both rows published together, only after commit
    with mock.patch("notifications.services.enqueue") as enqueue:
        callbacks[0]()
    enqueue.assert_called_once_with("notifications.send_batch", sorted(m.pk for m in messages))
    sms = next(m for m in messages if m.channel == Channel.SMS)
    assert sms.body_text.isascii()  # folded to GSM-7
    assert "000.21.01.H24-261122-0001" in sms.body_text
    email = next(m for m in messages if m.channel == Channel.EMAIL)
    assert "Nguyễn Văn An" in email.body_text
    assert email.subject


def test_notify_runs_through_to_delivered_in_process(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(event="dossier_submitted", context=CONTEXT, user=citizen)
    sms = Message.objects.get(channel=Channel.SMS)
    email = Message.objects.get(channel=Channel.EMAIL)
    assert sms.status == Status.DELIVERED  # simulator: sent, then its signed receipt
    assert SimulatedSms.objects.get(reference=sms.uuid).submissions == 1
    assert email.status == Status.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["an@example.vn"]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<{email.uuid}@")


@pytest.mark.parametrize(
    ("preference", "channels"),
    [(Preference.SMS, {"sms"}), (Preference.EMAIL, {"email"}), (Preference.BOTH, {"sms", "email"})],
)
def test_preferences(citizen, preference, channels):
    ContactPreference.objects.create(user=citizen, channels=preference)
    assert {
        m.channel for m in services.notify(event="dossier_received", context=CONTEXT, user=citizen)
    } == channels


def test_missing_address_falls_back_to_the_other_channel():
    user = UserFactory(phone="", email="only@example.vn")
    ContactPreference.objects.create(user=user, channels=Preference.SMS)
    assert [m.channel for m in services.notify(event="dossier_received", context=CONTEXT, user=user)] == [
        Channel.EMAIL
    ]


def test_security_code_goes_only_to_the_channel_being_verified(citizen):
    ContactPreference.objects.create(user=citizen, channels=Preference.EMAIL)
    messages = services.notify(
        event="security_code",
        context={"code": "123456", "minutes": 10},
        user=citizen,
        phone="+84987654321",
        channels=[Channel.SMS],
        security=True,
    )
    assert [(m.channel, m.recipient) for m in messages] == [(Channel.SMS, "+84987654321")]
    assert "123456" in messages[0].body_text


def test_security_code_is_redacted_once_sent(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event="security_code",
            context={"code": "654321", "minutes": 10},
            user=citizen,
            channels=[Channel.SMS],
            security=True,
        )
    message = Message.objects.get()
    assert message.status == Status.DELIVERED
    assert "654321" not in message.body_text
    assert SimulatedSms.objects.get().text.count("654321") == 1  # …but the phone got it


def test_unknown_event_raises(citizen):
    with pytest.raises(services.NotificationError):
        services.notify(event="no_such_event", context={}, user=citizen)


def _queued(**kwargs) -> Message:
    defaults = {
        "channel": Channel.SMS,
        "recipient": "+84912345678",
        "event": "dossier_received",
        "body_text": "x",
        "next_attempt_at": timezone.now(),
    }
    return Message.objects.create(**{**defaults, **kwargs})


def test_claim_is_idempotent():
    message = _queued()
    with mock.patch(
        "notifications.providers.sms_simulator.provider.SimulatorSmsProvider.send_many",
        return_value=[SendResult("p-1")],
    ) as send:
        first = services.message_send(message.pk)
        second = services.message_send(message.pk)  # a duplicated or redelivered task
    assert first.status == Status.SENT and second is None
    assert send.call_count == 1
    message.refresh_from_db()
    assert message.attempts == 1 and message.provider_message_id == "p-1"


def test_not_claimed_before_its_retry_time():
    message = _queued(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert services.message_send(message.pk) is None
    assert Message.objects.get(pk=message.pk).status == Status.QUEUED


def test_temporary_failure_backs_off_exponentially():
    message = _queued(recipient="+84999000004")  # simulator: gateway busy
    delays = []
    for _ in range(3):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outcome = services.message_send(message.pk)
        delays.append(outcome.retry_in.total_seconds())
    assert delays == [30, 60, 120]
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 3 and "503" in message.last_error


def test_temporary_failure_past_the_window_fails():
    message = _queued(recipient="+84999000004")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=4))
    outcome = services.message_send(message.pk)
    assert outcome.status == Status.FAILED
    message.refresh_from_db()
    assert message.failure_kind == FailureKind.TEMPORARY and message.failed_at


def test_unexpected_provider_crash_is_retried_as_technical():
    message = _queued()
    with mock.patch(
        "notifications.providers.sms_simulator.provider.SimulatorSmsProvider.send_many",
        side_effect=KeyError("boom"),
    ):
        outcome = services.message_send(message.pk)
    assert outcome.status == Status.QUEUED
    assert Message.objects.get(pk=message.pk).last_error == "technical: KeyError"


def test_permanent_sms_failure_falls_back_to_email(django_capture_on_commit_callbacks):
    user = UserFactory(phone="+84999000005", email="fallback@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(event="dossier_received", context=CONTEXT, user=user, channels=[Channel.SMS])
    sms = Message.objects.get(channel=Channel.SMS)
    assert sms.status == Status.FAILED and sms.failure_kind == FailureKind.PERMANENT
    email = Message.objects.get(channel=Channel.EMAIL)
    assert email.fallback_for == sms and email.status == Status.SENT
    assert mail.outbox[0].to == ["fallback@example.vn"]


def test_permanent_failure_by_receipt_also_falls_back(django_capture_on_commit_callbacks):
    user = UserFactory(phone="+84999000003", email="fallback@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(event="dossier_received", context=CONTEXT, user=user, channels=[Channel.SMS])
    sms = Message.objects.get(channel=Channel.SMS)
    assert sms.status == Status.FAILED and sms.failure_kind == FailureKind.PERMANENT
    assert Message.objects.filter(channel=Channel.EMAIL, fallback_for=sms).count() == 1


def test_temporary_failure_by_receipt_is_final_without_fallback(django_capture_on_commit_callbacks):
    user = UserFactory(phone="+84999000002", email="x@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(event="dossier_received", context=CONTEXT, user=user, channels=[Channel.SMS])
    sms = Message.objects.get()
    assert sms.status == Status.FAILED and sms.failure_kind == FailureKind.TEMPORARY


def test_security_codes_never_fall_back(django_capture_on_commit_callbacks):
    user = UserFactory(phone="+84999000005", email="x@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event="security_code",
            context={"code": "111111", "minutes": 10},
            user=user,
            channels=[Channel.SMS],
            security=True,
        )
    assert not Message.objects.filter(channel=Channel.EMAIL).exists()


def test_sweep_recovers_stale_and_unsent_rows():
    due = _queued()
    Message.objects.filter(pk=due.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=10))
    stale = _queued(status=Status.SENDING)
    Message.objects.filter(pk=stale.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    fresh = _queued()
    expired = _queued()
    Message.objects.filter(pk=expired.pk).update(created_at=timezone.now() - timedelta(hours=5))
    with mock.patch("notifications.services._publish") as publish:
        result = services.sweep()
    assert result == {"expired": 1, "reset": 1, "enqueued": 2, "reconciled": 0}
    assert sorted(i for c in publish.call_args_list for i in c.args[0]) == sorted([due.pk, stale.pk])
    assert Message.objects.get(pk=stale.pk).status == Status.QUEUED
    assert Message.objects.get(pk=fresh.pk).status == Status.QUEUED
    assert Message.objects.get(pk=expired.pk).status == Status.FAILED


def test_resent_message_is_a_new_row():
    failed = _queued(status=Status.FAILED, failure_kind=FailureKind.TEMPORARY)
    copy = services.message_resend(message=failed, actor=None)
    assert copy.pk != failed.pk and copy.resent_from == failed and copy.status == Status.QUEUED
    assert Message.objects.get(pk=failed.pk).status == Status.FAILED
    with pytest.raises(services.NotificationError):
        services.message_resend(message=copy, actor=None)


def test_broker_down_at_commit_loses_nothing(citizen, django_capture_on_commit_callbacks):
    with (
        mock.patch("notifications.tasks.send_batch.delay", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(event="dossier_received", context=CONTEXT, user=citizen)
    assert Message.objects.filter(status=Status.QUEUED).count() == 2
    Message.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=10))
    services.sweep()  # broker is back (eager mode sends in-process)
    assert set(Message.objects.values_list("status", flat=True)) <= {Status.SENT, Status.DELIVERED}


def test_receipts_once_and_never_backwards():
    from notifications.providers.base import Receipt

    message = _queued(status=Status.SENT, provider_message_id="p-9")
    delivered = Receipt(event_id="e1", status="delivered", provider_message_id="p-9")
    assert services.receipts_apply(provider="simulator", receipts=[delivered]).applied == 1
    assert services.receipts_apply(provider="simulator", receipts=[delivered]).duplicates == 1
    late_failure = Receipt(event_id="e2", status="failed", provider_message_id="p-9", permanent=True)
    assert services.receipts_apply(provider="simulator", receipts=[late_failure]).ignored == 1
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert DeliveryReceipt.objects.filter(provider="simulator").count() == 2
    assert (
        services.receipts_apply(
            provider="simulator",
            receipts=[Receipt(event_id="e3", status="delivered", provider_message_id="nope")],
        ).unknown
        == 1
    )


def test_provider_permanent_error_class_is_permanent():
    message = _queued()
    with mock.patch(
        "notifications.providers.sms_simulator.provider.SimulatorSmsProvider.send_many",
        return_value=[PermanentFailure("rejected")],
    ):
        assert services.message_send(message.pk).status == Status.FAILED
    with mock.patch(
        "notifications.providers.sms_simulator.provider.SimulatorSmsProvider.send_many",
        return_value=[TemporaryFailure("busy")],
    ):
        other = _queued()
        assert services.message_send(other.pk).status == Status.QUEUED


def test_sweep_command(capsys):
    from django.core.management import call_command

    _queued(recipient="+84912345670")
    call_command("sweep_notifications", "--now")
    assert "đưa vào hàng đợi: 1" in capsys.readouterr().out
    assert Message.objects.get().status in (Status.SENT, Status.DELIVERED)


def test_reminder_registry_runs_each_and_survives_a_failure():
    from notifications import reminders, tasks

    calls = []

    @reminders.register("test_ok", schedule="daily")
    def ok():
        calls.append("ok")
        return 3

    @reminders.register("test_broken", schedule="daily")
    def broken():
        raise RuntimeError("boom")

    try:
        results = tasks.reminders_daily()
        assert results["test_broken"] == -1 and results["test_ok"] == 3
        assert calls == ["ok"]
    finally:
        reminders.DAILY.pop("test_ok")
        reminders.DAILY.pop("test_broken")


def test_beat_schedule_has_the_sweeper_and_reminders(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"notifications.sweep", "notifications.reminders_daily", "notifications.reminders_hourly"} <= names


def test_lost_receipt_is_recovered_by_the_sweep(django_capture_on_commit_callbacks):
    message = _queued(recipient="+84912345681")
    # The receipt is lost (a worker killed after the gateway accepted the SMS).
    with (
        mock.patch("notifications.providers.sms_simulator.tasks.simulator_deliver_receipt.delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.message_send(message.pk)
    assert Message.objects.get(pk=message.pk).status == Status.SENT
    Message.objects.filter(pk=message.pk).update(sent_at=timezone.now() - timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["reconciled"] == 1
    assert Message.objects.get(pk=message.pk).status == Status.DELIVERED
    assert SimulatedSms.objects.get(reference=message.uuid).submissions == 1


def test_resubmitted_sms_gets_its_receipt_again(django_capture_on_commit_callbacks):
    message = _queued(recipient="+84912345682")
    with (
        mock.patch("notifications.providers.sms_simulator.tasks.simulator_deliver_receipt.delay"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.message_send(message.pk)
    Message.objects.filter(pk=message.pk).update(
        status=Status.QUEUED, next_attempt_at=timezone.now()
    )  # a sweep reset
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(message.pk)
    assert Message.objects.get(pk=message.pk).status == Status.DELIVERED
    assert SimulatedSms.objects.get(reference=message.uuid).submissions == 2  # accepted twice, sent once


def test_fallback_email_says_the_same_as_the_failed_sms(django_capture_on_commit_callbacks):
    user = UserFactory(phone="+84999000005", email="fallback2@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            event="dossier_received",
            context={**CONTEXT, "due_date": "27/11/2026"},
            user=user,
            channels=[Channel.SMS],
        )
    email = Message.objects.get(channel=Channel.EMAIL)
    assert "Đăng ký khai sinh" in email.body_text and "27/11/2026" in email.body_text
    assert "000.21.01.H24-261122-0001" in email.subject
    # Security codes never keep their values.
    code = services.notify(
        event="security_code",
        context={"code": "135790", "minutes": 10},
        user=user,
        channels=[Channel.SMS],
        security=True,
    )[0]
    assert code.context == {}


# --- batches ------------------------------------------------------------------------------------


def test_a_transaction_publishes_its_rows_in_batches_once(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_BATCH_SIZE = 50
    users = [UserFactory(phone=f"+8491200{i:04d}", email=f"p{i}@example.vn") for i in range(60)]
    with (
        mock.patch("notifications.services.enqueue") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        ids = [
            m.pk for u in users for m in services.notify(event="dossier_received", context=CONTEXT, user=u)
        ]
    published = [c.args[1] for c in enqueue.call_args_list]
    assert {c.args[0] for c in enqueue.call_args_list} == {"notifications.send_batch"}
    assert [len(batch) for batch in published] == [50, 50, 20]  # 120 rows, not 120 tasks
    assert sorted(i for batch in published for i in batch) == sorted(ids)


def test_a_batch_is_claimed_once_and_recorded_in_bulk(django_assert_max_num_queries):
    rows = [_queued(recipient=f"+849123400{i:02d}") for i in range(30)]
    later = _queued(recipient="+84912340099", next_attempt_at=timezone.now() + timedelta(minutes=5))
    ids = [m.pk for m in rows] + [later.pk]
    # Claim, load, the simulator's check and insert, one update for the outcomes: not one round per row.
    with django_assert_max_num_queries(12):
        outcomes = services.messages_send(ids)
    assert set(outcomes) == {m.pk for m in rows}  # the row not due yet is left alone
    assert {o.status for o in outcomes.values()} == {Status.SENT}
    assert services.messages_send(ids) == {}  # a duplicated task finds nothing left to claim
    assert SimulatedSms.objects.filter(reference__in=[m.uuid for m in rows]).count() == 30
    assert Message.objects.get(pk=later.pk).status == Status.QUEUED
    sent = Message.objects.filter(pk__in=[m.pk for m in rows])
    assert all(m.provider_message_id == f"sim-{m.uuid.hex}" and m.attempts == 1 for m in sent)


def test_a_batch_keeps_each_rows_outcome():
    ok = _queued(recipient="+84912345001")
    busy = _queued(recipient="+84999000004")  # simulator: gateway busy
    refused = _queued(recipient="+84999000005")  # simulator: rejected
    outcomes = services.messages_send([ok.pk, busy.pk, refused.pk])
    assert outcomes[ok.pk].status == Status.SENT
    assert outcomes[busy.pk].status == Status.QUEUED and outcomes[busy.pk].retry_in
    assert outcomes[refused.pk].status == Status.FAILED
    assert Message.objects.get(pk=refused.pk).failure_kind == FailureKind.PERMANENT


def test_a_receipt_batch_is_applied_in_bulk_and_once(django_assert_max_num_queries):
    from notifications.providers.base import Receipt

    rows = [_queued(status=Status.SENT, provider_message_id=f"p-{i}") for i in range(40)]
    receipts = [
        Receipt(event_id=f"e-{i}", status="delivered", provider_message_id=f"p-{i}") for i in range(40)
    ]
    receipts.append(Receipt(event_id="e-0", status="delivered", provider_message_id="p-0"))  # repeated inside
    receipts.append(Receipt(event_id="e-x", status="delivered", provider_message_id="nobody"))
    with django_assert_max_num_queries(8):
        outcome = services.receipts_apply(provider="simulator", receipts=receipts)
    assert (outcome.applied, outcome.duplicates, outcome.unknown, outcome.ignored) == (40, 1, 1, 0)
    assert set(Message.objects.filter(pk__in=[m.pk for m in rows]).values_list("status", flat=True)) == {
        Status.DELIVERED
    }
    again = services.receipts_apply(provider="simulator", receipts=receipts[:40])
    assert (again.applied, again.duplicates) == (0, 40)
    assert DeliveryReceipt.objects.filter(provider="simulator", applied=True).count() == 40


def test_the_simulator_reports_a_batch_in_one_signed_callback(django_capture_on_commit_callbacks):
    rows = [_queued(recipient=f"+849123500{i:02d}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.messages_send([m.pk for m in rows])
    assert len(callbacks) == 1  # one receipt task for the five
    assert set(Message.objects.filter(pk__in=[m.pk for m in rows]).values_list("status", flat=True)) == {
        Status.DELIVERED
    }


def test_an_edited_template_is_used_at_once(citizen, django_capture_on_commit_callbacks):
    from notifications.models import NotificationTemplate

    services.notify(event="dossier_received", context=CONTEXT, user=citizen, channels=[Channel.SMS])
    template = NotificationTemplate.objects.get(event="dossier_received")
    template.sms_text = "Ho so {{ dossier_code }} da tiep nhan (sua)"
    template.save()
    [sms] = services.notify(event="dossier_received", context=CONTEXT, user=citizen, channels=[Channel.SMS])
    assert sms.body_text.endswith("(sua)")
