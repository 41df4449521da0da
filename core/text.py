"""Vietnamese text helpers: NFC normalisation and diacritic folding for search.

``fold("Đăng ký kết hôn")`` → ``"dang ki ket hon"``. Folding lowercases, strips every
combining mark, maps đ/Đ to d, and unifies the i/y spelling variants that Vietnamese
writes both ways (ký/kí, lý/lí, mỹ/mĩ, quý/quí), so either spelling finds the other.
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# A syllable whose onset is consonants only (or "qu") and that ends in "y" is written with
# "i" just as often: ký/kí, lý/lí, mỹ/mĩ, sỹ/sĩ, quý/quí. "huy", "thuy", "uy" keep their y.
_IY_SYLLABLE = re.compile(r"^(?:[bcdghklmnprstvx]{1,3}|qu)y$")


def nfc(text: str) -> str:
    """Compose decomposed Vietnamese (as some keyboards send it) into NFC."""
    return unicodedata.normalize("NFC", text or "")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_word(word: str) -> str:
    if _IY_SYLLABLE.match(word):
        return word[:-1] + "i"
    return word


def fold_words(text: str) -> list[str]:
    """Folded search tokens of ``text`` (ASCII, lowercase, no punctuation)."""
    plain = strip_diacritics(nfc(text)).lower()
    return [fold_word(w) for w in _NON_WORD.split(plain) if w]


def fold(text: str) -> str:
    return " ".join(fold_words(text))
