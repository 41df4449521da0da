"""Online declarations (tờ khai điện tử): Django forms built from a staff-defined field schema.

A schema is a list of items (stored as JSON on each form version, so a dossier always knows the
exact form it was filled with):

    {"type": "section", "label": "Thông tin người được khai sinh", "label_en": "The child"}
    {"key": "full_name", "type": "text", "label": "Họ, chữ đệm và tên", "label_en": "Full name",
     "required": true, "help": "", "pattern": "", "prefill": "full_name"}
    {"key": "spouses", "type": "group", "label": "…", "repeat": true, "min": 2, "max": 2,
     "fields": [ …items without sections or groups… ]}

Field types: text, textarea, number, date, choice (``choices``: list of [value, label] or
strings), yesno, phone (Vietnamese mobile, stored E.164), email, personal_id (12-digit number,
validated like the profile's), address (province → commune from the official units, stored with
codes and names). Form field names are ``key`` at the top level and ``group__index__key`` inside
groups; answers are nested JSON: ``{"full_name": …, "spouses": [{…}, {…}]}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import units
from accounts.validators import normalize_vn_phone, validate_personal_id
from portal.text import nfc

FIELD_TYPES = ("text", "textarea", "number", "date", "choice", "yesno", "phone", "email", "personal_id", "address")
ITEM_TYPES = (*FIELD_TYPES, "section", "group")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Profile attributes a field may be prefilled from (see ``prefill_values``).
PREFILL_SOURCES = {
    "full_name": _("Họ và tên"),
    "personal_id": _("Số định danh cá nhân"),
    "date_of_birth": _("Ngày sinh"),
    "sex": _("Giới tính"),
    "phone": _("Số điện thoại"),
    "email": _("Thư điện tử"),
    "permanent_address": _("Địa chỉ thường trú"),
    "contact_address": _("Địa chỉ liên hệ"),
}
MAX_TEXT = 2000


class SchemaError(ValueError):
    """The schema itself is wrong (a staff editing mistake), not the citizen's answers."""


def _label(item: dict) -> str:
    english = (get_language() or "vi").startswith("en")
    return (item.get("label_en") if english else None) or item.get("label") or item.get("key", "")


def validate_schema(schema: list[dict]) -> None:
    """Raise SchemaError with a readable message if the schema cannot be rendered."""
    seen: set[str] = set()
    for position, item in enumerate(schema, start=1):
        kind = item.get("type")
        if kind not in ITEM_TYPES:
            raise SchemaError(f"mục {position}: loại “{kind}” không hợp lệ")
        if kind == "section":
            continue
        key = item.get("key", "")
        if not KEY_RE.match(key):
            raise SchemaError(f"mục {position}: mã “{key}” chỉ gồm chữ thường không dấu, số và _")
        if key in seen:
            raise SchemaError(f"mục {position}: mã “{key}” bị trùng")
        seen.add(key)
        if kind == "group":
            inner = item.get("fields") or []
            if not inner or any(f.get("type") in ("group", "section") for f in inner):
                raise SchemaError(f"nhóm “{key}”: cần các trường con, không lồng nhóm")
            validate_schema(inner)
            low, high = int(item.get("min", 1)), int(item.get("max", 1))
            if not 0 <= low <= high <= 10:
                raise SchemaError(f"nhóm “{key}”: số lần lặp phải trong 0–10")
        if kind == "choice" and not item.get("choices"):
            raise SchemaError(f"trường “{key}”: cần danh sách lựa chọn")
        if item.get("pattern"):
            try:
                re.compile(item["pattern"])
            except re.error as exc:
                raise SchemaError(f"trường “{key}”: mẫu kiểm tra không hợp lệ ({exc})") from exc
        if item.get("prefill") and item["prefill"] not in PREFILL_SOURCES:
            raise SchemaError(f"trường “{key}”: không có nguồn điền sẵn “{item['prefill']}”")


def _choices(item: dict) -> list[tuple[str, str]]:
    out = []
    for choice in item.get("choices") or []:
        if isinstance(choice, list | tuple):
            out.append((str(choice[0]), str(choice[1])))
        else:
            out.append((str(choice), str(choice)))
    return out


class AddressWidget(forms.MultiWidget):
    """Province select + commune select + street: three inputs, one answer."""

    template_name = "dossiers/widgets/address.html"

    def __init__(self, attrs=None) -> None:
        widgets = [forms.Select(choices=[("", _("— Chọn tỉnh, thành phố —")), *units.provinces()]), forms.Select(), forms.TextInput()]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get("province_code", ""), value.get("commune_code", ""), value.get("street", "")]
        return ["", "", ""]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        province = (value or ["", "", ""])[0] if isinstance(value, list) else self.decompress(value)[0]
        context["widget"]["subwidgets"][1]["attrs"]["data-commune-of"] = f"{name}_0"
        communes = [("", str(_("— Chọn xã, phường —"))), *units.communes(province or "")]
        context["commune_choices"] = communes
        return context


class AddressField(forms.MultiValueField):
    widget = AddressWidget

    def __init__(self, *, required: bool = True, **kwargs) -> None:
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False, max_length=255))
        super().__init__(fields=fields, require_all_fields=False, required=required, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        province, commune, street = (list(data_list) + ["", "", ""])[:3]
        province_name = units.province_name(province or "")
        if province_name is None:
            raise ValidationError(_("Chọn tỉnh, thành phố."), code="province")
        commune_name = units.commune_name(province, commune or "")
        if commune_name is None:
            raise ValidationError(_("Chọn xã, phường thuộc tỉnh đã chọn."), code="commune")
        return {
            "province_code": province,
            "province_name": province_name,
            "commune_code": commune,
            "commune_name": commune_name,
            "street": nfc(street or "").strip(),
        }


class _RegexMixin:
    def __init__(self, *args, pattern: str = "", **kwargs) -> None:
        self.pattern = pattern
        super().__init__(*args, **kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value and self.pattern and not re.fullmatch(self.pattern, str(value)):
            raise ValidationError(_("Giá trị chưa đúng định dạng yêu cầu."), code="pattern")


class PatternCharField(_RegexMixin, forms.CharField):
    def to_python(self, value):
        return nfc(super().to_python(value))


class PhoneAnswerField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return normalize_vn_phone(value) if value else value


class PersonalIdAnswerField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return validate_personal_id(value) if value else value


def build_field(item: dict) -> forms.Field:
    kind = item["type"]
    common = {"label": _label(item), "required": bool(item.get("required")), "help_text": item.get("help", "")}
    if kind == "text":
        return PatternCharField(max_length=500, pattern=item.get("pattern", ""), **common)
    if kind == "textarea":
        return PatternCharField(max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4}), pattern=item.get("pattern", ""), **common)
    if kind == "number":
        return forms.DecimalField(max_digits=15, decimal_places=2, widget=forms.NumberInput(attrs={"inputmode": "decimal"}), **common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *_choices(item)], **common)
    if kind == "yesno":
        return forms.TypedChoiceField(
            choices=[("yes", _("Có")), ("no", _("Không"))], widget=forms.RadioSelect, coerce=lambda v: v == "yes", empty_value=None, **common
        )
    if kind == "phone":
        return PhoneAnswerField(max_length=32, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}), **common)
    if kind == "email":
        return forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    if kind == "personal_id":
        return PersonalIdAnswerField(max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common)
    if kind == "address":
        return AddressField(**common)
    raise SchemaError(f"unknown field type {kind!r}")


@dataclass
class Layout:
    """What the template iterates: sections, fields and group instances, in order."""

    kind: str  # "section", "field" or "group"
    label: str = ""
    name: str = ""
    children: list[list[str]] | None = None  # group: one list of field names per instance


def _group_count(item: dict, answers: dict | None, data) -> int:
    low, high = int(item.get("min", 1)), int(item.get("max", 1))
    count = low
    if isinstance(answers, dict) and isinstance(answers.get(item["key"]), list):
        count = max(count, len(answers[item["key"]]))
    if data is not None:
        prefix = f"{item['key']}__"
        indexes = {int(k.split("__")[1]) for k in data if k.startswith(prefix) and k.split("__")[1].isdigit()}
        if indexes:
            count = max(count, max(indexes) + 1)
    return max(min(count, high), 1 if high else 0)


class DeclarationForm(forms.Form):
    """A form for one schema; ``cleaned_answers()`` returns the nested answers JSON."""

    def __init__(self, schema: list[dict], *args, answers: dict | None = None, **kwargs) -> None:
        self.schema = schema
        super().__init__(*args, **kwargs)
        self.layout: list[Layout] = []
        initial = flatten_answers(schema, answers or {})
        for item in schema:
            if item["type"] == "section":
                self.layout.append(Layout("section", label=_label(item)))
            elif item["type"] == "group":
                instances = []
                for index in range(_group_count(item, answers, self.data if self.is_bound else None)):
                    names = []
                    for inner in item["fields"]:
                        name = f"{item['key']}__{index}__{inner['key']}"
                        self.fields[name] = build_field(inner)
                        names.append(name)
                    instances.append(names)
                self.layout.append(Layout("group", label=_label(item), name=item["key"], children=instances))
            else:
                self.fields[item["key"]] = build_field(item)
                self.layout.append(Layout("field", name=item["key"]))
        for name, value in initial.items():
            if name in self.fields:
                self.initial.setdefault(name, value)

    def cleaned_answers(self) -> dict:
        return nest_answers(self.schema, self.cleaned_data)


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def nest_answers(schema: list[dict], flat: dict) -> dict:
    answers: dict = {}
    for item in schema:
        if item["type"] == "section":
            continue
        if item["type"] == "group":
            prefix = f"{item['key']}__"
            rows: dict[int, dict] = {}
            for name, value in flat.items():
                if name.startswith(prefix):
                    _key, index, inner = name.split("__", 2)
                    rows.setdefault(int(index), {})[inner] = _json_value(value)
            answers[item["key"]] = [rows[i] for i in sorted(rows)]
        elif item["key"] in flat:
            answers[item["key"]] = _json_value(flat[item["key"]])
    return answers


def flatten_answers(schema: list[dict], answers: dict) -> dict:
    """The inverse of nest_answers, for initial values (dates stay ISO strings: date inputs take them)."""
    flat: dict = {}
    for item in schema:
        key = item.get("key")
        if not key or key not in answers:
            continue
        if item["type"] == "group":
            for index, row in enumerate(answers[key] or []):
                for inner_key, value in (row or {}).items():
                    flat[f"{key}__{index}__{inner_key}"] = value
        else:
            flat[key] = answers[key]
    return flat


def prefill_values(schema: list[dict], *, user, profile) -> dict:
    """Answers taken from the profile for fields that ask for it (top level and first group instance)."""

    def source(name: str):
        if name == "full_name":
            return user.full_name
        if name in ("phone", "email"):
            return getattr(user, name, "")
        if name in ("personal_id", "sex"):
            return getattr(profile, name, "") if profile else ""
        if name == "date_of_birth":
            value = getattr(profile, "date_of_birth", None) if profile else None
            return value.isoformat() if value else ""
        if name in ("permanent_address", "contact_address") and profile:
            prefix = name.split("_")[0]
            return {
                part: getattr(profile, f"{prefix}_{part}")
                for part in ("province_code", "province_name", "commune_code", "commune_name", "street")
            }
        return ""

    answers: dict = {}
    for item in schema:
        if item["type"] == "group":
            row = {f["key"]: source(f["prefill"]) for f in item["fields"] if f.get("prefill") and source(f["prefill"])}
            if row:
                answers[item["key"]] = [row]
        elif item.get("prefill"):
            value = source(item["prefill"])
            if value:
                answers[item["key"]] = value
    return answers


def iter_answer_rows(schema: list[dict], answers: dict) -> Iterable[tuple[str, str, str]]:
    """(section or group label, field label, display value) rows for the review page and the PDF."""
    heading = ""
    for item in schema:
        if item["type"] == "section":
            heading = _label(item)
            continue
        if item["type"] == "group":
            for index, row in enumerate(answers.get(item["key"]) or [], start=1):
                group_heading = f"{_label(item)} ({index})" if int(item.get("max", 1)) > 1 else _label(item)
                for inner in item["fields"]:
                    yield group_heading, _label(inner), display_value(inner, (row or {}).get(inner["key"]))
            continue
        yield heading, _label(item), display_value(item, answers.get(item["key"]))


def display_value(item: dict, value) -> str:
    if value in (None, "", [], {}):
        return "—"
    kind = item["type"]
    if kind == "yesno":
        return str(_("Có")) if value is True else str(_("Không"))
    if kind == "choice":
        return dict(_choices(item)).get(str(value), str(value))
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if kind == "address" and isinstance(value, dict):
        return ", ".join(p for p in (value.get("street"), value.get("commune_name"), value.get("province_name")) if p)
    if kind == "number":
        try:
            return f"{Decimal(str(value)):,}".replace(",", ".")
        except InvalidOperation:
            return str(value)
    return str(value)
