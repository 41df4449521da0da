"""Demo online declarations (tờ khai điện tử) for the demo procedures: demo/data/forms.json.

Each form is written as OnlineForm + OnlineFormField rows (what staff edit in the admin) and then
published, so a frozen OnlineFormVersion exists. Idempotent: a rerun with the same JSON rewrites
nothing and publishes no new version.
"""

from __future__ import annotations

import json

from django.db import transaction

from demo.data_files import DATA_DIR, nfc_all
from dossiers.declaration import validate_schema
from dossiers.models import OnlineForm, OnlineFormField, OnlineFormRule
from dossiers.services import online_form_publish, online_form_schema
from procedures.models import Procedure

DEMO_FORMS = DATA_DIR / "forms.json"

# Column sizes of OnlineFormField (SQLite would not enforce them).
_MAX_LENGTHS = {
    "key": 40,
    "label": 300,
    "label_en": 300,
    "help": 500,
    "help_en": 500,
    "pattern": 200,
    "prefill": 30,
    "label_field": 40,
}
_RULE_MAX_LENGTHS = {"other": 81, "when_field": 81, "when_value": 200, "message": 300, "message_en": 300}


def read_demo_forms() -> dict:
    """The demo file with every string NFC-normalised."""
    return nfc_all(json.loads(DEMO_FORMS.read_text(encoding="utf-8")))


def _choice_lines(choices: list) -> str:
    """[value, label(, English label)] or plain strings → the editor's "mã|nhãn" lines."""
    lines = []
    for choice in choices or []:
        value, label = (choice[0], choice[1]) if isinstance(choice, list | tuple) else (choice, None)
        value = str(value).strip()
        if "|" in value or "\n" in value or (label is not None and "\n" in str(label)):
            raise ValueError(f"lựa chọn “{value}”: không dùng | hoặc xuống dòng trong mã")
        lines.append(value if label is None else f"{value}|{str(label).strip()}")
    return "\n".join(lines)


def _choice_lines_en(choices: list) -> str:
    """The English labels (third element of a choice) → "mã|English label" lines."""
    return "\n".join(
        f"{str(c[0]).strip()}|{str(c[2]).strip()}"
        for c in choices or []
        if isinstance(c, list | tuple) and len(c) > 2 and c[2]
    )


def _expected_rule(rule: dict) -> dict:
    """What ``OnlineFormRule.as_rule()`` returns for the row written from ``rule``."""
    out: dict = {"kind": rule["kind"]}
    if rule["kind"] == "min_age" and rule.get("years") is not None:
        out["years"] = int(rule["years"])
    for name in ("other", "when_field", "when_value", "message", "message_en"):
        if rule.get(name):
            out[name] = rule[name]
    for name in ("min", "max"):
        if rule.get(name) is not None:
            out[name] = int(rule[name])
    return out


def expected_schema_item(item: dict) -> dict:
    """What ``OnlineFormField.as_schema_item()`` returns for the row written from ``item``."""
    out: dict = {"type": item["type"], "label": item["label"]}
    if item.get("label_en"):
        out["label_en"] = item["label_en"]
    if item["type"] == "section":
        return out
    out.update({"key": item["key"], "required": bool(item.get("required"))})
    for source, target in (
        ("help", "help"),
        ("help_en", "help_en"),
        ("pattern", "pattern"),
        ("prefill", "prefill"),
    ):
        if item.get(source):
            out[target] = item[source]
    if item["type"] == "choice":
        out["choices"] = [
            line.split("|", 1) if "|" in line else line
            for line in _choice_lines(item["choices"]).splitlines()
        ]
        english = dict(line.split("|", 1) for line in _choice_lines_en(item["choices"]).splitlines())
        if english:
            out["choices_en"] = english
    if item["type"] == "group":
        low, high = int(item.get("min", 1)), int(item.get("max", 1))
        out.update({"repeat": high > 1, "min": low, "max": high})
        if item.get("label_field"):
            out["label_field"] = item["label_field"]
        out["fields"] = [expected_schema_item(f) for f in item["fields"]]
    if item.get("rules"):
        out["rules"] = [_expected_rule(r) for r in item["rules"]]
    return out


def _check_lengths(item: dict, procedure: str) -> None:
    for name, limit in _MAX_LENGTHS.items():
        if len(item.get(name) or "") > limit:
            raise ValueError(
                f"{procedure}: “{item.get('key') or item.get('label')}”: {name} dài quá {limit} ký tự"
            )
    for rule in item.get("rules") or []:
        for name, limit in _RULE_MAX_LENGTHS.items():
            if len(str(rule.get(name) or "")) > limit:
                raise ValueError(
                    f"{procedure}: quy tắc của “{item.get('key')}”: {name} dài quá {limit} ký tự"
                )
    for inner in item.get("fields") or []:
        _check_lengths(inner, procedure)


def _write_rows(form: OnlineForm, items: list[dict]) -> None:
    form.fields.all().delete()  # children go with their group (CASCADE)
    form.rules.all().delete()
    rules: list[tuple[str, dict]] = []

    def row(item: dict, order: int, group: OnlineFormField | None) -> OnlineFormField:
        choice = item["type"] == "choice"
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
            help_text_en=item.get("help_en", ""),
            choices=_choice_lines(item.get("choices") or []) if choice else "",
            choices_en=_choice_lines_en(item.get("choices") or []) if choice else "",
            pattern=item.get("pattern", ""),
            prefill=item.get("prefill", ""),
            min_repeat=int(item.get("min", 1)) if item["type"] == "group" else 1,
            max_repeat=int(item.get("max", 1)) if item["type"] == "group" else 1,
            label_field=item.get("label_field", "") if item["type"] == "group" else "",
        )

    for order, item in enumerate(items, start=1):
        parent = row(item, order * 10, None)
        rules += [(item.get("key", ""), r) for r in item.get("rules") or []]
        for inner_order, inner in enumerate(item.get("fields") or [], start=1):
            row(inner, inner_order * 10, parent)
            rules += [(f"{item['key']}.{inner['key']}", r) for r in inner.get("rules") or []]
    OnlineFormRule.objects.bulk_create(
        OnlineFormRule(
            form=form,
            order=position,
            field_key=key,
            kind=rule["kind"],
            years=rule.get("years"),
            other_field=rule.get("other", ""),
            when_field=rule.get("when_field", ""),
            when_value=rule.get("when_value", ""),
            min_value=rule.get("min"),
            max_value=rule.get("max"),
            message=rule.get("message", ""),
            message_en=rule.get("message_en", ""),
        )
        for position, (key, rule) in enumerate(rules, start=1)
    )


def _current_schema(form: OnlineForm) -> list[dict]:
    return online_form_schema(form=form)


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
        intro, intro_en = entry.get("intro", ""), entry.get("intro_en", "")
        form, created = OnlineForm.objects.get_or_create(
            procedure=procedure, defaults={"intro": intro, "intro_en": intro_en}
        )
        if not created and (form.intro, form.intro_en) != (intro, intro_en):
            form.intro, form.intro_en = intro, intro_en
            form.save(update_fields=["intro", "intro_en", "updated_at"])
        if created or _current_schema(form) != [expected_schema_item(i) for i in items]:
            _write_rows(form, items)
        online_form_publish(form=form)
        count += 1
    return count
