"""The officer's side and the dossier: ask for payment (4 → 6, clock stops), the citizen pays and the
dossier resumes by itself as the system (6 → 4, due date moved), counter payments, refunds, scope by
agency and role, the reconciliation report, the e-receipt PDF and its public check, statistics."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import AuditEntry, DossierEvent
from notifications.models import Message
from payments import panels, services
from payments.constants import AttemptStatus, FeeMoment, FeeRequestStatus
from payments.models import FeeRequest, PaymentAttempt, Receipt, Refund
from tests.factories import login_staff

from .conftest import notice

pytestmark = pytest.mark.django_db
IPN = "/payments/ipn/vnpay_simulator/"


def ask(
    client,
    world,
    dossier,
    *,
    items=(("Lệ phí cấp bản sao", "charge", 2, 8000),),
    reason="Cấp 2 bản sao trích lục",
):
    data = {"reason": reason, "expected_version": getattr(dossier, "version", "")}
    for i, (label, kind, quantity, unit) in enumerate(items):
        data.update({f"label_{i}": label, f"kind_{i}": kind, f"quantity_{i}": quantity, f"unit_{i}": unit})
    return client.post(reverse("admin:payments_desk_request", args=[dossier.pk]), data)


def test_officer_asks_citizen_pays_dossier_resumes_with_moved_due_date(client, world):
    dossier = world.dossier(status=4)
    dossier.received_at = timezone.now() - timedelta(days=14)
    dossier.time_limit_days = 15
    dossier.save(update_fields=["received_at", "time_limit_days"])
    due_before = dossier.due_at
    login_staff(client, world.specialist)
    response = ask(
        client,
        world,
        dossier,
        items=(("Lệ phí cấp bản sao", "charge", 2, 8000), ("Phí thẩm định", "fee", 1, 50000)),
    )
    assert response.status_code == 302 and response["Location"].endswith("#payments")
    dossier.refresh_from_db()
    assert dossier.status == 6
    fee_request = FeeRequest.objects.get(dossier=dossier)
    assert (fee_request.amount, fee_request.moment, fee_request.requested_by) == (
        66000,
        FeeMoment.REQUESTED,
        world.specialist,
    )
    assert [(i.label, i.kind, i.amount) for i in fee_request.items.all()] == [
        ("Lệ phí cấp bản sao", "charge", 16000),
        ("Phí thẩm định", "fee", 50000),
    ]
    requested = Message.objects.get(event="payment_requested", channel="sms")
    assert "66.000 dong" in requested.body_text and f"/dossiers/{dossier.code}/" in requested.body_text
    # The clock is stopped for a few working days before the citizen pays.
    DossierEvent.objects.filter(dossier=dossier, to_status=6).update(at=timezone.now() - timedelta(days=7))
    attempt = world.started(fee_request)
    assert client.get(IPN, notice(attempt)).json()["RspCode"] == "00"
    dossier.refresh_from_db()
    assert dossier.status == 4
    from dossiers import workdays

    unpaused = workdays.due_date(dossier.received_at, dossier.time_limit_days)
    assert dossier.due_at >= unpaused + timedelta(days=5)  # moved by the 5 working days it was stopped
    assert due_before
    event = DossierEvent.objects.filter(dossier=dossier, to_status=4).latest("id")
    assert event.actor_id is None and "payments:vnpay_simulator" in (event.actor_display + str(event.data))
    assert Receipt.objects.filter(fee_request=fee_request).count() == 1
    # One message about the money: the workflow's "payment_received" (the dossier resumed).
    assert Message.objects.filter(event="payment_received", channel="sms").count() == 1
    assert not Message.objects.filter(event="fee_paid").exists()


def test_desk_shows_everything_and_is_scoped_by_agency_and_role(client, world):
    dossier = world.dossier(status=4)
    attempt = world.started(world.fee_request(dossier))
    client.get(IPN, {**notice(attempt), "vnp_SecureHash": "bad"})
    context = panels.desk_context(type("R", (), {"user": world.officer})(), dossier)
    assert [a.reference for a in context["payment_attempts"]] == [attempt.reference]
    assert {e.outcome for e in context["payment_events"]} == {"applied", "bad_signature"}
    assert context["payment_can_request"] and context["payment_can_record"]

    for outsider in (world.other_officer, world.publisher):
        login_staff(client, outsider)
        assert ask(client, world, dossier).status_code == 404
        assert client.get(reverse("admin:payments_paymentattempt_changelist")).status_code in (200, 403)
        response = client.get(reverse("admin:payments_paymentattempt_changelist"))
        assert attempt.reference not in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == 4
    login_staff(client, world.leader)
    assert (
        attempt.reference in client.get(reverse("admin:payments_paymentattempt_changelist")).content.decode()
    )


def test_refused_requests_say_why(client, world):
    dossier = world.dossier(status=2)  # not in processing
    login_staff(client, world.officer)
    response = ask(client, world, dossier)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == 2 and not FeeRequest.objects.exists()
    dossier = world.dossier(status=4)
    ask(client, world, dossier, items=(("", "charge", 1, 8000),))
    ask(client, world, dossier, items=(("Lệ phí", "charge", 1, -5),))
    ask(client, world, dossier, reason="")
    dossier.refresh_from_db()
    assert dossier.status == 4 and not FeeRequest.objects.exists()
    with pytest.raises(services.PaymentError):
        services.payment_request(
            dossier_id=dossier.pk,
            actor=world.leader,
            expected_version=dossier.version,
            items=[services.ItemInput("Lệ phí", "charge", 8000)],
            reason="x",
        )


def test_counter_payment_is_recorded_audited_and_settles(client, world):
    dossier = world.dossier(status=4)
    services.payment_request(
        dossier_id=dossier.pk,
        actor=world.officer,
        expected_version=dossier.version,
        items=[services.ItemInput("Lệ phí", "charge", 8000)],
        reason="Lệ phí cấp bản sao",
    )
    fee_request = FeeRequest.objects.get(dossier=dossier)
    login_staff(client, world.officer)
    url = reverse("admin:payments_desk_record", args=[dossier.pk])
    client.post(url, {"fee_request": fee_request.pk, "method": "counter", "receipt_number": ""})
    assert not PaymentAttempt.objects.exists()
    client.post(url, {"fee_request": fee_request.pk, "method": "counter", "receipt_number": "BL-0042"})
    attempt = PaymentAttempt.objects.get()
    assert (attempt.method, attempt.status, attempt.external_receipt_number) == (
        "counter",
        AttemptStatus.SUCCESS,
        "BL-0042",
    )
    dossier.refresh_from_db()
    assert dossier.status == 4
    assert AuditEntry.objects.filter(dossier=dossier, user=world.officer, what="payment:counter").exists()
    assert Receipt.objects.get().number == 1
    # A second recording of the same request is refused.
    client.post(url, {"fee_request": fee_request.pk, "method": "counter", "receipt_number": "BL-0043"})
    assert PaymentAttempt.objects.count() == 1


def test_officer_refund_through_the_desk_never_more_than_remains(client, world, settings):
    dossier = world.dossier(status=4)
    attempt = world.started(world.fee_request(dossier))
    client.get(IPN, notice(attempt))
    login_staff(client, world.officer)
    url = reverse("admin:payments_desk_refund", args=[dossier.pk])
    client.post(url, {"attempt": attempt.pk, "amount": 108001, "note": "thừa"})
    assert not Refund.objects.exists()
    client.post(url, {"attempt": attempt.pk, "amount": 8000, "note": "Thu thừa lệ phí"})
    refund = Refund.objects.get()
    assert (refund.amount, refund.requested_by) == (8000, world.officer)
    login_staff(client, world.specialist)  # specialists do not refund
    client.post(url, {"attempt": attempt.pk, "amount": 1000, "note": "x"})
    assert Refund.objects.count() == 1


def test_paid_dossier_refused_withdrawn_or_stopped_is_refunded(client, world):
    dossier = world.dossier(status=4)
    attempt = world.started(world.fee_request(dossier))
    client.get(IPN, notice(attempt))
    open_request = world.fee_request(world.dossier(status=4))
    panels.on_transition(dossier=dossier, name="stop", event=None, actor=None, now=timezone.now())
    refund = Refund.objects.get()
    assert (refund.amount, refund.reason) == (108000, "dossier_stopped")
    panels.on_transition(dossier=dossier, name="stop", event=None, actor=None, now=timezone.now())
    assert Refund.objects.count() == 1  # nothing left to refund
    panels.on_transition(
        dossier=open_request.dossier, name="withdraw_by_applicant", event=None, actor=None, now=timezone.now()
    )
    open_request.refresh_from_db()
    assert open_request.status == FeeRequestStatus.CANCELLED
    panels.on_transition(dossier=dossier, name="assign", event=None, actor=None, now=timezone.now())
    assert Refund.objects.count() == 1


def test_receipt_pdf_and_its_public_check(client, world, tmp_path):
    attempt = world.started()
    client.get(IPN, notice(attempt))
    receipt = Receipt.objects.get()
    client.force_login(world.citizen)
    response = client.get(reverse("payments:receipt_pdf", args=[receipt.token]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "Một trăm linh tám nghìn đồng",
        "108.000",
        world.agency.name,
        "Nguyễn Thị Hoa",
        attempt.reference,
        "Phí thẩm định",
        "Lệ phí",
    ):
        assert expected in text, expected
    # The QR code points at the public check.
    pdf_path = tmp_path / "receipt.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf_path), str(tmp_path / "page")],
        check=True,
    )
    page_png = next(tmp_path.glob("page*.png"))
    decoded = (
        subprocess.run(["zbarimg", "-q", "--raw", str(page_png)], capture_output=True).stdout.decode().strip()
    )
    assert decoded.endswith(f"/payments/verify/{receipt.token}/")
    client.force_login(world.stranger)
    assert client.get(reverse("payments:receipt_pdf", args=[receipt.token])).status_code == 404
    client.logout()
    page = client.get(reverse("payments:verify", args=[receipt.token])).content.decode()
    assert "Biên lai hợp lệ" in page and "N*** T*** H***" in page and "108.000" in page
    assert "Nguyễn Thị Hoa" not in page and world.citizen.phone not in page
    assert client.get(reverse("payments:verify", args=["forged-token"])).status_code == 404


def test_receipt_numbers_are_a_gap_free_series_per_agency_and_year(client, world):
    for _ in range(3):
        client.get(IPN, notice(world.started(), transaction_no=str(10**7 + _)))
    assert list(Receipt.objects.order_by("number").values_list("number", "series")) == [
        (1, f"BL-{timezone.localdate().year}"),
        (2, f"BL-{timezone.localdate().year}"),
        (3, f"BL-{timezone.localdate().year}"),
    ]


def test_reconciliation_report_csv_and_xlsx(client, world, settings):
    attempt = world.started()
    client.get(IPN, notice(attempt))
    login_staff(client, world.officer)
    url = reverse("admin:payments_reconciliation")
    csv_body = client.get(url, {"agency": world.agency.pk}).content
    assert csv_body.startswith("\ufeff".encode())
    text = csv_body.decode("utf-8-sig")
    assert "Mã giao dịch" in text and attempt.reference in text
    assert "không tra cứu được" in text  # no gateway reachable here: flagged, not hidden
    xlsx = client.get(url, {"agency": world.agency.pk, "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A3"].value == attempt.reference
    login_staff(client, world.other_officer)
    other = client.get(url, {"agency": world.agency.pk}).content.decode("utf-8-sig")
    assert attempt.reference not in other


def test_statistics_share_paid_online(client, world):
    a = world.started()
    client.get(IPN, notice(a))
    dossier = world.dossier(status=4)
    services.payment_request(
        dossier_id=dossier.pk,
        actor=world.officer,
        expected_version=dossier.version,
        items=[services.ItemInput("Lệ phí", "charge", 8000)],
        reason="r",
    )
    services.payment_record_offline(
        fee_request_id=FeeRequest.objects.get(dossier=dossier).pk,
        actor=world.officer,
        method="counter",
        receipt_number="1",
    )
    rows = panels.statistics_rows(
        agency_ids=[world.agency.pk], start=timezone.now() - timedelta(days=30), end=timezone.now()
    )
    assert [r["value"] for r in rows] == [2, "1 (50,0%)"]
    assert (
        panels.statistics_rows(
            agency_ids=[world.other_agency.pk], start=timezone.now() - timedelta(days=30), end=timezone.now()
        )[0]["value"]
        == 0
    )


def test_payment_requested_message_has_amount_and_link(world):
    from notifications.models import NotificationTemplate
    from notifications.services import notify

    template = NotificationTemplate.objects.get(event="payment_requested")
    assert "{{ amount }}" in template.sms_text and "{{ link }}" in template.sms_text
    assert "{{ amount }}" in template.email_text_en
    dossier = world.dossier(status=6)
    notify(
        event="payment_requested",
        context={"dossier_code": dossier.code, "amount": "66.000 đồng", "link": "https://x/d/"},
        user=world.citizen,
    )
    sms = Message.objects.get(event="payment_requested", channel="sms")
    assert "66.000 dong" in sms.body_text and "https://x/d/" in sms.body_text


def test_citizen_panel_shows_items_and_button(world, rf):
    dossier = world.dossier(status=1, fee=100000, charge=8000)
    request = rf.get("/")
    request.user = world.citizen
    context = panels.citizen_context(request, dossier)
    assert context["payment_can_pay"]
    assert [(i["label"], i["amount_text"]) for i in context["payment_virtual"]["items"]] == [
        ("Phí", "100.000"),
        ("Lệ phí", "8.000"),
    ]
    assert context["payment_virtual"]["words"] == "Một trăm linh tám nghìn đồng"
    request.user = world.stranger
    assert not panels.citizen_context(request, dossier)["payment_can_pay"]


def test_a_bare_request_payment_still_says_what_to_pay_and_a_bare_paid_closes_it(world):
    """Demo data or an integration moving the dossier without the payments panel."""
    from dossiers.workflow import Actor, dossier_transition

    dossier = world.dossier(status=4, fee=0, charge=15000)
    dossier = dossier_transition(
        dossier_id=dossier.pk,
        name="request_payment",
        actor=Actor.staff(world.officer),
        expected_version=dossier.version,
    )
    fee_request = FeeRequest.objects.get(dossier=dossier)
    assert (fee_request.amount, fee_request.status) == (15000, FeeRequestStatus.OPEN)
    dossier_transition(
        dossier_id=dossier.pk,
        name="payment_received",
        actor=Actor.staff(world.officer),
        expected_version=dossier.version,
    )
    fee_request.refresh_from_db()
    assert fee_request.status == FeeRequestStatus.PAID
    assert fee_request.paid_attempt.method == "counter"


def test_migration_gives_the_old_payment_requested_text_its_amount_but_keeps_staff_edits(world):
    import importlib

    from django.apps import apps

    from notifications.models import NotificationTemplate

    migration = importlib.import_module("payments.migrations.0002_payment_requested_amount")
    template = NotificationTemplate.objects.get(event="payment_requested")
    NotificationTemplate.objects.filter(pk=template.pk).update(sms_text=migration.OLD_SMS, email_text="old")
    migration.forwards(apps, None)
    template.refresh_from_db()
    assert "{{ amount }}" in template.sms_text and "{{ amount }}" in template.email_text
    NotificationTemplate.objects.filter(pk=template.pk).update(sms_text="Staff wrote this")
    migration.forwards(apps, None)
    template.refresh_from_db()
    assert template.sms_text == "Staff wrote this"


def test_desk_page_shows_requests_attempts_messages_and_refunds(client, world):
    dossier = world.dossier(status=4)
    attempt = world.started(world.fee_request(dossier))
    client.get(IPN, {**notice(attempt), "vnp_SecureHash": "forged"})
    client.get(IPN, notice(attempt))
    services.refund_create(
        attempt_id=attempt.pk, amount=8000, reason="officer", actor=world.officer, note="Thu thừa"
    )
    login_staff(client, world.officer)
    page = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        "Phí, lệ phí và thanh toán",
        "Phí thẩm định",
        attempt.reference,
        "Mọi thông điệp với cổng thanh toán",
        "Sai chữ ký",
        "Cán bộ hoàn tiền",
        "BL-",
        "Đối soát trong ngày",
    ):
        assert expected in html, expected
    assert 'name="amount"' in html  # the refund form for what remains (100.000)


def test_leader_dashboard_shows_the_share_paid_online(client, world):
    attempt = world.started(world.fee_request(world.dossier(status=4)))
    client.get(IPN, notice(attempt))
    login_staff(client, world.leader)
    page = client.get("/admin/statistics/")
    assert page.status_code == 200
    assert "Trong đó thanh toán trực tuyến (Quyết định 766)" in page.content.decode()


def test_a_receipt_not_made_yet_says_so_and_is_never_rendered_in_the_request(client, world):
    attempt = world.started()
    with mock.patch("payments.services.enqueue"):  # the worker has not run yet
        client.get(IPN, notice(attempt))
    receipt = Receipt.objects.get()
    assert not receipt.pdf
    client.force_login(world.citizen)
    url = reverse("payments:receipt_pdf", args=[receipt.token])
    with (
        mock.patch("payments.documents.receipt_pdf", side_effect=AssertionError("rendered in a request")),
        mock.patch("payments.views.jobs.enqueue") as enqueue,  # published to a worker that is busy
    ):
        page = client.get(url)
        fragment = client.get(url, {"status": "1"})
    assert page.status_code == 202 and "Biên lai điện tử đang được tạo" in page.content.decode()
    assert 'hx-trigger="every 3s"' in page.content.decode()
    enqueue.assert_called_once_with("payments.render_receipt", receipt.pk)
    assert fragment.status_code == 202 and 'id="receipt-status"' in fragment.content.decode()
    services.receipt_render(receipt_id=receipt.pk)  # what the worker does
    ready = client.get(url, {"status": "1"})
    assert ready.status_code == 200 and "Biên lai điện tử đã sẵn sàng" in ready.content.decode()
    assert client.get(url)["Content-Type"] == "application/pdf"
