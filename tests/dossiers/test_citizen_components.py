"""The paper form is not asked for twice: a component the online declaration replaces is no upload;
what a case the answers select truly needs is required; the rest is marked optional; a component
with a template shows its download link on the upload step; the submission check agrees."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dossiers import requirements, services
from procedures.models import DossierComponent, Procedure
from tests.factories import AgencyFactory, ComponentFactory, MethodFactory, ProcedureFactory

from .citizen_helpers import (
    BIRTH,
    EXTRACT_COPY,
    HOUSEHOLD_BUSINESS,
    MARITAL_STATUS,
    MARRIAGE,
    PDF,
    TEMPORARY_RESIDENCE,
    birth_data,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


class Needs(dict):
    """component name → need; looked up by the start of the name."""

    def __getitem__(self, start: str) -> str:
        (need,) = [value for name, value in self.items() if name.startswith(start)]
        return need


def needs(draft) -> Needs:
    return Needs({need.component.name: need.need for need in requirements.dossier_component_needs(draft)})


@pytest.mark.parametrize(
    "code", [MARRIAGE, BIRTH, MARITAL_STATUS, HOUSEHOLD_BUSINESS, EXTRACT_COPY, TEMPORARY_RESIDENCE]
)
def test_every_demo_declaration_replaces_its_paper_form(code):
    declared = DossierComponent.objects.filter(procedure__code=code, satisfied_by_declaration=True)
    assert declared.count() == 1, code
    assert not declared.get().case_group


def test_marriage_asks_for_the_identity_documents_only(client):
    user = citizen()
    draft = draft_for(MARRIAGE, user, marriage_data())
    found = needs(draft)
    assert found["Tờ khai đăng ký kết hôn theo mẫu (hai bên"] == requirements.DECLARATION
    assert found["Giấy tờ tùy thân của hai bên: hộ chiếu, t"] == requirements.REQUIRED
    assert set(found.values()) == {requirements.DECLARATION, requirements.REQUIRED, requirements.OPTIONAL}
    client.force_login(user)
    page = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "files"])).content.decode()
    text = text_of(page)
    assert "Không cần tải lên, vì bạn đã khai trực tuyến ở bước Tờ khai" in text
    # The declared form has no upload form of its own.
    declared = DossierComponent.objects.get(procedure__code=MARRIAGE, satisfied_by_declaration=True)
    assert f'id="file-{declared.pk}"' not in page
    assert "không bắt buộc" in text


def test_the_birth_notice_is_required_when_the_declarant_has_one():
    user = citizen()
    with_notice = needs(draft_for(BIRTH, user, birth_data(birth_case="birth_notice")))
    assert with_notice["Giấy chứng sinh do cơ sở y tế cấp"] == requirements.REQUIRED
    assert with_notice["Văn bản của người làm chứng xác nhận về vi"] == requirements.OTHER_CASE
    assert with_notice["Giấy chứng nhận kết hôn của cha, mẹ (xuất "] == requirements.OPTIONAL
    assert with_notice["Văn bản ủy quyền được chứng thực (không ph"] == requirements.OTHER_CASE
    witness = needs(draft_for(BIRTH, citizen(), birth_data(birth_case="witness")))
    assert witness["Giấy chứng sinh do cơ sở y tế cấp"] == requirements.OTHER_CASE
    assert witness["Văn bản của người làm chứng xác nhận về vi"] == requirements.REQUIRED


def test_submission_refuses_a_missing_required_case_document():
    user = citizen()
    draft = draft_for(BIRTH, user, birth_data(birth_case="birth_notice"))
    notice = draft.files.get(component__name__startswith="Giấy chứng sinh")
    services.draft_remove_file(dossier=draft, file=notice)
    problems = services.submission_problems(draft)
    assert "Còn thiếu giấy tờ: Giấy chứng sinh do cơ sở y tế cấp." in problems
    # The paper declaration is never among the missing documents.
    assert not any("Tờ khai đăng ký khai sinh" in p for p in problems)


def test_the_upload_step_labels_required_and_optional(client):
    user = citizen()
    draft = draft_for(BIRTH, user, birth_data())
    client.force_login(user)
    text = text_of(client.get(reverse("dossiers:draft_step", args=[draft.uuid, "files"])).content.decode())
    assert "Giấy chứng sinh do cơ sở y tế cấp bắt buộc" in text
    assert "không cần với trường hợp của bạn" in text


def test_a_component_with_a_template_shows_its_download_link(client):
    procedure = ProcedureFactory(service_level=4)
    procedure.agencies.add(AgencyFactory())
    MethodFactory(procedure=procedure, channel="online")
    component = ComponentFactory(procedure=procedure, name="Đơn đề nghị theo mẫu", required=True)
    component.template_filename = "don.pdf"
    component.template_file.save("don.pdf", ContentFile(PDF), save=True)
    user = citizen()
    draft = services.dossier_start(user=user, procedure=procedure)
    client.force_login(user)
    page = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "files"])).content.decode()
    assert f'href="{component.get_template_url()}"' in page
    assert "Tải mẫu" in page


def test_procedure_page_says_the_declaration_replaces_the_paper_form(client):
    text = text_of(client.get(reverse("procedures:detail", args=[MARRIAGE])).content.decode())
    assert "Khi nộp trực tuyến: khai trên Cổng, không phải nộp bản giấy." in text


def test_conditions_read_any_instance_of_a_group():
    from dossiers.declaration import answers_match

    answers = {"parties": [{"side": "male"}, {"side": "female"}]}
    assert answers_match(answers, "parties.side", "female")
    assert not answers_match(answers, "parties.side", "other")
    assert answers_match({"copies_requested": True}, "copies_requested", "yes")
    assert not answers_match({"copies_requested": False}, "copies_requested", "yes")
    assert answers_match({"marital_status": "widowed"}, "marital_status", "divorced, widowed")


def test_a_procedure_without_declaration_keeps_its_paper_form_as_an_upload():
    procedure = ProcedureFactory(service_level=4)
    procedure.agencies.add(AgencyFactory())
    form = ComponentFactory(
        procedure=procedure, name="Tờ khai theo mẫu", required=True, satisfied_by_declaration=True
    )
    draft = services.dossier_start(user=citizen(), procedure=procedure)
    assert draft.form_version_id is None
    assert requirements.component_need(form, answers={}, has_declaration=False) == requirements.REQUIRED
    assert Procedure.objects.filter(pk=procedure.pk).exists()
