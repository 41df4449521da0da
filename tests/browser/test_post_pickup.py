"""A dossier by post on a 360 px phone: from the procedure page the citizen books a pickup (commune
from the official units, date, time window), the postman checks and takes the dossier, it reaches the
one-stop shop, the officer receives it and the receipt (form 01) is on the citizen's dossier page."""

import pytest

from .conftest import VIEWPORTS, assert_accessible, assert_no_horizontal_scroll, screenshot
from .helpers import PASSWORD, receive, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CITIZEN_PASSWORD = "mat-khau-cong-dan-1"


@pytest.fixture
def world(live_server, settings):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import User
    from notifications.services import ensure_default_templates
    from tests.delivery.result_helpers import Office
    from tests.factories import ComponentFactory, make_procedure

    settings.PORTAL_BASE_URL = live_server.url
    settings.CARRIER = "simulator"
    settings.CARRIER_SIMULATOR_CALLBACK = "http"
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    settings.CARRIER_SIMULATOR_CHAOS = "sometimes"
    settings.CARRIER_WEBHOOK_SECRET = "browser-test-secret"
    ensure_default_templates()
    office = Office()
    procedure, _component = make_procedure(office.agency)
    ComponentFactory(procedure=procedure, name="Bản sao Giấy khai sinh", required=True, order=2)
    officer = office.officer
    officer.email, officer.phone, officer.phone_verified = "motcua@example.vn", "+84912000072", True
    officer.set_password(PASSWORD)
    officer.save()
    secret = generate_totp_secret()
    TOTP.activate(officer, secret)
    User.objects.create_user(
        "mai",
        email="mai@example.vn",
        password=CITIZEN_PASSWORD,
        full_name="Lê Thị Mai",
        phone="+84999000020",
        phone_verified=True,
    )
    return {"office": office, "procedure": procedure, "secret": secret, "live": live_server}


def test_file_a_dossier_by_postal_pickup_through_to_its_receipt(browser_instance, world):
    from delivery.carriers import simulator
    from delivery.models import Shipment, SimulatedParcel

    base, procedure = world["live"].url, world["procedure"]
    context = browser_instance.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN", bypass_csp=True)
    phone = context.new_page()
    phone.base_url, phone.viewport_name = base, "phone"
    sign_in(phone, "mai@example.vn", CITIZEN_PASSWORD)
    phone.goto(f"{base}/procedures/{procedure.code}/")
    assert "Có thể gửi hồ sơ và nhận kết quả qua bưu chính công ích." in phone.locator("main").inner_text()
    phone.get_by_role("link", name="Hẹn bưu tá đến nhận hồ sơ").click()
    phone.wait_for_load_state()
    assert_accessible(phone, "pickup form")
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "pickup-form")
    from accounts import units

    code, name = units.communes("24")[0]
    phone.locator("#id_province_code").select_option("24")
    phone.wait_for_function(f"document.querySelector('#id_commune_code option[value=\"{code}\"]') !== null")
    phone.locator("#id_commune_code").select_option(code)
    phone.locator("#id_street").fill("Thôn Đông, số 8")
    phone.locator("label", has_text="Buổi chiều (13:30–17:00)").click()  # USWDS draws the radio on the label
    phone.get_by_role("button", name="Hẹn bưu tá đến nhận hồ sơ").click()
    phone.wait_for_url("**/delivery/pickup/DVC*/")
    assert "Bưu chính đã nhận đơn" in phone.locator("main").inner_text()
    assert name in phone.locator("main").inner_text()
    assert_accessible(phone, "pickup booked")
    screenshot(phone, "pickup-booked")

    # The postman comes, checks the list, seals the dossier, and carries it to the one-stop shop.
    shipment = Shipment.objects.get()
    simulator.emit(SimulatedParcel.objects.get().pk, advance=10)
    shipment.refresh_from_db()
    dossier = shipment.dossier
    assert shipment.status == "delivered" and dossier is not None
    phone.reload()
    text = phone.locator("main").inner_text()
    assert dossier.code in text and "Đã giao" in text
    assert_accessible(phone, "pickup delivered")
    screenshot(phone, "pickup-delivered")

    # The officer receives it like any other dossier.
    desk_context = browser_instance.new_context(
        viewport=VIEWPORTS["desktop"], locale="vi-VN", bypass_csp=True
    )
    desk = desk_context.new_page()
    desk.base_url, desk.viewport_name = base, "desktop"
    sign_in(desk, "motcua@example.vn", PASSWORD, world["secret"])
    desk.goto(f"{base}/admin/dossiers/dossier/{dossier.pk}/change/")
    assert "Gửi hồ sơ qua bưu chính" in desk.locator("#post-panel").inner_text()
    receive(desk)
    screenshot(desk, "pickup-received-desk")

    phone.goto(f"{base}/dossiers/{dossier.code}/")
    main = phone.locator("main").inner_text()
    assert "Được tiếp nhận" in main and "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in main
    assert_accessible(phone, "dossier received")
    assert_no_horizontal_scroll(phone)
    screenshot(phone, "pickup-receipt")
    desk_context.close()
    context.close()
