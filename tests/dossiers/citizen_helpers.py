"""Shared pieces of the citizen-journey tests (tests/dossiers/test_citizen_*.py): real demo
procedures and declarations (loaded once per session by tests/conftest.py), a citizen, answers
typed the way the form posts them, and a draft ready to submit."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from dossiers import requirements, services
from dossiers.declaration import DeclarationForm
from dossiers.models import OnlineForm
from procedures.models import Procedure
from tests.factories import PDF  # noqa: F401 - the citizen tests take it from here

from .form_answers import (  # noqa: F401 - the citizen tests take the codes from here
    BIRTH,
    EXTRACT_COPY,
    HOUSEHOLD_BUSINESS,
    MARITAL_STATUS,
    MARRIAGE,
    TEMPORARY_RESIDENCE,
)

TODAY = datetime(2026, 12, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))  # a Wednesday


@pytest.fixture
def frozen_today():
    """The rules judge dates against today: every citizen test runs on 2 December 2026."""
    with time_machine.travel(TODAY, tick=False):
        yield TODAY


def schema_of(code: str) -> list[dict]:
    return OnlineForm.objects.get(procedure__code=code).current_version().schema


def citizen(
    *, full_name: str = "Trần Thị Bình", email: str = "binh@example.vn", phone: str | None = None
) -> User:
    phone = phone or f"+8491{uuid.uuid4().int % 10**7:07d}"
    return User.objects.create_user(
        f"u{uuid.uuid4().hex[:10]}",
        email=email,
        password="mat-khau-thu-nghiem-1",
        full_name=full_name,
        phone=phone,
        phone_verified=True,
    )


def address(name: str, province: str = "24", commune: str = "09187", street: str = "Số 5 Lý Thái Tổ") -> dict:
    return {f"{name}_0": province, f"{name}_1": commune, f"{name}_2": street}


def party(index: int, side: str, name: str, dob: str, pid: str) -> dict:
    prefix = f"parties__{index}__"
    return {
        f"{prefix}side": side,
        f"{prefix}full_name": name,
        f"{prefix}date_of_birth": dob,
        f"{prefix}ethnicity": "Kinh",
        f"{prefix}nationality": "Việt Nam",
        f"{prefix}personal_id": pid,
        f"{prefix}marriage_count": "first",
        **address(f"{prefix}residence"),
    }


def marriage_data(
    *,
    bride_dob: str = "1996-03-14",
    groom_dob: str = "1994-08-02",
    copies_requested: str = "yes",
    copies: str = "2",
) -> dict:
    return {
        **party(0, "female", "Trần Thị Bình", bride_dob, f"0271{bride_dob[2:4]}004512"),
        **party(1, "male", "Nguyễn Văn An", groom_dob, f"0270{groom_dob[2:4]}001873"),
        "copies_requested": copies_requested,
        "copies": copies,
        "phone": "0912 345 678",
        "email": "",
    }


def birth_data(*, child_dob: str = "2026-11-20", birth_case: str = "birth_notice", copies: str = "1") -> dict:
    mother = {
        "mother__0__full_name": "Trần Thị Bình",
        "mother__0__date_of_birth": "1996-03-14",
        "mother__0__ethnicity": "Kinh",
        "mother__0__nationality": "Việt Nam",
        "mother__0__personal_id": "027196004512",
        **address("mother__0__residence"),
    }
    return {
        "declarant_name": "Trần Thị Bình",
        "declarant_personal_id": "027196004512",
        **address("declarant_residence"),
        "declarant_relationship": "mother",
        "declarant_phone": "0912 345 678",
        "child_full_name": "Nguyễn Minh Khang",
        "child_sex": "male",
        "child_date_of_birth": child_dob,
        "child_place_of_birth": "Bệnh viện Sản – Nhi Bắc Ninh",
        "child_hometown": "Xã Tiên Du, tỉnh Bắc Ninh",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
        "birth_case": birth_case,
        **mother,
        "copies_requested": "yes" if copies else "no",
        "copies": copies,
    }


def answers_for(code: str, data: dict) -> dict:
    form = DeclarationForm(schema_of(code), data)
    assert form.is_valid(), form.errors
    return form.cleaned_answers()


def draft_for(code: str, user: User, data: dict, *, delivery: str = "counter", address_: dict | None = None):
    """A draft of a demo procedure with its agency, answers, the documents its answers require
    and a delivery method: ready to submit."""
    procedure = Procedure.objects.get(code=code)
    draft = services.dossier_start(user=user, procedure=procedure)
    services.draft_save_agency(dossier=draft, agency=procedure.agencies.order_by("code").first())
    services.draft_save_answers(dossier=draft, answers=answers_for(code, data))
    for need in requirements.dossier_component_needs(draft):
        if need.required:
            services.draft_add_file(
                dossier=draft, component=need.component, upload=SimpleUploadedFile("giay-to.pdf", PDF)
            )
    services.draft_save_delivery(dossier=draft, delivery=delivery, address=address_ or {})
    return draft


def submit(draft, user):
    return services.dossier_submit(
        dossier=draft, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )


class FormValues(HTMLParser):
    """What a browser would post back from a rendered form: text inputs, checked radios and
    checkboxes, selected options, textareas (the round trip of every field type)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.values.setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def posted_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return parser.values


def text_of(html: str) -> str:
    """Visible text, whitespace collapsed (for assertions on what a person reads)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
