"""Notifications through a REAL ``celery -A portal worker`` (docs/reliability.md, R5 and R6).

Runs only against PostgreSQL with REDIS_URL set (CI: ``make test``); SQLite test databases cannot be
shared with another process. The shared Redis is never touched: every test starts its own
``redis-server`` on a free port (no persistence) and points both sides at it:

- the worker: ``DATABASE_URL`` = this test database, ``DJANGO_SETTINGS_MODULE=portal.settings.test``,
  ``CELERY_TASK_ALWAYS_EAGER=false``, broker = the dedicated Redis, ``EMAIL_URL`` = an aiosmtpd server
  running in this process; prefork pool, own process group so it can be SIGKILLed as a whole;
- this process (which publishes on commit, and when it runs the sweeper): the Celery app's broker URL
  and ``task_always_eager`` are switched for the test and restored afterwards.

Tests are transactional (rows are committed so the worker sees them); the worker is stopped and its
PostgreSQL sessions are gone before pytest-django flushes the tables. Every wait is bounded.

Run with ``-s`` to see the SIGKILL test's counts (re-submissions, sweep results). It once exposed three
bugs, now fixed: a re-submitted SMS got no receipt, a receipt lost with a killed worker left the row
'sent' forever (the sweep now reconciles such rows with the provider), and a receipt arriving while a
retry had re-queued the row was dropped.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Sum

from notifications import services
from notifications.constants import Channel, Status
from notifications.models import DeliveryReceipt, Message
from notifications.providers.sms_simulator.models import SimulatedSms
from tests.factories import UserFactory
from tests.worker_harness import (
    CONTEXT,
    _skip_reason,
    quiet,
    redeliver_unacked,
    status_counts,
    undelivered,
    wait_for,
)

pytestmark = [
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
    pytest.mark.django_db(transaction=True),
]


def test_triggered_message_reaches_smtp_and_simulator_exactly_once(workers, broker, smtp):
    user = UserFactory(full_name="Nguyễn Văn An", phone="+84912345678", email="an@example.vn")
    workers.start()
    with transaction.atomic():
        messages = services.notify(
            event="dossier_submitted", context=CONTEXT, user=user, channels=[Channel.SMS, Channel.EMAIL]
        )
    sms = next(m for m in messages if m.channel == Channel.SMS)
    mail = next(m for m in messages if m.channel == Channel.EMAIL)

    def finished() -> bool:
        return status_counts([sms.pk]) == {Status.DELIVERED: 1} and status_counts([mail.pk]) == {
            Status.SENT: 1
        }

    wait_for(
        finished,
        "SMS delivered and email sent",
        diagnostics=lambda: f"{status_counts([sms.pk, mail.pk])}\n{workers.logs()}",
    )
    wait_for(lambda: quiet(broker), "the broker queue to drain", diagnostics=workers.logs)
    workers.kill_all()  # nothing may arrive after this point

    sms.refresh_from_db()
    mail.refresh_from_db()
    assert sms.status == Status.DELIVERED and sms.delivered_at and sms.provider == "simulator"
    assert mail.status == Status.SENT and mail.provider == "email"
    assert sms.attempts == 1 and mail.attempts == 1
    simulated = list(SimulatedSms.objects.all())
    assert [(s.reference, s.to, s.submissions) for s in simulated] == [(sms.uuid, "+84912345678", 1)]
    assert DeliveryReceipt.objects.filter(message=sms, applied=True).count() == 1
    expected_id = mail.provider_message_id
    assert expected_id.startswith(f"<{mail.uuid}@")
    assert smtp.message_ids() == Counter({expected_id: 1}), f"SMTP saw {smtp.message_ids()}"
    assert smtp.envelopes == [["an@example.vn"]]
    assert CONTEXT["dossier_code"] in smtp.messages[0]["Subject"]


def test_worker_sigkilled_mid_batch_then_sweep_delivers_each_sms_once(workers, broker, smtp):
    """R5 with 200 SMS, killing the worker twice with SIGKILL on its whole process group.

    One queue, FIFO: the 200 send tasks are ahead of every receipt task, so no SMS is *delivered*
    before (almost) all were *sent*. Kill 1 therefore comes mid-send (>= 20 accepted by the simulator,
    the rest queued or sending), kill 2 mid-receipts (>= 20 delivered, not all). After each kill the
    broker gives back what the dead worker had reserved (Redis does so once the visibility timeout has
    passed, 1 h in production; ``redeliver_unacked`` fast-forwards it). Then the sweeper runs, as
    beat would, once the new worker is idle: production's ``sending_after`` (600 s) is far above the
    task time limit (90 s), so it never resets a row a live worker is sending; ``timedelta(0)`` with an
    idle worker is the same guarantee without the wait.
    """
    from accounts.models import User

    total = 200
    users = User.objects.bulk_create(
        [
            User(username=f"batch{i:03d}", full_name=f"Người dân {i}", phone=f"+849120{i:05d}")
            for i in range(total)
        ]
    )
    first = workers.start()
    with transaction.atomic():
        ids = [
            m.pk
            for user in users
            for m in services.notify(
                event="dossier_submitted", context=CONTEXT, user=user, channels=[Channel.SMS]
            )
        ]
    assert len(ids) == total

    def delivered() -> int:
        return Message.objects.filter(id__in=ids, status=Status.DELIVERED).count()

    def diagnostics() -> str:
        return f"{status_counts(ids)}; simulated {SimulatedSms.objects.count()}; not delivered: {undelivered(ids)}\n{workers.logs()}"

    # Kill 1: mid-send.
    wait_for(
        lambda: SimulatedSms.objects.count() >= 20,
        "20 SMS accepted by the simulator",
        interval=0.02,
        diagnostics=diagnostics,
    )
    first.kill()
    at_kill_1 = status_counts(ids)
    assert SimulatedSms.objects.count() < total, f"the sends finished before the first SIGKILL: {at_kill_1}"
    redelivered_1 = redeliver_unacked(broker)

    # Kill 2: mid-receipts.
    second = workers.start()
    wait_for(lambda: delivered() >= 20, "20 SMS delivered", interval=0.02, diagnostics=diagnostics)
    second.kill()
    at_kill_2 = status_counts(ids)
    assert at_kill_2.get(Status.DELIVERED, 0) < total, (
        f"the batch finished before the second SIGKILL: {at_kill_2}"
    )
    # Rows left 'sending' by either kill (nothing resets them before the sweep); those without a
    # SimulatedSms row were claimed but killed before the provider call.
    stuck = list(Message.objects.filter(id__in=ids, status=Status.SENDING).values_list("uuid", flat=True))
    killed_before_provider = len(stuck) - SimulatedSms.objects.filter(reference__in=stuck).count()
    redelivered_2 = redeliver_unacked(broker)

    workers.start()
    wait_for(lambda: quiet(broker), "the new worker to drain the queue", diagnostics=diagnostics)
    swept = services.sweep(queued_after=timedelta(0), sending_after=timedelta(0))
    # Done when everything is delivered, or when nothing is left in flight (then it never will be).
    wait_for(
        lambda: delivered() == total or quiet(broker),
        f"all {total} SMS delivered after the restart and the sweep",
        diagnostics=lambda: (
            f"after kill 1 {at_kill_1}; after kill 2 {at_kill_2}; sweep {swept}; now {diagnostics()}"
        ),
    )
    wait_for(lambda: quiet(broker), "the broker queue to drain", diagnostics=diagnostics)
    workers.kill_all()

    # Exactly once towards the phones: one SimulatedSms per message, none extra, and the simulator's
    # count of re-submissions equals the outbox's count of extra claims.
    assert SimulatedSms.objects.count() == total
    assert set(SimulatedSms.objects.values_list("reference", flat=True)) == set(
        Message.objects.filter(id__in=ids).values_list("uuid", flat=True)
    )
    submissions = SimulatedSms.objects.aggregate(n=Sum("submissions"))["n"]
    claims = Message.objects.filter(id__in=ids).aggregate(n=Sum("attempts"))["n"]
    # Every claim reaches the simulator exactly once, except a claim killed before the provider call.
    resubmissions = claims - total - killed_before_provider
    assert submissions - total == resubmissions, {
        "submissions": submissions,
        "claims": claims,
        "killed_before_provider": killed_before_provider,
    }
    report = (
        f"after kill 1 {at_kill_1} (broker redelivered {redelivered_1}); after kill 2 {at_kill_2} (redelivered {redelivered_2}); "
        f"sweep {swept}; {total} SMS, {submissions} submissions, re-submissions {submissions - total}; "
        f"claims {claims}; claims killed before the provider {killed_before_provider}"
    )
    print(f"\nR5: {report}")  # shown with pytest -s

    # Exactly once as the portal records it: every message delivered.
    assert status_counts(ids) == {Status.DELIVERED: total}, undelivered(ids, limit=20)
    assert DeliveryReceipt.objects.filter(message_id__in=ids, applied=True).count() == total
    assert not DeliveryReceipt.objects.filter(message_id__in=ids, applied=False).exists()


def test_broker_down_at_commit_then_sweep_delivers_once(workers, broker, smtp):
    user = UserFactory(full_name="Trần Thị Bình", phone="+84912000777", email="binh@example.vn")
    broker.stop()
    started = time.monotonic()
    with transaction.atomic():
        messages = services.notify(
            event="dossier_submitted", context=CONTEXT, user=user, channels=[Channel.SMS, Channel.EMAIL]
        )
    elapsed = time.monotonic() - started
    assert elapsed < 10, f"notify with the broker down took {elapsed:.1f} s (a request would hang)"
    ids = [m.pk for m in messages]
    assert status_counts(ids) == {Status.QUEUED: 2}

    broker.start()  # same port, empty: whatever was published before is gone
    workers.start()
    swept = services.sweep(queued_after=timedelta(0), sending_after=timedelta(0))
    assert swept["enqueued"] == 2, swept
    sms = next(m for m in messages if m.channel == Channel.SMS)
    mail = next(m for m in messages if m.channel == Channel.EMAIL)
    wait_for(
        lambda: (
            status_counts([sms.pk]) == {Status.DELIVERED: 1} and status_counts([mail.pk]) == {Status.SENT: 1}
        ),
        "delivery after the broker came back",
        diagnostics=lambda: f"{status_counts(ids)}\n{workers.logs()}",
    )
    wait_for(lambda: quiet(broker), "the broker queue to drain", diagnostics=workers.logs)
    workers.kill_all()

    assert SimulatedSms.objects.get().submissions == 1
    mail.refresh_from_db()
    assert smtp.message_ids() == Counter({mail.provider_message_id: 1})
    print(f"\nR6: notify with the broker down took {elapsed:.2f} s; sweep {swept}")
