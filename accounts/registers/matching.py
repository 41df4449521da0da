"""Is the claimant the legal representative the register names? (đối chiếu người đại diện)

Names are compared the Vietnamese way:

- NFC, case (``casefold``, so Đ = đ) and runs of whitespace do not matter;
- the tone mark may sit on either vowel: "Thuỷ" = "Thủy", "Hoà" = "Hòa" (old and new placement);
  each syllable is compared as its letters (with â, ă, ê, ô, ơ, ư, đ kept) plus its tone;
- diacritics are ignored only when one side carries none at all: some older register records and
  exports are written "NGUYEN VAN AN". That side holds no marks that could contradict the other, so
  the comparison loses nothing. When both sides carry marks they must agree: "Lê" and "Lệ", "An" and
  "Ân" are different names. ``BUSINESS_REGISTER_MATCH_UNACCENTED`` turns even that off.

A name is never enough on its own when the register discloses the representative's identification
number: then that number must be the one the claimant's national eID gave (namesakes are common:
there are many Nguyễn Văn An). Only names and numbers that come from the eID are compared (see
``accounts.selectors.verified_identity``): a name typed into a profile proves nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from core.text import nfc, strip_diacritics

from ..constants import RegisterOutcome
from .base import RegisterRecord

# The five tone marks as combining characters (huyền, sắc, hỏi, ngã, nặng); the other marks
# (circumflex, breve, horn) make different letters and stay part of the syllable.
_TONES = frozenset("\u0300\u0301\u0309\u0303\u0323")


@dataclass(frozen=True)
class Identity:
    """A person as the national eID knows them."""

    full_name: str
    personal_id: str = ""


def _syllable_key(word: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", word)
    tone = "".join(ch for ch in decomposed if ch in _TONES)
    letters = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return letters, tone


def name_key(name: str) -> tuple[tuple[str, str], ...]:
    return tuple(_syllable_key(word) for word in nfc(name).casefold().split())


def _unaccented(name: str) -> tuple[str, ...]:
    return tuple(strip_diacritics(nfc(name)).casefold().split())


def _has_marks(name: str) -> bool:
    text = nfc(name)
    return strip_diacritics(text) != text


def names_match(claimant: str, register: str, *, allow_unaccented: bool = True) -> bool:
    if not name_key(claimant) or not name_key(register):
        return False
    if name_key(claimant) == name_key(register):
        return True
    if allow_unaccented and (not _has_marks(claimant) or not _has_marks(register)):
        return _unaccented(claimant) == _unaccented(register)
    return False


def compare(
    record: RegisterRecord | None,
    identity: Identity | None,
    *,
    parent: RegisterRecord | None = None,
    allow_unaccented: bool = True,
) -> str:
    """The ``RegisterOutcome`` for one claimant.

    For a branch (đơn vị phụ thuộc) both its head and the parent enterprise's legal representative
    may represent it.
    """
    if record is None:
        return RegisterOutcome.NOT_FOUND
    if not record.is_active:
        return RegisterOutcome.CLOSED
    if identity is None or not identity.full_name:
        return RegisterOutcome.NO_VERIFIED_IDENTITY
    outcome = RegisterOutcome.NAME_MISMATCH
    for candidate in [record, *([parent] if parent is not None and parent.is_active else [])]:
        if not names_match(
            identity.full_name, candidate.legal_representative, allow_unaccented=allow_unaccented
        ):
            continue
        if (
            candidate.representative_personal_id
            and candidate.representative_personal_id != identity.personal_id
        ):
            outcome = RegisterOutcome.ID_MISMATCH
            continue
        return RegisterOutcome.MATCHED
    return outcome
