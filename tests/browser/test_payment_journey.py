"""Paying online on a 360 px phone with the VNPAY-protocol gateway simulator, axe on every page:
1. a level-4 dossier with a fee: the confirmation and the dossier page show the items, the citizen
   pays on the simulated bank page, comes back to "Thanh toán thành công", downloads the e-receipt
   and opens its QR page (the public check);
2. an officer's payment request (status 6): the citizen pays and sees the dossier resume (status 4)
   with its due date moved by the working days the clock was stopped."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "mat-khau-cua-hoa-1"


@pytest.fixture
def payer(live_server, settings):
    from accounts.models import User
    from dossiers import services
    from procedures.models import Agency, Procedure

    settings.PORTAL_BASE_URL = live_server.url  # the simulator's notice must reach this server
    settings.PAYMENT_SIMULATOR = True
    settings.PAYMENT_GATEWAY = "vnpay_simulator"
    agency = Agency.objects.get(code="000.21.01.H24")
    citizen = User.objects.create_user(
        "hoa",
        email="hoa@example.vn",
        password=PASSWORD,
        full_name="Nguyễn Thị Hoa",
        phone="+84912345621",
        phone_verified=True,
    )
    procedure = (
        Procedure.objects.filter(
            service_level=4,
            agencies=agency,
            online_form__isnull=True,
            methods__channel="online",
            methods__fee_vnd__gt=0,
        )
        .order_by("code")
        .first()
        or Procedure.objects.filter(
            service_level=4,
            agencies=agency,
            methods__channel="online",
            methods__charge_vnd__gt=0,
            online_form__isnull=True,
        )
        .order_by("code")
        .first()
    )
    assert procedure is not None, "the demo catalogue has a level-4 procedure with an online fee"

    def submit():
        from django.core.files.uploadedfile import SimpleUploadedFile

        draft = services.dossier_start(user=citizen, procedure=procedure)
        services.draft_save_agency(dossier=draft, agency=agency)
        for component in procedure.components.filter(required=True, case_group=""):
            services.draft_add_file(
                dossier=draft, component=component, upload=SimpleUploadedFile("giay-to.pdf", PDF)
            )
        services.draft_save_delivery(dossier=draft, delivery="online")
        return services.dossier_submit(
            dossier=draft, user=citizen, submission_key=uuid.uuid4(), declaration_accepted=True
        )

    return citizen, agency, submit


def sign_in(page):
    page.goto(page.base_url + "/accounts/login/")
    page.locator('input[name="login"]').fill("hoa@example.vn")
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/profile/"))


def pay_on_the_bank_page(page, name: str) -> None:
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url(re.compile(r"/payments/simulator/vnpay/paymentv2/vpcpay\.html"))
    assert page.get_by_text("Cổng thanh toán mô phỏng").first.is_visible()
    assert_accessible(page, "the simulated bank page")
    assert_no_horizontal_scroll(page)
    screenshot(page, f"{name}-bank")
    page.locator('label[for="bank-VCB"]').click()  # USWDS radios: the label is what people tap
    page.locator('label[for="outcome-success"]').click()
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(re.compile(r"/payments/return/"))


def test_pay_a_level4_dossier_and_check_the_receipt(page, payer, tmp_path):
    if page.viewport_name != "phone":
        pytest.skip("walked on a 360 px phone")
    citizen, _agency, submit = payer
    dossier = submit()
    sign_in(page)
    page.goto(page.base_url + f"/dossiers/{dossier.code}/submitted/")
    panel = page.locator("#payments")
    assert panel.is_visible()
    # The fee lines and their total are shown once, above; the panel says what to pay now.
    assert "Tổng cộng" in page.locator("main").inner_text()
    assert "Số tiền cần nộp" in panel.inner_text()
    assert_accessible(page, "the confirmation with the fee")
    page.goto(page.base_url + f"/dossiers/{dossier.code}/")
    assert_accessible(page, "the dossier page with the fee")
    assert_no_horizontal_scroll(page)
    screenshot(page, "payment-dossier")
    pay_on_the_bank_page(page, "payment")
    page.get_by_text("Thanh toán thành công").first.wait_for()
    assert_accessible(page, "the return page")
    assert_no_horizontal_scroll(page)
    screenshot(page, "payment-return")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải biên lai điện tử").first.click()
    receipt_pdf = tmp_path / "bien-lai.pdf"
    download.value.save_as(receipt_pdf)
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(receipt_pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and "đồng" in text
    verify_url = re.search(r"(http://\S+/payments/verify/[\w-]+/)", text).group(1)
    page.goto(verify_url)
    assert page.get_by_text("Biên lai hợp lệ").is_visible()
    main = page.locator("main").inner_text()  # the header greets the signed-in person by name
    assert "Nguyễn Thị Hoa" not in main and "N*** T*** H***" in main
    assert_accessible(page, "the public receipt check")
    assert_no_horizontal_scroll(page)
    screenshot(page, "payment-verify")
    assert not page.js_errors, page.js_errors


def test_answer_an_officers_payment_request_and_see_the_dossier_resume(page, payer):
    if page.viewport_name != "phone":
        pytest.skip("walked on a 360 px phone")
    from django.utils import timezone

    from dossiers import processing
    from dossiers.models import Dossier, DossierEvent
    from payments import services
    from tests.factories import make_staff

    citizen, agency, submit = payer
    dossier = submit()
    officer = make_staff(agency, "officer", full_name="Trần Thị Bình")
    dossier = processing.dossier_receive(
        dossier_id=dossier.pk, actor=officer, expected_version=dossier.version
    )
    dossier = processing.dossier_assign(
        dossier_id=dossier.pk,
        actor=officer,
        expected_version=dossier.version,
        department="Tư pháp",
        assignee=None,
    )
    services.payment_request(
        dossier_id=dossier.pk,
        actor=officer,
        expected_version=dossier.version,
        items=[
            services.ItemInput("Lệ phí cấp bản sao", "charge", 8000, 2),
            services.ItemInput("Phí thẩm định", "fee", 50000),
        ],
        reason="Cấp 2 bản sao kết quả",
    )
    # Received two weeks ago with 15 working days; the request was made a week ago: five working days
    # of stopped clock when the citizen pays today.
    from dossiers import workdays

    received = timezone.now() - timedelta(days=14)
    Dossier.objects.filter(pk=dossier.pk).update(
        received_at=received, time_limit_days=15, due_at=workdays.due_date(received, 15)
    )
    DossierEvent.objects.filter(dossier=dossier, action__in=["receive", "assign"]).update(at=received)
    DossierEvent.objects.filter(dossier=dossier, action="request_payment").update(
        at=timezone.now() - timedelta(days=7)
    )
    due_before = Dossier.objects.get(pk=dossier.pk).due_at
    sign_in(page)
    page.goto(page.base_url + f"/dossiers/{dossier.code}/")
    panel = page.locator("#payments").inner_text()
    assert "Lệ phí cấp bản sao" in panel and "66.000" in panel and "Sáu mươi sáu nghìn đồng" in panel
    assert_accessible(page, "the dossier waiting for payment")
    screenshot(page, "payment-request")
    pay_on_the_bank_page(page, "payment-request")
    page.get_by_text("Thanh toán thành công").first.wait_for()
    page.get_by_role("link", name="Về trang hồ sơ").first.click()
    page.wait_for_url(re.compile(rf"/dossiers/{re.escape(dossier.code)}/$"))
    assert "Đang xử lý" in page.locator("main").inner_text()
    dossier.refresh_from_db()
    assert dossier.status == 4 and dossier.due_at > due_before + timedelta(days=4)
    shown = timezone.localtime(dossier.due_at).strftime("%d/%m/%Y")
    assert shown in page.locator("main").inner_text()
    assert_accessible(page, "the dossier resumed")
    screenshot(page, "payment-resumed")
    assert not page.js_errors, page.js_errors


def test_a_receipt_still_being_made_says_so_and_updates_itself(page, payer, tmp_path):
    """The worker is busy: the person who asks for the receipt sees a page that says it is being made
    (not a file called .pdf holding that page), and the page turns into the download when it is."""
    from unittest import mock

    from payments import services
    from payments.models import Receipt

    citizen, _agency, submit = payer
    dossier = submit()
    sign_in(page)
    with mock.patch("payments.services.enqueue"), mock.patch("payments.views.jobs.enqueue") as asked:
        page.goto(page.base_url + f"/dossiers/{dossier.code}/")
        pay_on_the_bank_page(page, f"receipt-pending-{page.viewport_name}")
        page.get_by_text("Thanh toán thành công").first.wait_for()
        page.get_by_role("link", name="Tải biên lai điện tử").first.click()
        page.get_by_text("Biên lai điện tử đang được tạo").wait_for()
        receipt = Receipt.objects.get(fee_request__dossier=dossier)
        asked.assert_called_with("payments.render_receipt", receipt.pk)
    assert not receipt.pdf
    assert_accessible(page, "the receipt being made")
    assert_no_horizontal_scroll(page)
    screenshot(page, "receipt-pending")
    services.receipt_render(receipt_id=receipt.pk)  # what the worker does
    page.get_by_text("Biên lai điện tử đã sẵn sàng").wait_for(timeout=10_000)  # htmx asks every 3 s
    screenshot(page, "receipt-ready")
    with page.expect_download() as download:
        page.locator("#receipt-status").get_by_role("link", name="Tải biên lai điện tử").click()
    saved = tmp_path / "bien-lai.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert not page.js_errors, page.js_errors
