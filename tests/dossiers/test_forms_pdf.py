"""Forms 01–07 of Circular 03/2025/TT-VPCP (dossiers/documents.py): the text read back from the PDFs."""

import csv
import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import CitizenProfile
from dossiers import documents, services
from dossiers.constants import EventKind, Status
from dossiers.models import Dossier, DossierEvent
from procedures.constants import AgencyKind
from tests.dossiers.test_submission import PDF, ready_draft
from tests.factories import AgencyFactory, ComponentFactory, MethodFactory, ProcedureFactory, UserFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
RECEIVED = datetime(2026, 11, 23, 14, 5, tzinfo=HCM)  # a Monday
# 3 working days as dossiers.workdays counts them (24/11, Vietnamese Culture Day, is a day off).
DUE = datetime(2026, 11, 27, 17, 0, tzinfo=HCM)
OFFICER = "Trần Văn Ẩn"
SPECIALIST = "Lê Thị Bích Ngọc"
LEADER = "Hoàng Minh Đức"
APPLICANT = "Phạm Thị Hồng Nhung"
PROCEDURE = "Thủ tục đăng ký khai sinh"

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) not installed: cannot read the PDF text back",
)


def pdf_text(pdf_bytes: bytes) -> str:
    """``pdftotext -raw``, NFC, every run of whitespace (line breaks in cells too) as one space."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf_bytes)
        file.flush()
        result = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True
        )
    return " ".join(unicodedata.normalize("NFC", result.stdout.decode("utf-8")).split())


def pdf_pages(pdf_bytes: bytes) -> tuple[int, float, float]:
    """(pages, width, height in points) from pdfinfo."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf_bytes)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, check=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.MULTILINE).groups())
    return pages, width, height


@pytest.fixture
def agency(db):
    province = AgencyFactory(
        name="Ủy ban nhân dân tỉnh Bắc Ninh", kind=AgencyKind.PROVINCE, unit_name="Tỉnh Bắc Ninh"
    )
    return AgencyFactory(
        name="Ủy ban nhân dân phường Kinh Bắc",
        parent=province,
        unit_name="Phường Kinh Bắc",
        address="Bộ phận Một cửa phường Kinh Bắc, số 2 đường Ngô Gia Tự, tỉnh Bắc Ninh",
        phone="0222 3 821 234",
    )


@pytest.fixture
def procedure(agency):
    procedure = ProcedureFactory(service_level=4, name=PROCEDURE)
    procedure.agencies.add(agency)
    MethodFactory(procedure=procedure, channel="online", time_limit_days=3, charge_vnd=0)
    declaration = ComponentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", required=True)
    certificate = ComponentFactory(
        procedure=procedure, name="Giấy chứng sinh", required=True, originals=1, copies=0
    )
    return procedure, declaration, certificate


def submitted(agency, procedure, *, full_name: str, phone: str) -> Dossier:
    """A dossier submitted online through the real services (code, snapshot, event), with a profile."""
    proc, declaration, certificate = procedure
    user = UserFactory(full_name=full_name, phone=phone, email="nhung.pham@example.vn")
    CitizenProfile.objects.create(
        user=user,
        permanent_street="Số 12 ngõ 3 phố Ngô Gia Tự",
        permanent_commune_name="Phường Kinh Bắc",
        permanent_province_name="Tỉnh Bắc Ninh",
    )
    draft, user = ready_draft(user=user, procedure=proc, component=declaration, agency=agency)
    for name in ("giay-chung-sinh-trang-1.pdf", "giay-chung-sinh-trang-2.pdf"):
        services.draft_add_file(dossier=draft, component=certificate, upload=SimpleUploadedFile(name, PDF))
    return services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )


def processed(dossier: Dossier, *, number: str) -> Dossier:
    """Set the processing fields and the hand-off events directly, as the processing services would."""
    dossier.received_at = RECEIVED
    dossier.due_at = DUE
    dossier.logbook_number = f"2026/{number}"
    dossier.department = "Phòng Văn hóa - Xã hội"
    dossier.status = Status.RETURNED
    dossier.completed_at = datetime(2026, 11, 25, 9, 30, tzinfo=HCM)  # before the due day: "Trước hạn"
    dossier.returned_at = datetime(2026, 11, 25, 10, 15, tzinfo=HCM)
    dossier.return_method = "online"
    dossier.save()
    steps = [
        ("receive", Status.SUBMITTED, Status.RECEIVED, OFFICER, "", RECEIVED),
        (
            "assign",
            Status.RECEIVED,
            Status.PROCESSING,
            OFFICER,
            SPECIALIST,
            datetime(2026, 11, 23, 15, 0, tzinfo=HCM),
        ),
        (
            "submit_for_approval",
            Status.PROCESSING,
            Status.PROCESSING,
            SPECIALIST,
            LEADER,
            datetime(2026, 11, 23, 16, 20, tzinfo=HCM),
        ),
        (
            "approve",
            Status.PROCESSING,
            Status.PROCESSING,
            LEADER,
            SPECIALIST,
            datetime(2026, 11, 25, 8, 45, tzinfo=HCM),
        ),
        ("result_ready", Status.PROCESSING, Status.RESULT_READY, SPECIALIST, OFFICER, dossier.completed_at),
        ("return_result", Status.RESULT_READY, Status.RETURNED, OFFICER, APPLICANT, dossier.returned_at),
    ]
    for action, before, after, giver, taker, at in steps:
        DossierEvent.objects.create(
            dossier=dossier,
            kind=EventKind.STATUS,
            action=action,
            from_status=before,
            to_status=after,
            from_user=giver,
            to_user=taker,
            actor_display=giver,
            at=at,
            agency=dossier.agency,
        )
    return dossier


@pytest.fixture
def dossier(agency, procedure):
    return processed(submitted(agency, procedure, full_name=APPLICANT, phone="+84912345678"), number="0001")


# --- pure helpers -----------------------------------------------------------------------------------


def test_vietnamese_dates_and_times():
    assert documents.vn_date(date(2026, 11, 22)) == "ngày 22 tháng 11 năm 2026"
    assert documents.vn_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert documents.vn_date(date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    # Stored in UTC, written in Vietnam's time.
    assert documents.vn_time(datetime(2026, 11, 22, 7, 5, tzinfo=ZoneInfo("UTC"))) == "14 giờ 05 phút"
    assert documents.vn_datetime(RECEIVED) == "14 giờ 05 phút, ngày 23 tháng 11 năm 2026"


def test_place_names_follow_decree_30():
    assert documents.place_name("Tỉnh Bắc Ninh") == "Bắc Ninh"
    assert documents.place_name("Phường Kinh Bắc") == "Kinh Bắc"
    assert documents.place_name("Phường 5") == "Phường 5"
    assert documents.place_name("Thành phố Hồ Chí Minh") == "Thành phố Hồ Chí Minh"


@pytest.mark.parametrize(
    ("status", "finished", "supplements", "expected"),
    [
        (Status.RETURNED, datetime(2026, 11, 25, 9, 30, tzinfo=HCM), 0, "Trước hạn"),
        (Status.RESULT_READY, datetime(2026, 11, 27, 8, 0, tzinfo=HCM), 0, "Đúng hạn"),
        (Status.RETURNED, DUE, 0, "Đúng hạn"),
        (Status.RETURNED, datetime(2026, 11, 27, 17, 1, tzinfo=HCM), 0, "Quá hạn"),
        # A second supplement request counts as late whatever the dates.
        (Status.RETURNED, datetime(2026, 11, 24, 9, 0, tzinfo=HCM), 2, "Quá hạn"),
        (Status.PROCESSING, None, 0, None),
        (Status.STOPPED, datetime(2026, 11, 24, 9, 0, tzinfo=HCM), 0, None),
    ],
)
def test_timeliness(status, finished, supplements, expected):
    dossier = Dossier(status=status, due_at=DUE, completed_at=finished, supplement_requests=supplements)
    assert documents.timeliness(dossier) == expected


def test_timeliness_needs_a_due_date():
    assert documents.timeliness(Dossier(status=Status.RETURNED, completed_at=RECEIVED)) is None


# --- the forms ----------------------------------------------------------------------------------------


def assert_header(text: str, dossier: Dossier) -> None:
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {dossier.code}",
        "Kinh Bắc, ngày",
        f"Tra cứu hồ sơ: http://testserver-portal.invalid/lookup/?code={dossier.code}",
    ):
        assert expected in text, expected


@pytest.fixture(autouse=True)
def _portal_url(settings):
    settings.PORTAL_BASE_URL = "http://testserver-portal.invalid/"


@needs_pdftotext
@pytest.mark.django_db
def test_form01_receipt(dossier):
    pdf = documents.form01_receipt(dossier, officer_name=OFFICER)
    text = pdf_text(pdf)
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {dossier.code}",
        "Ủy ban nhân dân phường Kinh Bắc đã tiếp nhận hồ sơ của:",
        f"Ông/bà: {APPLICANT}",
        "Địa chỉ: Số 12 ngõ 3 phố Ngô Gia Tự, Phường Kinh Bắc, Tỉnh Bắc Ninh",
        "Số điện thoại: 0912345678; thư điện tử: nhung.pham@example.vn",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "1 Tờ khai đăng ký khai sinh 1 tệp",
        "2 Giấy chứng sinh 2 tệp",
        "2. Số lượng hồ sơ: 01 bộ.",
        "3. Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc.",
        "4. Thời gian nhận hồ sơ: 14 giờ 05 phút, ngày 23 tháng 11 năm 2026.",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 27 tháng 11 năm 2026.",
        "6. Đăng ký nhận kết quả tại: Nhận kết quả điện tử trực tuyến",
        "Vào Sổ theo dõi hồ sơ: quyển số 2026, số thứ tự 0001.",
        "Kinh Bắc, ngày 23 tháng 11 năm 2026",  # dated on the day of receipt
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        OFFICER,
    ):
        assert expected in text, expected
    assert pdf_pages(pdf)[0] == 1


@needs_pdftotext
@pytest.mark.django_db
def test_form02_supplement(dossier):
    pdf = documents.form02_supplement(
        dossier,
        missing=["Giấy chứng sinh", "Văn bản ủy quyền có chứng thực"],
        reason="Giấy chứng sinh tải lên bị mờ, không đọc được số sêri.",
        officer_name=OFFICER,
        officer_phone="0222 3 821 234",
    )
    text = pdf_text(pdf)
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Hồ sơ của: {APPLICANT}",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "1 Giấy chứng sinh 1",  # the published component: 1 original
        "2 Văn bản ủy quyền có chứng thực",
        "Lý do: Giấy chứng sinh tải lên bị mờ, không đọc được số sêri.",
        f"liên hệ với {OFFICER}, số điện thoại 0222 3 821 234",
        "NGƯỜI HƯỚNG DẪN",
    ):
        assert expected in text, expected


@needs_pdftotext
@pytest.mark.django_db
def test_form03_refusal_escapes_the_reason(dossier):
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết của phường <b>Kinh Bắc</b> & đã chuyển về Sở Tư pháp."
    text = pdf_text(documents.form03_refusal(dossier, reason=reason, officer_name=OFFICER))
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 03",
        "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        f"Ông/bà: {APPLICANT}",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        reason,  # shown literally, never as markup
        OFFICER,
    ):
        assert expected in text, expected


@needs_pdftotext
@pytest.mark.django_db
def test_form04_apology(dossier):
    new_due = datetime(2026, 12, 2, 16, 0, tzinfo=HCM)
    reason = "Phải xác minh thông tin nơi sinh với cơ sở y tế."
    text = pdf_text(documents.form04_apology(dossier, reason=reason, new_due=new_due, officer_name=LEADER))
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        f"Kính gửi: Ông/bà {APPLICANT}",
        f"Ngày 23 tháng 11 năm 2026, Ủy ban nhân dân phường Kinh Bắc tiếp nhận hồ sơ đề nghị giải quyết thủ tục “{PROCEDURE}”",
        f"mã hồ sơ {dossier.code}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 27 tháng 11 năm 2026.",
        f"Lý do: {reason}",
        "trân trọng xin lỗi ông/bà",
        "hẹn trả kết quả vào 16 giờ 00 phút, ngày 02 tháng 12 năm 2026.",
        LEADER,
    ):
        assert expected in text, expected


@needs_pdftotext
@pytest.mark.django_db
def test_form04_after_the_extension_still_shows_the_first_appointment(dossier):
    new_due = datetime(2026, 12, 2, 16, 0, tzinfo=HCM)
    dossier.due_at, dossier.extended = new_due, True  # what processing.dossier_extend stores
    dossier.save()
    text = pdf_text(
        documents.form04_apology(dossier, reason="Chờ xác minh.", new_due=new_due, officer_name=LEADER)
    )
    assert "hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 27 tháng 11 năm 2026." in text
    assert "hẹn trả kết quả vào 16 giờ 00 phút, ngày 02 tháng 12 năm 2026." in text


@needs_pdftotext
@pytest.mark.django_db
def test_form05_stop(dossier):
    reason = "Người nộp đã có văn bản đề nghị dừng giải quyết để bổ sung giấy tờ nước ngoài."
    text = pdf_text(documents.form05_stop(dossier, reason=reason, officer_name=LEADER))
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 05",
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        f"Kính gửi: Ông/bà {APPLICANT}",
        f"Mã hồ sơ: {dossier.code}",
        "thông báo dừng giải quyết hồ sơ nêu trên với lý do như sau:",
        reason,
        LEADER,
    ):
        assert expected in text, expected


@needs_pdftotext
@pytest.mark.django_db
def test_form06_control_slip(dossier):
    text = pdf_text(documents.form06_control_slip(dossier))
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 06",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Kèm theo phiếu này là hồ sơ của: {APPLICANT}",
        "Cơ quan (bộ phận) giải quyết: Phòng Văn hóa - Xã hội",
        "Hẹn trả kết quả: 17 giờ 00 phút, ngày 27 tháng 11 năm 2026",
        # The applicant's submission goes to the agency (no to_user on that event).
        f"Nộp hồ sơ {APPLICANT} Ủy ban nhân dân phường Kinh Bắc",
        f"Tiếp nhận {OFFICER} — 14 giờ 05 phút, ngày 23 tháng 11 năm 2026",
        f"Chuyển xử lý, phân công {OFFICER} {SPECIALIST} 15 giờ 00 phút, ngày 23 tháng 11 năm 2026",
        f"Trình lãnh đạo duyệt {SPECIALIST} {LEADER} 16 giờ 20 phút, ngày 23 tháng 11 năm 2026",
        f"Duyệt {LEADER} {SPECIALIST} 08 giờ 45 phút, ngày 25 tháng 11 năm 2026",
        # The result column is filled on the row that produced the result.
        f"Có kết quả {SPECIALIST} {OFFICER} 09 giờ 30 phút, ngày 25 tháng 11 năm 2026 Trước hạn",
        f"Trả kết quả {OFFICER} {APPLICANT} 10 giờ 15 phút, ngày 25 tháng 11 năm 2026",
        "Kết quả giải quyết hồ sơ: Trước hạn (hoàn thành lúc 09 giờ 30 phút, ngày 25 tháng 11 năm 2026).",
    ):
        assert expected in text, expected
    assert "Tạo bản nháp" not in text  # the draft is not a hand-off


@pytest.fixture
def two_dossiers(agency, procedure, dossier):
    second = submitted(agency, procedure, full_name="Đỗ Quang Vinh", phone="+84987654321")
    second.received_at = datetime(2026, 11, 25, 8, 30, tzinfo=HCM)
    second.due_at = datetime(2026, 11, 30, 17, 0, tzinfo=HCM)
    second.logbook_number = "2026/0002"
    second.status = Status.PROCESSING
    second.supplement_requests = 1
    second.save()
    return [second, dossier]  # out of order on purpose: the book lists them by receipt


@needs_pdftotext
@pytest.mark.django_db
def test_form07_logbook(agency, two_dossiers):
    second, first = two_dossiers
    pdf = documents.form07_logbook(
        agency, two_dossiers, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )
    text = pdf_text(pdf)
    for expected in (
        "Mẫu số 07",
        "SỔ THEO DÕI HỒ SƠ",
        "ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC",
        "Từ ngày 01 tháng 11 năm 2026 đến ngày 30 tháng 11 năm 2026",
        "STT Mã hồ sơ Tên thủ tục Người nộp Ngày nhận Hạn trả Ngày trả Trạng thái Ghi chú",
        f"1 {first.code} {PROCEDURE} {APPLICANT} 23/11/2026 14:05 27/11/2026 17:00 25/11/2026 10:15 Đã trả kết quả Số sổ 2026/0001; Trước hạn",
        f"2 {second.code} {PROCEDURE} Đỗ Quang Vinh 25/11/2026 08:30 30/11/2026 17:00 Đang xử lý Số sổ 2026/0002; Yêu cầu bổ sung 1 lần",
        "Tổng số: 2 hồ sơ.",
    ):
        assert expected in text, expected
    assert "Số:" not in text  # a book, not a numbered document
    pages, width, height = pdf_pages(pdf)
    assert pages == 1 and width > height  # A4 landscape


@pytest.mark.django_db
def test_form07_csv_has_one_row_per_dossier(agency, two_dossiers):
    second, first = two_dossiers
    second.applicant.full_name = '=HYPERLINK("http://evil.invalid")'
    second.applicant.save()
    text = documents.form07_logbook_csv(
        agency, two_dossiers, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )
    assert not text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(documents.LOGBOOK_COLUMNS)
    assert len(rows) == 1 + 2
    assert [row[1] for row in rows[1:]] == [first.code, second.code]
    assert rows[1][3] == APPLICANT and rows[1][4] == "23/11/2026 14:05" and rows[1][7] == "Đã trả kết quả"
    assert rows[2][3].startswith("'=")  # a spreadsheet shows it, never runs it


@needs_pdftotext
@pytest.mark.django_db
def test_form07_empty_period(agency):
    text = pdf_text(
        documents.form07_logbook(agency, [], period_start=date(2026, 12, 1), period_end=date(2026, 12, 31))
    )
    assert "Không có hồ sơ nào trong kỳ." in text and "Tổng số: 0 hồ sơ." in text


def test_days_are_written_the_vietnamese_way():
    assert documents._days(Decimal("3.0")) == "3"
    assert documents._days(Decimal("10")) == "10"
    assert documents._days(Decimal("0.5")) == "0,5"
    assert documents._days(None) == ""
