"""A result by post, followed on a 360 px phone: the officer presses "Giao bưu chính" on the desk, the
simulated carrier moves step by step (its callbacks reach the portal over HTTP), and the citizen sees
accepted, in transit, out for delivery, delivered, with time and place, and the SMS; axe on each page."""

import re

import pytest

from .conftest import VIEWPORTS, assert_accessible, assert_no_horizontal_scroll, screenshot
from .helpers import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CITIZEN_PASSWORD = "mat-khau-cong-dan-1"


@pytest.fixture
def post_world(live_server, settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from notifications.services import ensure_default_templates
    from tests.delivery.result_helpers import Office

    settings.PORTAL_BASE_URL = live_server.url
    settings.CARRIER = "simulator"
    settings.CARRIER_SIMULATOR_CALLBACK = "http"  # callbacks over HTTP to the live portal
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600  # a realistic clock: the desk's button moves it on
    settings.CARRIER_SIMULATOR_CHAOS = "sometimes"
    settings.CARRIER_SIMULATOR_CONTROLS = True
    settings.CARRIER_WEBHOOK_SECRET = "browser-test-secret"
    ensure_default_templates()
    office = Office()
    officer = office.officer
    officer.email, officer.phone, officer.phone_verified = "motcua@example.vn", "+84912000071", True
    officer.set_password(PASSWORD)
    officer.save()
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    dossier = office.result_ready(phone="+84999000021")  # one failed attempt, then delivered
    citizen = dossier.applicant
    citizen.email, citizen.full_name, citizen.phone_verified = "dan@example.vn", "Nguyễn Văn An", True
    citizen.set_password(CITIZEN_PASSWORD)
    citizen.save()
    return {"office": office, "secret": secret, "dossier": dossier, "live": live_server}


def phone_page(browser_instance, base_url):
    context = browser_instance.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.base_url = base_url
    page.viewport_name = "phone"
    return context, page


def test_follow_a_result_by_post_on_a_phone(browser_instance, post_world):
    base = post_world["live"].url
    dossier = post_world["dossier"]
    desk_context = browser_instance.new_context(
        viewport=VIEWPORTS["desktop"], locale="vi-VN", bypass_csp=True
    )
    desk = desk_context.new_page()
    desk.base_url, desk.viewport_name = base, "desktop"
    sign_in(desk, "motcua@example.vn", PASSWORD, post_world["secret"])
    desk.goto(f"{base}/admin/dossiers/dossier/{dossier.pk}/change/")
    panel = desk.locator("#post-panel")
    assert "Cước dự kiến: 22.000 đ" in panel.inner_text()
    panel.locator('input[type="submit"][value="Giao bưu chính"]').click()
    desk.wait_for_load_state()
    message = desk.locator(".messagelist").inner_text()
    item = re.search(r"bưu gửi ([A-Z]{2}\d{9}[A-Z]{2})", message).group(1)
    screenshot(desk, "post-desk-booked")
    desk.locator("#post-panel").get_by_role("link", name="In nhãn bưu gửi (A6, PDF)").wait_for()

    citizen_context, phone = phone_page(browser_instance, base)
    sign_in(phone, "dan@example.vn", CITIZEN_PASSWORD)

    def citizen_sees(*expected, shot):
        phone.goto(f"{base}/dossiers/{dossier.code}/")
        if not phone.locator("#post-heading").count():
            raise AssertionError(f"no post panel at {phone.url}: {phone.locator('main').inner_text()[:600]}")
        text = phone.locator("#post-heading").locator("xpath=..").inner_text()
        for piece in expected:
            assert piece in text, f"{piece!r} not on the phone: {text}"
        assert_accessible(phone, f"dossier page: {shot}")
        assert_no_horizontal_scroll(phone)
        screenshot(phone, f"post-{shot}")
        return text

    text = citizen_sees("Bưu chính đã nhận ✓", item, "Chuẩn bị 22.000 đ", shot="accepted")
    assert "Đang vận chuyển ✓" not in text

    def next_step():
        desk.goto(f"{base}/admin/dossiers/dossier/{dossier.pk}/change/")
        desk.locator('input[value="Mô phỏng: bước tiếp theo của bưu chính"]').click()
        desk.wait_for_load_state()

    next_step()  # picked up
    next_step()  # in transit (Bắc Ninh sorting centre)
    citizen_sees("Đang vận chuyển ✓", "Trung tâm khai thác Bắc Ninh", shot="in-transit")
    next_step()  # out for delivery
    citizen_sees("Đang giao ✓", shot="out-for-delivery")
    next_step()  # nobody home
    text = citizen_sees("Bưu tá chưa giao được", "Không liên lạc được người nhận", shot="failed-attempt")
    assert "Bưu tá sẽ giao lại ngày" in text
    next_step()  # out for delivery again
    next_step()  # delivered
    text = citizen_sees("Đã giao ✓", shot="delivered")
    assert "Đã giao" in phone.locator(".parcel-status").inner_text()
    assert "Đã trả kết quả" in phone.locator("main").inner_text()

    # The SMS the citizen got, as the development outbox shows them.
    phone.goto(f"{base}/dev/outbox/")
    outbox = phone.locator("main").inner_text()
    for sms in ("Buu ta dang giao ket qua", "Chua giao duoc ket qua", "da duoc tra"):
        assert sms.lower() in outbox.lower(), sms

    # The public tracking page behind the label's QR code.
    phone.goto(f"{base}/delivery/track/{item}/")
    assert "Đã giao" in phone.locator("main").inner_text()
    assert "Nguyễn Văn An" not in phone.locator("main").inner_text()
    assert_accessible(phone, "public tracking")
    screenshot(phone, "post-tracking")
    assert not phone.js_errors if hasattr(phone, "js_errors") else True
    citizen_context.close()
    desk_context.close()
