"""A citizen on a 360 px phone applies for a marital status certificate online, end to end:
sign in, find the procedure, fill the prefilled declaration, save the draft, resume it, upload
documents, choose delivery, review, submit, and see the confirmation, the dossier page and the PDF."""

import re
from datetime import date

import pytest

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def citizen():
    from accounts.models import CitizenProfile, User

    user = User.objects.create_user(
        "hoa",
        email="hoa@example.vn",
        password="mat-khau-cua-hoa-1",
        full_name="Nguyễn Thị Hoa",
        phone="+84912345620",
        phone_verified=True,
    )
    CitizenProfile.objects.create(
        user=user,
        personal_id="027195012345",
        date_of_birth=date(1995, 6, 1),
        sex="female",
        permanent_province_code="24",
        permanent_province_name="Bắc Ninh",
        permanent_commune_code="09187",
        permanent_commune_name="Phường Kinh Bắc",
        permanent_street="Số 5 Lý Thái Tổ",
        contact_province_code="24",
        contact_province_name="Bắc Ninh",
        contact_commune_code="09187",
        contact_commune_name="Phường Kinh Bắc",
        contact_street="Số 5 Lý Thái Tổ",
    )
    return user


def continue_(page):
    page.get_by_role("button", name="Lưu và tiếp tục").click()


def test_apply_online_from_a_phone(page, citizen, tmp_path):
    if page.viewport_name != "phone":
        pytest.skip("the submission journey is walked on a 360 px phone")
    page.goto(page.base_url + "/accounts/login/")
    page.locator('input[name="login"]').fill("hoa@example.vn")
    page.locator('input[name="password"]').fill("mat-khau-cua-hoa-1")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/profile/"))

    page.goto(page.base_url + "/procedures/?q=xac+nhan+tinh+trang+hon+nhan")
    page.locator(".result-title a", has_text="Giấy xác nhận tình trạng hôn nhân").first.click()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()

    page.wait_for_url(re.compile(r"/agency/$"))
    assert_accessible(page, "agency step")
    assert_no_horizontal_scroll(page)
    screenshot(page, "dossier-agency")
    continue_(page)

    page.wait_for_url(re.compile(r"/answers/$"))
    assert page.locator('input[name="full_name"]').input_value() == "Nguyễn Thị Hoa"  # prefilled
    assert page.locator('input[name="personal_id"]').input_value() == "027195012345"
    page.locator('input[name="ethnicity"]').fill("Kinh")
    page.locator('input[name="nationality"]').fill("Việt Nam")
    page.locator('select[name="applicant_role"]').select_option("self")
    page.locator('select[name="marital_status"]').select_option("single")
    page.locator('input[name="purpose"]').fill("Đăng ký kết hôn")
    page.locator('input[name="copies"]').fill("1")
    assert_accessible(page, "declaration")
    assert_no_horizontal_scroll(page)
    screenshot(page, "dossier-answers")
    page.get_by_role("button", name="Lưu, làm tiếp sau").click()

    # The draft is on the server: resume it from "Hồ sơ của tôi".
    page.wait_for_url(re.compile(r"/dossiers/$"))
    assert_accessible(page, "my dossiers")
    page.locator("a", has_text="Giấy xác nhận tình trạng hôn nhân").first.click()
    page.wait_for_url(re.compile(r"/answers/$"))
    assert page.locator('input[name="purpose"]').input_value() == "Đăng ký kết hôn"
    continue_(page)

    page.wait_for_url(re.compile(r"/files/$"))
    scan = tmp_path / "giay-to.pdf"
    scan.write_bytes(PDF)
    uploads = page.locator("form[data-upload-progress]")
    for index in range(2):  # the two documents required in every case
        form = uploads.nth(index)
        form.locator('input[type="file"]').set_input_files(str(scan))
        form.get_by_role("button", name="Tải lên").click()
        page.wait_for_load_state()
        page.locator(".uploaded-files").nth(index).wait_for()
    assert_accessible(page, "documents")
    assert_no_horizontal_scroll(page)
    screenshot(page, "dossier-files")
    continue_(page)

    page.wait_for_url(re.compile(r"/delivery/$"))
    page.locator("label", has_text="Nhận kết quả điện tử trực tuyến").click()
    continue_(page)
    page.wait_for_url(re.compile(r"/fees/$"))
    assert_accessible(page, "fees")
    continue_(page)

    page.wait_for_url(re.compile(r"/review/$"))
    assert "Đăng ký kết hôn" in page.content()
    assert_accessible(page, "review")
    assert_no_horizontal_scroll(page)
    screenshot(page, "dossier-review")
    page.locator("label", has_text="Tôi cam đoan").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url(re.compile(r"/submitted/$"))
    code = page.locator(".dossier-code").first.inner_text().strip()
    assert re.fullmatch(r"000\.21\.01\.H24-\d{6}-\d{4}", code), code
    assert_accessible(page, "confirmation")
    screenshot(page, "dossier-submitted")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải bản PDF của hồ sơ đã nộp").click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.get_by_role("link", name="Xem hồ sơ").click()
    page.wait_for_url(re.compile(rf"/dossiers/{re.escape(code)}/$"))
    assert "Mới đăng ký" in page.content()
    assert_accessible(page, "dossier page")
    assert_no_horizontal_scroll(page)
    screenshot(page, "dossier-page")
    assert not page.js_errors, page.js_errors
