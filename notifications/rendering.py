"""Render staff-editable templates. Only ``{{ name }}`` placeholders exist: no template language,
so a template can never reach into objects, load tags or leak the context."""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.html import escape

from core.text import nfc

from .constants import PLACEHOLDERS

PLACEHOLDER_RE = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def placeholders_in(text: str) -> set[str]:
    return set(PLACEHOLDER_RE.findall(text or ""))


def unknown_placeholders(text: str) -> set[str]:
    return placeholders_in(text) - set(PLACEHOLDERS)


def render(text: str, context: Mapping[str, object], *, html: bool = False) -> str:
    def replace(match: re.Match) -> str:
        value = context.get(match.group(1), "")
        value = nfc(str(value if value is not None else ""))
        return escape(value) if html else value

    return PLACEHOLDER_RE.sub(replace, nfc(text or ""))
