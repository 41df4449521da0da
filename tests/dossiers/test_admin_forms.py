import shutil
import subprocess
import unicodedata
import uuid

import pytest
from django.urls import reverse

from accounts.constants import StaffRole
from dossiers import services
from dossiers.models import OnlineForm, OnlineFormField
from procedures.models import Procedure
from tests.factories import AgencyFactory, ProcedureFactory, login_staff, make_staff, ready_draft

pytestmark = pytest.mark.django_db


def test_publisher_edits_only_own_declarations_and_publishes_versions(client):
    mine, theirs = AgencyFactory(), AgencyFactory()
    own_procedure = ProcedureFactory(owner_agency=mine, service_level=4)
    other_procedure = ProcedureFactory(owner_agency=theirs, service_level=4)
    own_form = OnlineForm.objects.create(procedure=own_procedure)
    OnlineFormField.objects.create(
        form=own_form,
        order=1,
        key="ho_ten",
        type="text",
        label="Họ và tên",
        required=True,
        prefill="full_name",
    )
    other_form = OnlineForm.objects.create(procedure=other_procedure)
    publisher = make_staff(mine, StaffRole.PUBLISHER)
    login_staff(client, publisher)
    changelist = reverse("admin:dossiers_onlineform_changelist")
    html = client.get(changelist).content.decode()
    assert own_procedure.name in html and other_procedure.name not in html
    assert client.get(
        reverse("admin:dossiers_onlineform_change", args=[other_form.pk]), follow=True
    ).status_code in (200, 404)
    assert (
        other_procedure.name
        not in client.get(
            reverse("admin:dossiers_onlineform_change", args=[other_form.pk]), follow=True
        ).content.decode()
    )
    client.post(changelist, {"action": "publish_version", "_selected_action": [own_form.pk, other_form.pk]})
    assert own_form.versions.get().schema == [
        {"type": "text", "label": "Họ và tên", "key": "ho_ten", "required": True, "prefill": "full_name"}
    ]
    assert not other_form.versions.exists()
    OnlineFormField.objects.filter(form=own_form).update(label="Họ, chữ đệm và tên")
    client.post(changelist, {"action": "publish_version", "_selected_action": [own_form.pk]})
    assert list(own_form.versions.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_a_bad_schema_is_refused_with_a_message(client):
    agency = AgencyFactory()
    form = OnlineForm.objects.create(procedure=ProcedureFactory(owner_agency=agency))
    OnlineFormField.objects.create(form=form, order=1, key="Sai Ma", type="text", label="X")
    login_staff(client, make_staff(agency, StaffRole.PUBLISHER))
    response = client.post(
        reverse("admin:dossiers_onlineform_changelist"),
        {"action": "publish_version", "_selected_action": [form.pk]},
        follow=True,
    )
    assert "chữ thường không dấu" in response.content.decode()
    assert not form.versions.exists()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_submission_pdf_text_is_exact_vietnamese(client, tmp_path):
    procedure = Procedure.objects.get(code="1.004873")
    from dossiers.models import Dossier

    draft, owner = ready_draft()
    owner.full_name = "Nguyễn Thị Hồng Nhung"
    owner.save()
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        procedure_snapshot={**dossier.procedure_snapshot, "name": procedure.name}
    )
    client.force_login(owner)
    pdf = client.get(reverse("dossiers:receipt_pdf", args=[dossier.code])).content
    path = tmp_path / "ho-so.pdf"
    path.write_bytes(pdf)
    text = unicodedata.normalize(
        "NFC",
        subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )
    for expected in [
        "PHIẾU NỘP HỒ SƠ TRỰC TUYẾN",
        dossier.code,
        "Nguyễn Thị Hồng Nhung",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]:
        assert expected in text, expected
