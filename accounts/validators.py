"""Validation of Vietnamese identifiers: personal identification number, tax code, mobile phone.

Each identifier has a pure function that returns the normalised value (or raises Django's
``ValidationError`` with a Vietnamese message and a stable ``code``), plus a deconstructible
validator class for model and form fields.

The field validators only *check* a value. A form should store the normalised value by calling
the matching function in its ``clean_<field>()`` method, e.g. ``return normalize_vn_phone(value)``.

Sources for the rules:

* Personal identification number (số định danh cá nhân, printed on the căn cước / CCCD card):
  Điều 13 Nghị định 137/2015/NĐ-CP, Điều 7 and Phụ lục I Thông tư 07/2016/TT-BCA, kept by
  Thông tư 59/2021/TT-BCA; Điều 12 Luật Căn cước 2023.
* Tax code (mã số thuế): 10 digits N1…N10 with N10 a check digit; dependent units and branches
  add "-N11N12N13" (Thông tư 105/2020/TT-BTC). Since 1 July 2025 individuals use their personal
  identification number as tax code (Thông tư 86/2024/TT-BTC).
* Phone numbers: libphonenumber metadata for region VN (``phonenumbers``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.vn import mst

__all__ = [
    "PROVINCE_CODES",
    "SIMULATOR_TEST_PREFIX",
    "PersonalId",
    "PersonalIdValidator",
    "PhoneValidator",
    "TaxCodeValidator",
    "is_simulator_number",
    "normalize_vn_phone",
    "parse_personal_id",
    "tax_check_digit",
    "validate_personal_id",
    "validate_tax_code",
]

Sex = Literal["male", "female"]

# Separators people type inside numbers: any whitespace (incl. no-break space), dots, hyphens and dashes.
_SEPARATORS: Final = re.compile(r"[\s.\-\u2010-\u2015]+")

# ---------------------------------------------------------------------------------------------------
# Personal identification number (số định danh cá nhân)
# ---------------------------------------------------------------------------------------------------

#: Digits 1–3: the province / centrally-run city where the birth was registered. Phụ lục I of
#: Thông tư 07/2016/TT-BCA (kept by Thông tư 59/2021/TT-BCA): the 63 provinces before the 2025
#: merger. The 34 provinces formed on 1 July 2025 kept codes from this table, so every current
#: code is here as well; the name shown is the one the table gives for the code, i.e. the
#: province as it was before the merger.
#:
#: The decree also allows a *country* code for citizens whose birth was registered abroad. Its
#: list could not be confirmed from an authoritative text, so such numbers are not accepted yet.
PROVINCE_CODES: Final[dict[str, str]] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

#: Digit 4: century of birth and sex (Điều 7 khoản 2 Thông tư 07/2016/TT-BCA). Even = male, odd = female;
#: 0/1 for 1900–1999, 2/3 for 2000–2099, 4/5 for 2100–2199, 6/7 for 2200–2299, 8/9 for 2300–2399.
_CENTURY_AND_SEX: Final[dict[str, tuple[int, Sex]]] = {
    str(digit): (1900 + 100 * (digit // 2), "male" if digit % 2 == 0 else "female") for digit in range(10)
}

_SEX_LABELS: Final = {"male": _("nam"), "female": _("nữ")}
_PERSONAL_ID: Final = re.compile(r"[0-9]{12}")

MSG_PERSONAL_ID_LENGTH = _("Số định danh cá nhân gồm đúng 12 chữ số.")
MSG_UNKNOWN_PROVINCE = _(
    "Ba chữ số đầu (%(code)s) không phải mã tỉnh, thành phố nơi đăng ký khai sinh. "
    "Vui lòng kiểm tra lại số định danh trên thẻ căn cước."
)
MSG_IMPOSSIBLE_CENTURY = _(
    "Chữ số thứ tư (%(digit)s) ứng với người sinh trong các năm %(start)s–%(end)s, nên số định danh "
    "này không thể đúng. Vui lòng kiểm tra lại số trên thẻ căn cước."
)
MSG_IMPOSSIBLE_BIRTH_YEAR = _(
    "Chữ số thứ năm và thứ sáu (%(suffix)s) ứng với năm sinh %(year)s, là năm chưa tới. "
    "Vui lòng kiểm tra lại số trên thẻ căn cước."
)
MSG_CENTURY_MISMATCH = _(
    "Số định danh không khớp với năm sinh đã nhập: chữ số thứ tư (%(digit)s) ứng với người sinh trong "
    "các năm %(start)s–%(end)s, còn ngày sinh đã nhập thuộc năm %(year)s. "
    "Vui lòng kiểm tra lại số định danh hoặc ngày sinh."
)
MSG_YEAR_MISMATCH = _(
    "Số định danh không khớp với năm sinh đã nhập: chữ số thứ năm và thứ sáu (%(suffix)s) ứng với năm "
    "sinh %(id_year)s, còn ngày sinh đã nhập thuộc năm %(year)s. "
    "Vui lòng kiểm tra lại số định danh hoặc ngày sinh."
)
MSG_SEX_MISMATCH = _(
    "Số định danh không khớp với giới tính đã chọn: chữ số thứ tư (%(digit)s) ứng với giới tính "
    "%(id_sex)s, còn giới tính đã chọn là %(sex)s. Vui lòng kiểm tra lại số định danh hoặc giới tính."
)


@dataclass(frozen=True, slots=True)
class PersonalId:
    """What a personal identification number says about its holder."""

    value: str  #: the normalised 12 digits
    province_code: str  #: digits 1–3, e.g. "001"
    province_name: str  #: name given by Phụ lục I for that code, e.g. "Hà Nội"
    sex: Sex  #: from digit 4
    century_start: int  #: first year of the century of birth (1900, 2000, …), from digit 4
    year_suffix: int  #: digits 5–6: last two digits of the year of birth

    @property
    def birth_year(self) -> int:
        return self.century_start + self.year_suffix


def _compact(value: object) -> str:
    """``value`` without separators; "" for anything that is not a string."""
    return _SEPARATORS.sub("", value) if isinstance(value, str) else ""


def _personal_id_digits(value: object) -> str:
    """The 12 digits of a personal id with a known province code, or ValidationError."""
    digits = _compact(value)
    if not _PERSONAL_ID.fullmatch(digits):
        raise ValidationError(MSG_PERSONAL_ID_LENGTH, code="invalid_length")
    if digits[:3] not in PROVINCE_CODES:
        raise ValidationError(MSG_UNKNOWN_PROVINCE, code="unknown_province", params={"code": digits[:3]})
    return digits


def parse_personal_id(value: str, *, today: date | None = None) -> PersonalId:
    """Parse a personal identification number, ignoring spaces, dots and dashes.

    Raises ``ValidationError`` with code ``invalid_length`` (not exactly 12 digits),
    ``unknown_province`` (digits 1–3 are not a province code), ``impossible_century`` (digit 4 puts
    the birth in a century that has not started) or ``impossible_birth_year`` (the year of birth is
    after ``today``, which defaults to the current date).
    """
    digits = _personal_id_digits(value)
    century_start, sex = _CENTURY_AND_SEX[digits[3]]
    year_suffix = int(digits[4:6])
    current_year = (today or date.today()).year
    if century_start > current_year:
        raise ValidationError(
            MSG_IMPOSSIBLE_CENTURY,
            code="impossible_century",
            params={"digit": digits[3], "start": century_start, "end": century_start + 99},
        )
    if century_start + year_suffix > current_year:
        raise ValidationError(
            MSG_IMPOSSIBLE_BIRTH_YEAR,
            code="impossible_birth_year",
            params={"suffix": digits[4:6], "year": century_start + year_suffix},
        )
    return PersonalId(
        value=digits,
        province_code=digits[:3],
        province_name=PROVINCE_CODES[digits[:3]],
        sex=sex,
        century_start=century_start,
        year_suffix=year_suffix,
    )


def validate_personal_id(
    value: str, *, date_of_birth: date | None = None, sex: str | None = None, today: date | None = None
) -> str:
    """Check a personal identification number and return its normalised 12 digits.

    With ``date_of_birth``, digit 4 (century) and digits 5–6 (year) must agree with it; with
    ``sex`` ("male" or "female", the values of ``accounts.constants.Sex``), digit 4 must agree with
    it; an empty ``sex`` means "not given". All mismatches are reported together (codes
    ``century_mismatch``, ``birth_year_mismatch``, ``sex_mismatch``).
    """
    sex = sex or None
    if sex is not None and sex not in _SEX_LABELS:
        raise ValueError(f"sex must be 'male' or 'female', not {sex!r}")
    personal_id = parse_personal_id(value, today=today)
    digit = personal_id.value[3]
    errors: list[ValidationError] = []
    if date_of_birth is not None:
        year = date_of_birth.year
        if year - year % 100 != personal_id.century_start:
            errors.append(
                ValidationError(
                    MSG_CENTURY_MISMATCH,
                    code="century_mismatch",
                    params={
                        "digit": digit,
                        "start": personal_id.century_start,
                        "end": personal_id.century_start + 99,
                        "year": year,
                    },
                )
            )
        elif year % 100 != personal_id.year_suffix:
            errors.append(
                ValidationError(
                    MSG_YEAR_MISMATCH,
                    code="birth_year_mismatch",
                    params={
                        "suffix": personal_id.value[4:6],
                        "id_year": personal_id.birth_year,
                        "year": year,
                    },
                )
            )
    if sex is not None and sex != personal_id.sex:
        errors.append(
            ValidationError(
                MSG_SEX_MISMATCH,
                code="sex_mismatch",
                params={"digit": digit, "id_sex": _SEX_LABELS[personal_id.sex], "sex": _SEX_LABELS[sex]},
            )
        )
    if errors:
        raise ValidationError(errors)
    return personal_id.value


@deconstructible
class PersonalIdValidator:
    """Field validator: 12 digits (separators allowed) with a known province code.

    Deliberately independent of today's date and of other fields; use ``validate_personal_id`` in
    the form's ``clean()`` to compare with the date of birth and sex.
    """

    def __call__(self, value: Any) -> None:
        _personal_id_digits(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PersonalIdValidator)

    def __hash__(self) -> int:
        return hash(type(self))


# ---------------------------------------------------------------------------------------------------
# Tax code (mã số thuế)
# ---------------------------------------------------------------------------------------------------

_TAX_CODE: Final = re.compile(r"([0-9]{10})([0-9]{3})?")
# "NNNNNNNNNN-…" (after removing spaces and dots): written as a branch code, even with a wrong suffix.
_BRANCH_SHAPE: Final = re.compile(r"[0-9]{10}[\-\u2010-\u2015][0-9]+")

MSG_TAX_FORMAT = _(
    "Mã số thuế gồm 10 chữ số (ví dụ 0100109106) hoặc 13 chữ số đối với đơn vị phụ thuộc, chi nhánh "
    "(ví dụ 0100109106-001)."
)
MSG_TAX_FORMAT_OR_PERSONAL_ID = _(
    "Mã số thuế gồm 10 chữ số (ví dụ 0100109106), 13 chữ số đối với đơn vị phụ thuộc, chi nhánh "
    "(ví dụ 0100109106-001), hoặc là số định danh cá nhân 12 chữ số."
)
MSG_TAX_SEQUENCE = _(
    "Mã số thuế %(value)s không hợp lệ: các chữ số từ thứ ba đến thứ chín không thể đều là 0."
)
MSG_TAX_CHECK_DIGIT = _(
    "Mã số thuế %(value)s không đúng: chữ số thứ mười (chữ số kiểm tra) không khớp với chín chữ số đầu. "
    "Vui lòng kiểm tra lại từng chữ số."
)
MSG_TAX_UNISSUABLE = _(
    "Mã số thuế %(value)s không hợp lệ: với chín chữ số đầu này không có chữ số kiểm tra nào phù hợp, "
    "nên mã này không bao giờ được cấp. Vui lòng kiểm tra lại từng chữ số."
)
MSG_TAX_BRANCH = _(
    "Ba chữ số cuối của mã số thuế đơn vị phụ thuộc, chi nhánh phải từ 001 đến 999 (đang là %(suffix)s)."
)


def tax_check_digit(first_nine: str) -> int | None:
    """The check digit N10 for digits N1…N9 (python-stdnum's ``vn.mst``), or None when the formula gives
    10: such a prefix can never be issued."""
    if not re.fullmatch(r"[0-9]{9}", first_nine):
        raise ValueError("first_nine must be 9 ASCII digits")
    check = mst.calc_check_digit(first_nine)
    return None if check == "10" else int(check)


def validate_tax_code(value: str, *, allow_personal_id: bool = True) -> str:
    """Check a tax code and return it as "NNNNNNNNNN" or "NNNNNNNNNN-NNN".

    The tax code itself (check digit, branch suffix, sequence) is checked by python-stdnum's
    ``vn.mst``; this function only turns its verdict into a message a person can act on. Spaces, dots
    and dashes are ignored, so "0100109106-001", "0100109106 - 001" and "0100109106001" are all the
    same branch code. With ``allow_personal_id`` (the default), a 12-digit personal identification
    number is accepted too (individuals' tax code since 1 July 2025) and returned as its 12 digits.
    """
    digits = _compact(value)
    # "0100109106-01" is a branch code missing a digit, not the personal id 010010910601.
    written_as_branch = isinstance(value, str) and _BRANCH_SHAPE.fullmatch(re.sub(r"[\s.]", "", value))
    if allow_personal_id and len(digits) == 12 and not written_as_branch:
        return parse_personal_id(digits).value
    match = _TAX_CODE.fullmatch(digits)
    if not match:
        raise ValidationError(
            MSG_TAX_FORMAT_OR_PERSONAL_ID if allow_personal_id else MSG_TAX_FORMAT, code="invalid_format"
        )
    head, branch = match.groups()
    shown = f"{head}-{branch}" if branch else head
    try:
        mst.validate(digits)
    except InvalidComponent as exc:
        if head[2:9] == "0000000":
            raise ValidationError(MSG_TAX_SEQUENCE, code="invalid_sequence", params={"value": shown}) from exc
        raise ValidationError(MSG_TAX_BRANCH, code="invalid_branch", params={"suffix": branch}) from exc
    except InvalidChecksum as exc:
        if tax_check_digit(head[:9]) is None:
            raise ValidationError(MSG_TAX_UNISSUABLE, code="unissuable", params={"value": shown}) from exc
        raise ValidationError(
            MSG_TAX_CHECK_DIGIT, code="invalid_check_digit", params={"value": shown}
        ) from exc
    except StdnumValidationError as exc:
        raise ValidationError(MSG_TAX_FORMAT, code="invalid_format") from exc
    return shown


@deconstructible
class TaxCodeValidator:
    """Field validator wrapping ``validate_tax_code``."""

    def __init__(self, *, allow_personal_id: bool = True) -> None:
        self.allow_personal_id = allow_personal_id

    def __call__(self, value: Any) -> None:
        validate_tax_code(value, allow_personal_id=self.allow_personal_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TaxCodeValidator) and other.allow_personal_id == self.allow_personal_id

    def __hash__(self) -> int:
        return hash((type(self), self.allow_personal_id))


# ---------------------------------------------------------------------------------------------------
# Mobile phone numbers
# ---------------------------------------------------------------------------------------------------

#: The SMS simulator's test numbers are +84999000001 … +84999000099 (see
#: notifications/providers/sms_simulator.py). They are accepted whatever libphonenumber thinks of
#: them, so the demo and tests keep working when its metadata changes.
SIMULATOR_TEST_PREFIX: Final = "+849990000"
_SIMULATOR_NUMBER: Final = re.compile(re.escape(SIMULATOR_TEST_PREFIX) + r"(?!00)[0-9]{2}")

# What a typed phone number may contain. Letters are refused rather than read as a keypad
# ("vanity") number, which is how libphonenumber would otherwise treat them.
_PHONE_CHARACTERS: Final = re.compile(r"[0-9\s+().\-]{1,32}")
_MOBILE_TYPES: Final = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)

MSG_PHONE_INVALID = _(
    "Số điện thoại không hợp lệ. Vui lòng nhập số di động Việt Nam gồm 10 chữ số, "
    "ví dụ 0912 345 678 hoặc +84 912 345 678."
)
MSG_PHONE_FOREIGN = _("Chỉ chấp nhận số điện thoại di động của nhà mạng Việt Nam (mã quốc gia +84).")
MSG_PHONE_LANDLINE = _(
    "Đây là số máy cố định. Mã xác minh được gửi bằng tin nhắn SMS nên cần số điện thoại di động."
)
MSG_PHONE_NOT_MOBILE = _(
    "Số này không phải số điện thoại di động. Mã xác minh được gửi bằng tin nhắn SMS nên cần số "
    "điện thoại di động."
)


def is_simulator_number(e164: str) -> bool:
    """Whether an E.164 number is one of the SMS simulator's test numbers."""
    return bool(_SIMULATOR_NUMBER.fullmatch(e164))


def normalize_vn_phone(value: str) -> str:
    """Return a Vietnamese mobile number in E.164 form ("+84912345678").

    Accepts the usual ways of writing it: "0912 345 678", "0912.345.678", "+84 912 345 678",
    "84912345678", "(+84) 912345678". Raises ``ValidationError`` with code ``invalid``,
    ``foreign``, ``landline`` or ``not_mobile``: verification codes go out by SMS, so only numbers
    that can receive one are accepted.
    """
    if not isinstance(value, str) or not _PHONE_CHARACTERS.fullmatch(value.strip()):
        raise ValidationError(MSG_PHONE_INVALID, code="invalid")
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        raise ValidationError(MSG_PHONE_INVALID, code="invalid") from None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if is_simulator_number(e164):
        return e164
    if number.country_code != 84:
        raise ValidationError(MSG_PHONE_FOREIGN, code="foreign")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(MSG_PHONE_INVALID, code="invalid")
    number_type = phonenumbers.number_type(number)
    if number_type == phonenumbers.PhoneNumberType.FIXED_LINE:
        raise ValidationError(MSG_PHONE_LANDLINE, code="landline")
    if number_type not in _MOBILE_TYPES:
        raise ValidationError(MSG_PHONE_NOT_MOBILE, code="not_mobile")
    return e164


@deconstructible
class PhoneValidator:
    """Field validator wrapping ``normalize_vn_phone``."""

    def __call__(self, value: Any) -> None:
        normalize_vn_phone(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PhoneValidator)

    def __hash__(self) -> int:
        return hash(type(self))
