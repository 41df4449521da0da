"""Demo online declarations (tờ khai điện tử) for the demo procedures: dossiers/demo/forms.json.

Each form is written as OnlineForm + OnlineFormField rows (what staff edit in the admin) and then
published, so a frozen OnlineFormVersion exists. Idempotent: a rerun with the same JSON rewrites
nothing and publishes no new version.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from portal.text import nfc
from procedures.models import Procedure

from .declaration import validate_schema
from .models import OnlineForm, OnlineFormField
from .services import online_form_publish

DEMO_FORMS = Path(__file__).resolve().parent / "demo" / "forms.json"

# Column sizes of OnlineFormField (SQLite would not enforce them).
_MAX_LENGTHS = {"key": 40, "label": 300, "label_en": 300, "help": 500, "pattern": 200, "prefill": 30}


def read_demo_forms() -> dict:
    """The demo file with every string NFC-normalised."""
    return _nfc_all(json.loads(DEMO_FORMS.read_text(encoding="utf-8")))


def _nfc_all(value):
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc_all(v) for k, v in value.items()}
    return value


def _choice_lines(choices: list) -> str:
    lines = []
    for choice in choices or []:
        value, label = (choice[0], choice[1]) if isinstance(choice, list | tuple) else (choice, None)
        value = str(value).strip()
        if "|" in value or "\n" in value or (label is not None and "\n" in str(label)):
            raise ValueError(f"lựa chọn “{value}”: không dùng | hoặc xuống dòng trong mã")
        lines.append(value if label is None else f"{value}|{str(label).strip()}")
    return "\n".join(lines)


def expected_schema_item(item: dict) -> dict:
    """What ``OnlineFormField.as_schema_item()`` returns for the row written from ``item``."""
    out: dict = {"type": item["type"], "label": item["label"]}
    if item.get("label_en"):
        out["label_en"] = item["label_en"]
    if item["type"] == "section":
        return out
    out.update({"key": item["key"], "required": bool(item.get("required"))})
    for source, target in (("help", "help"), ("pattern", "pattern"), ("prefill", "prefill")):
        if item.get(source):
            out[target] = item[source]
    if item["type"] == "choice":
        out["choices"] = [line.split("|", 1) if "|" in line else line for line in _choice_lines(item["choices"]).splitlines()]
    if item["type"] == "group":
        low, high = int(item.get("min", 1)), int(item.get("max", 1))
        out.update({"repeat": high > 1, "min": low, "max": high})
        out["fields"] = [expected_schema_item(f) for f in item["fields"]]
    return out


def _check_lengths(item: dict, procedure: str) -> None:
    for name, limit in _MAX_LENGTHS.items():
        if len(item.get(name) or "") > limit:
            raise ValueError(f"{procedure}: “{item.get('key') or item.get('label')}”: {name} dài quá {limit} ký tự")
    for inner in item.get("fields") or []:
        _check_lengths(inner, procedure)


def _write_rows(form: OnlineForm, items: list[dict]) -> None:
    form.fields.all().delete()  # children go with their group (CASCADE)

    def row(item: dict, order: int, group: OnlineFormField | None) -> OnlineFormField:
        return OnlineFormField.objects.create(
            form=form,
            group=group,
            order=order,
            key=item.get("key", "") if item["type"] != "section" else "",
            type=item["type"],
            label=item["label"],
            label_en=item.get("label_en", ""),
            required=bool(item.get("required")),
            help_text=item.get("help", ""),
            choices=_choice_lines(item.get("choices") or []) if item["type"] == "choice" else "",
            pattern=item.get("pattern", ""),
            prefill=item.get("prefill", ""),
            min_repeat=int(item.get("min", 1)) if item["type"] == "group" else 1,
            max_repeat=int(item.get("max", 1)) if item["type"] == "group" else 1,
        )

    for order, item in enumerate(items, start=1):
        parent = row(item, order * 10, None)
        for inner_order, inner in enumerate(item.get("fields") or [], start=1):
            row(inner, inner_order * 10, parent)


def _current_schema(form: OnlineForm) -> list[dict]:
    return [field.as_schema_item() for field in form.fields.filter(group__isnull=True).prefetch_related("children")]


@transaction.atomic
def load_online_forms() -> int:
    """Create or replace the demo declarations of the demo procedures that exist; returns how many."""
    data = read_demo_forms()
    codes = [entry["procedure"] for entry in data["forms"]]
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    count = 0
    for entry in data["forms"]:
        procedure = procedures.get(entry["procedure"])
        if procedure is None:
            continue
        items = entry["items"]
        validate_schema(items)
        for item in items:
            _check_lengths(item, entry["procedure"])
        form, created = OnlineForm.objects.get_or_create(procedure=procedure, defaults={"intro": entry.get("intro", "")})
        if not created and form.intro != entry.get("intro", ""):
            form.intro = entry.get("intro", "")
            form.save(update_fields=["intro", "updated_at"])
        if created or _current_schema(form) != [expected_schema_item(i) for i in items]:
            _write_rows(form, items)
        online_form_publish(form=form)
        count += 1
    return count
