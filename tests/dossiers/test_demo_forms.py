"""The demo online declarations (demo/data/forms.json) load, publish, render and accept real answers."""

import json
import unicodedata
from datetime import date
from functools import cached_property
from pathlib import Path

import django.forms
import pytest
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import DjangoTemplates as DjangoTemplatesBackend

from accounts.models import CitizenProfile
from accounts.validators import validate_personal_id
from demo.forms import DEMO_FORMS, load_online_forms, read_demo_forms
from dossiers.declaration import DeclarationForm, iter_answer_rows, prefill_values, validate_schema
from dossiers.models import OnlineForm, OnlineFormField, OnlineFormVersion
from dossiers.services import online_form_publish
from tests.factories import UserFactory

from .form_answers import (
    BINH,
    BIRTH,
    DEMO_CODES,
    HOUSEHOLD_BUSINESS,
    MARITAL_STATUS,
    MARRIAGE,
    TEMPORARY_RESIDENCE,
    VALID_DATA,
)


class ProjectTemplatesRenderer(DjangoTemplates):
    """Django's form templates plus the project's templates/ (where the address widget lives)."""

    @cached_property
    def engine(self):
        forms_dir = Path(django.forms.__file__).parent / "templates"
        return DjangoTemplatesBackend(
            {
                "APP_DIRS": True,
                "DIRS": [*settings.TEMPLATES[0]["DIRS"], forms_dir],
                "NAME": "demo_forms_test",
                "OPTIONS": {},
            }
        )


def semantics(item: dict) -> dict:
    """What a schema item means, with the defaults spelled out (so JSON and round trip compare)."""
    kind = item["type"]
    out = {"type": kind, "label": item["label"], "label_en": item.get("label_en", "")}
    if kind == "section":
        return out
    out.update(
        key=item["key"],
        required=bool(item.get("required")),
        help=item.get("help", ""),
        pattern=item.get("pattern", ""),
        prefill=item.get("prefill", ""),
    )
    if kind == "choice":
        out["choices"] = [
            (str(c[0]), str(c[1])) if isinstance(c, list | tuple) else (str(c), str(c))
            for c in item["choices"]
        ]
    if kind == "group":
        low, high = int(item.get("min", 1)), int(item.get("max", 1))
        out.update(
            min=low,
            max=high,
            repeat=bool(item.get("repeat", high > 1)),
            fields=[semantics(f) for f in item["fields"]],
        )
    return out


def demo_entries() -> dict[str, dict]:
    return {entry["procedure"]: entry for entry in read_demo_forms()["forms"]}


def schema_of(code: str) -> list[dict]:
    return OnlineForm.objects.get(procedure__code=code).current_version().schema


# --- the file itself --------------------------------------------------------------------------------


def test_demo_file_is_nfc_and_every_schema_validates():
    raw = DEMO_FORMS.read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", raw) == raw
    data = json.loads(raw)
    assert data["notice"]
    codes = [entry["procedure"] for entry in data["forms"]]
    assert sorted(codes) == sorted(DEMO_CODES)
    catalogue = Path(settings.BASE_DIR) / "demo" / "data" / "procedures"
    known = {
        p["code"] for path in catalogue.glob("*.json") for p in json.loads(path.read_text(encoding="utf-8"))
    }
    assert set(codes) <= known
    for entry in data["forms"]:
        assert entry["intro"]
        validate_schema(entry["items"])
        for item in entry["items"]:
            for field in [item, *item.get("fields", [])]:
                assert field.get("label_en"), field  # every item has its English label


def test_groups_follow_the_official_forms():
    entries = demo_entries()
    parties = next(i for i in entries[MARRIAGE]["items"] if i.get("key") == "parties")
    assert (parties["min"], parties["max"], parties["repeat"]) == (2, 2, True)
    assert {f["key"] for f in parties["fields"]} >= {
        "full_name",
        "date_of_birth",
        "ethnicity",
        "nationality",
        "personal_id",
        "residence",
        "marriage_count",
    }
    birth = {i.get("key"): i for i in entries[BIRTH]["items"]}
    assert (birth["mother"]["min"], birth["mother"]["max"]) == (1, 1)
    assert (birth["father"]["min"], birth["father"]["max"]) == (1, 1)
    assert not any(f.get("required") for f in birth["father"]["fields"])  # the father may be unknown
    assert birth["declarant_name"]["prefill"] == "full_name"
    assert birth["declarant_personal_id"]["prefill"] == "personal_id"


# --- loading and publishing -------------------------------------------------------------------------


@pytest.mark.django_db
def test_loader_writes_rows_and_publishes_the_json_schema():
    assert load_online_forms() == len(DEMO_CODES)
    entries = demo_entries()
    for code in DEMO_CODES:
        form = OnlineForm.objects.get(procedure__code=code)
        assert form.intro == entries[code]["intro"]
        version = form.current_version()
        assert version is not None and version.number == 1
        validate_schema(version.schema)
        # The round trip JSON → rows → as_schema_item() keeps the meaning of every item.
        assert [semantics(i) for i in version.schema] == [semantics(i) for i in entries[code]["items"]]
    parties = OnlineFormField.objects.get(form__procedure__code=MARRIAGE, key="parties")
    assert (parties.type, parties.min_repeat, parties.max_repeat, parties.group_id) == ("group", 2, 2, None)
    assert list(parties.children.values_list("key", flat=True))[:3] == ["side", "full_name", "date_of_birth"]
    count = parties.children.get(key="marriage_count")
    assert count.choices.splitlines()[0] == "first|Lần đầu"


@pytest.mark.django_db
def test_rerun_creates_no_new_version_and_keeps_the_rows():
    load_online_forms()
    versions = OnlineFormVersion.objects.count()
    field_ids = set(OnlineFormField.objects.values_list("pk", flat=True))
    assert load_online_forms() == len(DEMO_CODES)
    assert OnlineFormVersion.objects.count() == versions
    assert set(OnlineFormField.objects.values_list("pk", flat=True)) == field_ids


@pytest.mark.django_db
def test_rerun_replaces_fields_edited_in_the_admin():
    load_online_forms()
    form = OnlineForm.objects.get(procedure__code=MARITAL_STATUS)
    OnlineFormField.objects.filter(form=form, key="purpose").update(label="Mục đích")
    assert online_form_publish(form=form).number == 2
    load_online_forms()
    latest = form.current_version()
    assert latest.number == 3
    assert latest.schema == form.versions.get(number=1).schema


# --- rendering and answers --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", DEMO_CODES)
def test_each_form_renders_to_html(code):
    load_online_forms()
    schema = schema_of(code)
    renderer = ProjectTemplatesRenderer()
    form = DeclarationForm(schema, renderer=renderer)
    html = str(form)
    assert all(str(field.label) in html for field in form.fields.values())
    bound = DeclarationForm(schema, VALID_DATA[code], renderer=renderer)
    assert bound.is_valid(), bound.errors
    html = str(bound)
    assert "errorlist" not in html and " selected>" in html  # the chosen commune stays selected


@pytest.mark.django_db
def test_address_forms_render_with_the_configured_form_renderer():
    load_online_forms()
    str(DeclarationForm(schema_of(MARRIAGE)))


@pytest.mark.django_db
@pytest.mark.parametrize("code", DEMO_CODES)
def test_realistic_answers_are_accepted(code):
    load_online_forms()
    schema = schema_of(code)
    form = DeclarationForm(schema, VALID_DATA[code])
    assert form.is_valid(), form.errors
    answers = form.cleaned_answers()
    assert list(iter_answer_rows(schema, answers))
    # The data itself is consistent: every personal id agrees with the date of birth and sex beside it.
    people = [answers, *[row for item in schema if item["type"] == "group" for row in answers[item["key"]]]]
    for person in people:
        for key, value in person.items():
            if key.endswith("personal_id") and value:
                prefix = key.removesuffix("personal_id")
                dob, sex = (
                    person.get(f"{prefix}date_of_birth"),
                    person.get(f"{prefix}sex") or person.get("side"),
                )
                if dob:
                    validate_personal_id(value, date_of_birth=date.fromisoformat(dob), sex=sex or None)


@pytest.mark.django_db
def test_marriage_answers():
    load_online_forms()
    form = DeclarationForm(schema_of(MARRIAGE), VALID_DATA[MARRIAGE])
    assert form.is_valid(), form.errors
    answers = form.cleaned_answers()
    bride, groom = answers["parties"]
    assert (bride["side"], groom["side"]) == ("female", "male")
    assert bride["residence"] == {
        "province_code": "24",
        "province_name": "Bắc Ninh",
        "commune_code": "09187",
        "commune_name": "Phường Kinh Bắc",
        "street": "Số 18 đường Nguyễn Đăng Đạo",
    }
    assert groom["residence"]["commune_name"] == "Phường Võ Cường"
    assert groom["marriage_count"] == "second"
    assert answers["phone"] == "+84912345678"
    assert answers["copies_requested"] is True and answers["copies"] == "2"
    # Both parties are required: the form cannot be sent with one side missing.
    one_side = {k: v for k, v in VALID_DATA[MARRIAGE].items() if not k.startswith("parties__1__")}
    assert not DeclarationForm(schema_of(MARRIAGE), one_side).is_valid()


@pytest.mark.django_db
def test_birth_answers_and_unknown_father():
    load_online_forms()
    schema = schema_of(BIRTH)
    form = DeclarationForm(schema, VALID_DATA[BIRTH])
    assert form.is_valid(), form.errors
    answers = form.cleaned_answers()
    assert answers["mother"][0]["full_name"] == "Trần Thị Bình"
    assert answers["father"][0]["residence"]["commune_name"] == "Phường Kinh Bắc"
    assert answers["child_date_of_birth"] == "2025-11-20"
    assert answers["declarant_phone"] == "+84912345678"
    no_father = {k: v for k, v in VALID_DATA[BIRTH].items() if not k.startswith("father__")}
    form = DeclarationForm(schema, no_father)
    assert form.is_valid(), form.errors
    mother_missing = {k: v for k, v in VALID_DATA[BIRTH].items() if not k.startswith("mother__")}
    assert not DeclarationForm(schema, mother_missing).is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "field", "value"),
    [
        (HOUSEHOLD_BUSINESS, "business_name", "Cửa hàng Phương Anh"),
        (MARRIAGE, "parties__0__personal_id", "12345"),
        (MARRIAGE, "parties__1__marriage_count", "fifth"),
        (MARITAL_STATUS, "purpose", ""),
        (TEMPORARY_RESIDENCE, "temporary_address_1", "14758"),  # a Thanh Hóa commune under Bắc Ninh
        (BIRTH, "declarant_phone", "0222 3 822 888"),  # a landline
    ],
)
def test_wrong_answers_are_refused(code, field, value):
    load_online_forms()
    data = {**VALID_DATA[code], field: value}
    assert not DeclarationForm(schema_of(code), data).is_valid()


@pytest.mark.django_db
def test_declarant_fields_are_prefilled_from_the_profile():
    load_online_forms()
    user = UserFactory(full_name=BINH["name"], phone="+84912345678", email="binh.tran@example.vn")
    profile = CitizenProfile.objects.create(
        user=user,
        personal_id=BINH["pid"],
        date_of_birth=date.fromisoformat(BINH["dob"]),
        sex=BINH["sex"],
        permanent_province_code="24",
        permanent_province_name="Bắc Ninh",
        permanent_commune_code="09187",
        permanent_commune_name="Phường Kinh Bắc",
        permanent_street="Số 18 đường Nguyễn Đăng Đạo",
    )
    marriage = prefill_values(schema_of(MARRIAGE), user=user, profile=profile)
    first = marriage["parties"][0]
    assert (first["side"], first["full_name"], first["personal_id"]) == ("female", BINH["name"], BINH["pid"])
    assert first["date_of_birth"] == BINH["dob"] and first["residence"]["commune_code"] == "09187"
    birth = prefill_values(schema_of(BIRTH), user=user, profile=profile)
    assert birth["declarant_name"] == BINH["name"] and birth["declarant_personal_id"] == BINH["pid"]
    assert "mother" not in birth  # the parents are typed in, not guessed from the account
    form = DeclarationForm(schema_of(BIRTH), answers=birth)
    assert form.initial["declarant_phone"] == "+84912345678"


@pytest.mark.django_db
@pytest.mark.parametrize("code", DEMO_CODES)
def test_the_demo_generator_answers_as_each_forms_rules_ask(code, caplog):
    """The demo's made-up people answer every declaration in a way its own rules accept, conditional
    rules included (a married person gives the spouse's name): across 60 random people, no answer
    is refused (``load_demo`` printed such a refusal for the marital status form)."""
    import random
    from datetime import date

    from demo.dossiers import _answers, _persona

    load_online_forms()
    schema = OnlineForm.objects.get(procedure__code=code).current_version().schema
    refused = 0
    for seed in range(60):
        rng = random.Random(seed)
        me = _persona(rng, today=date(2026, 12, 3))
        me.phone = f"+84912{seed:06d}"  # as the loader gives each citizen theirs
        spouse = _persona(rng, sex="female" if me.sex == "male" else "male", today=date(2026, 12, 3))
        child = _persona(rng, dob=date(2026, 11, 1), today=date(2026, 12, 3))
        people = {"self": me, "spouse": spouse, "child": child}
        if _answers(schema, rng, people, date(2026, 12, 1), "Phường Kinh Bắc") is None:
            refused += 1
    assert refused == 0, [r.message for r in caplog.records][:3]
