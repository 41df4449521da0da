"""Payments under concurrency, on PostgreSQL with a REAL celery worker (as in CI).

- 200 identical success notices at once (the gateway retrying, proxies duplicating): exactly one
  payment applied, one dossier transition, one receipt, one notification (one SMS through the worker);
- concurrent partial refunds never exceed what was paid (the attempt row is locked);
- the worker is SIGKILLed while it sends the simulated gateway's notices: the gateway's retries
  (its sweep) still deliver every one, and nothing is applied twice.

Skipped unless DATABASE_URL is PostgreSQL and REDIS_URL is set (the harness of
tests/notifications/test_worker.py: a throwaway redis-server, the worker in its own process group).
"""

from __future__ import annotations

import contextlib
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, transaction

from dossiers.models import DossierEvent
from notifications.models import Message
from notifications.providers.sms_simulator.models import SimulatedSms
from payments import services
from payments.constants import AttemptStatus, EventOutcome
from payments.models import (
    PaymentAttempt,
    PaymentEvent,
    Receipt,
    Refund,
    SimulatedNotice,
    SimulatedTransaction,
)
from payments.simulator import gateway as sim
from tests.worker_harness import _skip_reason, quiet, redeliver_unacked, wait_for

from .conftest import World, notice

pytestmark = [
    pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or ""),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def live(live_server, settings, monkeypatch):
    settings.PORTAL_BASE_URL = live_server.url
    monkeypatch.setenv("PORTAL_BASE_URL", live_server.url)  # the worker's too
    monkeypatch.setenv("PAYMENT_SIMULATOR_RETRY_SECONDS", "1")
    monkeypatch.setenv("PAYMENT_SIMULATOR", "true")
    return World()


def get_json(url: str) -> dict:
    import json

    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - the live server
        return json.loads(response.read())


def test_200_identical_success_notices_at_once(live, workers, broker):
    workers.start(concurrency=2)
    dossier = live.dossier(status=4)
    services.payment_request(
        dossier_id=dossier.pk,
        actor=live.officer,
        expected_version=dossier.version,
        items=[services.ItemInput("Lệ phí cấp bản sao", "charge", 8000, 2)],
        reason="Cấp 2 bản sao",
    )
    attempt = live.started(dossier.fee_requests.get())
    from django.conf import settings

    target = (
        f"{settings.PORTAL_BASE_URL}/payments/ipn/vnpay_simulator/?{urllib.parse.urlencode(notice(attempt))}"
    )
    barrier = threading.Barrier(20)

    def one(_):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=30)
        try:
            return get_json(target)["RspCode"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(one, range(200)))
    assert answers.count("00") == 1 and answers.count("02") == 199, sorted(set(answers))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUCCESS
    assert (
        PaymentEvent.objects.filter(
            attempt=attempt, outcome=EventOutcome.APPLIED, kind="notification"
        ).count()
        == 1
    )
    assert Receipt.objects.filter(fee_request__dossier=dossier).count() == 1
    assert DossierEvent.objects.filter(dossier=dossier, action="payment_received").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == 4
    wait_for(lambda: quiet(broker), "the worker to send the messages", diagnostics=workers.logs)
    sms = Message.objects.filter(event="payment_received", channel="sms")
    assert sms.count() == 1
    assert SimulatedSms.objects.filter(reference=sms.get().uuid).count() == 1
    workers.kill_all()


def test_concurrent_partial_refunds_never_exceed_what_was_paid(live, settings):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:9"  # the gateway is slow to answer: refunds stay submitted
    attempt = live.started()
    services.notification_handle(gateway_name="vnpay_simulator", params=notice(attempt))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUCCESS
    barrier = threading.Barrier(12)
    outcomes: list[str] = []

    def refund(_):
        try:
            barrier.wait(timeout=30)
            services.refund_create(attempt_id=attempt.pk, amount=20000, reason="officer")
            outcomes.append("ok")
        except services.PaymentError:
            outcomes.append("refused")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(refund, range(12)))
    assert outcomes.count("ok") == 5 and outcomes.count("refused") == 7  # 5 × 20,000 ≤ 108,000 < 6 × 20,000
    assert sum(Refund.objects.values_list("amount", flat=True)) == 100000
    assert services.refundable_amount(attempt) == 8000


def test_worker_killed_while_sending_the_gateway_notices(live, workers, broker):
    total = 30
    attempts = []
    for _ in range(total):
        attempt = live.started()
        attempts.append(attempt)
    # The bank pages were completed; the simulated gateway now owes 30 notices (published on commit).
    first = workers.start(concurrency=2)
    from payments.gateways import gateway

    for attempt in attempts:
        sent = gateway().start(attempt, return_url="http://x/", ip_address="1.2.3.4", locale="vi").sent
        txn = sim.pay_open(sent)
        with transaction.atomic():
            sim.pay_complete(transaction_id=txn.pk, outcome="success", bank_code="NCB")

    def settled() -> int:
        return PaymentAttempt.objects.filter(
            pk__in=[a.pk for a in attempts], status=AttemptStatus.SUCCESS
        ).count()

    def diagnostics() -> str:
        states = list(SimulatedNotice.objects.values_list("state", "tries"))
        return f"settled {settled()}; notices {states}\n{workers.logs()}"

    wait_for(lambda: settled() >= 5, "5 payments settled by notices", interval=0.02, diagnostics=diagnostics)
    first.kill()
    at_kill = settled()
    assert at_kill < total, "every notice went out before the SIGKILL"
    redeliver_unacked(broker)
    workers.start(concurrency=2)
    wait_for(lambda: quiet(broker), "the new worker to drain the queue", diagnostics=diagnostics)
    # The gateway's retry loop (beat in production): notices left 'sending' by the dead worker go again.
    # On the real clock: a notice swept back to pending must be due now, or the task sent for it
    # finds nothing to claim and only the next sweep (a minute later in production) sends it.
    swept = sim.sweep(stale_after=timedelta(0))
    wait_for(
        lambda: settled() == total,
        f"all {total} payments settled",
        diagnostics=lambda: f"sweep {swept}; {diagnostics()}",
    )
    wait_for(lambda: quiet(broker), "the broker queue to drain", diagnostics=diagnostics)
    wait_for(
        lambda: not SimulatedNotice.objects.exclude(state="acknowledged").exists(),
        "every notice acknowledged (a swept one may still be on its way)",
        diagnostics=diagnostics,
    )
    workers.kill_all()
    assert Receipt.objects.count() == total
    assert PaymentEvent.objects.filter(kind="notification", outcome=EventOutcome.APPLIED).count() == total
    assert SimulatedTransaction.objects.count() == total
    print(f"\nkilled after {at_kill}/{total} settled; sweep {swept}")
