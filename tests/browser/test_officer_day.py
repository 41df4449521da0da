"""The officer's day in a real browser: sign in with MFA, request a supplement, see the citizen's
answer, receive, assign; the leader approves; the result is returned. The citizen sees each step."""

import re
import uuid

import pytest

from .conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "mat-khau-can-bo-2026"


def totp_now(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    if time.time() % 30 > 25:  # never type a code in the last seconds of its 30-second step
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def people():
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User
    from dossiers import services
    from procedures.models import Agency, Procedure
    from tests.factories import make_staff

    agency = Agency.objects.get(code="000.21.01.H24")
    staff = {}
    for role, name in (("officer", "Trần Thị Bình"), ("specialist", "Lê Văn Cường"), ("leader", "Phạm Thị Dung")):
        user = make_staff(agency, role, full_name=name, email=f"{role}@example.vn", phone=f"+8491200{len(staff) + 70:04d}", phone_verified=True)
        user.set_password(PASSWORD)
        user.save()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        staff[role] = (user, secret)
    citizen = User.objects.create_user("dan", email="dan@example.vn", password="mat-khau-cong-dan-1", full_name="Nguyễn Văn Dân", phone="+84912345640", phone_verified=True)
    procedure = Procedure.objects.get(code="2.000815") if Procedure.objects.filter(code="2.000815", service_level__gte=3).exists() else Procedure.objects.filter(service_level__gte=3, agencies=agency, online_form__isnull=True).first()
    draft = services.dossier_start(user=citizen, procedure=procedure)
    services.draft_save_agency(dossier=draft, agency=agency)
    from django.core.files.uploadedfile import SimpleUploadedFile

    for component in procedure.components.filter(required=True, case_group=""):
        services.draft_add_file(dossier=draft, component=component, upload=SimpleUploadedFile("giay-to.pdf", PDF))
    services.draft_save_delivery(dossier=draft, delivery="counter")
    dossier = services.dossier_submit(dossier=draft, user=citizen, submission_key=uuid.uuid4(), declaration_accepted=True)
    return staff, citizen, dossier


def sign_in(page, email, password, totp_secret=None):
    page.goto(page.base_url + "/accounts/login/")
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator("main form button[type=submit]").first.click()
    if totp_secret:
        page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
        assert_accessible(page, "MFA code")
        page.locator('input[name="code"]').fill(totp_now(totp_secret))
        page.locator("main form button[type=submit]").first.click()
        try:
            page.wait_for_url(re.compile(r"/admin/"), timeout=15000)
        except Exception as exc:  # say where we were and what the page said
            screenshot(page, "mfa-failed")
            raise AssertionError(f"MFA sign-in did not reach the admin: {page.url}\n{page.locator('main').inner_text()[:800]}") from exc


def act(page, label, **fields):
    form = page.locator("form.dossier-action", has=page.locator("h3", has_text=label)).first
    for name, value in fields.items():
        element = form.locator(f'[name="{name}"]')
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(label=value)
        else:
            element.fill(value)
    form.locator('input[type="submit"]').click()
    page.wait_for_load_state()


def citizen_sees(browser_instance, base_url, dossier_code, text):
    context = browser_instance.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN", bypass_csp=True)
    citizen_page = context.new_page()
    citizen_page.base_url = base_url
    sign_in(citizen_page, "dan@example.vn", "mat-khau-cong-dan-1")
    citizen_page.goto(f"{base_url}/dossiers/{dossier_code}/")
    assert text in citizen_page.content(), text
    return context, citizen_page


def test_officer_day(page, people, browser_instance):
    if page.viewport_name != "desktop":
        pytest.skip("officers work on a desktop")
    staff, citizen, dossier = people
    officer, officer_secret = staff["officer"]
    sign_in(page, "officer@example.vn", PASSWORD, officer_secret)
    page.goto(page.base_url + "/admin/dossiers/dossier/?queue=new")
    assert dossier.code in page.content()
    screenshot(page, "queue")
    page.locator("a", has_text=dossier.code).first.click()
    page.wait_for_url(re.compile(r"/admin/dossiers/dossier/\d+/change/"))
    screenshot(page, "desk")

    act(page, "Yêu cầu bổ sung", missing="Bản sao giấy khai sinh", reason="Thiếu bản sao giấy khai sinh của người yêu cầu")
    assert "Yêu cầu bổ sung giấy tờ" in page.content()

    context, citizen_page = citizen_sees(browser_instance, page.base_url, dossier.code, "Thiếu bản sao giấy khai sinh")
    scan = citizen_page.locator('form input[type="file"]').first
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(PDF)
    scan.set_input_files(handle.name)
    citizen_page.locator('textarea[name="note"]').fill("Đã bổ sung bản sao giấy khai sinh")
    citizen_page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    citizen_page.wait_for_load_state()
    assert "Mới đăng ký" in citizen_page.content()
    context.close()

    page.reload()
    assert "Đã bổ sung bản sao giấy khai sinh" in page.content()  # the citizen's answer on the desk
    act(page, "Tiếp nhận")
    assert "Được tiếp nhận" in page.content()
    act(page, "Chuyển xử lý, phân công", department="Phòng Tư pháp", assignee="Lê Văn Cường")
    assert "Đang xử lý" in page.content()

    from dossiers import processing

    specialist = staff["specialist"][0]
    processing.dossier_appraise(dossier_id=dossier.pk, actor=specialist)
    processing.dossier_submit_for_approval(dossier_id=dossier.pk, actor=specialist)

    leader_context = browser_instance.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", bypass_csp=True)
    leader_page = leader_context.new_page()
    leader_page.base_url = page.base_url
    sign_in(leader_page, "leader@example.vn", PASSWORD, staff["leader"][1])
    leader_page.goto(f"{page.base_url}/admin/dossiers/dossier/{dossier.pk}/change/")
    act(leader_page, "Duyệt")
    leader_context.close()

    processing.dossier_result_ready(dossier_id=dossier.pk, actor=specialist)
    page.reload()
    act(page, "Trả kết quả", method="Nhận trực tiếp tại Bộ phận Một cửa")
    assert "Đã trả kết quả" in page.content()
    context, citizen_page = citizen_sees(browser_instance, page.base_url, dossier.code, "Đã trả kết quả")
    for step in ("Được tiếp nhận", "Đang xử lý", "Đã xử lý xong"):
        assert step in citizen_page.content(), step
    assert_accessible(citizen_page, "citizen dossier page after return")
    context.close()
