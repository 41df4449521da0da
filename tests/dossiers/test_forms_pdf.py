"""Forms 01–07 of Circular 03/2025/TT-VPCP (dossiers/documents.py): the text read back from the PDFs
(``pdftotext``), field by field as domain.md lists them, and every page checked for content besides a
signature or the QR code. With ``FORMS_ARTIFACTS=1`` the PDFs are also written to
tests/browser/artifacts/forms/ for ``pdftoppm -png`` and a look."""

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
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import CitizenProfile
from dossiers import documents, services
from dossiers.constants import EventKind, Status
from dossiers.models import Dossier, DossierEvent
from procedures.constants import AgencyKind
from tests.factories import (
    PDF,
    AgencyFactory,
    ComponentFactory,
    MethodFactory,
    ProcedureFactory,
    UserFactory,
    ready_draft,
)

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
    return " ".join(unicodedata.normalize("NFC", result.stdout.decode("utf-8")).replace("\u200b", "").split())


def page_texts(pdf_bytes: bytes) -> list[str]:
    """The text of each page (whitespace folded), from pdftotext page by page."""
    pages = pdf_pages(pdf_bytes)[0]
    out = []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf_bytes)
        file.flush()
        for number in range(1, pages + 1):
            result = subprocess.run(
                ["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(number), "-l", str(number), file.name, "-"],
                capture_output=True,
                check=True,
            )
            out.append(" ".join(unicodedata.normalize("NFC", result.stdout.decode("utf-8")).split()))
    return out


# What the closing block of a form prints: signature roles and hints, the QR caption, the page footer.
CLOSING = re.compile(
    r"NGƯỜI NỘP HỒ SƠ|NGƯỜI TIẾP NHẬN HỒ SƠ|NGƯỜI HƯỚNG DẪN|ĐẠI DIỆN CƠ QUAN|NGƯỜI LẬP SỔ|"
    r"\(Ký[^)]*\)|Nơi nhận:|- Như trên;|- Lưu: hồ sơ \S+|Tra cứu hồ sơ: \S+|Trang \d+ / \d+"
)


def assert_no_lonely_closing(pdf_bytes: bytes, *names: str) -> None:
    """No page holds only the signatures or the QR code: each has other text once they are removed."""
    for number, text in enumerate(page_texts(pdf_bytes), start=1):
        rest = CLOSING.sub(" ", text)
        for name in names:
            rest = rest.replace(name, " ")
        assert len(rest.split()) >= 5, f"page {number} holds only the closing block: {text!r}"


def keep(name: str, pdf_bytes: bytes) -> None:
    """With FORMS_ARTIFACTS=1, write the PDF where a person can turn it into images and look at it."""
    import os
    from pathlib import Path

    if os.environ.get("FORMS_ARTIFACTS"):
        folder = Path(__file__).resolve().parent.parent / "browser" / "artifacts" / "forms"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.pdf").write_bytes(pdf_bytes)


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
    dossier.sets = 2
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
    acceptance = datetime(2026, 11, 24, 14, 5, tzinfo=HCM)
    for action, before, after, giver, taker, at in steps:
        # The deadline each step is graded against, as the workflow records it (none once the result is ready).
        deadline = acceptance if before == Status.SUBMITTED else DUE
        data = {} if before == Status.RESULT_READY else {"deadline": deadline.isoformat()}
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
            data=data,
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


def assert_header(text: str, dossier: Dossier, *, number: str | None = None) -> None:
    for expected in (
        "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
        "ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Số: {dossier.code if number is None else number}",
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
    keep("form01", pdf)
    text = pdf_text(pdf)
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 01",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {dossier.code}",
        "Ủy ban nhân dân phường Kinh Bắc đã tiếp nhận hồ sơ của:",
        f"Ông/bà: {APPLICANT}",
        "Địa chỉ: Số 12 ngõ 3 phố Ngô Gia Tự, Phường Kinh Bắc, Tỉnh Bắc Ninh",
        "Số điện thoại: 0912 345 678; thư điện tử: nhung.pham@example.vn",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "STT Tên giấy tờ Bản chính Bản sao Ghi chú",
        # Originals and copies as the procedure asks for them, and what arrived online.
        "1 Tờ khai đăng ký khai sinh 01 — Bản điện tử: 1 tệp",
        "2 Giấy chứng sinh 01 — Bản điện tử: 2 tệp",
        "2. Số lượng hồ sơ: 02 bộ.",  # what the officer recorded at receipt
        "3. Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc.",
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
    assert "tệp 1 tệp" not in text and "01 bộ" not in text
    assert pdf_pages(pdf)[0] == 1
    assert_no_lonely_closing(pdf, APPLICANT, OFFICER)


@needs_pdftotext
@pytest.mark.django_db
def test_form01_lists_only_what_the_applicant_handed_in(dossier):
    """After a supplement request, form 02 (issued by the portal) is not "received"; the answer is."""
    from dossiers.models import DossierFile

    DossierFile.objects.create(
        dossier=dossier,
        component_name="Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        file=ContentFile(PDF, name="mau-02.pdf"),
        original_name="mau-02.pdf",
        kind="pdf",
        size=len(PDF),
        sha256="0" * 64,
        purpose="form02",
    )
    DossierEvent.objects.create(
        dossier=dossier,
        kind=EventKind.STATUS,
        action="request_supplement",
        data={
            "items": [
                {
                    "component_id": None,
                    "name": "Văn bản ủy quyền",
                    "originals": 1,
                    "certified_copies": 1,
                    "copies": 0,
                }
            ]
        },
    )
    DossierFile.objects.create(
        dossier=dossier,
        component_name="Văn bản ủy quyền",
        file=ContentFile(PDF, name="uy-quyen.pdf"),
        original_name="uy-quyen.pdf",
        kind="pdf",
        size=len(PDF),
        sha256="1" * 64,
        purpose="supplement",
    )
    text = pdf_text(documents.form01_receipt(dossier, officer_name=OFFICER))
    assert "Mẫu số 02:" not in text and "Phiếu yêu cầu bổ sung" not in text
    assert "3 Văn bản ủy quyền 01 01 (chứng thực) Bản điện tử: 1 tệp; nộp bổ sung" in text


@needs_pdftotext
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "description", "expected"),
    [
        (
            None,
            "Ngay trong ngày tiếp nhận hồ sơ; trường hợp nhận hồ sơ sau 15 giờ thì trả trong ngày làm việc tiếp theo.",
            "3. Thời gian giải quyết hồ sơ theo quy định: Ngay trong ngày tiếp nhận hồ sơ.",
        ),
        (None, "", "3. Thời gian giải quyết hồ sơ theo quy định: Trong ngày làm việc."),
        (Decimal("0.5"), "", "3. Thời gian giải quyết hồ sơ theo quy định: 04 giờ làm việc."),
        (Decimal("1.5"), "", "3. Thời gian giải quyết hồ sơ theo quy định: 1,5 ngày làm việc."),
    ],
)
def test_form01_time_limits_in_hours_or_the_same_day(dossier, days, description, expected):
    dossier.time_limit_days = days
    dossier.save()
    dossier.procedure.methods.update(time_limit_days=days, time_limit_text=description)
    text = pdf_text(documents.form01_receipt(dossier, officer_name=OFFICER))
    assert expected in text
    assert "………" not in text.split("3. Thời gian giải quyết")[1].split("4.")[0]


@needs_pdftotext
@pytest.mark.django_db
def test_form01_collection_place_is_the_street_address_once(dossier):
    dossier.delivery = "counter"
    dossier.save()
    text = pdf_text(documents.form01_receipt(dossier, officer_name=OFFICER))
    address = "Bộ phận Một cửa phường Kinh Bắc, số 2 đường Ngô Gia Tự, tỉnh Bắc Ninh"
    assert f"6. Đăng ký nhận kết quả tại: {address} (điện thoại 0222 3821 234)." in text
    assert text.count("số 2 đường Ngô Gia Tự") == 1
    assert "Khi đến nhận kết quả, người nộp mang theo giấy tiếp nhận này" in text


@needs_pdftotext
@pytest.mark.django_db
def test_form01_with_many_documents_never_leaves_the_signatures_alone(dossier):
    proc = dossier.procedure
    for n in range(1, 27):
        component = ComponentFactory(
            procedure=proc, name=f"Giấy tờ kèm theo số {n} ({'rất dài ' * (n % 4)})", originals=0, copies=1
        )
        services.dossier_add_files(
            dossier=dossier,
            uploads=[(component, SimpleUploadedFile(f"g{n}.pdf", PDF))],
            purpose="application",
        )
    pdf = documents.form01_receipt(dossier, officer_name=OFFICER)
    keep("form01-long", pdf)
    assert pdf_pages(pdf)[0] >= 2
    assert_no_lonely_closing(pdf, APPLICANT, OFFICER)


ITEMS = [
    {"component_id": None, "name": "Giấy chứng sinh", "originals": 1, "certified_copies": 0, "copies": 0},
    {
        "component_id": None,
        "name": "Văn bản ủy quyền có chứng thực",
        "originals": 0,
        "certified_copies": 1,
        "copies": 0,
    },
    {"component_id": None, "name": "Ảnh 3x4", "originals": 0, "certified_copies": 0, "copies": 2},
]


@needs_pdftotext
@pytest.mark.django_db
def test_form02_supplement(dossier):
    pdf = documents.form02_supplement(
        dossier,
        items=ITEMS,
        reason="Giấy chứng sinh tải lên bị mờ, không đọc được số sêri.",
        officer_name=OFFICER,
        officer_phone="+84912000001",
    )
    keep("form02", pdf)
    text = pdf_text(pdf)
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 02",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Hồ sơ của: {APPLICANT}",
        "Địa chỉ: Số 12 ngõ 3 phố Ngô Gia Tự",
        f"Nội dung yêu cầu giải quyết: {PROCEDURE}",
        "STT Tên giấy tờ cần bổ sung, hoàn thiện Bản chính Bản sao chứng thực Bản sao",
        "1 Giấy chứng sinh 01",
        "2 Văn bản ủy quyền có chứng thực 01",
        "3 Ảnh 3x4 02",
        "Lý do: Giấy chứng sinh tải lên bị mờ, không đọc được số sêri.",
        f"liên hệ với {OFFICER}, số điện thoại 0912 000 001",
        "NGƯỜI HƯỚNG DẪN",
    ):
        assert expected in text, expected
    assert_no_lonely_closing(pdf, OFFICER)


@needs_pdftotext
@pytest.mark.django_db
def test_form02_without_an_officer_phone_gives_the_one_stop_shop(dossier):
    text = pdf_text(
        documents.form02_supplement(dossier, missing=["Giấy chứng sinh"], reason="Mờ", officer_name=OFFICER)
    )
    assert "số điện thoại 0222 3821 234" in text
    assert "1 Giấy chứng sinh 01" in text  # matched to the published component: 1 original


@needs_pdftotext
@pytest.mark.django_db
def test_form03_refusal_escapes_the_reason(dossier):
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết của phường <b>Kinh Bắc</b> & đã chuyển về Sở Tư pháp."
    pdf = documents.form03_refusal(dossier, reason=reason, officer_name=OFFICER)
    keep("form03", pdf)
    text = pdf_text(pdf)
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
    assert_no_lonely_closing(pdf, OFFICER)


@needs_pdftotext
@pytest.mark.django_db
def test_form04_apology(dossier):
    new_due = datetime(2026, 12, 2, 16, 0, tzinfo=HCM)
    previous = datetime(2026, 11, 30, 17, 0, tzinfo=HCM)  # an earlier extension had moved it
    reason = "Phải xác minh thông tin nơi sinh với cơ sở y tế."
    pdf = documents.form04_apology(
        dossier,
        reason=reason,
        new_due=new_due,
        previous_due=previous,
        document_number="03/XLGH",
        officer_name=LEADER,
    )
    keep("form04", pdf)
    text = pdf_text(pdf)
    assert_header(text, dossier, number="03/XLGH")
    for expected in (
        "Mẫu số 04",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        f"Kính gửi: Ông/bà {APPLICANT}",
        f"Ngày 23 tháng 11 năm 2026, Ủy ban nhân dân phường Kinh Bắc tiếp nhận hồ sơ đề nghị giải quyết thủ tục “{PROCEDURE}”",
        f"mã hồ sơ {dossier.code}",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 30 tháng 11 năm 2026.",
        f"Lý do: {reason}",
        "trân trọng xin lỗi ông/bà",
        "hẹn trả kết quả vào 16 giờ 00 phút, ngày 02 tháng 12 năm 2026.",
        LEADER,
    ):
        assert expected in text, expected
    assert f"Số: {dossier.code}" not in text
    assert_no_lonely_closing(pdf, LEADER)


@needs_pdftotext
@pytest.mark.django_db
def test_form04_of_an_old_event_still_shows_the_first_appointment(dossier):
    new_due = datetime(2026, 12, 2, 16, 0, tzinfo=HCM)
    dossier.due_at, dossier.extended = new_due, True  # what the extension stores
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
    pdf = documents.form05_stop(dossier, reason=reason, document_number="01/TB-DGQ", officer_name=LEADER)
    keep("form05", pdf)
    text = pdf_text(pdf)
    assert_header(text, dossier, number="01/TB-DGQ")
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
    assert_no_lonely_closing(pdf, LEADER)


@needs_pdftotext
@pytest.mark.django_db
def test_form06_control_slip(dossier):
    pdf = documents.form06_control_slip(dossier)
    keep("form06", pdf)
    text = pdf_text(pdf)
    assert_header(text, dossier)
    for expected in (
        "Mẫu số 06",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        f"Kèm theo phiếu này là hồ sơ của: {APPLICANT}",
        "Cơ quan (bộ phận) giải quyết: Phòng Văn hóa - Xã hội",
        "Thời hạn giải quyết: 03 ngày làm việc",
        "Hẹn trả kết quả: 17 giờ 00 phút, ngày 27 tháng 11 năm 2026",
        "Bên giao (ký, ghi rõ họ tên) Bên nhận (ký, ghi rõ họ tên)",
        # The applicant's submission goes to the agency.
        f"Nộp hồ sơ {APPLICANT} Bộ phận Một cửa – Ủy ban nhân dân phường Kinh Bắc",
        # Every row names its receiver, and is graded against its own deadline.
        f"Tiếp nhận {APPLICANT} {OFFICER} 14 giờ 05 phút, ngày 23 tháng 11 năm 2026 Trước hạn",
        f"Chuyển xử lý, phân công {OFFICER} {SPECIALIST} 15 giờ 00 phút, ngày 23 tháng 11 năm 2026 Trước hạn",
        f"Trình lãnh đạo duyệt {SPECIALIST} {LEADER} 16 giờ 20 phút, ngày 23 tháng 11 năm 2026 Trước hạn",
        f"Duyệt {LEADER} {SPECIALIST} 08 giờ 45 phút, ngày 25 tháng 11 năm 2026 Trước hạn",
        # The row that produced the result carries the dossier's grade.
        f"Có kết quả {SPECIALIST} {OFFICER} 09 giờ 30 phút, ngày 25 tháng 11 năm 2026 Trước hạn",
        f"Trả kết quả {OFFICER} {APPLICANT} 10 giờ 15 phút, ngày 25 tháng 11 năm 2026",
        "Kết quả giải quyết hồ sơ: Trước hạn (hoàn thành lúc 09 giờ 30 phút, ngày 25 tháng 11 năm 2026).",
    ):
        assert expected in text, expected
    assert "Tạo bản nháp" not in text  # the draft is not a hand-off
    assert " — " not in text.split("Bước xử lý")[1]  # no row without a giver or a receiver
    assert_no_lonely_closing(pdf)


@needs_pdftotext
@pytest.mark.django_db
def test_form06_grades_a_late_step_late(dossier):
    late = DossierEvent.objects.get(dossier=dossier, action="approve")
    late.at = datetime(2026, 11, 28, 8, 0, tzinfo=HCM)  # the day after the due date
    late.save()
    text = pdf_text(documents.form06_control_slip(dossier))
    assert f"Duyệt {LEADER} {SPECIALIST} 08 giờ 00 phút, ngày 28 tháng 11 năm 2026 Quá hạn" in text


@pytest.fixture
def two_dossiers(agency, procedure, dossier):
    second = submitted(agency, procedure, full_name="Đỗ Quang Vinh", phone="+84987654321")
    second.received_at = datetime(2026, 11, 25, 8, 30, tzinfo=HCM)
    second.due_at = datetime(2026, 11, 30, 17, 0, tzinfo=HCM)
    second.logbook_number = "2026/0002"
    second.status = Status.PROCESSING
    second.supplement_requests = 1
    second.save()
    third = submitted(agency, procedure, full_name="Lý Thị Cúc", phone="+84911222333")
    third.logbook_number = "2026/0003"
    third.status = Status.REFUSED
    third.completed_at = datetime(2026, 11, 26, 9, 0, tzinfo=HCM)
    third.save()
    DossierEvent.objects.create(
        dossier=third, action="refuse", kind=EventKind.STATUS, data={"reason": "Không thuộc thẩm quyền"}
    )
    return [third, second, dossier]  # out of order on purpose: the book lists them by entry


@needs_pdftotext
@pytest.mark.django_db
def test_form07_logbook(agency, two_dossiers):
    third, second, first = two_dossiers
    pdf = documents.form07_logbook(
        agency, two_dossiers, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )
    keep("form07", pdf)
    text = pdf_text(pdf)
    joined = text.replace("- ", "-")  # a code wraps after a hyphen in its narrow column
    for expected in (f"1 2026/0001 {first.code}", f"2 2026/0002 {second.code}", f"3 2026/0003 {third.code}"):
        assert expected in joined, expected
    for expected in (
        "Mẫu số 07",
        "SỔ THEO DÕI HỒ SƠ",
        "ỦY BAN NHÂN DÂN PHƯỜNG KINH BẮC",
        "Từ ngày 01 tháng 11 năm 2026 đến ngày 30 tháng 11 năm 2026",
        "STT Số sổ Mã hồ sơ Tên thủ tục Người nộp",
        "Ngày có kết quả",
        "Phạm Thị Hồng Nhung",
        "Đỗ Quang Vinh",
        "Lý Thị Cúc",
        "0912 345 678",
        "Phòng Văn hóa - Xã hội",
        "Đã trả kết quả",
        "Không được tiếp nhận",
        "Từ chối: Không thuộc thẩm quyền",
        "Yêu cầu bổ sung 1 lần",
        "Tổng số: 3 hồ sơ.",
    ):
        assert expected in text, expected
    assert "Số:" not in text  # a book, not a numbered document
    pages, width, height = pdf_pages(pdf)
    assert pages == 1 and width > height  # A4 landscape


@pytest.mark.django_db
def test_form07_csv_opens_in_excel(agency, two_dossiers):
    third, second, first = two_dossiers
    second.applicant.full_name = '=HYPERLINK("http://evil.invalid")'
    second.applicant.save()
    text = documents.form07_logbook_csv(
        agency, two_dossiers, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == list(documents.LOGBOOK_COLUMNS)
    assert len(rows) == 1 + 3
    assert [row[2] for row in rows[1:]] == [first.code, second.code, third.code]
    assert [row[1] for row in rows[1:]] == ["2026/0001", "2026/0002", "2026/0003"]
    assert rows[1][4] == APPLICANT and rows[1][7] == "23/11/2026 14:05" and rows[1][12] == "Đã trả kết quả"
    assert rows[1][6] == "02" and rows[1][9] == "Phòng Văn hóa - Xã hội" and rows[1][10] == "25/11/2026 09:30"
    assert rows[2][4].startswith("'=")  # a spreadsheet shows it, never runs it


@pytest.mark.django_db
def test_form07_xlsx(agency, two_dossiers):
    from openpyxl import load_workbook

    third, second, first = two_dossiers
    second.applicant.full_name = '=HYPERLINK("http://evil.invalid")'
    second.applicant.save()
    data = documents.form07_logbook_xlsx(
        agency, two_dossiers, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Ủy ban nhân dân phường Kinh Bắc"
    assert values[2][0] == "Từ ngày 01 tháng 11 năm 2026 đến ngày 30 tháng 11 năm 2026"
    header = values.index(list(documents.LOGBOOK_COLUMNS))
    body = values[header + 1 :]
    assert [row[2] for row in body] == [first.code, second.code, third.code]
    assert body[1][4] == '=HYPERLINK("http://evil.invalid")'  # text, not a formula
    assert sheet.cell(row=header + 2 + 1, column=5).data_type == "s"


@needs_pdftotext
@pytest.mark.django_db
def test_form07_many_rows_keep_the_signature_with_the_book(agency, dossier):
    rows = [dossier] * 45
    pdf = documents.form07_logbook(
        agency, rows, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)
    )
    keep("form07-long", pdf)
    assert pdf_pages(pdf)[0] >= 2
    assert_no_lonely_closing(pdf)


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


@pytest.mark.parametrize(
    ("days", "description", "expected"),
    [
        (Decimal("3"), "", "03 ngày làm việc"),
        (Decimal("15"), "", "15 ngày làm việc"),
        (Decimal("0.5"), "", "04 giờ làm việc"),
        (Decimal("0.25"), "", "02 giờ làm việc"),
        (Decimal("0"), "", "Trong ngày làm việc"),
        (None, "", "Trong ngày làm việc"),
        (None, "Trong ngày; nếu sau 15 giờ thì ngày hôm sau.", "Trong ngày"),
    ],
)
def test_time_limit_text(days, description, expected):
    assert documents.time_limit_text(days, description) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+84912345678", "0912 345 678"),
        ("0912345678", "0912 345 678"),
        ("+842223822888", "0222 3822 888"),
        ("0222 3 821 234", "0222 3821 234"),
        ("", ""),
        ("gọi tổng đài", "gọi tổng đài"),
    ],
)
def test_phones_are_shown_as_people_read_them(raw, expected):
    assert documents.display_phone(raw) == expected


@needs_pdftotext
@pytest.mark.django_db
def test_form02_with_a_long_list_keeps_its_closing_with_content(dossier):
    items = [
        {
            "component_id": None,
            "name": f"Giấy tờ cần bổ sung số {n}",
            "originals": 1,
            "certified_copies": 0,
            "copies": 1,
        }
        for n in range(1, 31)
    ]
    pdf = documents.form02_supplement(
        dossier, items=items, reason="Thiếu nhiều giấy tờ.", officer_name=OFFICER
    )
    keep("form02-long", pdf)
    assert pdf_pages(pdf)[0] >= 2
    assert_no_lonely_closing(pdf, OFFICER)


@needs_pdftotext
@pytest.mark.django_db
def test_form06_with_many_hand_offs_keeps_its_closing_with_content(dossier):
    for n in range(24):
        DossierEvent.objects.create(
            dossier=dossier,
            kind=EventKind.STATUS,
            action="assign",
            from_user=OFFICER,
            to_user=SPECIALIST,
            at=datetime(2026, 11, 24, 8, n, tzinfo=HCM),
            data={"deadline": DUE.isoformat()},
        )
    pdf = documents.form06_control_slip(dossier)
    keep("form06-long", pdf)
    assert pdf_pages(pdf)[0] >= 2
    assert_no_lonely_closing(pdf)
