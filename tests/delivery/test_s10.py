"""UPU S10 item numbers: the check digit, generation and validation, exhaustively where it matters."""

import random

import pytest

from delivery import s10


def reference_check_digit(serial: str) -> int:
    """An independent statement of the rule (the UPU S10 standard), for comparison."""
    total = 0
    for digit, weight in zip(serial, [8, 6, 4, 2, 3, 5, 9, 7]):
        total += int(digit) * weight
    c = 11 - (total % 11)
    if c == 10:
        return 0
    if c == 11:
        return 5
    return c


def test_the_worked_example():
    assert s10.check_digit("12345678") == 5
    assert s10.validate("EE123456785VN") == "EE123456785VN"
    assert s10.generate(12345678, service="E", operator="E") == "EE123456785VN"


def test_both_special_cases_of_the_rule():
    # S mod 11 == 1 → c = 10 → 0; S mod 11 == 0 → c = 11 → 5.
    zero = next(
        f"{n:08d}" for n in range(10**6) if sum(int(d) * w for d, w in zip(f"{n:08d}", s10.WEIGHTS)) % 11 == 1
    )
    five = next(
        f"{n:08d}" for n in range(10**6) if sum(int(d) * w for d, w in zip(f"{n:08d}", s10.WEIGHTS)) % 11 == 0
    )
    assert s10.check_digit(zero) == 0
    assert s10.check_digit(five) == 5


def test_check_digit_matches_the_rule_for_every_residue_and_every_digit_in_every_position():
    seen_residues = set()
    for position in range(8):
        for digit in range(10):
            for base in ("00000000", "12345678", "99999999", "31415926"):
                serial = base[:position] + str(digit) + base[position + 1 :]
                assert s10.check_digit(serial) == reference_check_digit(serial), serial
                seen_residues.add(sum(int(d) * w for d, w in zip(serial, s10.WEIGHTS)) % 11)
    assert seen_residues == set(range(11))


def test_a_contiguous_block_of_100000_serials_agrees_with_the_rule():
    for n in range(0, 10**8, 1000):  # 100,000 serials spread over the whole range
        serial = f"{n:08d}"
        assert s10.check_digit(serial) == reference_check_digit(serial)


def test_exactly_one_check_digit_is_valid_for_each_serial():
    rng = random.Random(2026)
    for _ in range(2000):
        serial = f"{rng.randrange(10**8):08d}"
        valid = [d for d in range(10) if s10.is_valid(f"RB{serial}{d}VN")]
        assert valid == [reference_check_digit(serial)]


def test_generate_then_validate_round_trips_for_every_service():
    rng = random.Random(7)
    for service in "ERCL":
        for _ in range(500):
            number = s10.generate(rng.randrange(10**8), service=service, operator="B")
            assert s10.validate(number) == number
            assert number.startswith(service + "B") and number.endswith("VN") and len(number) == 13


def test_typed_the_way_people_type_it():
    assert s10.validate(" ee 1234 5678 5 vn ") == "EE123456785VN"
    assert s10.validate("EE-12345678-5-VN") == "EE123456785VN"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("EE123456784VN", "wrong check digit"),
        ("EE123456786VN", "wrong check digit"),
        ("XE123456785VN", "unknown service letter"),
        ("EE12345678VN", "2 letters, 9 digits"),
        ("EE1234567855VN", "2 letters, 9 digits"),
        ("E1123456785VN", "2 letters, 9 digits"),
        ("EE123456785V1", "2 letters, 9 digits"),
        ("", "2 letters, 9 digits"),
        ("EE１２３４５６７８５VN", "2 letters, 9 digits"),  # full-width digits are not ASCII digits
        ("<script>", "2 letters, 9 digits"),
    ],
)
def test_bad_item_numbers_say_what_is_wrong(value, message):
    with pytest.raises(s10.InvalidItemNumber, match=message):
        s10.validate(value)
    assert not s10.is_valid(value)


@pytest.mark.parametrize("serial", [-1, 10**8])
def test_serial_out_of_range(serial):
    with pytest.raises(s10.InvalidItemNumber):
        s10.generate(serial)


def test_bad_letters_refused():
    with pytest.raises(s10.InvalidItemNumber):
        s10.generate(1, service="X")
    with pytest.raises(s10.InvalidItemNumber):
        s10.generate(1, operator="b")
    with pytest.raises(s10.InvalidItemNumber):
        s10.generate(1, country="V")
    with pytest.raises(s10.InvalidItemNumber):
        s10.check_digit("1234567")
