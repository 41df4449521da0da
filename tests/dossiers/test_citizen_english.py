"""English is complete where it can be: declaration labels, help texts and choices of the six demo
declarations have English, the form speaks English when the interface does, and the receipt PDF
comes in English."""

import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from demo.forms import read_demo_forms
from dossiers.declaration import DeclarationForm, iter_answer_rows

from .citizen_helpers import (
    MARRIAGE,
    answers_for,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    schema_of,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture(autouse=True)
def _vietnamese_afterwards():
    """A request in English activates English in this thread: give the next test Vietnamese back."""
    with translation.override("vi"):
        yield


def test_every_demo_help_and_choice_has_english():
    for entry in read_demo_forms()["forms"]:
        assert entry.get("intro_en"), entry["procedure"]
        for item in entry["items"]:
            for field in [item, *item.get("fields", [])]:
                assert field.get("label_en"), field
                if field.get("help"):
                    assert field.get("help_en"), field
                for choice in field.get("choices") or []:
                    assert isinstance(choice, list) and len(choice) == 3 and choice[2], (field["key"], choice)


def test_the_form_speaks_english():
    with translation.override("en"):
        form = DeclarationForm(schema_of(MARRIAGE))
        side = form.fields["parties__0__side"]
        assert dict(side.choices)["female"] == "Bride"
        assert form.fields["copies"].help_text == "Only when you answered “Yes” above."
        assert form.fields["parties__0__date_of_birth"].label == "Date of birth"
        rows = list(iter_answer_rows(schema_of(MARRIAGE), answers_for(MARRIAGE, marriage_data())))
    assert ("Bride", "Party", "Bride") in rows


def test_the_receipt_pdf_comes_in_english(client, tmp_path):
    user = citizen()
    dossier = submit(draft_for(MARRIAGE, user, marriage_data(copies="2")), user)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("dossiers:receipt_pdf", args=[dossier.code]))
    assert response.status_code == 200
    assert f"dossier-{dossier.code}.pdf" in response["Content-Disposition"]
    path = tmp_path / "en.pdf"
    path.write_bytes(response.content)
    text = " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Date of birth" in text and "Bride" in text
    assert "Fee for certified extracts of the marriage record" in text
    assert "Both parties" in text or "Bride and groom both come" in text
    assert "Page 1 of" in text
    meta = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Pages:" in meta
