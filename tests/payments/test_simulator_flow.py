"""End to end over HTTP: the merchant adapter talks to the gateway simulator exactly as it would to
VNPAY (pay page, IPN to the portal, querydr, refund), through pytest-django's live server."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Message
from payments import services
from payments.constants import AttemptStatus, EventKind, EventOutcome, FeeRequestStatus, RefundStatus
from payments.models import (
    PaymentAttempt,
    PaymentEvent,
    Receipt,
    Refund,
    SimulatedNotice,
    SimulatedRefund,
    SimulatedTransaction,
    SimulatorRule,
)
from payments.simulator import gateway as sim

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(live_server, settings, world):
    settings.PORTAL_BASE_URL = live_server.url
    settings.PAYMENT_SIMULATOR_RETRY_SECONDS = 1
    return world


def pay(world, fee_request=None, *, outcome="success", client=None):
    """The citizen presses the button, lands on the simulated bank page, picks an outcome, comes back."""
    fee_request = fee_request or world.fee_request()
    client = client or Client()
    client.force_login(world.citizen)
    response = client.post(reverse("payments:pay", args=[fee_request.pk]))
    assert response.status_code == 302, response.content[:500]
    url = urlsplit(response["Location"])
    assert url.path == "/payments/simulator/vnpay/paymentv2/vpcpay.html"
    page = client.get(f"{url.path}?{url.query}")
    assert page.status_code == 200, page.content[:500]
    html = page.content.decode()
    assert "108.000 VND" in html
    txn = SimulatedTransaction.objects.get(txn_ref=re.search(r"vnp_TxnRef=(\w+)", url.query).group(1))
    done = client.post(
        url.path,
        {"transaction": txn.pk, "transaction_no": txn.transaction_no, "bank": "NCB", "outcome": outcome},
    )
    assert done.status_code == 302
    back = urlsplit(done["Location"])
    assert back.path == "/payments/return/vnpay_simulator/"
    returned = client.get(f"{back.path}?{back.query}")
    attempt = PaymentAttempt.objects.get(reference=txn.txn_ref)
    return attempt, returned.content.decode(), client


def test_pay_with_the_simulator_end_to_end(live):
    attempt, page, _client = pay(live)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUCCESS
    assert "Thanh toán thành công" in page
    notice = SimulatedNotice.objects.get()
    assert (notice.state, notice.tries, notice.last_answer[:17]) == ("acknowledged", 1, '{"RspCode": "00",')
    event = PaymentEvent.objects.get(kind=EventKind.NOTIFICATION)
    assert event.signature_valid and event.outcome == EventOutcome.APPLIED
    assert Receipt.objects.get().pdf  # rendered after commit (in-process task)


@pytest.mark.parametrize(
    ("outcome", "status", "words"),
    [
        ("cancelled", AttemptStatus.CANCELLED, "Bạn đã hủy giao dịch"),
        ("insufficient_funds", AttemptStatus.FAILED, "không đủ số dư"),
        ("timeout", AttemptStatus.EXPIRED, "hết thời gian chờ"),
        ("suspicious", AttemptStatus.FAILED, "đang được kiểm tra"),
    ],
)
def test_every_outcome_is_said_in_plain_words(live, outcome, status, words):
    attempt, page, _client = pay(live, outcome=outcome)
    attempt.refresh_from_db()
    assert attempt.status == status
    assert words in page
    assert not Receipt.objects.exists()


def test_suspicious_then_resolved_is_a_correction(live):
    attempt, _page, _client = pay(live, outcome="suspicious")
    sim.resolve_suspicious(txn_ref=attempt.reference)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUCCESS and attempt.is_correction
    assert Receipt.objects.count() == 1


def test_a_return_with_no_notice_ever_is_settled_by_reconciliation(live):
    SimulatorRule.objects.create(txn_ref="", mode=SimulatorRule.Mode.DROP)
    attempt, page, _client = pay(live)
    assert "Đang xác nhận" in page and "hx-trigger" in page
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.STARTED
    counts = services.reconcile(now=timezone.now() + timedelta(minutes=10))
    assert counts["queried"] == 1 and counts["changed"] == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUCCESS
    assert PaymentEvent.objects.get(kind=EventKind.QUERY).outcome == EventOutcome.APPLIED
    assert Receipt.objects.count() == 1


def test_a_return_racing_its_late_notice(live, settings):
    """The notice is delayed: the return page says 'đang xác nhận' and its poll asks the gateway."""
    settings.PAYMENT_RETURN_QUERY_AFTER_SECONDS = 0
    SimulatorRule.objects.create(txn_ref="", mode=SimulatorRule.Mode.DELAY, delay_seconds=3600)
    attempt, page, client = pay(live)
    assert "Đang xác nhận" in page
    fragment = client.get(reverse("payments:attempt_status", args=[attempt.reference])).content.decode()
    assert "Thanh toán thành công" in fragment and "hx-trigger" not in fragment
    # Then the late notice arrives: already confirmed, nothing doubled.
    notice = SimulatedNotice.objects.get()
    SimulatedNotice.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
    assert sim.notice_send(notice.pk) == "02"
    assert Receipt.objects.count() == 1
    assert Message.objects.filter(event="fee_paid").count() == 2


def test_duplicated_and_reordered_notices(live):
    SimulatorRule.objects.create(txn_ref="", mode=SimulatorRule.Mode.DUPLICATE, copies=3)
    attempt, _page, _client = pay(live)
    assert sorted(SimulatedNotice.objects.values_list("last_answer", flat=True))[0].startswith(
        '{"RspCode": "00"'
    )
    assert [n.last_answer[13:15] for n in SimulatedNotice.objects.order_by("id")] == ["00", "02", "02"]
    assert Receipt.objects.count() == 1

    # Reorder: the first payment's notice is held and goes out after the next one.
    SimulatorRule.objects.all().delete()
    other = live.dossier()
    first = live.fee_request(other)
    SimulatorRule.objects.create(txn_ref="", mode=SimulatorRule.Mode.REORDER)
    held_attempt, _page, _client = pay(live, first, outcome="insufficient_funds")
    assert SimulatedNotice.objects.filter(state="held").count() == 1
    SimulatorRule.objects.all().delete()
    second_attempt, _page, _client = pay(live, first)
    held_attempt.refresh_from_db()
    second_attempt.refresh_from_db()
    assert second_attempt.status == AttemptStatus.SUCCESS
    assert held_attempt.status == AttemptStatus.FAILED  # applied after, and it does not undo anything
    assert not SimulatedNotice.objects.filter(state="held").exists()


def test_second_attempt_queries_the_first(live):
    fee_request = live.fee_request()
    first = live.started(fee_request)
    # The person never reached the bank page: the gateway does not know it (91), so it expires.
    second = live.started(fee_request)
    first.refresh_from_db()
    assert first.status == AttemptStatus.EXPIRED and second.status == AttemptStatus.STARTED
    # Now they open the bank page of the second one: it is pending at the gateway, a third is refused.
    client = Client()
    client.force_login(live.citizen)
    from payments.gateways import gateway

    start_url = gateway().start(second, return_url="http://x/", ip_address="1.2.3.4", locale="vi").url
    url = urlsplit(start_url)
    assert client.get(f"{url.path}?{url.query}").status_code == 200
    with pytest.raises(services.PaymentError):
        live.started(fee_request)


def test_refunds_over_http_full_partial_and_never_more_than_paid(live):
    attempt, _page, _client = pay(live)
    attempt.refresh_from_db()
    services.refund_create(
        attempt_id=attempt.pk, amount=8000, reason="officer", actor=live.officer, note="Thu thừa"
    )
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCESS and refund.transaction_type == "03"
    assert SimulatedRefund.objects.get().amount == "800000"
    with pytest.raises(services.PaymentError, match="100.000"):
        services.refund_create(attempt_id=attempt.pk, amount=100001, reason="officer")
    services.refund_create(attempt_id=attempt.pk, amount=100000, reason="officer")
    assert services.refundable_amount(attempt) == 0
    assert Refund.objects.filter(status=RefundStatus.SUCCESS).count() == 2
    assert Message.objects.filter(event="refund_made", channel="sms").count() == 2
    from dossiers.models import AuditEntry

    assert AuditEntry.objects.filter(what="payment:refund", user=live.officer).count() == 1


def test_a_late_refund_answer_is_applied_once(live):
    attempt, _page, _client = pay(live)
    SimulatorRule.objects.create(txn_ref=attempt.reference, mode=SimulatorRule.Mode.REFUND_PENDING)
    refund = services.refund_create(attempt_id=attempt.pk, amount=attempt.amount, reason="officer")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUBMITTED and refund.response_code == "00"
    later = timezone.now() + timedelta(minutes=5)
    services.reconcile(now=later)
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUBMITTED  # the bank has not finished yet
    sim.settle_refunds(txn_ref=attempt.reference)
    services.reconcile(now=later)
    services.refund_submit(refund_id=refund.pk, now=later)  # a repeated answer (retried task)
    assert services.refund_result_apply(refund_id=refund.pk, status=RefundStatus.SUCCESS) is False
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCESS
    assert Message.objects.filter(event="refund_made").count() == 2  # once, by SMS and email


def test_querydr_with_a_wrong_date_is_not_found(live):
    from payments import vnpay
    from payments.gateways import GatewayError, gateway

    attempt, _page, _client = pay(live)
    attempt.refresh_from_db()
    result = gateway().query(attempt)
    assert (result.status, result.amount) == (AttemptStatus.SUCCESS, attempt.amount)
    attempt.created_at -= timedelta(days=1)  # a wrong vnp_TransactionDate
    assert gateway().query(attempt).response_code == "91"
    forged = sim.api({"vnp_Command": "querydr", "vnp_TmnCode": "CONGDVC1", "vnp_SecureHash": "00"})
    assert forged["vnp_ResponseCode"] == "97"
    vnpay.verify_pipe(live_secret(), forged, vnpay.QUERYDR_RESPONSE)  # the answer itself is signed
    _ = GatewayError


def live_secret():
    from django.conf import settings

    return settings.VNPAY_HASH_SECRET


def test_fee_request_paid_at_submission_is_just_paid(live):
    attempt, _page, _client = pay(live)
    attempt.fee_request.refresh_from_db()
    assert attempt.fee_request.status == FeeRequestStatus.PAID
    dossier = attempt.fee_request.dossier
    dossier.refresh_from_db()
    assert dossier.status == 4  # unchanged: nothing was waiting
