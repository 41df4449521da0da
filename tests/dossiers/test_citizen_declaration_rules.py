"""The declaration refuses what the law refuses: cross-field and date rules staff set in the
declaration editor, each with its own message, versioned with the fields, checked on the step and
again at submission; the error summary names the person or group a field belongs to."""

import pytest
from django.urls import reverse
from django.utils import translation

from dossiers import services
from dossiers.declaration import DeclarationForm, SchemaError, rule_errors, validate_schema
from dossiers.models import OnlineForm, OnlineFormField, OnlineFormRule
from procedures.models import Procedure

from .citizen_helpers import (
    BIRTH,
    EXTRACT_COPY,
    HOUSEHOLD_BUSINESS,
    MARITAL_STATUS,
    MARRIAGE,
    TEMPORARY_RESIDENCE,
    birth_data,
    citizen,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    schema_of,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def errors_of(code: str, data: dict) -> dict[str, list[str]]:
    form = DeclarationForm(schema_of(code), data)
    form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_a_bride_born_in_2010_is_refused_with_a_message_naming_her():
    errors = errors_of(MARRIAGE, marriage_data(bride_dob="2010-03-14"))
    assert list(errors) == ["parties__0__date_of_birth"]
    assert errors["parties__0__date_of_birth"][0].startswith("Bên nữ phải từ đủ 18 tuổi")
    form = DeclarationForm(schema_of(MARRIAGE), marriage_data(bride_dob="2010-03-14"))
    form.is_valid()
    (_anchor, label, message), *_rest = form.summary_errors()
    assert label == "Bên nữ: Ngày, tháng, năm sinh"
    assert "18 tuổi" in message


def test_ages_are_counted_on_the_registration_day():
    # Today is 2 December 2026: a groom born on 2 December 2006 is 20 today, one born a day later is not.
    assert not errors_of(MARRIAGE, marriage_data(groom_dob="2006-12-02"))
    errors = errors_of(MARRIAGE, marriage_data(groom_dob="2006-12-03"))
    assert errors["parties__1__date_of_birth"][0].startswith("Bên nam phải từ đủ 20 tuổi")
    assert not errors_of(MARRIAGE, marriage_data(bride_dob="2008-12-02"))  # 18 today


def test_the_rule_follows_the_side_not_the_position():
    data = marriage_data()
    # The groom submits: he is the first part, the bride the second; she is 17.
    data.update({"parties__0__side": "male", "parties__0__date_of_birth": "1994-08-02"})
    data.update({"parties__1__side": "female", "parties__1__date_of_birth": "2009-06-01"})
    errors = errors_of(MARRIAGE, data)
    assert (
        list(errors) == ["parties__1__date_of_birth"] and "Bên nữ" in errors["parties__1__date_of_birth"][0]
    )


def test_a_child_born_in_2027_is_refused():
    errors = errors_of(BIRTH, birth_data(child_dob="2027-01-05"))
    assert errors == {
        "child_date_of_birth": ["Ngày sinh của trẻ không thể sau ngày hôm nay. Hãy kiểm tra lại năm sinh."]
    }


def test_a_child_cannot_be_born_before_the_mother():
    data = birth_data(child_dob="1990-01-01")
    assert "trước ngày sinh của người mẹ" in errors_of(BIRTH, data)["child_date_of_birth"][0]


def test_one_field_required_when_another_has_a_value():
    assert errors_of(MARRIAGE, marriage_data(copies_requested="yes", copies=""))["copies"] == [
        "Ghi số bản sao trích lục kết hôn cần cấp."
    ]
    assert not errors_of(MARRIAGE, marriage_data(copies_requested="no", copies=""))
    # The father may be unknown; once named, his other details are asked for.
    data = birth_data()
    assert not errors_of(BIRTH, data)
    data["father__0__full_name"] = "Nguyễn Văn An"
    errors = errors_of(BIRTH, data)
    assert set(errors) == {
        "father__0__date_of_birth",
        "father__0__ethnicity",
        "father__0__nationality",
        "father__0__residence",
    }


@pytest.mark.parametrize("copies", ["0", "2.5", "21"])
def test_whole_numbers_in_range(copies):
    assert "copies" in errors_of(MARRIAGE, marriage_data(copies=copies))


@pytest.mark.parametrize(
    ("code", "field", "value", "message"),
    [
        (MARITAL_STATUS, "period_to", "2020-01-01", "“Đến ngày” không thể trước “Từ ngày”."),
        (TEMPORARY_RESIDENCE, "stay_until", "2026-11-30", "Ngày tạm trú đến phải từ hôm nay trở đi."),
        (HOUSEHOLD_BUSINESS, "owner_date_of_birth", "2010-05-05", "Chủ hộ kinh doanh phải từ đủ 18 tuổi"),
        (EXTRACT_COPY, "registration_date", "2027-02-01", "Ngày đăng ký không thể sau ngày hôm nay."),
    ],
)
def test_rules_of_the_other_demo_declarations(code, field, value, message):
    from .form_answers import VALID_DATA

    data = {**VALID_DATA[code], field: value}
    if code == MARITAL_STATUS:
        data.update({"period_residence_0": "24", "period_residence_1": "09187", "period_from": "2021-01-01"})
    errors = errors_of(code, data)
    assert errors[field][0].startswith(message), errors


def test_every_demo_rule_has_both_messages():
    for code in (MARRIAGE, BIRTH, MARITAL_STATUS, HOUSEHOLD_BUSINESS, EXTRACT_COPY, TEMPORARY_RESIDENCE):
        rules = [
            rule
            for item in schema_of(code)
            for field in [item, *item.get("fields", [])]
            for rule in field.get("rules", [])
        ]
        assert rules, code
        assert all(rule.get("message") and rule.get("message_en") for rule in rules), code


def test_messages_in_english():
    with translation.override("en"):
        errors = errors_of(MARRIAGE, marriage_data(bride_dob="2010-03-14"))
    assert errors["parties__0__date_of_birth"][0].startswith("The bride must be at least 18")


def test_the_step_page_names_the_person_in_the_summary(client):
    user = citizen()
    procedure = Procedure.objects.get(code=MARRIAGE)
    draft = services.dossier_start(user=user, procedure=procedure)
    client.force_login(user)
    data = marriage_data(bride_dob="2010-03-14")
    for index in (0, 1):
        data[f"parties__{index}__ethnicity"] = ""
    data["continue"] = "1"
    page = client.post(reverse("dossiers:draft_step", args=[draft.uuid, "answers"]), data).content.decode()
    summary = text_of(page.split('id="error-summary"')[1].split("</ul>")[0])
    assert "Bên nữ: Dân tộc:" in summary and "Bên nam: Dân tộc:" in summary
    assert "Bên nữ: Ngày, tháng, năm sinh: Bên nữ phải từ đủ 18 tuổi" in summary
    # Never the bare label twice.
    assert summary.count("Dân tộc") == 2 and " Dân tộc: Trường" not in summary.replace(
        "Bên nữ: Dân tộc", ""
    ).replace("Bên nam: Dân tộc", "")


def test_submission_checks_the_same_rules():
    from .citizen_helpers import answers_for, draft_for

    user = citizen()
    draft = draft_for(MARRIAGE, user, marriage_data())
    # Answers saved on another day (or by an older page) that now break a rule.
    answers = answers_for(MARRIAGE, marriage_data())
    answers["parties"][0]["date_of_birth"] = "2010-03-14"
    services.draft_save_answers(dossier=draft, answers=answers)
    problems = services.submission_problems(draft)
    assert any(p.startswith("Bên nữ: Ngày, tháng, năm sinh: Bên nữ phải từ đủ 18 tuổi") for p in problems)
    with pytest.raises(services.DossierError, match="18 tuổi"):
        from .citizen_helpers import submit

        submit(draft, user)


def test_rules_are_edited_in_the_editor_and_versioned_with_the_fields():
    form = OnlineForm.objects.get(procedure__code=MARRIAGE)
    before = form.current_version()
    rule = form.rules.get(field_key="parties.date_of_birth", kind="min_age", when_value="female")
    rule.years = 19
    rule.message = "Bên nữ phải đủ 19 tuổi (quy định thử)."
    rule.save()
    after = services.online_form_publish(form=form)
    assert after.number == before.number + 1
    assert "19 tuổi" in str(after.schema) and "19 tuổi" not in str(before.schema)
    # A dossier keeps the version it was filled with.
    assert "18 tuổi" in str(before.schema)


def test_a_rule_naming_no_field_is_refused_at_publishing():
    form = OnlineForm.objects.get(procedure__code=BIRTH)
    OnlineFormRule.objects.create(form=form, field_key="no_such_field", kind="not_future")
    with pytest.raises(SchemaError):
        services.online_form_publish(form=form)


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "min_age", "years": 18},  # on a text field
        {"kind": "unknown"},
        {"kind": "not_before"},  # nothing to compare with
        {"kind": "required"},  # no condition
        {"kind": "not_before", "other": "nowhere"},
    ],
)
def test_schema_validation_explains_a_wrong_rule(rule):
    schema = [{"key": "name", "type": "text", "label": "Tên", "rules": [rule]}]
    if rule["kind"] == "not_before":
        schema[0]["type"] = "date"
    with pytest.raises(SchemaError):
        validate_schema(schema)


def test_rule_errors_skip_what_cannot_be_judged():
    schema = [
        {"key": "a", "type": "date", "label": "A"},
        {"key": "b", "type": "date", "label": "B", "rules": [{"kind": "not_before", "other": "a"}]},
    ]
    assert rule_errors(schema, {"b": "2020-01-01"}) == []  # "a" refused or absent: no second guess
    assert rule_errors(schema, {"a": "", "b": "2020-01-01"}) == []
    assert rule_errors(schema, {"a": "2021-01-01", "b": "2020-01-01"}) == [
        ("b", "Không được trước ngày 01/01/2021.")
    ]


def test_admin_editor_shows_rules_with_the_fields(client):
    from accounts.models import User
    from tests.factories import login_staff

    admin = User.objects.create_superuser("quantri-citizen", "qt@example.vn", "mat-khau-quan-tri-dai-1")
    login_staff(client, admin)
    form = OnlineForm.objects.get(procedure__code=MARRIAGE)
    page = client.get(reverse("admin:dossiers_onlineform_change", args=[form.pk])).content.decode()
    assert "Bên nữ phải từ đủ 18 tuổi" in page and "parties.date_of_birth" in page
    assert OnlineFormField.objects.filter(form=form, key="parties", label_field="side").exists()
