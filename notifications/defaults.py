"""Default wording of every message the portal sends (nội dung mặc định của thông báo).

The texts live in files, one directory per event: ``notifications/default_texts/<event>/`` holds
``meta.toml`` (the Vietnamese ``name`` and ``description`` for the admin and the ``placeholders`` the
event may use) and, per language (``vi``, ``en``), ``email_subject.txt``, ``email_text.txt``,
``email_html.html`` and ``sms_text.txt``. ``default_texts/events.toml`` lists the events in order.
The conventions the renderer and editors rely on are in ``default_texts/README.md``.

These texts seed the editable notification templates (``services.ensure_default_templates``);
staff may change them later in the admin, and their edits are never overwritten.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

TEXTS_DIR = Path(__file__).resolve().parent / "default_texts"
LANGUAGES = ("vi", "en")
# Template field -> file name in ``<event>/<language>/``.
TEXT_FILES = {
    "email_subject": "email_subject.txt",
    "email_text": "email_text.txt",
    "email_html": "email_html.html",
    "sms_text": "sms_text.txt",
}


def _read(path: Path) -> str:
    # newline="": the string is exactly what the file holds (no newline translation, nothing stripped).
    with open(path, encoding="utf-8", newline="") as file:
        return file.read()


def _toml(path: Path) -> dict:
    with open(path, "rb") as file:
        return tomllib.load(file)


def event_order(texts_dir: Path = TEXTS_DIR) -> list[str]:
    """The events in the order ``events.toml`` lists them (the order templates are created in)."""
    return list(_toml(texts_dir / "events.toml")["order"])


def load_event(event: str, texts_dir: Path = TEXTS_DIR) -> dict:
    """One event's ``name``, ``description``, ``placeholders`` and texts per language."""
    directory = texts_dir / event
    meta = _toml(directory / "meta.toml")
    spec = {
        "name": meta["name"],
        "description": meta["description"],
        "placeholders": list(meta["placeholders"]),
    }
    for language in LANGUAGES:
        spec[language] = {
            field: _read(directory / language / filename) for field, filename in TEXT_FILES.items()
        }
    return spec


def load_default_templates(texts_dir: Path = TEXTS_DIR) -> dict[str, dict]:
    return {event: load_event(event, texts_dir) for event in event_order(texts_dir)}


# Read once, when the module is first imported (by ensure_default_templates or a migration).
DEFAULT_TEMPLATES: dict[str, dict] = load_default_templates()
