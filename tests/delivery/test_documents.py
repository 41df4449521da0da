"""The A6 label and the hand-over list, read back as a person and a scanner would: text with
pdftotext, the barcode with zbarimg after rasterising at 300 dpi."""

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from delivery import barcode, services
from delivery.documents import handover_pdf, item_spaced, label_pdf
from delivery.models import AgencyPostage, Shipment

from .helpers import ship

pytestmark = pytest.mark.django_db
TOOLS = all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "zbarimg"))
needs_tools = pytest.mark.skipif(not TOOLS, reason="needs poppler-utils and zbar-tools (scripts/setup.sh)")


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def barcodes(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "codes.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for image in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
        found += [line for line in result.stdout.splitlines() if line]
    return found


@pytest.fixture
def booked(django_capture_on_commit_callbacks, agency, address, settings):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    return ship(
        django_capture_on_commit_callbacks,
        agency,
        address,
        recipient_name="Trần Thị Bích Ngọc",
        applicant_name="Lê Văn Hùng",
        authorised_recipient=True,
    )


def test_item_number_printed_in_groups():
    assert item_spaced("EE123456785VN") == "EE 1234 5678 5 VN"


@needs_tools
def test_the_label_reads_right_and_its_barcode_scans(booked, tmp_path):
    booked.refresh_from_db()
    assert booked.label_file, "the label is rendered after booking"
    pdf = booked.label_file.read()
    text = pdf_text(pdf, tmp_path)
    assert item_spaced(booked.item_number) in text
    for expected in (
        "NGƯỜI GỬI",
        booked.agency.name,
        "NGƯỜI NHẬN",
        "Trần Thị Bích Ngọc",
        "Nhận thay cho: Lê Văn Hùng (được ủy quyền)",
        "Số 12 đường Nguyễn Trãi",
        booked.commune_name,
        "Bắc Ninh",
        f"Mã xã {booked.commune_code}",
        "Thu của người nhận: 22.000 đ",
        f"/delivery/track/{booked.item_number}/",
    ):
        assert expected in text, expected
    assert barcodes(pdf, tmp_path) == [booked.item_number] or booked.item_number in barcodes(pdf, tmp_path)


@needs_tools
def test_the_label_is_a6(booked, tmp_path):
    path = tmp_path / "label.pdf"
    path.write_bytes(label_pdf(booked))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(v) for v in size.split(":")[1].split("pts")[0].split("x"))
    assert round(width / 72 * 25.4) == 105 and round(height / 72 * 25.4) == 148


@needs_tools
def test_an_agency_that_pays_prints_no_amount(
    django_capture_on_commit_callbacks, agency, address, tmp_path, settings
):
    from delivery.constants import Payer

    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    AgencyPostage.objects.create(agency=agency, agency_pays=True)
    shipment = ship(django_capture_on_commit_callbacks, agency, address, payer=Payer.AGENCY)
    assert shipment.cod_amount_vnd == 0
    assert "Cước do cơ quan trả" in pdf_text(label_pdf(shipment), tmp_path)


@needs_tools
def test_every_code128_symbol_scans(tmp_path):
    """Letters, punctuation, digit pairs 00–99 and every check value 0–102 at least once."""
    from weasyprint import HTML

    texts = [
        "".join(chr(c) for c in range(32 + i, min(32 + i + 19, 127))) for i in range(0, 95, 19)
    ]  # code set B: every printable character
    texts += ["".join(f"{n:02d}" for n in range(i, i + 20)) for i in range(0, 100, 20)]  # code set C
    checks = set()
    for text in texts:
        checks.add(barcode.encode(text)[-2])
    extra = []
    for a in range(33, 127):
        for b in range(33, 127):
            candidate = f"{chr(a)}{chr(b)}"
            value = barcode.encode(candidate)[-2]
            if value not in checks:
                checks.add(value)
                extra.append(candidate)
    assert checks == set(range(103))
    texts += extra
    html = "".join(f'<p style="margin:0 0 4mm"><img src="{barcode.code128_data_uri(t)}"></p>' for t in texts)
    decoded = barcodes(HTML(string=html).write_pdf(), tmp_path)
    assert sorted(decoded) == sorted(texts)


@needs_tools
def test_the_handover_list(django_capture_on_commit_callbacks, agency, address, tmp_path, settings):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    first = ship(django_capture_on_commit_callbacks, agency, address, recipient_name="Nguyễn Văn An")
    second = ship(django_capture_on_commit_callbacks, agency, address, recipient_name="Phạm Thu Hà")
    shipments = Shipment.objects.filter(pk__in=[first.pk, second.pk]).order_by("booked_at")
    text = pdf_text(handover_pdf(agency, timezone.localdate(), shipments), tmp_path).upper()
    for expected in (
        "BẢNG KÊ GIAO NHẬN BƯU GỬI",
        agency.name,
        first.item_number,
        second.item_number,
        "Nguyễn Văn An",
        "Phạm Thu Hà",
        "Tổng số: 2 bưu gửi. Tổng tiền thu hộ: 44.000 đồng.",
        "Nhân viên bưu chính (bên nhận)",
        "Đại diện Bộ phận Một cửa (bên giao)",
    ):
        assert expected.upper() in text, expected


def test_a_lost_label_is_rendered_again_by_the_sweeper(django_capture_on_commit_callbacks, booked):
    Shipment.objects.filter(pk=booked.pk).update(label_file="", booked_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        swept = services.bookings_sweep()
    assert swept["labels"] == 1
    booked.refresh_from_db()
    assert booked.label_file
    assert services.label_render(booked.pk) is False  # once
