"""Validators for personal identification numbers, tax codes and mobile numbers (no database)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from vietnam_provinces import ProvinceCode

from accounts.validators import (
    PROVINCE_CODES,
    PersonalId,
    PersonalIdValidator,
    PhoneValidator,
    TaxCodeValidator,
    normalize_vn_phone,
    parse_personal_id,
    tax_check_digit,
    validate_personal_id,
    validate_tax_code,
)

TODAY = date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def error_of(func, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        func(*args, **kwargs)
    return excinfo.value


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


# --- personal identification number ---------------------------------------------------------------


def test_province_table_has_the_63_pre_2025_codes():
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)
    assert (
        PROVINCE_CODES["001"] == "Hà Nội"
        and PROVINCE_CODES["079"] == "Hồ Chí Minh"
        and PROVINCE_CODES["096"] == "Cà Mau"
    )


def test_every_province_code_after_the_2025_merger_is_known():
    # The 34 provinces of 1 July 2025 kept codes from the old table, so new numbers still validate.
    assert {f"{int(code):03d}" for code in ProvinceCode} <= PROVINCE_CODES.keys()


@pytest.mark.parametrize(
    ("value", "province", "sex", "birth_year"),
    [
        ("001090012345", "Hà Nội", "male", 1990),
        ("079301234567", "Hồ Chí Minh", "female", 2001),
        ("027200000001", "Bắc Ninh", "male", 2000),
        ("038185012345", "Thanh Hóa", "female", 1985),
        ("048224123456", "Đà Nẵng", "male", 2024),
        ("096145987654", "Cà Mau", "female", 1945),
    ],
)
def test_parse_valid_personal_ids(value, province, sex, birth_year):
    personal_id = parse_personal_id(value, today=TODAY)
    assert personal_id == PersonalId(
        value=value,
        province_code=value[:3],
        province_name=province,
        sex=sex,
        century_start=birth_year - birth_year % 100,
        year_suffix=birth_year % 100,
    )
    assert personal_id.birth_year == birth_year


@pytest.mark.parametrize(
    "typed",
    [
        "001 090 012 345",
        "001.090.012.345",
        "001-090-012345",
        " 001090012345 ",
        "001\u00a0090\u00a0012\u00a0345",
    ],
)
def test_personal_id_separators_are_ignored(typed):
    assert validate_personal_id(typed, today=TODAY) == "001090012345"


@pytest.mark.parametrize(
    "value",
    [
        "00109001234",
        "0010900123456",
        "",
        "00109001234A",
        "O01090012345",
        "001O90012345",
        "００１０９００１２３４５",
        None,
        1090012345,
    ],
)
def test_personal_id_must_be_12_digits(value):
    error = error_of(parse_personal_id, value, today=TODAY)
    assert codes(error) == ["invalid_length"]
    assert error.messages == ["Số định danh cá nhân gồm đúng 12 chữ số."]


@pytest.mark.parametrize(
    "value", ["003090012345", "000090012345", "097090012345", "100090012345", "286200000002"]
)
def test_unknown_province_code(value):
    error = error_of(parse_personal_id, value, today=TODAY)
    assert codes(error) == ["unknown_province"]
    assert error.messages == [
        f"Ba chữ số đầu ({value[:3]}) không phải mã tỉnh, thành phố nơi đăng ký khai sinh. "
        "Vui lòng kiểm tra lại số định danh trên thẻ căn cước."
    ]


@pytest.mark.parametrize(
    "value", ["001400012345", "001512345678", "001600012345", "001799012345", "001800012345", "001999012345"]
)
def test_century_digit_of_a_century_not_yet_begun_is_impossible(value):
    error = error_of(parse_personal_id, value, today=TODAY)
    assert codes(error) == ["impossible_century"]
    assert error.messages[0].startswith(f"Chữ số thứ tư ({value[3]}) ứng với người sinh trong các năm")


def test_birth_year_in_the_future_is_impossible():
    error = error_of(parse_personal_id, "001230012345", today=TODAY)
    assert codes(error) == ["impossible_birth_year"]
    assert "năm sinh 2030, là năm chưa tới" in error.messages[0]
    assert parse_personal_id("001226012345", today=TODAY).birth_year == 2026


def test_validate_personal_id_with_matching_details():
    assert (
        validate_personal_id("001090012345", date_of_birth=date(1990, 5, 17), sex="male", today=TODAY)
        == "001090012345"
    )
    assert (
        validate_personal_id("079 301 234 567", date_of_birth=date(2001, 12, 31), sex="female", today=TODAY)
        == "079301234567"
    )


def test_century_digit_inconsistent_with_date_of_birth():
    # Born in 2000, but digit 4 is 0 (1900–1999): someone typed 0 instead of 2.
    error = error_of(validate_personal_id, "001001234567", date_of_birth=date(2000, 3, 8), today=TODAY)
    assert codes(error) == ["century_mismatch"]
    assert error.messages == [
        "Số định danh không khớp với năm sinh đã nhập: chữ số thứ tư (0) ứng với người sinh trong các năm "
        "1900–1999, còn ngày sinh đã nhập thuộc năm 2000. Vui lòng kiểm tra lại số định danh hoặc ngày sinh."
    ]


def test_year_digits_inconsistent_with_date_of_birth():
    error = error_of(validate_personal_id, "001090012345", date_of_birth=date(1991, 1, 2), today=TODAY)
    assert codes(error) == ["birth_year_mismatch"]
    assert error.messages[0].startswith(
        "Số định danh không khớp với năm sinh đã nhập: chữ số thứ năm và thứ sáu (90)"
    )
    assert "năm sinh 1990, còn ngày sinh đã nhập thuộc năm 1991" in error.messages[0]


def test_sex_mismatch():
    error = error_of(validate_personal_id, "001090012345", sex="female", today=TODAY)
    assert codes(error) == ["sex_mismatch"]
    assert error.messages == [
        "Số định danh không khớp với giới tính đã chọn: chữ số thứ tư (0) ứng với giới tính nam, còn giới "
        "tính đã chọn là nữ. Vui lòng kiểm tra lại số định danh hoặc giới tính."
    ]
    assert codes(error_of(validate_personal_id, "079301234567", sex="male", today=TODAY)) == ["sex_mismatch"]


def test_all_mismatches_are_reported_together():
    error = error_of(
        validate_personal_id, "079301234567", date_of_birth=date(1901, 6, 1), sex="male", today=TODAY
    )
    assert codes(error) == ["century_mismatch", "sex_mismatch"]


def test_validate_personal_id_format_errors_come_first():
    assert codes(error_of(validate_personal_id, "0010900", date_of_birth=date(1990, 1, 1), sex="male")) == [
        "invalid_length"
    ]


def test_blank_sex_and_date_of_birth_are_not_checked():
    assert validate_personal_id("079301234567", date_of_birth=None, sex="", today=TODAY) == "079301234567"


def test_unknown_sex_value_is_a_programming_error():
    with pytest.raises(ValueError, match="male"):
        validate_personal_id("001090012345", sex="nam", today=TODAY)


def test_personal_id_validator_checks_format_and_province_only():
    validator = PersonalIdValidator()
    validator("001 090 012 345")
    validator("001400012345")  # century is checked by validate_personal_id, not by the field validator
    assert codes(error_of(validator, "00109001234")) == ["invalid_length"]
    assert codes(error_of(validator, "003090012345")) == ["unknown_province"]
    assert validator == PersonalIdValidator()
    assert validator.deconstruct() == ("accounts.validators.PersonalIdValidator", (), {})


# --- tax code -------------------------------------------------------------------------------------

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def with_check_digit(first_nine: str) -> str:
    """The formula written out independently of the module under test."""
    check = 10 - sum(w * int(d) for w, d in zip(WEIGHTS, first_nine)) % 11
    assert check != 10
    return first_nine + str(check)


@pytest.mark.parametrize(
    "value",
    [
        "0100109106",  # Viettel
        "0300588569",  # Vinamilk
        "0101248141",  # FPT
        "0100112437",  # Vietcombank
        "0100233488",
        "0314409058",
        "2000102580",
        "8037630690",
    ],
)
def test_published_tax_codes_are_valid(value):
    assert tax_check_digit(value[:9]) == int(value[9])
    assert validate_tax_code(value) == value


@pytest.mark.parametrize("first_nine", ["010000001", "031234567", "480012345", "870000042", "999999999"])
def test_tax_codes_computed_by_the_formula_are_valid(first_nine):
    code = with_check_digit(first_nine)
    assert validate_tax_code(code) == code


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("0100109106", "0100109106"),
        (" 0100 109 106 ", "0100109106"),
        ("01.00.112.437", "0100112437"),
        ("0100109106-001", "0100109106-001"),
        ("0100109106001", "0100109106-001"),
        ("0100109106 - 001", "0100109106-001"),
        ("0314409058-002", "0314409058-002"),
        ("2000102580-005", "2000102580-005"),
        ("0100109106-999", "0100109106-999"),
    ],
)
def test_tax_code_normalisation(typed, normalised):
    assert validate_tax_code(typed) == normalised


def test_wrong_check_digit():
    error = error_of(validate_tax_code, "0100109107")
    assert codes(error) == ["invalid_check_digit"]
    assert error.messages == [
        "Mã số thuế 0100109107 không đúng: chữ số thứ mười (chữ số kiểm tra) không khớp với chín chữ số đầu. "
        "Vui lòng kiểm tra lại từng chữ số."
    ]
    assert codes(error_of(validate_tax_code, "0100109107-001")) == ["invalid_check_digit"]


@pytest.mark.parametrize("first_nine", ["010100006", "010100018"])
def test_check_digit_of_ten_is_never_issued(first_nine):
    assert sum(w * int(d) for w, d in zip(WEIGHTS, first_nine)) % 11 == 0  # so the formula gives 10
    assert tax_check_digit(first_nine) is None
    for last in "0123456789":
        error = error_of(validate_tax_code, first_nine + last)
        assert codes(error) == ["unissuable"]
        assert "không bao giờ được cấp" in error.messages[0]


def test_branch_suffix_000_is_invalid():
    error = error_of(validate_tax_code, "0100109106-000")
    assert codes(error) == ["invalid_branch"]
    assert error.messages == [
        "Ba chữ số cuối của mã số thuế đơn vị phụ thuộc, chi nhánh phải từ 001 đến 999 (đang là 000)."
    ]


def test_sequence_of_zeros_is_invalid():
    assert codes(error_of(validate_tax_code, "0100000008")) == ["invalid_sequence"]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12345",
        "010010910",
        "01001091066",
        "0100109106-01",
        "0100109106-0001",
        "01001O9106",
        "0100109106/001",
        None,
    ],
)
def test_tax_code_format(value):
    error = error_of(validate_tax_code, value)
    assert codes(error) == ["invalid_format"]
    assert error.messages[0].startswith("Mã số thuế gồm 10 chữ số (ví dụ 0100109106)")
    assert "số định danh cá nhân 12 chữ số" in error.messages[0]


def test_personal_id_as_tax_code():
    assert validate_tax_code("001 090 012 345") == "001090012345"
    assert validate_tax_code("001-090-012345") == "001090012345"
    # 12 digits, but typed as a branch code with a short suffix: not read as the personal id 010010910601.
    assert codes(error_of(validate_tax_code, "0100109106-01")) == ["invalid_format"]
    assert codes(error_of(validate_tax_code, "003090012345")) == ["unknown_province"]
    error = error_of(validate_tax_code, "001090012345", allow_personal_id=False)
    assert codes(error) == ["invalid_format"]
    assert "định danh" not in error.messages[0]


def test_tax_code_validator():
    TaxCodeValidator()("0100109106-001")
    TaxCodeValidator()("001090012345")
    assert codes(error_of(TaxCodeValidator(allow_personal_id=False), "001090012345")) == ["invalid_format"]
    assert codes(error_of(TaxCodeValidator(), "0100109107")) == ["invalid_check_digit"]
    assert (
        TaxCodeValidator()
        == TaxCodeValidator(allow_personal_id=True)
        != TaxCodeValidator(allow_personal_id=False)
    )
    assert TaxCodeValidator(allow_personal_id=False).deconstruct() == (
        "accounts.validators.TaxCodeValidator",
        (),
        {"allow_personal_id": False},
    )


# --- mobile phone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "84912345678",
        "(+84) 912345678",
        "+84912345678",
        "0084 912 345 678",
        " 0912345678 ",
    ],
)
def test_phone_typed_forms(typed):
    assert normalize_vn_phone(typed) == "+84912345678"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0981 234 567", "+84981234567"),
        ("0321 234 567", "+84321234567"),
        ("0869 123 456", "+84869123456"),
        ("0703 123 456", "+84703123456"),
        ("0888 123 456", "+84888123456"),
        ("0562 123 456", "+84562123456"),
    ],
)
def test_mobile_ranges_of_all_operators(typed, e164):
    assert normalize_vn_phone(typed) == e164


@pytest.mark.parametrize("typed", ["024 3825 1234", "+84 24 3825 1234", "028 3829 1234"])
def test_landline_rejected(typed):
    error = error_of(normalize_vn_phone, typed)
    assert codes(error) == ["landline"]
    assert error.messages == [
        "Đây là số máy cố định. Mã xác minh được gửi bằng tin nhắn SMS nên cần số điện thoại di động."
    ]


@pytest.mark.parametrize(
    "typed",
    ["0912 345", "091234567", "09123456789", "+84", "", "   ", "0912abc678", "0912 345 678 ext. 2", None],
)
def test_invalid_phone(typed):
    error = error_of(normalize_vn_phone, typed)
    assert codes(error) == ["invalid"]
    assert error.messages[0].startswith(
        "Số điện thoại không hợp lệ. Vui lòng nhập số di động Việt Nam gồm 10 chữ số"
    )


@pytest.mark.parametrize(
    "typed", ["+1 202 555 0123", "+33 6 12 34 56 78", "+855 12 345 678", "+86 138 0013 8000"]
)
def test_foreign_number_rejected(typed):
    error = error_of(normalize_vn_phone, typed)
    assert codes(error) == ["foreign"]
    assert error.messages == ["Chỉ chấp nhận số điện thoại di động của nhà mạng Việt Nam (mã quốc gia +84)."]


def test_premium_rate_number_is_not_mobile():
    assert codes(error_of(normalize_vn_phone, "1900 1234")) == ["not_mobile"]


@pytest.mark.parametrize(
    "typed", ["+84999000001", "+84999000002", "+84999000005", "+84999000099", "0999 000 001", "84999000042"]
)
def test_simulator_numbers_accepted(typed):
    e164 = normalize_vn_phone(typed)
    assert e164.startswith("+849990000") and len(e164) == 12


def test_phone_validator():
    PhoneValidator()("0912 345 678")
    PhoneValidator()("+84999000003")
    assert codes(error_of(PhoneValidator(), "024 3825 1234")) == ["landline"]
    assert PhoneValidator() == PhoneValidator()
    assert PhoneValidator().deconstruct() == ("accounts.validators.PhoneValidator", (), {})


def test_passwords_are_hashed_with_owasp_argon2id_and_older_costs_are_remade(settings):
    """Production hashes with Argon2id at OWASP's cost (19 MiB, 2 passes, 1 lane: PASSWORD_ARGON2_*);
    a hash made at Django's default cost (100 MiB, 8 lanes) still verifies, and is remade at the
    person's next sign-in. The tests' own fast hasher (settings.test) is set aside here."""
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, get_hasher, make_password

    settings.PASSWORD_HASHERS = [
        "accounts.passwords.PortalArgon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    encoded = make_password("một mật khẩu đủ dài")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("một mật khẩu đủ dài", encoded)
    assert not check_password("mot mat khau du dai", encoded)
    hasher = get_hasher("default")
    assert not hasher.must_update(encoded)

    old = Argon2PasswordHasher().encode("một mật khẩu đủ dài", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    assert check_password("một mật khẩu đủ dài", old)  # verifies with its own parameters
    assert hasher.must_update(old)  # and is remade at the next sign-in
    remade = []
    assert check_password("một mật khẩu đủ dài", old, setter=remade.append)
    assert remade == ["một mật khẩu đủ dài"]

    settings.PASSWORD_ARGON2_MEMORY_KIB = 47104  # an operator's choice: OWASP's 46 MiB, 1 pass
    settings.PASSWORD_ARGON2_TIME_COST = 1
    assert make_password("x" * 12).startswith("argon2$argon2id$v=19$m=47104,t=1,p=1$")
    assert hasher.must_update(encoded)
