"""A paper dossier handed in at the counter: the officer registers it (receipt at once), and the
applicant finds it in the public lookup on a 360 px phone, like any online dossier; axe on each page."""

import re

import pytest

from .conftest import VIEWPORTS, assert_accessible, assert_no_horizontal_scroll, screenshot
from .helpers import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server, settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from notifications.services import ensure_default_templates
    from tests.delivery.result_helpers import Office
    from tests.factories import ComponentFactory, MethodFactory, make_procedure

    settings.PORTAL_BASE_URL = live_server.url
    ensure_default_templates()
    office = Office()
    procedure, _component = make_procedure(office.agency)
    ComponentFactory(procedure=procedure, name="Bản sao Giấy khai sinh", required=True, order=2)
    MethodFactory(procedure=procedure, channel="counter", time_limit_days=5, charge_vnd=10000)
    officer = office.officer
    officer.email, officer.phone, officer.phone_verified = "motcua@example.vn", "+84912000073", True
    officer.set_password(PASSWORD)
    officer.save()
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    return {"office": office, "procedure": procedure, "secret": secret, "live": live_server}


def test_register_a_counter_dossier_and_find_it_in_the_public_lookup(browser_instance, world):
    base, procedure, office = world["live"].url, world["procedure"], world["office"]
    desk_context = browser_instance.new_context(
        viewport=VIEWPORTS["desktop"], locale="vi-VN", bypass_csp=True
    )
    desk = desk_context.new_page()
    desk.base_url, desk.viewport_name = base, "desktop"
    sign_in(desk, "motcua@example.vn", PASSWORD, world["secret"])
    desk.goto(f"{base}/admin/delivery/shipment/")
    desk.get_by_role("link", name="Đăng ký hồ sơ nộp trực tiếp").click()
    desk.locator("#counter-procedure").select_option(str(procedure.pk))
    desk.get_by_role("button", name="Chọn").click()
    desk.wait_for_load_state()
    assert_accessible(desk, "counter intake form")
    desk.locator("#id_full_name").fill("Đỗ Thị Lan")
    desk.locator("#id_personal_id").fill("027186001234")
    desk.locator("#id_phone").fill("0999 000 031")
    desk.locator("#id_fee_paid_vnd").fill("10000")
    assert desk.locator('input[name="components"]:checked').count() == 0
    desk.get_by_label("Tờ khai").check()
    desk.get_by_label("Bản sao Giấy khai sinh").check()
    screenshot(desk, "counter-form")
    desk.get_by_role("button", name="Tiếp nhận và in giấy tiếp nhận").click()
    desk.wait_for_load_state()
    message = desk.locator(".messagelist").inner_text()
    code = re.search(r"Đã tiếp nhận hồ sơ (\S+)\.", message).group(1)
    assert code.startswith(office.agency.code)
    desk_text = desk.locator("#content").inner_text()
    assert "Hồ sơ nộp trực tiếp tại quầy: Đỗ Thị Lan" in desk_text and "Mẫu số 01" in desk_text
    screenshot(desk, "counter-registered")
    desk_context.close()

    context = browser_instance.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN", bypass_csp=True)
    phone = context.new_page()
    phone.base_url, phone.viewport_name = base, "phone"
    phone.goto(f"{base}/lookup/")
    phone.locator("#id_code").fill(code)
    phone.locator("#id_phone_last4").fill("0031")
    phone.get_by_role("button", name="Tra cứu").click()
    phone.wait_for_load_state()
    result = phone.locator("main").inner_text()
    assert code in result and "Được tiếp nhận" in result and "Đỗ Thị Lan" not in result
    assert_accessible(phone, "public lookup of a counter dossier")
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "counter-lookup")
    context.close()
