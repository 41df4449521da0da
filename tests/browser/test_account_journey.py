"""A citizen on a phone: sign up by mobile number, read the SMS code in the dev outbox, verify,
complete the profile (province → commune via htmx), sign out, and sign in again by SMS code."""

import re

import pytest

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_code(page, phone: str) -> str:
    outbox = page.context.new_page()
    outbox.goto(page.base_url + "/dev/outbox/")
    body = outbox.locator(f'.outbox-item[data-recipient="{phone}"] .outbox-body').first.inner_text()
    outbox.close()
    match = re.search(r"\b(\d{6})\b", body)
    assert match, body
    return match.group(1)


def test_sign_up_by_phone_then_sign_in_by_code(page):
    if page.viewport_name != "phone":
        pytest.skip("the account journey is walked on a 360 px phone")
    page.goto(page.base_url + "/accounts/signup/")
    assert_accessible(page, "signup")
    assert_no_horizontal_scroll(page)
    screenshot(page, "signup")
    phone_input = page.locator('input[name="phone"]')
    assert phone_input.get_attribute("type") == "tel"
    phone_input.fill("0912 345 611")
    page.get_by_role("button", name=re.compile("Đăng ký")).click()

    page.wait_for_url(re.compile(r"/accounts/phone/verify/"))
    code_input = page.locator('input[name="code"]')
    assert code_input.get_attribute("inputmode") == "numeric"
    assert code_input.get_attribute("autocomplete") == "one-time-code"
    assert_accessible(page, "verify phone")
    screenshot(page, "verify-phone")
    code_input.fill(read_code(page, "+84912345611"))
    page.locator('main form button[type="submit"]').first.click()

    # Signed in: complete the profile once.
    page.wait_for_load_state()
    page.goto(page.base_url + "/accounts/profile/edit/")
    screenshot(page, "profile-edit-start")
    assert "/accounts/profile/edit/" in page.url, page.url
    assert_accessible(page, "profile form")
    page.get_by_label("Họ và tên").fill("Phạm Thị Lan")
    page.get_by_label("Số định danh cá nhân").fill("027301234567")
    page.get_by_label("Ngày sinh").fill("2001-03-04")
    page.locator("label", has_text="Nữ").click()  # USWDS draws the radio on the label
    page.get_by_label("Tỉnh, thành phố thường trú").select_option("24")
    commune = page.get_by_label("Xã, phường thường trú")
    page.wait_for_function("() => document.querySelectorAll('#id_permanent_commune_code option').length > 10")
    commune.select_option("09187")
    page.get_by_label("Số nhà, đường, thôn, tổ").fill("Số 5 Lý Thái Tổ")
    screenshot(page, "profile-form")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/accounts/profile/$"))
    assert "Phường Kinh Bắc" in page.content()
    assert_accessible(page, "profile")
    assert_no_horizontal_scroll(page)
    screenshot(page, "profile")

    # Sign out, then back in with a code by SMS.
    page.get_by_role("button", name="Đăng xuất").first.click()
    page.goto(page.base_url + "/accounts/login/code/")
    assert_accessible(page, "request login code")
    page.locator('input[name="phone"]').fill("+84 912 345 611")
    page.locator('main form button[type="submit"]').first.click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    page.locator('input[name="code"]').fill(read_code(page, "+84912345611"))
    page.locator('main form button[type="submit"]').first.click()
    page.goto(page.base_url + "/accounts/profile/")
    assert "Phạm Thị Lan" in page.content()
    assert not page.js_errors, page.js_errors
