"""The demo's data files (demo/data/*.json, UTF-8): read with every string NFC-normalised."""

from __future__ import annotations

import json
from pathlib import Path

from core.text import nfc

DATA_DIR = Path(__file__).resolve().parent / "data"


def nfc_all(value):
    """``value`` with every string in it (keys too) NFC-normalised."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [nfc_all(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): nfc_all(v) for k, v in value.items()}
    return value


def read_json(name: str):
    """demo/data/``name``, parsed, NFC."""
    return nfc_all(json.loads((DATA_DIR / name).read_text(encoding="utf-8")))
