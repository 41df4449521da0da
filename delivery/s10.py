"""UPU S10 postal item numbers (số hiệu bưu gửi), e.g. ``EE123456785VN``.

Two letters for the service (``E`` EMS, ``R`` registered, ``C`` parcel, ``L`` express letter; the
second letter is the operator's), eight serial digits, one check digit, the two-letter country.

Check digit: weights 8, 6, 4, 2, 3, 5, 9, 7 on the eight serial digits, sum S, c = 11 − (S mod 11);
c = 10 → 0, c = 11 → 5. Serial ``12345678`` gives S = 204 and c = 5: ``EE123456785VN``.
"""

from __future__ import annotations

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
SERVICE_LETTERS = frozenset("ERCL")
_PATTERN = re.compile(r"^([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})$")


class InvalidItemNumber(ValueError):
    """Not an S10 item number: wrong shape or wrong check digit. The message says which."""


def check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial."""
    if len(serial) != 8 or not serial.isdigit() or not serial.isascii():
        raise InvalidItemNumber("the serial must be 8 digits")
    total = sum(int(digit) * weight for digit, weight in zip(serial, WEIGHTS, strict=True))
    c = 11 - total % 11
    return {10: 0, 11: 5}.get(c, c)


def normalise(value: str) -> str:
    """Upper case without spaces, as people type it off a label ("ee 1234 5678 5 vn")."""
    return re.sub(r"[\s-]+", "", str(value or "")).upper()


def generate(serial: int, *, service: str = "E", operator: str = "E", country: str = "VN") -> str:
    """The item number for a serial (0 … 99,999,999)."""
    if not 0 <= serial <= 99_999_999:
        raise InvalidItemNumber("the serial must be between 0 and 99999999")
    if service not in SERVICE_LETTERS:
        raise InvalidItemNumber(f"unknown service letter {service!r}")
    if not (len(operator) == 1 and operator.isascii() and operator.isalpha() and operator.isupper()):
        raise InvalidItemNumber("the operator letter must be one capital letter")
    if not (len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()):
        raise InvalidItemNumber("the country must be two capital letters")
    digits = f"{serial:08d}"
    return f"{service}{operator}{digits}{check_digit(digits)}{country}"


def validate(value: str) -> str:
    """The normalised item number, or ``InvalidItemNumber`` saying what is wrong."""
    item = normalise(value)
    match = _PATTERN.match(item)
    if match is None:
        raise InvalidItemNumber("an item number is 2 letters, 9 digits and 2 letters, e.g. EE123456785VN")
    letters, serial, digit, _country = match.groups()
    if letters[0] not in SERVICE_LETTERS:
        raise InvalidItemNumber(f"unknown service letter {letters[0]!r}")
    if int(digit) != check_digit(serial):
        raise InvalidItemNumber("wrong check digit")
    return item


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except InvalidItemNumber:
        return False
    return True
