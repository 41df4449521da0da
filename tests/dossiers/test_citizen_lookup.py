"""The public lookup finds what the receipt prints: codes match whatever their case and spaces; the
receipt's QR code opens the lookup with the code filled in, asking only for the phone digits,
with no error before the person has typed anything."""

import subprocess

import pytest
from django.urls import reverse

from core.links import absolute_url

from .citizen_helpers import (
    MARRIAGE,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    submit,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def dossier():
    user = citizen(phone="+84912345678")
    return submit(draft_for(MARRIAGE, user, marriage_data()), user)


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "  {code}  ", " {lower}\t"])
def test_codes_match_whatever_their_case_and_spaces(client, dossier, typed):
    code = typed.format(code=dossier.code, lower=dossier.code.lower())
    response = client.get(reverse("dossiers:lookup"), {"code": code, "phone_last4": "5678"})
    assert response.status_code == 200
    assert response.context["result"] == dossier


def test_the_qr_link_opens_the_lookup_with_the_code_and_no_error(client, dossier):
    url = absolute_url("dossiers:lookup", query={"code": dossier.code})
    path = url.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in url else url[url.index("/lookup/") :]
    response = client.get(path)
    html = response.content.decode()
    text = text_of(html)
    assert response.status_code == 200
    assert dossier.code in text
    assert 'type="hidden" name="code"' in html  # not asked again
    assert 'name="phone_last4"' in html
    assert "error-summary" not in html and "usa-error-message" not in html
    assert "Trường này là bắt buộc" not in text and "Nhập 4 số cuối" not in text
    # Then the person types the digits.
    found = client.get(reverse("dossiers:lookup"), {"code": dossier.code, "phone_last4": "5678"})
    assert found.context["result"] == dossier
    assert "Mới đăng ký" in text_of(found.content.decode())


def test_an_empty_lookup_page_shows_no_error(client):
    html = client.get(reverse("dossiers:lookup")).content.decode()
    assert "usa-error-message" not in html and "error-summary" not in html


def test_wrong_digits_still_explain_and_keep_the_code(client, dossier):
    response = client.get(reverse("dossiers:lookup"), {"code": dossier.code.lower(), "phone_last4": "0000"})
    assert response.context["result"] is None
    assert "Không tìm thấy hồ sơ" in response.content.decode()


def test_the_receipt_prints_the_lookup_link_with_the_code(client, dossier, tmp_path):
    client.force_login(dossier.applicant)
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(client.get(reverse("dossiers:receipt_pdf", args=[dossier.code])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert f"/lookup/?code={dossier.code}" in "".join(text.split())
