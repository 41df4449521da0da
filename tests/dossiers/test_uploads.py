"""Uploads that can never harm an officer, and refused files that say why (issues 9 and 11)."""

import io
import os
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import transaction
from django.urls import reverse
from PIL import Image

from dossiers import services, uploads
from dossiers.constants import EventKind, Status
from dossiers.models import Dossier, DossierEvent, DossierFile
from tests.factories import PDF, AgencyFactory, login_staff, make_procedure, make_staff, ready_draft

pytestmark = pytest.mark.django_db

POLYGLOT = b"%PDF-1.4\n1 0 obj<<>>endobj\n<html><body><script>new ActiveXObject('WScript.Shell')</script>"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 10)).save(buffer, "JPEG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def stored_files(dossier) -> list[str]:
    """Everything in storage under the dossier's folder (what a purge would have to find)."""
    root = Path(default_storage.location) / "dossiers" / dossier.uuid.hex
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def in_supplement(agency=None):
    """A submitted dossier whose officer asked for a supplement (status 5)."""
    from notifications.services import ensure_default_templates

    ensure_default_templates()
    draft, owner = ready_draft(agency=agency)
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    DossierEvent.objects.create(
        dossier=dossier,
        kind=EventKind.STATUS,
        from_status=Status.SUBMITTED,
        to_status=Status.SUPPLEMENT_REQUESTED,
        note_to_applicant="Thiếu bản sao giấy khai sinh",
    )
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.SUPPLEMENT_REQUESTED)
    dossier.refresh_from_db()
    return dossier, owner


# --- what is accepted -------------------------------------------------------------------------------


def test_polyglot_pdf_named_hta_is_refused_with_a_message_that_says_what_to_do():
    draft, _user = ready_draft()
    before = stored_files(draft)
    with pytest.raises(services.DossierError, match="Lưu dưới dạng PDF"):
        services.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile("ho-so.hta", POLYGLOT)
        )
    assert stored_files(draft) == before
    assert draft.files.count() == 1  # only the file ready_draft added


def test_dangerous_pdf_is_refused_and_a_plain_one_accepted():
    draft, _user = ready_draft()
    dangerous = (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF"
    )
    with pytest.raises(services.DossierError, match="mã lệnh tự chạy"):
        services.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile("to-khai.pdf", dangerous)
        )
    assert (
        services.draft_add_file(dossier=draft, component=None, upload=SimpleUploadedFile("a.pdf", PDF)).kind
        == "pdf"
    )


def test_a_docx_is_refused_for_citizens_as_the_page_says():
    draft, _user = ready_draft()
    with pytest.raises(services.DossierError, match="không phải ảnh JPEG, PNG hoặc tài liệu PDF"):
        services.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile("don.docx", docx_bytes())
        )


def test_real_photos_are_accepted_whatever_their_name():
    draft, _user = ready_draft()
    stored = services.draft_add_file(
        dossier=draft, component=None, upload=SimpleUploadedFile("anh-chup.exe", jpeg_bytes())
    )
    assert stored.kind == "jpeg" and stored.file.name.endswith(".jpeg")
    assert (
        services.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile("x", png_bytes())
        ).kind
        == "png"
    )


# --- downloads are named from the kind ----------------------------------------------------------------


def assert_served_as(response, extension: str, content_type: str) -> None:
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    ascii_name = disposition.split('filename="')[1].split('"')[0]
    utf8_name = disposition.split("filename*=UTF-8''")[1]
    assert ascii_name.endswith(f".{extension}") and utf8_name.endswith(f".{extension}")
    for foreign in (".exe", ".hta", ".html"):
        assert foreign not in disposition
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}


def test_every_route_serving_a_stored_file_names_it_from_the_kind(client):
    agency = AgencyFactory()
    procedure, component = make_procedure(agency)
    draft, owner = ready_draft(procedure=procedure, component=component)
    photo = services.draft_add_file(
        dossier=draft, component=component, upload=SimpleUploadedFile("Giấy khai sinh.exe", png_bytes())
    )
    client.force_login(owner)
    assert_served_as(
        client.get(reverse("dossiers:draft_file", args=[draft.uuid, photo.pk])), "png", "image/png"
    )
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    response = client.get(reverse("dossiers:file", args=[dossier.code, photo.pk]))
    assert_served_as(response, "png", "image/png")
    assert "Gi%E1%BA%A5y%20khai%20sinh.png" in response["Content-Disposition"]

    officer = make_staff(agency, "officer")
    login_staff(client, officer)
    response = client.get(reverse("admin:dossiers_dossier_file", args=[dossier.pk, photo.pk]))
    assert_served_as(response, "png", "image/png")

    component.template_file.save("template.pdf", io.BytesIO(PDF), save=False)
    component.template_filename = "to-khai.hta"
    component.save()
    procedure.service_level = 2
    procedure.save()
    client.logout()
    response = client.get(reverse("procedures:template_download", args=[procedure.code, component.pk]))
    assert response.status_code == 200
    assert_served_as(response, "pdf", "application/pdf")


# --- nothing left behind ---------------------------------------------------------------------------------


def test_supplement_with_two_good_files_and_one_bad_leaves_nothing(client):
    dossier, owner = in_supplement()
    slot = "item-0"  # the first item the request asked for (one upload slot per item)
    before_files, before_rows = stored_files(dossier), DossierFile.objects.filter(dossier=dossier).count()
    client.force_login(owner)
    response = client.post(
        reverse("dossiers:detail", args=[dossier.code]),
        {
            "action": "supplement",
            "expected_version": dossier.version,
            "note": "Gửi bổ sung bản sao",
            f"file_{slot}": [
                SimpleUploadedFile("mot.pdf", PDF),
                SimpleUploadedFile("hai.png", png_bytes()),
                SimpleUploadedFile("ba.pdf", b"MZ\x90\x00 not a pdf"),
            ],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#supplement-{slot}")
    assert stored_files(dossier) == before_files
    assert DossierFile.objects.filter(dossier=dossier).count() == before_rows
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED  # nothing changed
    page = client.get(response["Location"]).content.decode()
    # The message sits in the component's group, announced, and the input points at it; the note is kept.
    group = page.split(f'id="supplement-{slot}"')[1].split("</div>")[0]
    assert "ba.pdf" in group and 'role="alert"' in group and "autofocus" in group
    assert f'aria-describedby="supplement-file-{slot}-hint supplement-file-{slot}-error"' in group
    assert 'aria-invalid="true"' in group
    assert "Gửi bổ sung bản sao</textarea>" in page
    # Shown once: reloading the page does not repeat it.
    assert "ba.pdf" not in client.get(response["Location"]).content.decode()


def test_a_good_supplement_is_stored():
    dossier, owner = in_supplement()
    component = dossier.procedure.components.first()
    services.dossier_answer_supplement(
        dossier=dossier,
        user=owner,
        expected_version=dossier.version,
        note="",
        uploads=[
            (component, SimpleUploadedFile("a.pdf", PDF)),
            (component, SimpleUploadedFile("b.png", png_bytes())),
        ],
    )
    assert dossier.files.filter(purpose="supplement").count() == 2
    assert len(stored_files(dossier)) == 3


def test_a_rollback_after_writing_removes_the_file():
    draft, _user = ready_draft()
    before = stored_files(draft)
    with pytest.raises(RuntimeError), uploads.atomic_with_files():
        stored = uploads.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        assert os.path.exists(stored.file.path)
        raise RuntimeError("something else in the same transaction failed")
    assert stored_files(draft) == before
    assert not DossierFile.objects.filter(pk=stored.pk).exists()


def test_a_rollback_of_a_block_that_is_not_ours_removes_the_file_at_the_end_of_the_request():
    draft, _user = ready_draft()
    before = stored_files(draft)
    with pytest.raises(RuntimeError), transaction.atomic():  # e.g. an officer's action that failed later
        stored = uploads.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile("a.pdf", PDF)
        )
        raise RuntimeError("boom")
    assert os.path.exists(stored.file.path)  # the plain block could not tell us...
    request_finished.send(sender=None)  # ...the end of the request (or task) sweeps it
    assert stored_files(draft) == before


def test_a_committed_file_is_kept_by_the_sweep():
    draft, _user = ready_draft()
    stored = uploads.draft_add_file(dossier=draft, component=None, upload=SimpleUploadedFile("a.pdf", PDF))
    request_finished.send(sender=None)
    assert os.path.exists(stored.file.path)


def test_removing_a_file_deletes_its_bytes_on_commit_only(django_capture_on_commit_callbacks):
    draft, _user = ready_draft()
    stored = draft.files.get()
    path = stored.file.path
    with django_capture_on_commit_callbacks() as callbacks:
        services.draft_remove_file(dossier=draft, file=stored)
    assert not DossierFile.objects.filter(pk=stored.pk).exists()
    assert os.path.exists(path)  # not before the commit
    for callback in callbacks:
        callback()
    assert not os.path.exists(path)


def test_deleting_a_draft_deletes_its_files_on_commit_only(django_capture_on_commit_callbacks):
    draft, _user = ready_draft()
    services.draft_add_file(dossier=draft, component=None, upload=SimpleUploadedFile("b.png", png_bytes()))
    assert len(stored_files(draft)) == 2
    with django_capture_on_commit_callbacks() as callbacks:
        uploads.draft_delete(draft=draft)
    assert not Dossier.objects.filter(pk=draft.pk).exists()
    assert len(stored_files(draft)) == 2  # a rollback now would still find its files
    for callback in callbacks:
        callback()
    assert stored_files(draft) == []


def test_the_purge_and_account_deletion_remove_draft_files(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.services import account_delete
    from dossiers import reminders

    expired, _user = ready_draft()
    Dossier.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    other, owner = ready_draft()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.purge_expired_drafts() == 1
        account_delete(user=owner)
    assert stored_files(expired) == [] and stored_files(other) == []
    with pytest.raises(services.DossierError):
        uploads.draft_delete(draft=in_supplement()[0])  # only drafts


# --- the message beside the component ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        (
            "chuong-trinh.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode",
            "không phải ảnh",
        ),
        ("anh.jpg", b"<!doctype html><html><script>alert(1)</script></html>", "không phải ảnh"),
        ("ho-so.hta", POLYGLOT, "mã lệnh tự chạy"),
    ],
)
def test_a_refused_file_says_why_beside_its_component(client, name, content, fragment):
    draft, owner = ready_draft()
    component = draft.procedure.components.first()
    client.force_login(owner)
    url = reverse("dossiers:draft_upload", args=[draft.uuid]) + f"?component={component.pk}"
    response = client.post(url, {"component": component.pk, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302 and response["Location"].endswith(f"/files/#component-{component.pk}")
    page = client.get(response["Location"]).content.decode()
    block = page.split(f'id="component-{component.pk}"')[1].split("</li>\n")[-2]
    assert fragment in block and 'role="alert"' in block and 'aria-invalid="true"' in block
    assert page.count(fragment) == 1  # beside the component only, not at the top as well
    # With JavaScript: the block comes back in place, message included.
    fragment_response = client.post(
        url,
        {"component": component.pk, "file": SimpleUploadedFile(name, content)},
        HTTP_X_PORTAL_FRAGMENT="component",
    )
    assert fragment_response.status_code == 200 and fragment_response["X-Portal-Fragment"] == "component"
    html = fragment_response.content.decode()
    assert html.lstrip().startswith(f'<li class="component-upload" id="component-{component.pk}"')
    assert fragment in html and 'role="alert"' in html


def test_an_oversized_file_is_refused_by_the_browser_and_the_server(client, settings):
    settings.DOSSIER_MAX_FILE_BYTES = 1024 * 1024
    draft, owner = ready_draft()
    component = draft.procedure.components.first()
    client.force_login(owner)
    page = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "files"])).content.decode()
    assert 'data-max-bytes="1048576"' in page
    assert (
        "quá giới hạn 1 MB mỗi tệp" in page
    )  # the browser's message is the server's, with {name} and {size}
    big = SimpleUploadedFile("ban-quet.pdf", PDF + b"0" * (1024 * 1024 + 300_000))
    response = client.post(
        reverse("dossiers:draft_upload", args=[draft.uuid]),
        {"component": component.pk, "file": big},
        follow=True,
    )
    html = response.content.decode()
    assert "Tệp “ban-quet.pdf” nặng 1,3 MB, quá giới hạn 1 MB mỗi tệp" in html
    assert draft.files.count() == 1


def post_file_as_a_browser(
    client, url: str, fields: dict, file_field: str, filename: str, content: bytes, **extra
):
    """A multipart POST built by hand: Django's test client cuts file names to 255 characters."""
    boundary = "----portal-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.generic(
        "POST", url, body, content_type=f"multipart/form-data; boundary={boundary}", **extra
    )


def test_a_file_name_of_1000_characters_gets_the_upload_forms_message(client):
    draft, owner = ready_draft()
    component = draft.procedure.components.first()
    client.force_login(owner)
    url = reverse("dossiers:draft_upload", args=[draft.uuid]) + f"?component={component.pk}"
    long_name = "Giấy chứng nhận " + "rất dài " * 125 + ".pdf"
    assert len(long_name) > 1000
    response = post_file_as_a_browser(client, url, {"component": component.pk}, "file", long_name, PDF)
    assert response.status_code == 302  # not a bare 400
    assert response["Location"].endswith(f"#component-{component.pk}")
    page = client.get(response["Location"]).content.decode()
    assert "tên tệp quá dài" in page
    assert draft.files.count() == 1  # nothing stored
    # The supplement form says the same.
    dossier, applicant = in_supplement()
    client.force_login(applicant)
    piece = dossier.procedure.components.first()
    response = post_file_as_a_browser(
        client,
        reverse("dossiers:detail", args=[dossier.code]),
        {"action": "supplement"},
        f"file_{piece.pk}",
        long_name,
        PDF,
    )
    assert response.status_code == 302 and response["Location"].endswith("#supplement-form")
    page = client.get(response["Location"]).content.decode()
    assert "tên tệp quá dài" in page, page[page.find("supplement-form") :][:3000]


def test_an_unreadable_upload_to_a_draft_of_someone_else_is_a_404(client):
    draft, _owner = ready_draft()
    _other_draft, stranger = ready_draft()
    client.force_login(stranger)
    response = post_file_as_a_browser(
        client,
        reverse("dossiers:draft_upload", args=[draft.uuid]),
        {"component": 1},
        "file",
        "x" * 1100 + ".pdf",
        PDF,
    )
    assert response.status_code == 404


def test_a_successful_upload_says_so_beside_its_component(client):
    draft, owner = ready_draft()
    component = draft.procedure.components.first()
    client.force_login(owner)
    response = client.post(
        reverse("dossiers:draft_upload", args=[draft.uuid]),
        {"component": component.pk, "file": SimpleUploadedFile("giay-chung-sinh.png", png_bytes())},
        HTTP_X_PORTAL_FRAGMENT="component",
    )
    html = response.content.decode()
    assert "Đã tải lên “giay-chung-sinh.png”" in html and 'role="status"' in html
    assert html.count('class="usa-list uploaded-files"') == 1 and "giay-chung-sinh.png</a>" in html


# --- download my data ------------------------------------------------------------------------------------


def test_download_my_data_includes_the_dossiers(client):
    import json

    dossier, owner = in_supplement()
    dossier.delivery_address = {"street": "12 Lý Thái Tổ"}
    dossier.save(update_fields=["delivery_address"])
    DossierEvent.objects.filter(dossier=dossier).update(internal_note="chỉ cán bộ xem")
    client.force_login(owner)
    response = client.get(reverse("accounts:data_export"))
    data = json.loads(response.content)
    [exported] = data["dossiers"]
    assert exported["code"] == dossier.code
    assert exported["procedure"]["name"] == dossier.procedure.name
    assert exported["status"] == Status.SUPPLEMENT_REQUESTED and exported["status_label"]
    assert exported["submitted_at"] and exported["delivery"] == "online"
    assert exported["delivery_address"] == {"street": "12 Lý Thái Tổ"}
    assert exported["files"] == [
        {
            "name": "to-khai.pdf",
            "component": "Tờ khai",
            "kind": "pdf",
            "size": len(PDF),
            "uploaded_at": dossier.files.get().uploaded_at.isoformat(),
        }
    ]
    notes = [event["note"] for event in exported["events"]]
    assert "Thiếu bản sao giấy khai sinh" in notes
    assert "chỉ cán bộ xem" not in response.content.decode()
