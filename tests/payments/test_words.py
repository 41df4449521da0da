"""Amounts in Vietnamese words, as printed on receipts."""

import pytest

from payments.words import amount_in_words, format_vnd, number_to_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (1, "Một đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi bốn đồng"),
        (25, "Hai mươi lăm đồng"),
        (101, "Một trăm linh một đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (115, "Một trăm mười lăm đồng"),
        (1_000, "Một nghìn đồng"),
        (8_000, "Tám nghìn đồng"),
        (10_000, "Mười nghìn đồng"),
        (15_500, "Mười lăm nghìn năm trăm đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (100_000, "Một trăm nghìn đồng"),
        (108_000, "Một trăm linh tám nghìn đồng"),
        (310_000, "Ba trăm mười nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (1_000_001, "Một triệu không trăm linh một đồng"),
        (1_010, "Một nghìn không trăm mười đồng"),
        (2_500_000, "Hai triệu năm trăm nghìn đồng"),
        (2_000_000_000, "Hai tỷ đồng"),
        (2_000_000_005, "Hai tỷ không trăm linh năm đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (
            123_456_789_012,
            "Một trăm hai mươi ba tỷ bốn trăm năm mươi sáu triệu bảy trăm tám mươi chín nghìn không trăm mười hai đồng",
        ),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_every_number_below_a_thousand_reads_without_gaps_or_doubles():
    for n in range(1, 1000):
        words = number_to_words(n).split()
        assert words and "" not in words
        assert words.count("trăm") <= 1
        assert not (n % 10 == 0 and words[-1] in ("linh", "mốt", "lăm"))


def test_format_vnd():
    assert format_vnd(1005000) == "1.005.000"
    assert format_vnd(0) == "0"
