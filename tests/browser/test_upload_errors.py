"""A refused file says why, beside the component it concerns, on a 360 px phone, with JavaScript and
without it (issue 11 item 2): a program renamed .pdf, an HTML page renamed .jpg and a 12 MB PDF."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import CHROMIUM, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(params=["js", "nojs"])
def phone(request, browser_instance, live_server, reference_data):
    context = browser_instance.new_context(
        viewport={"width": 360, "height": 780},
        locale="vi-VN",
        bypass_csp=True,  # only so that axe-core can be injected
        java_script_enabled=request.param == "js",
    )
    page = context.new_page()
    page.viewport_name = f"phone-{request.param}"
    page.base_url = live_server.url
    page.javascript = request.param == "js"
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture
def draft_with_three_components():
    from dossiers import services
    from tests.factories import AgencyFactory, ComponentFactory, MethodFactory, ProcedureFactory, UserFactory

    procedure = ProcedureFactory(service_level=4, name="Đăng ký khai sinh (thử)")
    procedure.agencies.add(AgencyFactory())
    MethodFactory(procedure=procedure, channel="online", time_limit_days=3)
    components = [
        ComponentFactory(procedure=procedure, name=name, required=True, order=n)
        for n, name in enumerate(
            ["Giấy chứng sinh", "Giấy tờ tùy thân của cha mẹ", "Giấy chứng nhận kết hôn"]
        )
    ]
    user = UserFactory(phone="+84912345699", email="me@example.vn")
    draft = services.dossier_start(user=user, procedure=procedure)
    services.draft_save_agency(dossier=draft, agency=procedure.agencies.first())
    return draft, components, user


def sign_in(page, user, live_server):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def upload(page, component, path):
    block = page.locator(f"#component-{component.pk}")
    block.locator('input[type="file"]').set_input_files(str(path))
    block.get_by_role("button", name=re.compile("^Tải lên")).click()


def test_each_refused_file_says_why_beside_its_component(
    phone, draft_with_three_components, live_server, tmp_path
):
    from dossiers.models import DossierFile

    assert CHROMIUM
    page = phone
    draft, (birth, parents, marriage), user = draft_with_three_components
    sign_in(page, user, live_server)
    program = tmp_path / "giay-chung-sinh.pdf"
    program.write_bytes(
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 This program cannot be run in DOS mode" + b"\0" * 512
    )
    webpage = tmp_path / "can-cuoc.jpg"
    webpage.write_bytes(b"<!doctype html><html><body><script>alert(1)</script></body></html>")
    huge = tmp_path / "giay-ket-hon.pdf"
    huge.write_bytes(PDF + b"0" * (12 * 1024 * 1024))
    page.goto(f"{page.base_url}/dossiers/draft/{draft.uuid}/files/")

    cases = [
        (birth, program, "Tệp “giay-chung-sinh.pdf” không phải ảnh JPEG, PNG hoặc tài liệu PDF"),
        (parents, webpage, "Tệp “can-cuoc.jpg” không phải ảnh JPEG, PNG hoặc tài liệu PDF"),
        (marriage, huge, "Tệp “giay-ket-hon.pdf” nặng 12,0 MB, quá giới hạn 10 MB mỗi tệp"),
    ]
    for component, path, message in cases:
        upload(page, component, path)
        if not page.javascript:
            page.wait_for_url(re.compile(rf"/files/#component-{component.pk}$"))
        block = page.locator(f"#component-{component.pk}")
        alert = block.get_by_role("alert")
        expect(alert).to_contain_text(message)
        if page.javascript:  # announced, and focus moves to it
            expect(alert).to_be_focused()
        else:  # the page opens at the component (a URL fragment), whose block holds the message
            assert page.evaluate("() => document.querySelector(':target').id") == f"component-{component.pk}"
            viewport_bottom = page.evaluate("() => window.innerHeight")
            assert alert.is_visible() and 0 <= alert.bounding_box()["y"] < viewport_bottom
        field = block.locator('input[type="file"]')
        assert field.get_attribute("aria-invalid") == "true"
        assert alert.get_attribute("id") in field.get_attribute("aria-describedby")
        # Beside that component only: the other blocks and the top of the page do not carry it.
        assert page.get_by_text(message[:40]).count() == 1
        box = alert.bounding_box()
        assert box and box["width"] <= 360
    screenshot(page, "upload-errors")
    if page.javascript:
        assert_accessible(page, "upload step with refused files")
    else:  # axe needs JavaScript: check the very HTML the server sent, in a page that runs it
        html = page.content()
        checker = page.context.browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)
        try:
            other = checker.new_page()
            other.goto(page.base_url + "/healthz")
            other.set_content(html)
            assert_accessible(other, "upload step with refused files, rendered without JavaScript")
        finally:
            checker.close()
    assert not DossierFile.objects.filter(dossier=draft).exists()
    assert not page.js_errors
