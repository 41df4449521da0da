"""core.files: a file's kind from its bytes, PDFs inspected for what could run on an officer's computer,
and one download name built from the kind."""

import io
import zipfile
import zlib

import pytest
from PIL import Image

from core.files import (
    ACTIVE_CONTENT,
    DOCX,
    JPEG,
    PDF,
    PNG,
    UNINSPECTABLE,
    FileRefused,
    content_disposition,
    download_name,
    inspect,
    sniff,
)


def pdf_with(*objects: bytes, version: bytes = b"1.7") -> bytes:
    """A small PDF made of the given object bodies (numbered from 1), with an xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def refused(data: bytes) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        inspect(io.BytesIO(data))
    return caught.value


def test_a_plain_pdf_is_a_pdf():
    assert inspect(io.BytesIO(pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE))) == PDF


@pytest.mark.django_db
def test_a_clean_multi_page_pdf_from_weasyprint_is_accepted():
    import shutil
    import subprocess

    from core.pdf import qr_data_uri, render_to_pdf
    from tests.factories import ready_draft

    draft, _user = ready_draft()
    rows = [
        ("", f"Dòng {n}: Họ và tên", "Nguyễn Thị Hồng Nhung — ấp Phước Hưng, xã Ngũ Hiệp") for n in range(220)
    ]
    data = render_to_pdf(
        "pdf/dossier_submission.html",
        {
            "dossier": draft,
            "agency_name": "UBND xã",
            "document_number": "000.00.27.H03-261122-0001",
            "date": draft.created_at.date(),
            "qr_data_uri": qr_data_uri("https://example.vn/lookup/"),
            "lookup_url": "https://example.vn/lookup/",
            "answer_rows": rows,
            "files": [],
        },
    )
    assert data.startswith(b"%PDF-") and b"/ObjStm" in data  # WeasyPrint compresses its objects
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
        assert int(info.split(b"Pages:")[1].split()[0]) > 2
    assert inspect(io.BytesIO(data)) == PDF


def test_real_jpeg_and_png_are_accepted():
    for kind, fmt in ((JPEG, "JPEG"), (PNG, "PNG")):
        buffer = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, fmt)
        assert inspect(io.BytesIO(buffer.getvalue())) == kind


def test_polyglot_pdf_with_script_is_refused():
    data = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF"
    assert refused(data).reason == ACTIVE_CONTENT
    assert sniff(io.BytesIO(data)) is None


def test_open_action_running_javascript_is_refused():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    assert refused(pdf_with(catalog, PAGES, PAGE)).reason == ACTIVE_CONTENT


@pytest.mark.parametrize(
    "catalog",
    [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /Launch /F (cmd.exe) >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",  # a reference to a /Launch action
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /XFA 4 0 R >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /AA << /O << /S /SubmitForm /F (http://x.example) >> >> >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (http://phish.example) >> >>",
    ],
)
def test_launch_embedded_files_forms_and_automatic_actions_are_refused(catalog):
    fourth = b"<< /S /Launch /F (cmd.exe) >>"
    assert refused(pdf_with(catalog, PAGES, PAGE, fourth)).reason == ACTIVE_CONTENT


def test_an_embedded_file_stream_is_refused():
    attached = stream(b"/Type /EmbeddedFile", b"MZ\x90\x00 an executable")
    assert (
        refused(pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, attached)).reason
        == ACTIVE_CONTENT
    )


def test_hex_escaped_names_are_decoded():
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Open#41ction << /S /J#61va#53cript /J#53 (app.alert(1)) >> >>"
    assert refused(pdf_with(catalog, PAGES, PAGE)).reason == ACTIVE_CONTENT


def test_whitespace_and_comment_tricks_do_not_hide_a_name():
    catalog = b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript\x00/JS%comment\n(app.alert(1))>>>>"
    assert refused(pdf_with(catalog, PAGES, PAGE)).reason == ACTIVE_CONTENT


def test_names_inside_a_compressed_object_stream_are_found():
    hidden = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
    header = b"5 0 "
    objstm = stream(
        b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(header), zlib.compress(header + hidden)
    )
    data = pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, objstm, version=b"1.5")
    assert b"JavaScript" not in data  # nothing to see without inflating
    assert refused(data).reason == ACTIVE_CONTENT


def test_a_compressed_object_stream_without_its_type_is_still_read():
    hidden = b"<< /S /Launch /F (cmd.exe) >>"
    objstm = stream(b"/N 1 /First 4 /Filter /FlateDecode", zlib.compress(b"5 0 " + hidden))
    data = pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, objstm)
    assert refused(data).reason == ACTIVE_CONTENT


def test_a_decompression_bomb_is_refused(settings):
    settings.UPLOAD_PDF_MAX_INFLATED_BYTES = 8 * 1024 * 1024
    bomb = zlib.compressobj(9)
    compressed = (
        b"".join(bomb.compress(b"\0" * (1 << 20)) for _ in range(64)) + bomb.flush()
    )  # 64 MB → ~64 KB
    contents = stream(b"/Filter /FlateDecode", compressed)
    data = pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, contents)
    assert len(data) < 200_000
    assert refused(data).reason == UNINSPECTABLE


def test_an_undecodable_or_encrypted_pdf_is_refused():
    broken = stream(b"/Filter /FlateDecode", b"x\x9c this is not deflate data at all")
    assert refused(pdf_with(b"<< /Type /Catalog >>", broken)).reason == UNINSPECTABLE
    lzw = stream(b"/Filter /LZWDecode", b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01")
    assert refused(pdf_with(b"<< /Type /Catalog >>", lzw)).reason == UNINSPECTABLE
    encrypted = pdf_with(b"<< /Type /Catalog >>").replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 2 0 R")
    assert refused(encrypted).reason == UNINSPECTABLE


def test_opening_at_a_page_is_allowed():
    """LibreOffice and LaTeX write /OpenAction to open at page 1: a destination or a /GoTo action."""
    for open_action in (b"[3 0 R /Fit]", b"<< /S /GoTo /D [3 0 R /XYZ null null 0] >>", b"4 0 R"):
        catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + open_action + b" >>"
        assert inspect(io.BytesIO(pdf_with(catalog, PAGES, PAGE, b"[3 0 R /Fit]"))) == PDF


@pytest.mark.parametrize(
    "markup",
    [
        b"<SCRIPT>alert(1)</SCRIPT>",
        b"<Svg/onload=alert(1)>",
        b"<!DocType \t HTML>",
        b"<iFrame src=x>",
        b"(JaVaScRiPt:alert(1))",
    ],
)
def test_markup_is_found_in_any_case_anywhere(markup):
    """The markup check lower-cases the bytes and searches its parts one by one (for speed): the
    same answers as the case-blind regex it replaced, in a comment, a string or binary data."""
    data = pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, stream(b"", b"\x00\xff " + markup))
    assert refused(data).reason == ACTIVE_CONTENT
    assert (
        inspect(io.BytesIO(pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, b"(<scripts> html)")))
        == PDF
    )


def test_a_stream_is_found_after_words_that_only_end_in_stream():
    """Only a ``stream`` keyword after white space or ">" opens a stream: "/Substream" before it
    is skipped, and the compressed object stream after it is still read."""
    hidden = b"5 0 << /S /Launch /F (cmd.exe) >>"
    objstm = stream(b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", zlib.compress(hidden))
    # Taken for a stream, the decoy's "body" would run to the next "endstream" and swallow the real one.
    decoy = b"<< /Type /Substream\n/Note (a word ending in stream) >>"
    data = pdf_with(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, decoy, objstm, version=b"1.5")
    assert b"Launch" not in data
    assert refused(data).reason == ACTIVE_CONTENT


def test_images_with_markup_are_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    with pytest.raises(FileRefused):
        inspect(io.BytesIO(buffer.getvalue() + b"<svg onload=alert(1)>"))


def test_a_docx_shaped_zip_is_recognised_as_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert inspect(io.BytesIO(buffer.getvalue())) == DOCX  # what callers then refuse


def test_inspect_keeps_the_position_and_reads_files_on_disk(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf_with(b"<< /Type /Catalog >>"))
    with path.open("rb") as handle:
        handle.seek(5)
        assert inspect(handle) == PDF
        assert handle.tell() == 5


@pytest.mark.parametrize(
    ("display", "kind", "ascii_name", "utf8_name"),
    [
        ("ho-so.hta", PDF, "ho-so.pdf", "ho-so.pdf"),
        ("Giấy khai sinh.exe", JPEG, "Giay-khai-sinh.jpg", "Giấy khai sinh.jpg"),
        ("ảnh.chụp.html", PNG, "anh-chup.png", "ảnh-chụp.png"),
        ('a"; filename=x.exe', PDF, "a-filename-x.pdf", "a filename=x.pdf"),
        ("", PDF, "tep.pdf", "tep.pdf"),
    ],
)
def test_download_name_takes_the_extension_from_the_kind(display, kind, ascii_name, utf8_name):
    assert download_name(display, kind) == (ascii_name, utf8_name)


def test_content_disposition_has_both_names():
    header = content_disposition("Giấy khai sinh.hta", PDF)
    assert header.startswith("attachment; filename=\"Giay-khai-sinh.pdf\"; filename*=UTF-8''")
    assert header.endswith("Gi%E1%BA%A5y%20khai%20sinh.pdf")
