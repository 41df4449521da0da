"""PDF foundation (portal/pdf.py, templates/pdf/): Vietnamese text, header layout, S6 fetch policy."""

import base64
import datetime
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
import segno
from django.utils.safestring import SafeData, mark_safe
from PIL import Image

from core import pdf

LOOKUP_URL = "https://dichvucong.bacninh.gov.vn/tra-cuu/000.00.27.H03-261122-0001"
STRESS_LINE = (
    "Đăng ký khai sinh — Nguyễn Thị Hồng Nhung, ấp Phước Hưng, xã Ngũ Hiệp; "
    "ỷ ẫ ậ ữ ự ổ ộ ờ ợ ẳ ẵ ặ ỗ ễ ệ; ĐƯƠNG Ơ Ư Ẩ Ỹ"
)
# Header lines, each drawn on one line of its own (so exact per-line matches are meaningful).
HEADER_LINES = [
    "ỦY BAN NHÂN DÂN TỈNH BẮC NINH",
    "TRUNG TÂM PHỤC VỤ",
    "HÀNH CHÍNH CÔNG",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 125/GTN-TTPVHCC",
    "Bắc Ninh, ngày 22 tháng 11 năm 2026",
    "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
]
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) not installed: cannot read the PDF back",
)


def sample_context(**overrides):
    context = {
        "agency_parent": "Ủy ban nhân dân tỉnh Bắc Ninh",
        # "\n" is where the agency wants its name split (rendered as a line break).
        "agency_name": "Trung tâm Phục vụ\nhành chính công",
        "document_number": "125/GTN-TTPVHCC",
        "place": "Bắc Ninh",
        "date": datetime.date(2026, 11, 22),
        "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        "qr_data_uri": pdf.qr_data_uri(LOOKUP_URL),
        "lookup_url": LOOKUP_URL,
    }
    return {**context, **overrides}


def poppler(tool: str, *args: str, pdf_bytes: bytes) -> str:
    """Run a poppler-utils tool on the PDF (from a temporary file: not all of them read stdin)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf_bytes)
        file.flush()
        result = subprocess.run([tool, *args, file.name], capture_output=True, check=True)
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))


def pdf_text(pdf_bytes: bytes, mode: str = "-layout") -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf_bytes)
        file.flush()
        result = subprocess.run(
            ["pdftotext", mode, "-enc", "UTF-8", file.name, "-"], capture_output=True, check=True
        )
    return unicodedata.normalize("NFC", result.stdout.decode("utf-8"))


def page_count(pdf_bytes: bytes) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", pdf_bytes=pdf_bytes), re.MULTILINE).group(1))


class FetchSpy:
    """Wraps core.pdf.open_static_url and records what the fetcher served or refused."""

    def __init__(self, monkeypatch):
        self.served: list[str] = []
        self.refused: list[str] = []
        real = pdf.open_static_url

        def spy(url, prefixes):
            try:
                result = real(url, prefixes)
            except pdf.URLRefused:
                self.refused.append(url)
                raise
            self.served.append(url)
            return result

        monkeypatch.setattr(pdf, "open_static_url", spy)


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return pdf.render_to_pdf("pdf/sample.html", sample_context())


def test_sample_renders_a_pdf(sample_pdf):
    assert sample_pdf.startswith(b"%PDF-")
    assert sample_pdf.rstrip().endswith(b"%%EOF")


@needs_poppler
def test_sample_is_one_page(sample_pdf):
    assert page_count(sample_pdf) == 1


@needs_poppler
def test_header_and_title_lines_come_out_exactly(sample_pdf):
    lines = [re.split(r"\s{3,}", line.strip()) for line in pdf_text(sample_pdf).splitlines()]
    cells = {cell for line in lines for cell in line}
    for expected in HEADER_LINES:
        assert expected in cells, f"{expected!r} not found as a cell of a line in:\n{cells}"
    # The two header columns share lines: agency block left, national title right.
    assert ["ỦY BAN NHÂN DÂN TỈNH BẮC NINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"] in lines
    assert ["Số: 125/GTN-TTPVHCC", "Bắc Ninh, ngày 22 tháng 11 năm 2026"] in lines
    assert ["Trang 1 / 1"] in lines


@needs_poppler
def test_vietnamese_stress_line_comes_out_exactly(sample_pdf):
    # The line wraps inside its table cell. In content order (-raw) the wrapped pieces join
    # back into the exact string, spaces included.
    raw = " ".join(pdf_text(sample_pdf, "-raw").split())
    assert STRESS_LINE in raw
    # -layout too yields every letter and tone mark in order; only its word-gap guessing
    # differs (it reads the short wrapped tail "Ư Ẩ Ỹ" as letter-spaced), so compare without
    # whitespace there.
    layout = pdf_text(sample_pdf)
    assert re.sub(r"\s+", "", STRESS_LINE) in re.sub(r"\s+", "", layout)
    for piece in ("Nguyễn Thị Hồng Nhung", "ấp Phước Hưng, xã Ngũ Hiệp", "Miễn lệ phí (0 ₫)"):
        assert piece in layout
    assert f"Tra cứu hồ sơ: {LOOKUP_URL}" in layout


@needs_poppler
def test_decomposed_input_is_composed_by_nfc_context():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert decomposed != "Nguyễn Thị Hồng Nhung"
    context = pdf.nfc_context(sample_context(agency_name=decomposed))
    assert context["agency_name"] == "Nguyễn Thị Hồng Nhung"
    text = pdf_text(pdf.render_to_pdf("pdf/sample.html", context))
    assert "NGUYỄN THỊ HỒNG NHUNG" in text


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils' pdffonts not installed")
def test_only_the_shipped_fonts_are_embedded(sample_pdf):
    # Every glyph comes from the @font-face fonts of pdf.css (WeasyPrint names them after the
    # family), none from a system fallback that production machines may not have.
    listing = poppler("pdffonts", pdf_bytes=sample_pdf).splitlines()[2:]
    names = [line.split()[0] for line in listing if line.strip()]
    assert names, "no fonts embedded"
    assert all(re.fullmatch(r"[A-Z]{6}\+Portal-PDF-Sans(-Bold|-Italic|-BoldItalic)?", n) for n in names), (
        names
    )


def test_stylesheet_and_fonts_come_through_the_fetcher(monkeypatch):
    spy = FetchSpy(monkeypatch)
    pdf.render_to_pdf("pdf/sample.html", sample_context())
    served = {url.rsplit("/", 1)[-1] for url in spy.served}
    assert {"pdf.css", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"} <= served
    assert spy.refused == []
    assert all(url.startswith(pdf.INTERNAL_BASE_URL + "static/") for url in spy.served)


HOSTILE_TEMPLATE = """{% extends "pdf/base.html" %}
{% block content %}
<style>@import url("file:///etc/passwd"); .bg { background: url("http://169.254.169.254/latest/?token=s3cret"); }</style>
<link rel="stylesheet" href="file:///etc/passwd">
<link rel="attachment" href="file:///etc/passwd">
<img src="file:///etc/passwd">
<img src="http://127.0.0.1:1/x.png?token=s3cret">
<img src="/static/../../etc/passwd">
<img src="/static/pdf/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd">
<img src="../../../../etc/passwd">
<div class="bg">Nội dung an toàn</div>
{% endblock %}
"""


@pytest.fixture
def hostile_template(settings, tmp_path):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "hostile.html").write_text(HOSTILE_TEMPLATE, encoding="utf-8")
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    return "pdf/hostile.html"


def test_s6_hostile_urls_are_refused_not_fetched(hostile_template, monkeypatch, caplog):
    spy = FetchSpy(monkeypatch)
    with caplog.at_level(logging.WARNING):
        document = pdf.render_to_pdf(hostile_template, sample_context())

    assert document.startswith(b"%PDF-")
    assert "file:///etc/passwd" in spy.refused
    assert "http://127.0.0.1:1/x.png?token=s3cret" in spy.refused
    assert "http://169.254.169.254/latest/?token=s3cret" in spy.refused
    # "/static/../../etc/passwd" and "../../../../etc/passwd" resolve to /etc/passwd on the
    # internal origin; the percent-encoded variant keeps its dots and is refused as unsafe.
    assert pdf.INTERNAL_BASE_URL + "etc/passwd" in spy.refused
    assert any("%2e%2e" in url for url in spy.refused)
    # The only things served are the project's own static files.
    assert all(url.startswith(pdf.INTERNAL_BASE_URL + "static/") for url in spy.served)
    assert not any("passwd" in url for url in spy.served)

    messages = [r.getMessage() for r in caplog.records if r.name == "core.pdf"]
    assert len(messages) == len(spy.refused)
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name == "core.pdf")
    assert not any("s3cret" in m or "token=" in m for m in messages), messages
    # WeasyPrint's own "Failed to load … at <url>" errors are redacted the same way.
    weasyprint_messages = [r.getMessage() for r in caplog.records if r.name == "weasyprint"]
    assert any("http://127.0.0.1:1/x.png" in m for m in weasyprint_messages), weasyprint_messages
    assert not any("s3cret" in m for m in weasyprint_messages), weasyprint_messages

    if shutil.which("pdftotext"):
        text = pdf_text(document)
        assert "Nội dung an toàn" in text
        assert "root:" not in text
    if shutil.which("pdfdetach"):
        assert poppler("pdfdetach", "-list", pdf_bytes=document).startswith("0 embedded files")
    assert b"root:x:0:0" not in document


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:1/x.png",
        "https://example.com/static/pdf/pdf.css",  # right path, wrong host
        "http://169.254.169.254/latest/meta-data/",
        pdf.INTERNAL_BASE_URL + "etc/passwd",
        pdf.INTERNAL_BASE_URL + "static/",
        pdf.INTERNAL_BASE_URL + "static/pdf/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        pdf.INTERNAL_BASE_URL + "static/pdf/..%2f..%2f..%2f..%2fetc/passwd",
        pdf.INTERNAL_BASE_URL + "static/%2fetc/passwd",
        pdf.INTERNAL_BASE_URL + "static/pdf/..%5c..%5cetc%5cpasswd",
        pdf.INTERNAL_BASE_URL + "static/pdf/does-not-exist.css",
        "ftp://127.0.0.1/static/pdf/pdf.css",
    ],
)
def test_policy_refuses(url, caplog):
    with caplog.at_level(logging.WARNING, logger="core.pdf"), pytest.raises(pdf.URLRefused):
        pdf.open_static_url(url, pdf.static_prefixes())
    assert caplog.records[-1].levelno == logging.WARNING


def test_policy_serves_static_files_and_logs_without_query(caplog):
    body, content_type = pdf.open_static_url(
        pdf.INTERNAL_BASE_URL + "static/pdf/pdf.css?v=1#x", pdf.static_prefixes()
    )
    assert b"@font-face" in body
    assert content_type.startswith("text/css")
    body, content_type = pdf.open_static_url(
        pdf.INTERNAL_BASE_URL + "static/fonts/DejaVuSans.ttf", pdf.static_prefixes()
    )
    assert body[:4] == b"\x00\x01\x00\x00" and content_type == "font/ttf"

    with caplog.at_level(logging.WARNING, logger="core.pdf"), pytest.raises(pdf.URLRefused):
        pdf.open_static_url("https://user:pw@internal.example:8443/a/b?token=s3cret#f", pdf.static_prefixes())
    assert caplog.records[-1].getMessage().endswith("https://internal.example:8443/a/b")
    assert "pw" not in caplog.records[-1].getMessage()


def test_policy_with_a_public_base_url_maps_its_static_to_local_files():
    prefixes = pdf.static_prefixes("https://dichvucong.bacninh.gov.vn/")
    body, _ = pdf.open_static_url("https://dichvucong.bacninh.gov.vn/static/pdf/pdf.css", prefixes)
    assert b"@font-face" in body


def test_policy_serves_collected_files_but_not_symlinks_out_of_static_root(settings, tmp_path):
    # Production: {% static %} names hashed files that only exist under STATIC_ROOT.
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "pdf.0123abcd.css").write_text("@page {}", encoding="utf-8")
    (tmp_path / "pdf" / "escape.css").symlink_to("/etc/passwd")
    prefixes = pdf.static_prefixes()
    body, _ = pdf.open_static_url(pdf.INTERNAL_BASE_URL + "static/pdf/pdf.0123abcd.css", prefixes)
    assert body == b"@page {}"
    with pytest.raises(pdf.URLRefused):
        pdf.open_static_url(pdf.INTERNAL_BASE_URL + "static/pdf/escape.css", prefixes)


def test_qr_data_uri_is_a_png():
    uri = pdf.qr_data_uri(LOOKUP_URL, scale=3)
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    png = base64.b64decode(uri[len(prefix) :], validate=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    side = segno.make(LOOKUP_URL, error="m", micro=False).symbol_size(scale=3, border=4)
    assert image.size == side


def test_nfc_context_keeps_structure_and_safety():
    decomposed = unicodedata.normalize("NFD", "Hồng")
    value = pdf.nfc_context(
        {"a": decomposed, "b": [decomposed, (decomposed, 1)], "c": mark_safe(decomposed), "d": 3}
    )
    assert value == {"a": "Hồng", "b": ["Hồng", ("Hồng", 1)], "c": "Hồng", "d": 3}
    assert isinstance(value["c"], SafeData)


def test_importing_the_module_does_not_import_weasyprint():
    code = "import django, sys; django.setup(); import core.pdf; sys.exit('weasyprint' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr.decode()
