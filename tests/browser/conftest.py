"""Browser test harness: Debian's Chromium driven by Playwright, axe-core for accessibility.

Runs whenever /usr/bin/chromium (or $CHROMIUM_PATH) exists; otherwise every browser test is
skipped with a message saying how to enable them. Later issues add their journeys here.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright beside live_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
AXE_JS = Path(__file__).with_name("axe.min.js")
ARTIFACTS = Path(__file__).with_name("artifacts")
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}


def pytest_collection_modifyitems(config, items):
    if HAVE_CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="Chromium not found: `sudo apt-get install chromium` (or set CHROMIUM_PATH) to run the browser tests"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def reference_data(transactional_db):
    """live_server tests run outside the per-test transaction, so they load their own data."""
    from tests.reference import load_reference_data

    load_reference_data()


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser_instance, live_server, reference_data):
    viewport = VIEWPORTS[request.param]
    # bypass_csp only so that axe-core can be injected; the pages themselves run under the real CSP.
    context = browser_instance.new_context(
        viewport=viewport, locale="vi-VN", bypass_csp=True, accept_downloads=True
    )
    page = context.new_page()
    page.viewport_name = request.param
    page.base_url = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{page.viewport_name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page, context: str = "") -> None:
    """axe-core WCAG 2.1 A/AA rules: no serious or critical violation."""
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    summary = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in bad
    ]
    assert not bad, (
        f"axe violations on {context or page.url}:\n{json.dumps(summary, ensure_ascii=False, indent=2)}"
    )


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page scrolls sideways by {overflow}px at {page.viewport_size['width']}px"
