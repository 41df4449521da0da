"""A citizen on a phone (360 px) and on a desktop (1280 px): search → procedure → form template."""

import re

import pytest

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_to_detail_to_template_download(page):
    page.goto(page.base_url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert_accessible(page, "home")
    assert_no_horizontal_scroll(page)
    screenshot(page, "home")

    # Typing shows suggestions via htmx, without diacritics.
    search = page.get_by_role("combobox", name="Tìm thủ tục hành chính")
    search.fill("dang ky ket hon")
    suggestion = page.locator("#q-home-suggestions a", has_text="Thủ tục đăng ký kết hôn").first
    suggestion.wait_for(timeout=5000)
    screenshot(page, "suggestions")

    search.press("Enter")
    page.wait_for_url(re.compile(r"/procedures/\?q="))
    first = page.locator(".result-title a").first
    assert first.inner_text().strip() == "Thủ tục đăng ký kết hôn"
    assert_accessible(page, "results")
    assert_no_horizontal_scroll(page)
    screenshot(page, "results")

    first.click()
    page.wait_for_url(re.compile(r"/procedures/1\.000894/"))
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Thủ tục đăng ký kết hôn"
    for heading in ("Trình tự thực hiện", "Thành phần hồ sơ", "Căn cứ pháp lý"):
        assert page.get_by_role("heading", name=heading).count() == 1
    assert page.get_by_role("link", name="Nộp hồ sơ trực tuyến").is_visible()
    assert_accessible(page, "detail")
    assert_no_horizontal_scroll(page)
    screenshot(page, "detail")

    with page.expect_download() as download_info:
        page.locator("a", has_text="Tải mẫu").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert not page.js_errors, page.js_errors


def _open_filters(page) -> None:
    disclosure = page.locator("details.facets-disclosure")
    if disclosure.get_attribute("open") is None:
        page.get_by_text("Lọc kết quả", exact=True).click()


def test_filters_and_agencies_are_accessible(page):
    page.goto(page.base_url + "/procedures/?q=khai+sinh")
    _open_filters(page)
    page.locator(".facet a", has_text="Mức độ 4").first.click()
    page.wait_for_url(re.compile(r"level=4"))
    assert page.locator(".result-item").count() >= 1
    assert_accessible(page, "filtered list")
    assert_no_horizontal_scroll(page)

    page.goto(page.base_url + "/agencies/")
    assert_accessible(page, "agencies")
    page.locator("a", has_text="Phường Kinh Bắc").first.click()
    assert "Kinh Bắc" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page, "agency detail")
    assert_no_horizontal_scroll(page)
    screenshot(page, "agency")


def test_keyboard_only_reaches_search_through_skip_link(page):
    page.goto(page.base_url + "/procedures/1.001193/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"


def test_english_interface(page):
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text().strip() == "What do you need to do?"
    assert page.get_by_role("button", name="Search").is_visible()
    assert_accessible(page, "home in English")
    screenshot(page, "home-en")
    # The choice sticks across pages (cookie), with no prefix in the URL.
    page.goto(page.base_url + "/procedures/?q=khai+sinh")
    assert page.locator("html").get_attribute("lang") == "en"


def test_public_statistics_and_lookup_are_accessible(page):
    page.goto(page.base_url + "/statistics/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, "statistics")
    assert_no_horizontal_scroll(page)
    screenshot(page, "statistics")
    page.goto(page.base_url + "/lookup/?code=000.21.01.H24-261122-9999&phone_last4=1234")
    assert "Không tìm thấy hồ sơ" in page.content()
    assert_accessible(page, "lookup")
    assert_no_horizontal_scroll(page)


def test_search_on_a_phone_shows_results_first(page):
    """Issue 11: on a 360 px screen the first result starts within the first screen; the filters
    fold into a "Lọc kết quả" disclosure (open on a wide screen)."""
    page.goto(page.base_url + "/procedures/?q=khai+sinh+cho+con")
    first = page.locator(".result-item").first
    box = first.bounding_box()
    viewport = page.viewport_size
    assert box["y"] + 40 <= viewport["height"], f"first result starts at {box['y']}px"
    assert first.locator("a").inner_text().strip() == "Thủ tục đăng ký khai sinh"
    relaxed = page.locator(".search-relaxed")
    assert "“cho”, “con”" in relaxed.inner_text()
    summary = page.locator("summary", has_text="Lọc kết quả")
    facet = page.locator(".facet a", has_text="Mức độ 4").first
    if viewport["width"] < 640:
        assert page.locator("details.facets-disclosure").get_attribute("open") is None
        assert not facet.is_visible()
        summary.focus()
        page.keyboard.press("Enter")  # a native disclosure: keyboard and screen readers get it for free
        assert facet.is_visible()
    else:
        assert page.locator("details.facets-disclosure").get_attribute("open") is not None
        assert facet.is_visible()
    assert_accessible(page, "results with a relaxed query")
    assert_no_horizontal_scroll(page)
    screenshot(page, "results-relaxed")

    page.goto(page.base_url + "/procedures/?q=ket+hn")
    assert page.locator(".result-title a").first.inner_text().strip() == "Thủ tục đăng ký kết hôn"
    assert "hn" in page.locator(".search-correction del").first.inner_text()
    box = page.locator(".result-item").first.bounding_box()
    assert box["y"] + 40 <= page.viewport_size["height"]
    assert_accessible(page, "results for a typo")
    assert not page.js_errors, page.js_errors


def test_english_search_finds_vietnamese_procedures(page):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base_url}])
    page.goto(page.base_url + "/procedures/?q=birth+certificate")
    titles = [t.strip() for t in page.locator(".result-title a").all_inner_texts()[:3]]
    assert "Birth registration" in titles, titles
    page.locator(".result-title a", has_text="Birth registration").first.click()
    assert page.get_by_role("heading", level=1).inner_text().strip() == "Birth registration"
    assert page.locator("ol.usa-process-list").get_attribute("lang") == "vi"
    assert_accessible(page, "procedure in English")
