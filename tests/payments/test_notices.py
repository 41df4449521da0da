"""Server-to-server notices (IPN): the protocol's answers in its order, nothing changed by bad input,
every rejected notice logged, a success applied once (receipt, notification), corrections."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Message
from payments.constants import AttemptStatus, EventOutcome, FeeRequestStatus
from payments.models import PaymentAttempt, PaymentEvent, Receipt, Refund

from .conftest import notice

pytestmark = pytest.mark.django_db

IPN = "/payments/ipn/vnpay_simulator/"


def send(client, params):
    response = client.get(IPN, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def state(attempt):
    attempt.refresh_from_db()
    attempt.fee_request.refresh_from_db()
    return attempt.status, attempt.fee_request.status, Receipt.objects.filter(attempt=attempt).count()


def test_success_is_applied_once_with_receipt_and_message(client, world):
    attempt = world.started()
    assert attempt.status == AttemptStatus.STARTED and attempt.amount == 108000
    assert send(client, notice(attempt)) == {"RspCode": "00", "Message": "Confirm Success"}
    assert state(attempt) == (AttemptStatus.SUCCESS, FeeRequestStatus.PAID, 1)
    attempt.refresh_from_db()
    assert attempt.provider_payment_id == "14226112" and attempt.bank_code == "NCB" and attempt.paid_at
    receipt = Receipt.objects.get(attempt=attempt)
    assert (receipt.number, receipt.amount, receipt.payer_name) == (1, 108000, "Nguyễn Thị Hoa")
    assert [i["label"] for i in receipt.items] == ["Phí thẩm định", "Lệ phí"]
    assert Message.objects.filter(event="fee_paid").count() == 2  # SMS and email
    sms = Message.objects.get(event="fee_paid", channel="sms")
    assert "108.000" in sms.body_text

    # The gateway retries the same notice: "already confirmed", nothing new.
    assert send(client, notice(attempt))["RspCode"] == "02"
    assert state(attempt) == (AttemptStatus.SUCCESS, FeeRequestStatus.PAID, 1)
    assert Message.objects.filter(event="fee_paid").count() == 2


@pytest.mark.parametrize(
    ("tamper", "code", "outcome"),
    [
        (lambda p, a: {**p, "vnp_SecureHash": "0" * 128}, "97", EventOutcome.BAD_SIGNATURE),
        (
            lambda p, a: {k: v for k, v in p.items() if k != "vnp_SecureHash"},
            "97",
            EventOutcome.BAD_SIGNATURE,
        ),
        (lambda p, a: {**p, "vnp_Amount": "1"}, "97", EventOutcome.BAD_SIGNATURE),  # changed after signing
        (lambda p, a: notice(a, secret="another-merchant-secret"), "97", EventOutcome.BAD_SIGNATURE),
        (lambda p, a: notice(a, vnp_TxnRef="261202NOSUCH"), "01", EventOutcome.UNKNOWN_ORDER),
        (lambda p, a: notice(a, amount=a.amount + 1000), "04", EventOutcome.WRONG_AMOUNT),
        (lambda p, a: notice(a, vnp_Amount="abc"), "04", EventOutcome.WRONG_AMOUNT),
        (lambda p, a: notice(a, vnp_PayDate="2026-12-02 10:00"), "99", EventOutcome.MALFORMED),
    ],
)
def test_bad_notices_get_the_protocol_answer_and_change_nothing(client, world, tamper, code, outcome):
    attempt = world.started()
    before = PaymentEvent.objects.count()
    assert send(client, tamper(notice(attempt), attempt))["RspCode"] == code
    assert state(attempt) == (AttemptStatus.STARTED, FeeRequestStatus.OPEN, 0)
    logged = PaymentEvent.objects.exclude(kind="start")
    assert PaymentEvent.objects.count() == before + 1
    assert (logged.get().outcome, logged.get().answer) == (outcome, code)
    assert not Message.objects.filter(event="fee_paid").exists()


def test_notice_for_an_attempt_already_settled_answers_02(client, world):
    attempt = world.started()
    assert send(client, notice(attempt, code="24", status="02"))["RspCode"] == "00"
    assert state(attempt)[0] == AttemptStatus.CANCELLED
    # A different (later) failure notice for a finished attempt: already confirmed, changes nothing.
    assert send(client, notice(attempt, code="51", status="02"))["RspCode"] == "02"
    assert state(attempt) == (AttemptStatus.CANCELLED, FeeRequestStatus.OPEN, 0)
    # The log says what the gateway was told, for the applied notice as for the refused one.
    answers = PaymentEvent.objects.filter(attempt=attempt, kind="notification").order_by("id")
    assert list(answers.values_list("answer", flat=True)) == ["00", "02"]


def test_failure_then_verified_success_is_a_correction(client, world):
    attempt = world.started()
    assert send(client, notice(attempt, code="07", status="07"))["RspCode"] == "00"
    assert state(attempt) == (AttemptStatus.FAILED, FeeRequestStatus.OPEN, 0)
    # The gateway's review clears it: success for the same order.
    assert send(client, notice(attempt, code="00", status="00"))["RspCode"] == "00"
    assert state(attempt) == (AttemptStatus.SUCCESS, FeeRequestStatus.PAID, 1)
    attempt.refresh_from_db()
    assert attempt.is_correction
    assert PaymentEvent.objects.filter(attempt=attempt, outcome=EventOutcome.CORRECTED).count() == 1


def test_fee_changed_after_the_payment_started_the_attempt_amount_decides(client, world):
    attempt = world.started()
    fee_request = attempt.fee_request
    fee_request.amount = 200000  # e.g. an officer corrected the fee meanwhile
    fee_request.save(update_fields=["amount"])
    assert send(client, notice(attempt, amount=200000))["RspCode"] == "04"
    assert send(client, notice(attempt, amount=108000))["RspCode"] == "00"
    assert state(attempt)[0] == AttemptStatus.SUCCESS
    assert Receipt.objects.get(attempt=attempt).amount == 108000


def test_second_success_for_a_paid_request_is_refunded_automatically(client, world):
    fee_request = world.fee_request()
    first = world.started(fee_request)
    assert send(client, notice(first))["RspCode"] == "00"
    # A second attempt that was already at the bank when the first was confirmed (two tabs).
    second = PaymentAttempt.objects.create(
        fee_request=fee_request,
        reference="261202SECOND",
        amount=first.amount,
        gateway="vnpay_simulator",
        status="started",
    )
    assert send(client, notice(second, transaction_no="14226113"))["RspCode"] == "00"
    second.refresh_from_db()
    assert second.status == AttemptStatus.SUCCESS
    assert Receipt.objects.count() == 1
    refund = Refund.objects.get(attempt=second)
    assert (refund.amount, refund.reason) == (first.amount, "duplicate")


def test_second_payment_cannot_start_while_one_is_pending(world):
    from payments.services import PaymentError

    fee_request = world.fee_request()
    world.started(fee_request)
    with pytest.raises(PaymentError, match="đang chờ"):
        world.started(fee_request)  # the gateway cannot be asked here (no server): the pending one blocks
    assert PaymentAttempt.objects.filter(fee_request=fee_request).count() == 1


def test_forged_return_never_changes_state(client, world):
    attempt = world.started()
    client.force_login(world.citizen)
    forged = {**notice(attempt), "vnp_SecureHash": "f" * 128}
    response = client.get(reverse("payments:return", args=["vnpay_simulator"]), forged)
    assert response.status_code == 200
    assert "không xác thực được" in response.content.decode()
    # Even a correctly signed return is display only.
    response = client.get(reverse("payments:return", args=["vnpay_simulator"]), notice(attempt))
    assert "Đang xác nhận" in response.content.decode()
    assert state(attempt) == (AttemptStatus.STARTED, FeeRequestStatus.OPEN, 0)
    assert set(PaymentEvent.objects.filter(kind="return").values_list("outcome", flat=True)) == {
        EventOutcome.BAD_SIGNATURE,
        EventOutcome.DISPLAY_ONLY,
    }


def test_notice_before_the_return_page(client, world):
    attempt = world.started()
    assert send(client, notice(attempt))["RspCode"] == "00"
    client.force_login(world.citizen)
    response = client.get(reverse("payments:return", args=["vnpay_simulator"]), notice(attempt))
    body = response.content.decode()
    assert "Thanh toán thành công" in body and "Tải biên lai điện tử" in body
    assert "hx-trigger" not in body


def test_return_page_of_another_persons_payment_shows_nothing(client, world):
    attempt = world.started()
    client.force_login(world.stranger)
    response = client.get(reverse("payments:return", args=["vnpay_simulator"]), notice(attempt))
    body = response.content.decode()
    assert "108.000" not in body and "Mã giao dịch" not in body and "không xác thực được" in body
    assert client.get(reverse("payments:attempt_status", args=[attempt.reference])).status_code == 404


def test_simulator_control_command(world, settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from payments.models import SimulatorRule

    call_command("payment_simulator", "rule", "drop", stdout=StringIO())
    call_command(
        "payment_simulator", "rule", "delay", "--ref", "261203ABC", "--seconds", "60", stdout=StringIO()
    )
    assert dict(SimulatorRule.objects.values_list("txn_ref", "mode")) == {"": "drop", "261203ABC": "delay"}
    call_command("payment_simulator", "rule", "normal", stdout=StringIO())
    assert list(SimulatorRule.objects.values_list("txn_ref", flat=True)) == ["261203ABC"]
    out = StringIO()
    call_command("payment_simulator", "status", stdout=out)
    assert "261203ABC" in out.getvalue()
    settings.PAYMENT_SIMULATOR = False
    with pytest.raises(CommandError):
        call_command("payment_simulator", "status", stdout=StringIO())


def test_simulator_is_not_served_when_off(client, settings):
    settings.PAYMENT_SIMULATOR = False
    assert client.get("/payments/simulator/vnpay/paymentv2/vpcpay.html").status_code == 404
    assert (
        client.post(
            "/payments/simulator/vnpay/merchant_webapi/api/transaction", "{}", content_type="application/json"
        ).status_code
        == 404
    )


def test_bad_pay_requests_get_the_gateway_error_page(client):
    from django.conf import settings

    from payments import vnpay

    response = client.get(
        "/payments/simulator/vnpay/paymentv2/vpcpay.html",
        {"vnp_TmnCode": settings.VNPAY_TMN_CODE, "vnp_SecureHash": "00"},
    )
    assert response.status_code == 400 and "Sai chữ ký" in response.content.decode()
    signed = vnpay.signed(
        settings.VNPAY_HASH_SECRET, {"vnp_TmnCode": settings.VNPAY_TMN_CODE, "vnp_Command": "pay"}
    )
    response = client.get("/payments/simulator/vnpay/paymentv2/vpcpay.html", signed)
    assert response.status_code == 400 and "không đúng định dạng" in response.content.decode()
    assert (
        client.post(
            "/payments/simulator/vnpay/merchant_webapi/api/transaction",
            "not json",
            content_type="application/json",
        ).status_code
        == 400
    )


def test_a_reference_collision_draws_again(world, monkeypatch):
    from payments import services

    first = world.started()
    drawn = iter([first.reference, "261203FRESH00"])
    monkeypatch.setattr(services, "new_reference", lambda now=None: next(drawn))
    second = world.started()
    assert second.reference == "261203FRESH00"
