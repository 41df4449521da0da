"""A marriage application and a birth registration on a 360 px phone, as a new citizen would make
them, with axe-core on every page:

- marriage: the procedure page says both must come in; a bride born 16 years ago is refused with
  a message naming her; the paper form is not asked for; the fee depends on the answer (2
  extracts × 8,000 đ); "Thay đổi" on the review returns to the review with the yes/no answer kept;
  the receipt's QR link opens the lookup with the code filled in and no error before typing; the
  withdrawal asks first, states the consequence and refuses an empty reason beside the field.
- birth: a child born next year is refused; the hospital's birth notice is required; the result
  goes by post, the dossier page shows the address; a citizen without email is told "SMS".
"""

import re
import subprocess
from datetime import date, timedelta

import pytest

from .conftest import assert_accessible, assert_no_horizontal_scroll, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = date.today()


def make_citizen(username, *, phone, email="", full_name):
    from accounts.models import User

    return User.objects.create_user(
        username,
        email=email,
        password="mat-khau-thu-nghiem-1",
        full_name=full_name,
        phone=phone,
        phone_verified=True,
    )


def sign_in(page, login):
    page.goto(page.base_url + "/accounts/login/")
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill("mat-khau-thu-nghiem-1")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/accounts/profile/"))


def check(page, what):
    assert_accessible(page, what)
    assert_no_horizontal_scroll(page)


def continue_(page):
    page.locator(".wizard-buttons button[name=continue]").click()
    page.wait_for_load_state()


def choose_address(page, name, street):
    page.locator(f'select[name="{name}_0"]').select_option("24")
    page.locator(f'select[name="{name}_1"] option[value="09187"]').wait_for(state="attached")
    page.locator(f'select[name="{name}_1"]').select_option("09187")
    page.locator(f'input[name="{name}_2"]').fill(street)


def upload(page, component_text, path):
    row = page.locator("li.component-upload", has_text=component_text).first
    row.locator('input[type="file"]').set_input_files(str(path))
    # With JavaScript the component's block is swapped in place (no page load).
    row.get_by_role("button", name="Tải lên").click()
    page.locator("li.component-upload", has_text=component_text).locator(".uploaded-files").wait_for()


def fill_party(page, index, side, name, born, pid):
    prefix = f"parties__{index}__"
    page.locator(f'select[name="{prefix}side"]').select_option(side)
    page.locator(f'input[name="{prefix}full_name"]').fill(name)
    page.locator(f'input[name="{prefix}date_of_birth"]').fill(born)
    page.locator(f'input[name="{prefix}ethnicity"]').fill("Kinh")
    page.locator(f'input[name="{prefix}nationality"]').fill("Việt Nam")
    page.locator(f'input[name="{prefix}personal_id"]').fill(pid)
    choose_address(page, f"{prefix}residence", "Số 7 Lý Thái Tổ")
    page.locator(f'select[name="{prefix}marriage_count"]').select_option("first")


def test_marriage_on_a_phone(page, tmp_path, browser_instance):
    if page.viewport_name != "phone":
        pytest.skip("walked on a 360 px phone")
    make_citizen("an-citizen", phone="+84912345631", email="an@example.vn", full_name="Nguyễn Văn An")
    sign_in(page, "an@example.vn")
    assert "Nguyễn Văn An" in page.locator(".portal-account").inner_text()  # greeted by name

    page.goto(page.base_url + "/procedures/1.000894/")
    action = page.locator(".main-action").inner_text()
    assert "vẫn phải đến cơ quan" in action and "không cần đến cơ quan" not in action
    check(page, "marriage procedure page")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r"/agency/$"))
    check(page, "agency step")
    continue_(page)

    page.wait_for_url(re.compile(r"/answers/$"))
    bride_born = date(TODAY.year - 16, 3, 14).isoformat()
    fill_party(page, 0, "male", "Nguyễn Văn An", "1994-08-02", "027094001873")
    fill_party(page, 1, "female", "Trần Thị Bình", bride_born, "027310004512")
    page.locator('label[for="id_copies_requested_0"]').click()  # Có
    page.locator('input[name="copies"]').fill("2")
    page.locator('input[name="phone"]').fill("0912 345 631")
    check(page, "marriage declaration")
    screenshot(page, "citizen-marriage-answers")
    continue_(page)
    summary = page.locator("#error-summary").inner_text()
    assert "Bên nữ: Ngày, tháng, năm sinh: Bên nữ phải từ đủ 18 tuổi" in summary, summary
    assert page.locator("#id_parties__1__date_of_birth-error").is_visible()
    check(page, "declaration refused")
    page.locator('input[name="parties__1__date_of_birth"]').fill("1996-03-14")
    page.locator('input[name="parties__1__personal_id"]').fill("027196004512")
    continue_(page)

    page.wait_for_url(re.compile(r"/files/$"))
    assert "Không cần tải lên, vì bạn đã khai trực tuyến" in page.content()
    scan = tmp_path / "cccd.pdf"
    scan.write_bytes(PDF)
    upload(page, "Giấy tờ tùy thân của hai bên", scan)
    check(page, "documents")
    continue_(page)

    page.wait_for_url(re.compile(r"/delivery/$"))
    assert page.locator('input[type="radio"]').count() == 0  # counter only: both sign in person
    assert "Nhận kết quả trực tiếp tại Bộ phận Một cửa" in page.locator("main").inner_text()
    check(page, "delivery")
    continue_(page)

    page.wait_for_url(re.compile(r"/fees/$"))
    fees = page.locator("main").inner_text()
    assert "Phí cấp bản sao trích lục kết hôn" in fees
    assert "8.000 đồng × 2 bản = 16.000 đồng" in fees and "Tổng cộng: 16.000 đồng" in fees
    assert "Lệ phí đăng ký kết hôn" in fees and "Miễn" in fees
    check(page, "fees")
    screenshot(page, "citizen-marriage-fees")
    continue_(page)

    page.wait_for_url(re.compile(r"/review/$"))
    check(page, "review")
    page.locator('a.review-change[href*="/answers/?from=review"]').click()
    page.wait_for_url(re.compile(r"/answers/\?from=review$"))
    assert page.locator("#id_copies_requested_0").is_checked()  # "Có" kept
    assert page.locator('input[name="copies"]').input_value() == "2"
    assert page.locator('input[name="parties__1__full_name"]').input_value() == "Trần Thị Bình"
    page.get_by_role("button", name="Lưu và quay lại trang kiểm tra").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert "16.000 đồng" in page.locator("main").inner_text()
    page.locator("label[for=declaration]").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url(re.compile(r"/submitted/$"))
    code = page.locator(".dossier-code").first.inner_text().strip()
    confirmation = page.locator("main").inner_text()
    assert "ký Sổ đăng ký kết hôn" in confirmation and "16.000 đồng" in confirmation
    check(page, "confirmation")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản PDF của hồ sơ đã nộp").click()
    receipt = tmp_path / "receipt.pdf"
    download.value.save_as(receipt)
    text = subprocess.run(["pdftotext", str(receipt), "-"], capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "16.000đồng" in flat and "Lịchhẹn:bạnvẫnphảiđếncơquan" in flat
    qr_path = re.search(r"/lookup/\?code=\S+?-\d{6}-\d{4}", flat).group(0)
    assert qr_path == f"/lookup/?code={code}"

    # The QR code, scanned by someone not signed in: the code is there, only the digits are asked.
    stranger = browser_instance.new_context(
        viewport={"width": 360, "height": 780}, locale="vi-VN", bypass_csp=True
    )
    lookup = stranger.new_page()
    lookup.viewport_name = "phone"
    lookup.goto(page.base_url + qr_path)
    assert code in lookup.locator("main").inner_text()
    assert lookup.locator(".usa-error-message, #error-summary").count() == 0
    assert lookup.locator('input[name="code"]').get_attribute("type") == "hidden"
    check(lookup, "lookup from the QR code")
    lookup.locator('input[name="phone_last4"]').fill("5631")
    lookup.get_by_role("button", name="Tra cứu").click()
    lookup.wait_for_load_state()
    assert "Mới đăng ký" in lookup.locator("main").inner_text()
    check(lookup, "lookup result")
    stranger.close()

    # Withdrawal asks first.
    page.goto(page.base_url + f"/dossiers/{code}/")
    check(page, "dossier page")
    assert page.locator('button:has-text("Rút hồ sơ")').count() == 0  # no one-tap withdrawal
    page.get_by_role("link", name="Rút hồ sơ…").click()
    page.wait_for_url(re.compile(r"/withdraw/$"))
    warning = page.locator(".usa-alert--warning").inner_text()
    assert "không hoàn tác được" in warning and "phải nộp một hồ sơ mới" in warning
    check(page, "withdrawal confirmation")
    page.get_by_role("button", name="Rút hồ sơ").click()
    page.wait_for_load_state()
    assert "Hãy ghi lý do rút hồ sơ" in page.locator("#id_reason-error").inner_text()
    check(page, "withdrawal refused")
    screenshot(page, "citizen-withdraw-refused")
    page.locator("#id_reason").fill("Nộp nhầm, hai bên sẽ nộp lại sau")
    page.locator('label[for="id_confirm"]').click()
    page.get_by_role("button", name="Rút hồ sơ").click()
    page.wait_for_url(re.compile(rf"/dossiers/{re.escape(code)}/$"))
    assert "Công dân yêu cầu rút hồ sơ" in page.locator("main").inner_text()
    check(page, "withdrawn")
    assert not page.js_errors, page.js_errors


def test_birth_registration_on_a_phone(page, tmp_path):
    if page.viewport_name != "phone":
        pytest.skip("walked on a 360 px phone")
    make_citizen("binh-citizen", phone="+84912345632", full_name="Trần Thị Bình")  # no email
    sign_in(page, "+84912345632")

    page.goto(page.base_url + "/procedures/1.001193/")
    assert "không cần đến cơ quan" in page.locator(".main-action").inner_text()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r"/agency/$"))
    continue_(page)

    page.wait_for_url(re.compile(r"/answers/$"))
    page.locator('input[name="declarant_personal_id"]').fill("027196004512")
    choose_address(page, "declarant_residence", "Số 18 Nguyễn Đăng Đạo")
    page.locator('select[name="declarant_relationship"]').select_option("mother")
    page.locator('input[name="child_full_name"]').fill("Nguyễn Minh Khang")
    page.locator('select[name="child_sex"]').select_option("male")
    page.locator('input[name="child_date_of_birth"]').fill(date(TODAY.year + 1, 1, 5).isoformat())
    page.locator('input[name="child_place_of_birth"]').fill("Bệnh viện Sản – Nhi Bắc Ninh")
    page.locator('input[name="child_hometown"]').fill("Xã Tiên Du, tỉnh Bắc Ninh")
    page.locator('input[name="child_ethnicity"]').fill("Kinh")
    page.locator('input[name="child_nationality"]').fill("Việt Nam")
    page.locator('select[name="birth_case"]').select_option("birth_notice")
    page.locator('input[name="mother__0__full_name"]').fill("Trần Thị Bình")
    page.locator('input[name="mother__0__date_of_birth"]').fill("1996-03-14")
    page.locator('input[name="mother__0__ethnicity"]').fill("Kinh")
    page.locator('input[name="mother__0__nationality"]').fill("Việt Nam")
    choose_address(page, "mother__0__residence", "Số 18 Nguyễn Đăng Đạo")
    page.locator('label[for="id_copies_requested_1"]').click()  # Không
    check(page, "birth declaration")
    continue_(page)
    summary = page.locator("#error-summary").inner_text()
    assert (
        "Người được khai sinh: Ngày, tháng, năm sinh: Ngày sinh của trẻ không thể sau ngày hôm nay" in summary
    )
    check(page, "birth declaration refused")
    page.locator('input[name="child_date_of_birth"]').fill((TODAY - timedelta(days=20)).isoformat())
    continue_(page)

    page.wait_for_url(re.compile(r"/files/$"))
    notice = page.locator("li.component-upload", has_text="Giấy chứng sinh do cơ sở y tế cấp")
    assert "bắt buộc" in notice.locator("h2").inner_text().lower()
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(PDF)
    upload(page, "Giấy chứng sinh do cơ sở y tế cấp", scan)
    upload(page, "Giấy tờ tùy thân của người đi đăng ký", scan)
    check(page, "birth documents")
    continue_(page)

    page.wait_for_url(re.compile(r"/delivery/$"))
    assert page.locator('input[name="delivery"]:checked').count() == 0  # nothing chosen for her
    assert "(không bắt buộc)" not in page.locator("main").inner_text()
    page.locator("label", has_text="Nhận qua dịch vụ bưu chính công ích").click()
    page.locator('select[name="post_province_code"]').select_option("24")
    page.locator('select[name="post_commune_code"] option[value="09187"]').wait_for(state="attached")
    page.locator('select[name="post_commune_code"]').select_option("09187")
    page.locator('input[name="post_street"]').fill("Số 18 đường Nguyễn Đăng Đạo")
    check(page, "birth delivery")
    continue_(page)

    page.wait_for_url(re.compile(r"/fees/$"))
    assert "Lệ phí đăng ký khai sinh" in page.locator("main").inner_text()
    check(page, "birth fees")
    continue_(page)
    page.wait_for_url(re.compile(r"/review/$"))
    page.locator("label[for=declaration]").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/submitted/$"))
    confirmation = page.locator("main").inner_text()
    assert "qua SMS." in confirmation and "thư điện tử" not in confirmation
    check(page, "birth confirmation")
    page.get_by_role("link", name="Xem hồ sơ").click()
    page.wait_for_url(re.compile(r"/dossiers/[^/]+/$"))
    detail = page.locator("main").inner_text()
    assert "Nhận qua dịch vụ bưu chính công ích" in detail
    assert "Số 18 đường Nguyễn Đăng Đạo, Phường Kinh Bắc, Bắc Ninh" in detail
    assert "0912 345 632" in detail
    check(page, "birth dossier page")
    screenshot(page, "citizen-birth-dossier")
    assert not page.js_errors, page.js_errors
