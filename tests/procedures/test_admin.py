import io

import pytest
from django.contrib.admin.sites import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.constants import StaffRole
from procedures.constants import PublicationStatus
from procedures.models import Procedure
from tests.factories import (
    AgencyFactory,
    ComponentFactory,
    ProcedureFactory,
    UserFactory,
    login_staff,
    make_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    return AgencyFactory(name="UBND xã A"), AgencyFactory(name="UBND xã B")


@pytest.fixture
def procedures(communes):
    a, b = communes
    return (
        ProcedureFactory(owner_agency=a, name="Thủ tục riêng của xã A", draft=True),
        ProcedureFactory(owner_agency=b, name="Thủ tục riêng của xã B", draft=True),
    )


@pytest.fixture
def publisher_a(communes, client):
    user = make_staff(communes[0], StaffRole.PUBLISHER)
    login_staff(client, user)
    return user


def test_publisher_sees_only_own_agency(client, publisher_a, procedures):
    own, other = procedures
    response = client.get(reverse("admin:procedures_procedure_changelist"))
    assert response.status_code == 200
    assert own.name in response.content.decode()
    assert other.name not in response.content.decode()


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_publisher_cannot_open_other_agency_procedure(client, publisher_a, procedures, view):
    other = procedures[1]
    response = client.get(reverse(f"admin:procedures_procedure_{view}", args=[other.pk]), follow=True)
    assert other.name not in response.content.decode()


def test_publisher_cannot_publish_other_agency_procedure(client, publisher_a, procedures):
    other = procedures[1]
    response = client.post(reverse("admin:procedures_procedure_publish", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == PublicationStatus.DRAFT


def test_bulk_publish_ignores_other_agency(client, publisher_a, procedures):
    own, other = procedures
    client.post(
        reverse("admin:procedures_procedure_changelist"),
        {"action": "publish_selected", "_selected_action": [own.pk, other.pk]},
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == PublicationStatus.PUBLISHED
    assert other.status == PublicationStatus.DRAFT


def test_draft_preview_publish_flow(client, publisher_a, procedures, django_user_model):
    own = procedures[0]
    # Draft: hidden from the public, visible to its publisher as a preview.
    assert client.get(own.get_absolute_url()).context["is_preview"] is True
    from django.test import Client

    anonymous = Client()
    assert anonymous.get(own.get_absolute_url()).status_code == 404
    response = client.post(reverse("admin:procedures_procedure_publish", args=[own.pk]))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == PublicationStatus.PUBLISHED
    assert own.published_at is not None
    record = own.history.first()
    assert record.history_user == publisher_a
    assert record.history_change_reason == "Công bố"
    assert anonymous.get(own.get_absolute_url()).status_code == 200


def _change_payload(procedure, **overrides):
    data = {
        "code": procedure.code,
        "name": procedure.name,
        "service_level": procedure.service_level,
        "owner_agency": procedure.owner_agency_id,
        "competent_authority": "",
        "applicants": "",
        "requirements": "",
        "result": "",
        "notes": "",
        "next_steps": "",
        "popularity": 0,
        "for_citizens": "on",
    }
    for prefix in ("steps", "methods", "components", "legal_bases"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    data.update(overrides)
    return data


def test_publisher_cannot_move_procedure_to_other_agency(client, publisher_a, procedures, communes):
    own = procedures[0]
    url = reverse("admin:procedures_procedure_change", args=[own.pk])
    response = client.post(url, _change_payload(own, owner_agency=communes[1].pk))
    assert response.status_code == 200  # form redisplayed with an error
    assert "owner_agency" in response.context["adminform"].form.errors
    own.refresh_from_db()
    assert own.owner_agency == communes[0]


def test_fee_fix_is_versioned_and_rich_text_sanitised(client, publisher_a, procedures):
    own = procedures[0]
    url = reverse("admin:procedures_procedure_change", args=[own.pk])
    payload = _change_payload(
        own,
        requirements='<p onclick="x()">Có <strong>CCCD</strong></p><script>alert(1)</script><a href="javascript:alert(1)">x</a>',
        **{
            "methods-TOTAL_FORMS": 1,
            "methods-0-channel": "counter",
            "methods-0-time_limit_days": "3",
            "methods-0-fee_vnd": "0",
            "methods-0-charge_vnd": "8000",
        },
    )
    response = client.post(url, payload)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    own.refresh_from_db()
    assert own.requirements.startswith("<p>Có <strong>CCCD</strong></p>")
    assert (
        "script" not in own.requirements
        and "onclick" not in own.requirements
        and "javascript" not in own.requirements
    )
    assert own.methods.get().charge_vnd == 8000
    assert own.methods.get().history.count() == 1
    history = client.get(reverse("admin:procedures_procedure_history", args=[own.pk]))
    assert history.status_code == 200


def _pdf_bytes():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx_bytes():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "content", "ok"),
    [
        ("to-khai.pdf", _pdf_bytes(), True),
        ("to-khai.docx", _docx_bytes(), False),  # Word files are refused: templates are PDF only
        ("to-khai.pdf", b"MZ\x90\x00 this is an executable", False),
        ("to-khai.docx", b"<html><script>alert(1)</script></html>", False),
        ("anh.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", False),
    ],
)
def test_template_upload_checked_by_content(client, publisher_a, procedures, filename, content, ok):
    own = procedures[0]
    url = reverse("admin:procedures_procedure_change", args=[own.pk])
    payload = _change_payload(
        own,
        **{
            "components-TOTAL_FORMS": 1,
            "components-0-order": 1,
            "components-0-name": "Tờ khai",
            "components-0-originals": 1,
            "components-0-copies": 0,
            "components-0-required": "on",
            "components-0-template_file": SimpleUploadedFile(
                filename, content, content_type="application/pdf"
            ),
        },
    )
    response = client.post(url, payload)
    if ok:
        assert response.status_code == 302
        component = own.components.get()
        assert component.template_file.name.startswith("procedure-templates/")
        assert filename.split(".")[0] not in component.template_file.name  # generated name on disk
        assert component.template_filename == filename
    else:
        assert response.status_code == 200
        assert "Tệp mẫu phải là PDF" in response.content.decode()
        assert not own.components.exists()


def test_template_upload_size_limit(client, publisher_a, procedures, settings):
    settings.TEMPLATE_UPLOAD_MAX_BYTES = 1024
    own = procedures[0]
    payload = _change_payload(
        own,
        **{
            "components-TOTAL_FORMS": 1,
            "components-0-order": 1,
            "components-0-name": "Tờ khai",
            "components-0-originals": 1,
            "components-0-copies": 0,
            "components-0-template_file": SimpleUploadedFile("big.pdf", _pdf_bytes() + b"0" * 4096),
        },
    )
    response = client.post(reverse("admin:procedures_procedure_change", args=[own.pk]), payload)
    assert response.status_code == 200
    assert "quá lớn" in response.content.decode()


def test_csv_export(client, publisher_a, procedures):
    own = procedures[0]
    response = client.post(
        reverse("admin:procedures_procedure_changelist"),
        {"action": "export_csv", "_selected_action": [own.pk, procedures[1].pk]},
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert own.code in text and own.name in text
    assert procedures[1].code not in text


def test_citizen_cannot_reach_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:procedures_procedure_changelist"))
    assert response.status_code == 302


def test_admin_smoke_every_page(client, django_user_model):
    """Every registered model: changelist, add form, and one change form render for a superuser."""
    admin_user = django_user_model.objects.create_superuser(
        "root-smoke", "root@example.vn", "mat-khau-rat-dai-123"
    )
    login_staff(client, admin_user)
    procedure = Procedure.objects.filter(is_detailed=True).first()
    ComponentFactory(procedure=procedure)
    for model, model_admin in site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        assert client.get(changelist + "?q=%25%27%22").status_code == 200, changelist
        if model_admin.has_add_permission(type("R", (), {"user": admin_user})()):
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            assert client.get(add).status_code == 200, add
        obj = model._default_manager.first()
        if obj is not None:
            change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change
