from datetime import date

import pytest

from dossiers.declaration import (
    DeclarationForm,
    SchemaError,
    iter_answer_rows,
    prefill_values,
    validate_schema,
)

MARRIAGE = [
    {"type": "section", "label": "Thông tin hai bên"},
    {
        "key": "spouses",
        "type": "group",
        "label": "Bên đăng ký",
        "repeat": True,
        "min": 2,
        "max": 2,
        "fields": [
            {
                "key": "full_name",
                "type": "text",
                "label": "Họ, chữ đệm, tên",
                "required": True,
                "prefill": "full_name",
            },
            {"key": "birth_date", "type": "date", "label": "Ngày sinh", "required": True},
            {"key": "personal_id", "type": "personal_id", "label": "Số định danh", "required": True},
            {"key": "residence", "type": "address", "label": "Nơi cư trú", "required": True},
        ],
    },
    {"key": "phone", "type": "phone", "label": "Điện thoại liên hệ", "required": True, "prefill": "phone"},
    {"key": "first_marriage", "type": "yesno", "label": "Kết hôn lần đầu", "required": True},
    {"key": "note", "type": "textarea", "label": "Ghi chú"},
    {"key": "copies", "type": "number", "label": "Số bản sao trích lục", "required": False},
    {"key": "purpose", "type": "choice", "label": "Mục đích", "choices": [["a", "Đăng ký"], ["b", "Khác"]]},
    {"key": "zip", "type": "text", "label": "Mã", "pattern": "[0-9]{6}"},
]


def spouse(i, name, pid, birth):
    return {
        f"spouses__{i}__full_name": name,
        f"spouses__{i}__birth_date": birth,
        f"spouses__{i}__personal_id": pid,
        f"spouses__{i}__residence_0": "24",
        f"spouses__{i}__residence_1": "09187",
        f"spouses__{i}__residence_2": "Số 1 Lý Thái Tổ",
    }


def test_schema_validation():
    validate_schema(MARRIAGE)
    with pytest.raises(SchemaError):
        validate_schema([{"key": "Bad Key", "type": "text"}])
    with pytest.raises(SchemaError):
        validate_schema([{"key": "a", "type": "text"}, {"key": "a", "type": "date"}])
    with pytest.raises(SchemaError):
        validate_schema(
            [{"key": "g", "type": "group", "fields": [{"key": "x", "type": "group", "fields": []}]}]
        )
    with pytest.raises(SchemaError):
        validate_schema([{"key": "x", "type": "text", "pattern": "("}])


def test_repeatable_group_and_nested_answers():
    data = {
        **spouse(0, "Nguyễn Văn An", "027090012345", "1990-05-17"),
        **spouse(1, "Trần Thị Bình", "027192012345", "1992-01-02"),
        "phone": "0912 345 678",
        "first_marriage": "yes",
        "copies": "2",
        "purpose": "a",
        "zip": "123456",
    }
    form = DeclarationForm(MARRIAGE, data)
    assert form.is_valid(), form.errors
    answers = form.cleaned_answers()
    assert answers["phone"] == "+84912345678"
    assert answers["first_marriage"] is True
    assert answers["spouses"][1]["full_name"] == "Trần Thị Bình"
    assert answers["spouses"][0]["residence"]["commune_name"] == "Phường Kinh Bắc"
    assert answers["spouses"][0]["birth_date"] == "1990-05-17"
    rows = list(iter_answer_rows(MARRIAGE, answers))
    assert ("Bên đăng ký (2)", "Họ, chữ đệm, tên", "Trần Thị Bình") in rows
    assert ("Thông tin hai bên", "Kết hôn lần đầu", "Có") in rows
    # Round trip: the saved answers fill the form again.
    again = DeclarationForm(MARRIAGE, answers=answers)
    assert again.initial["spouses__1__full_name"] == "Trần Thị Bình"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "024 3825 1234"),
        ("zip", "12a456"),
        ("spouses__0__personal_id", "12345"),
        ("spouses__0__residence_1", "00070"),
        ("first_marriage", ""),
    ],
)
def test_bad_answers_get_field_errors(field, value):
    data = {
        **spouse(0, "A", "027090012345", "1990-05-17"),
        **spouse(1, "B", "027192012345", "1992-01-02"),
        "phone": "0912345678",
        "first_marriage": "no",
    }
    data[field] = value
    form = DeclarationForm(MARRIAGE, data)
    assert not form.is_valid()
    assert any(
        name.startswith(field.rsplit("_", 1)[0] if field.endswith("_1") else field) for name in form.errors
    )


@pytest.mark.django_db
def test_prefill_from_profile():
    from accounts.models import CitizenProfile
    from tests.factories import UserFactory

    user = UserFactory(full_name="Lê Văn Cường", phone="+84912345688")
    profile = CitizenProfile.objects.create(
        user=user, personal_id="027090012345", date_of_birth=date(1990, 5, 17)
    )
    answers = prefill_values(MARRIAGE, user=user, profile=profile)
    assert answers == {"spouses": [{"full_name": "Lê Văn Cường"}], "phone": "+84912345688"}
    form = DeclarationForm(MARRIAGE, answers=answers)
    assert form.initial["spouses__0__full_name"] == "Lê Văn Cường"
