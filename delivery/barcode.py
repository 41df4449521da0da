"""Code 128 barcodes (ISO/IEC 15417) drawn as SVG, for postal labels: no dependency, no fonts.

``code128_svg("EE123456785VN")`` → an SVG document; ``code128_data_uri`` wraps it for ``<img src>``
in a WeasyPrint template. Code set B carries the letters; runs of four or more digits switch to
code set C (two digits per symbol), which keeps an S10 number short enough for an A6 label.
The quiet zone (ten modules each side) is part of the drawing, so scanners find the edges.
"""

from __future__ import annotations

import base64

# Bar/space widths of symbol values 0–106 (106 = stop, which has a seventh element).
PATTERNS = (  # noqa: SIM905 - ten symbols a line, like the standard's table
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 "
    "221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 "
    "221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 "
    "231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 "
    "231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 "
    "111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 "
    "114131 311141 411131 211412 211214 211232 2331112"
).split()
START_B, START_C, CODE_B, CODE_C, STOP = 104, 105, 100, 99, 106
QUIET_MODULES = 10


def _digit_runs(text: str) -> list[tuple[str, str]]:
    """Split into ("B", chars) and ("C", even-length digit runs of four or more)."""
    parts: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j].isdigit():
            j += 1
        run = j - i
        if run >= 4:
            if run % 2:  # the odd digit goes with the letters before (or after, at the start)
                if parts or i > 0:
                    parts.append(("B", text[i]))
                    i += 1
                else:
                    parts.append(("C", text[i : j - 1]))
                    parts.append(("B", text[j - 1]))
                    i = j
                    continue
            parts.append(("C", text[i:j]))
            i = j
        else:
            k = j if run else i + 1
            parts.append(("B", text[i:k]))
            i = k
    merged: list[tuple[str, str]] = []
    for code_set, chunk in parts:
        if merged and merged[-1][0] == code_set:
            merged[-1] = (code_set, merged[-1][1] + chunk)
        else:
            merged.append((code_set, chunk))
    return merged


def encode(text: str) -> list[int]:
    """Symbol values of ``text`` (printable ASCII), with start, check symbol and stop."""
    if not text or any(not (32 <= ord(ch) <= 126) for ch in text):
        raise ValueError("Code 128 here takes 1 or more printable ASCII characters")
    values: list[int] = []
    current = ""
    for code_set, chunk in _digit_runs(text):
        if not values:
            values.append(START_C if code_set == "C" else START_B)
        elif code_set != current:
            values.append(CODE_C if code_set == "C" else CODE_B)
        current = code_set
        if code_set == "C":
            values += [int(chunk[k : k + 2]) for k in range(0, len(chunk), 2)]
        else:
            values += [ord(ch) - 32 for ch in chunk]
    checksum = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return [*values, checksum, STOP]


def modules(text: str) -> list[int]:
    """Widths of alternating bars and spaces (bar first), quiet zones excluded."""
    return [int(w) for value in encode(text) for w in PATTERNS[value]]


def code128_svg(text: str, *, module_mm: float = 0.33, height_mm: float = 15.0) -> str:
    """An SVG drawing (millimetre units) of ``text``; black bars on white, with quiet zones."""
    widths = modules(text)
    x = QUIET_MODULES
    rects = []
    for index, width in enumerate(widths):
        if index % 2 == 0:
            rects.append(
                f'<rect x="{x * module_mm:.3f}" y="0" width="{width * module_mm:.3f}" height="{height_mm}"/>'
            )
        x += width
    total = (x + QUIET_MODULES) * module_mm
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total:.3f}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {total:.3f} {height_mm}" shape-rendering="crispEdges">'
        f'<rect width="{total:.3f}" height="{height_mm}" fill="#fff"/><g fill="#000">{"".join(rects)}</g></svg>'
    )


def code128_data_uri(text: str, **kwargs) -> str:
    svg = code128_svg(text, **kwargs)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
