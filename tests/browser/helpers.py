"""What several browser tests share: signing in (with the authenticator code for staff) and pressing a
button on the officer's desk. Imported from here, never from another test module."""

from __future__ import annotations

import re
import time

from .conftest import assert_accessible, screenshot

PASSWORD = "mat-khau-can-bo-2026"
CITIZEN_PASSWORD = "mat-khau-cong-dan-1"


def totp_now(secret: str) -> str:
    """The authenticator app's current code (never typed in the last seconds of its 30-second step)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.5)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def sign_in(page, login: str, password: str, totp_secret: str | None = None) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.locator('input[name="login"]').fill(login)
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
            raise AssertionError(
                f"MFA sign-in did not reach the admin: {page.url}\n{page.locator('main').inner_text()[:800]}"
            ) from exc


def receive(page) -> None:
    """Take the dossier in as the officer does: tick every component found in order, press "Tiếp nhận"."""
    checklist = page.locator("form.dossier-checklist")
    boxes = checklist.locator('input[type="checkbox"][name="ok"]')
    for i in range(boxes.count()):
        boxes.nth(i).check()
    checklist.locator('input[type="submit"][value="Tiếp nhận"]').click()
    page.wait_for_load_state()
