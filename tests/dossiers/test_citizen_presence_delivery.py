"""The page says what the procedure really needs: where someone must come in (signing, biometrics)
the procedure page, the confirmation and the receipt say so and never "no need to come in"; the
delivery step preselects nothing; the dossier page and the receipt show the delivery and address."""

import subprocess

import pytest
from django.urls import reverse

from dossiers.forms import DeliveryForm
from procedures.constants import Presence
from procedures.models import Procedure

from .citizen_helpers import (
    BIRTH,
    MARRIAGE,
    birth_data,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    posted_values,
    submit,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
POST_ADDRESS = {
    "name": "Trần Thị Bình",
    "phone": "+84912345678",
    "province_code": "24",
    "province_name": "Bắc Ninh",
    "commune_code": "09187",
    "commune_name": "Phường Kinh Bắc",
    "street": "Số 18 đường Nguyễn Đăng Đạo",
}


def pdf_text(client, code, tmp_path) -> str:
    path = tmp_path / f"{code}.pdf"
    path.write_bytes(client.get(reverse("dossiers:receipt_pdf", args=[code])).content)
    return " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )


def test_demo_procedures_that_need_presence_say_so():
    marriage = Procedure.objects.get(code=MARRIAGE)
    assert marriage.presence == Presence.AT_RESULT and "ký Sổ đăng ký kết hôn" in marriage.presence_note
    assert Procedure.objects.get(code="2.001195").presence == Presence.AT_SUBMISSION  # biometrics
    assert not Procedure.objects.get(code=BIRTH).presence


def test_the_procedure_page_never_claims_no_need_to_come_in_when_presence_is_needed(client):
    marriage = text_of(client.get(reverse("procedures:detail", args=[MARRIAGE])).content.decode())
    assert "không cần đến cơ quan" not in marriage
    assert "vẫn phải đến cơ quan" in marriage and "ký Sổ đăng ký kết hôn" in marriage
    birth = text_of(client.get(reverse("procedures:detail", args=[BIRTH])).content.decode())
    assert "Bạn có thể nộp hồ sơ trực tuyến, không cần đến cơ quan." in birth


def test_confirmation_dossier_page_and_receipt_say_both_must_come(client, tmp_path):
    user = citizen()
    dossier = submit(draft_for(MARRIAGE, user, marriage_data()), user)
    client.force_login(user)
    for name in ("dossiers:submitted", "dossiers:detail"):
        text = text_of(client.get(reverse(name, args=[dossier.code])).content.decode())
        assert "ký Sổ đăng ký kết hôn" in text, name
    receipt = pdf_text(client, dossier.code, tmp_path)
    assert "Lịch hẹn: bạn vẫn phải đến cơ quan" in receipt and "ký Sổ đăng ký kết hôn" in receipt


def test_a_result_signed_in_person_is_collected_at_the_counter_only(client):
    user = citizen()
    draft = draft_for(MARRIAGE, user, marriage_data())
    client.force_login(user)
    html = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "delivery"])).content.decode()
    assert 'type="radio"' not in html
    assert posted_values(html)["delivery"] == "counter"
    # A forged post for the post office is refused.
    response = client.post(
        reverse("dossiers:draft_step", args=[draft.uuid, "delivery"]), {"delivery": "online", "continue": "1"}
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.delivery == "counter"


def test_the_delivery_step_preselects_nothing(client):
    user = citizen()
    procedure = Procedure.objects.get(code=BIRTH)
    from dossiers import services

    draft = services.dossier_start(user=user, procedure=procedure)
    client.force_login(user)
    html = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "delivery"])).content.decode()
    assert html.count('type="radio"') == 3
    assert "checked" not in html.split('name="delivery"')[1].split("</fieldset>")[0]
    response = client.post(reverse("dossiers:draft_step", args=[draft.uuid, "delivery"]), {"continue": "1"})
    assert "Chọn một cách nhận kết quả." in response.content.decode()


def test_postal_address_fields_are_not_called_optional_then_required():
    form = DeliveryForm(data={"delivery": "post"})
    assert not form.is_valid()
    for name in ("post_name", "post_phone", "post_province_code", "post_commune_code", "post_street"):
        assert name in form.errors
        assert form.fields[name].conditional_hint  # "cần khi nhận qua bưu chính", not "(không bắt buộc)"


def test_the_delivery_page_labels_say_when_the_address_is_needed(client):
    user = citizen()
    from dossiers import services

    draft = services.dossier_start(user=user, procedure=Procedure.objects.get(code=BIRTH))
    client.force_login(user)
    text = text_of(client.get(reverse("dossiers:draft_step", args=[draft.uuid, "delivery"])).content.decode())
    assert "(không bắt buộc)" not in text
    assert text.count("(cần khi nhận qua bưu chính)") == 5


def test_dossier_page_and_receipt_show_the_delivery_and_the_postal_address(client, tmp_path):
    user = citizen()
    dossier = submit(draft_for(BIRTH, user, birth_data(), delivery="post", address_=POST_ADDRESS), user)
    client.force_login(user)
    text = text_of(client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode())
    assert "Nhận qua dịch vụ bưu chính công ích" in text
    assert "Số 18 đường Nguyễn Đăng Đạo, Phường Kinh Bắc, Bắc Ninh" in text
    assert "0912 345 678" in text and "+84912345678" not in text
    receipt = pdf_text(client, dossier.code, tmp_path)
    assert "Nhận qua dịch vụ bưu chính công ích" in receipt
    assert "Số 18 đường Nguyễn Đăng Đạo, Phường Kinh Bắc, Bắc Ninh" in receipt
