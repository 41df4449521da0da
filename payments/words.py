"""Amounts in Vietnamese words, as receipts write them ("Một trăm nghìn đồng").

Rules: groups of three digits read as "trăm / mươi / đơn vị" with "nghìn", "triệu", "tỷ"; a zero
hundred inside a number reads "không trăm"; a zero ten before a unit reads "linh"; "mười" for ten;
after a ten, 1 reads "mốt" (from 21) and 5 reads "lăm"; whole zero groups are skipped; above a
thousand billion the scale repeats ("một nghìn tỷ", "một triệu tỷ").
"""

from __future__ import annotations

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
BILLION = 1_000_000_000


def _three(n: int, *, inner: bool) -> list[str]:
    """Words of 0 < n < 1000; ``inner`` when higher groups precede it (then "không trăm", "linh")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(DIGITS[units])
        return words
    words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def _below_billion(n: int, *, inner: bool) -> list[str]:
    words: list[str] = []
    for scale, name in ((1_000_000, "triệu"), (1_000, "nghìn"), (1, "")):
        group, n = divmod(n, scale)
        if group:
            words += _three(group, inner=inner or bool(words))
            if name:
                words.append(name)
    return words


def _words(n: int, *, inner: bool = False) -> list[str]:
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        words = _words(high, inner=inner) + ["tỷ"]
        if low:
            words += _below_billion(low, inner=True)
        return words
    return _below_billion(n, inner=inner)


def number_to_words(n: int) -> str:
    """``1005000`` → ``"một triệu không trăm linh năm nghìn"`` (lower case, no currency)."""
    n = int(n)
    if n < 0:
        return "âm " + number_to_words(-n)
    if n == 0:
        return DIGITS[0]
    return " ".join(_words(n))


def amount_in_words(dong: int) -> str:
    """``100000`` → ``"Một trăm nghìn đồng"``: the line a receipt prints under the figures."""
    text = f"{number_to_words(dong)} đồng"
    return text[0].upper() + text[1:]


def format_vnd(dong: int) -> str:
    """``1005000`` → ``"1.005.000"`` (Vietnamese thousands separator)."""
    return f"{int(dong):,}".replace(",", ".")
