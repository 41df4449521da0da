"""SMS text: fold Vietnamese to unaccented GSM-7 (as brand-name SMS usually is) and count segments.

GSM 03.38: a single message holds 160 septets, a concatenated one 153 per segment; the extended
characters (^ { } \\ [ ~ ] | €) take two septets. Text that cannot be written in GSM-7 goes as
UCS-2: 70 characters, 67 per segment when concatenated.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€")
_REPLACEMENTS = {
    "đ": "d",
    "Đ": "D",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "–": "-",
    "—": "-",
    "…": "...",
    "\u00a0": " ",
    "\t": " ",
}
MAX_SEGMENTS = 2


def fold_to_gsm(text: str) -> str:
    """Remove Vietnamese diacritics and replace what GSM-7 cannot carry."""
    text = "".join(_REPLACEMENTS.get(ch, ch) for ch in unicodedata.normalize("NFC", text))
    decomposed = unicodedata.normalize("NFD", text)
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch in GSM_BASIC or ch in GSM_EXTENDED else "?")
    return unicodedata.normalize("NFC", "".join(out))


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    @property
    def fits(self) -> bool:
        return self.segments <= MAX_SEGMENTS


def segment_info(text: str) -> SegmentInfo:
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        units = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        single, multi, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, "UCS-2"
    if units == 0:
        return SegmentInfo(encoding, 0, 0)
    segments = 1 if units <= single else -(-units // multi)
    return SegmentInfo(encoding, units, segments)


def truncate_to_segments(text: str, segments: int = MAX_SEGMENTS) -> str:
    """Last resort when a rendered SMS is too long: cut it, marking the cut with "..."."""
    if segment_info(text).segments <= segments:
        return text
    while text and segment_info(text + "...").segments > segments:
        text = text[:-1]
    return text.rstrip() + "..."
