"""Online declarations (tờ khai điện tử): Django forms built from a staff-defined field schema.

A schema is a list of items (stored as JSON on each form version, so a dossier always knows the
exact form it was filled with):

    {"type": "section", "label": "Thông tin người được khai sinh", "label_en": "The child"}
    {"key": "full_name", "type": "text", "label": "Họ, chữ đệm và tên", "label_en": "Full name",
     "required": true, "help": "", "pattern": "", "prefill": "full_name"}
    {"key": "spouses", "type": "group", "label": "…", "repeat": true, "min": 2, "max": 2,
     "fields": [ …items without sections or groups… ]}

Field types: text, textarea, number, date, choice (``choices``: list of [value, label] or
strings; ``choices_en``: {value: English label}), yesno, phone (Vietnamese mobile, stored E.164),
email, personal_id (12-digit number, validated like the profile's), address (province → commune
from the official units, stored with codes and names). Every item may carry ``help``/``help_en``.
Form field names are ``key`` at the top level and ``group__index__key`` inside groups; answers are
nested JSON: ``{"full_name": …, "spouses": [{…}, {…}]}``. A group's ``label_field`` names the
field whose answer names each instance ("Bên nữ", "Bên nam") in legends, error summaries and the
review.

Rules (``"rules"`` on a field, staff edit them in the declaration editor; each has its own message
``message``/``message_en``, and an optional condition ``when_field``/``when_value`` under which it
applies):

    {"kind": "min_age", "years": 18, "other": "", "when_field": "side", "when_value": "female",
     "message": "Bên nữ phải từ đủ 18 tuổi …"}      # age at ``other`` (a date field) or today
    {"kind": "not_future"}                           # a date not after today
    {"kind": "not_before", "other": "mother.date_of_birth"}   # a date not before another ("today")
    {"kind": "required", "when_field": "copies_requested", "when_value": "yes"}
    {"kind": "number_range", "min": 1, "max": 20}    # a whole number within bounds

A reference (``other``, ``when_field``) is a key of the same group instance, else a top-level key,
or ``group.key`` (the group's first instance). ``rule_errors`` checks answers against the rules;
``DeclarationForm`` runs it in ``clean()``, so the step and the submission refuse the same things.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from accounts import units
from accounts.validators import normalize_vn_phone, validate_personal_id
from core.people import format_vn_phone
from core.text import nfc

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "choice",
    "yesno",
    "phone",
    "email",
    "personal_id",
    "address",
)
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
RULE_KINDS = {
    "min_age": _("Đủ tuổi vào một ngày"),
    "not_future": _("Không sau ngày hôm nay"),
    "not_before": _("Không trước ngày của trường khác"),
    "required": _("Bắt buộc khi trường khác có giá trị"),
    "number_range": _("Số nguyên trong khoảng"),
}
TODAY = "today"
_MISSING = object()  # a referenced answer that is absent (or was refused): the rule cannot be judged


class SchemaError(ValueError):
    """The schema itself is wrong (a staff editing mistake), not the citizen's answers."""


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _label(item: dict) -> str:
    return (item.get("label_en") if _english() else None) or item.get("label") or item.get("key", "")


def _help(item: dict) -> str:
    return (item.get("help_en") if _english() else None) or item.get("help", "")


def _validate_reference(ref: str, where: str, keys: set[str], group_keys: dict[str, set[str]]) -> None:
    if not ref or ref == TODAY:
        return
    if "." in ref:
        group, key = ref.split(".", 1)
        if key in group_keys.get(group, set()):
            return
    elif ref in keys or any(ref in inner for inner in group_keys.values()):
        return
    raise SchemaError(f"{where}: không có trường “{ref}”")


def _validate_rules(schema: list[dict]) -> None:
    keys = {i["key"] for i in schema if i.get("key")}
    group_keys = {i["key"]: {f["key"] for f in i.get("fields") or []} for i in schema if i["type"] == "group"}
    items = [(i, i) for i in schema] + [
        (f, i) for i in schema if i["type"] == "group" for f in i.get("fields") or []
    ]
    for item, _owner in items:
        for rule in item.get("rules") or []:
            where = f"quy tắc của “{item.get('key')}”"
            kind = rule.get("kind")
            if kind not in RULE_KINDS:
                raise SchemaError(f"{where}: loại “{kind}” không hợp lệ")
            if kind in ("min_age", "not_future", "not_before") and item["type"] != "date":
                raise SchemaError(f"{where}: chỉ dùng cho trường ngày")
            if kind == "number_range" and item["type"] != "number":
                raise SchemaError(f"{where}: chỉ dùng cho trường số")
            if kind == "min_age" and not str(rule.get("years", "")).isdigit():
                raise SchemaError(f"{where}: cần số tuổi")
            if kind == "not_before" and not rule.get("other"):
                raise SchemaError(f"{where}: cần trường để so sánh")
            if kind == "required" and not rule.get("when_field"):
                raise SchemaError(f"{where}: cần trường điều kiện")
            _validate_reference(rule.get("other", ""), where, keys, group_keys)
            _validate_reference(rule.get("when_field", ""), where, keys, group_keys)


def validate_schema(schema: list[dict], *, top_level: bool = True) -> None:
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
            validate_schema(inner, top_level=False)
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
        if (
            kind == "group"
            and item.get("label_field")
            and item["label_field"] not in {f.get("key") for f in item.get("fields") or []}
        ):
            raise SchemaError(f"nhóm “{key}”: không có trường “{item['label_field']}” để đặt tên")
    if top_level:
        _validate_rules(schema)


def _choices(item: dict) -> list[tuple[str, str]]:
    english = (item.get("choices_en") or {}) if _english() else {}
    out = []
    for choice in item.get("choices") or []:
        if isinstance(choice, list | tuple):
            value, label = str(choice[0]), str(choice[1])
        else:
            value = label = str(choice)
        out.append((value, english.get(value) or label))
    return out


class AddressWidget(forms.MultiWidget):
    """Province select + commune select + street: three inputs, one answer."""

    template_name = "dossiers/widgets/address.html"

    def __init__(self, attrs=None) -> None:
        widgets = [
            forms.Select(choices=[("", _("— Chọn tỉnh, thành phố —")), *units.provinces()]),
            forms.Select(),
            forms.TextInput(),
        ]
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
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False, max_length=255),
        )
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
    common = {
        "label": _label(item),
        "required": bool(item.get("required")),
        "help_text": _help(item),
    }
    if kind == "text":
        return PatternCharField(max_length=500, pattern=item.get("pattern", ""), **common)
    if kind == "textarea":
        return PatternCharField(
            max_length=MAX_TEXT,
            widget=forms.Textarea(attrs={"rows": 4}),
            pattern=item.get("pattern", ""),
            **common,
        )
    if kind == "number":
        return forms.DecimalField(
            max_digits=15,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
            **common,
        )
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common)
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *_choices(item)], **common)
    if kind == "yesno":
        return forms.TypedChoiceField(
            choices=[("yes", _("Có")), ("no", _("Không"))],
            widget=forms.RadioSelect,
            coerce=lambda v: v == "yes",
            empty_value=None,
            **common,
        )
    if kind == "phone":
        return PhoneAnswerField(
            max_length=32,
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            **common,
        )
    if kind == "email":
        return forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    if kind == "personal_id":
        return PersonalIdAnswerField(
            max_length=20, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common
        )
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
    headings: list[str] | None = None  # group: what each instance is called ("Bên nữ")
    can_add: bool = False
    can_remove: bool = False

    @property
    def instances(self) -> list[tuple[int, str, list[str]]]:
        return [
            (i, h, names)
            for i, (h, names) in enumerate(zip(self.headings or [], self.children or [], strict=False))
        ]


def _group_count(item: dict, answers: dict | None, data) -> int:
    """How many instances of a group to show: the posted ``<key>__count`` (after "Thêm"/"Bỏ"), else
    the posted or saved instances, at least the group's minimum; one empty instance to fill in
    when nothing is saved yet."""
    key = item["key"]
    low, high = int(item.get("min", 1)), int(item.get("max", 1))
    if data is not None:
        declared = str(data.get(f"{key}__count", ""))
        if declared.isdigit():
            return max(low, min(int(declared), high))
        prefix = f"{key}__"
        indexes = {int(k.split("__")[1]) for k in data if k.startswith(prefix) and k.split("__")[1].isdigit()}
        count = max(indexes) + 1 if indexes else low
    else:
        saved = answers.get(key) if isinstance(answers, dict) else None
        count = len(saved) if isinstance(saved, list) else low
    count = max(low, min(count, high))
    return count if count or not high else 1


def _instance_heading(item: dict, index: int, chosen) -> str:
    """What to call one instance of a group: the answer of its ``label_field`` ("Bên nữ"), else
    the group's label, numbered when the group repeats."""
    label_field = item.get("label_field")
    if label_field and chosen not in (None, ""):
        inner = next((f for f in item["fields"] if f["key"] == label_field), None)
        if inner is not None and inner["type"] == "choice":
            return dict(_choices(inner)).get(str(chosen), str(chosen))
        return str(chosen)
    return f"{_label(item)} ({index + 1})" if int(item.get("max", 1)) > 1 else _label(item)


def _conditional_hint(rule: dict, schema: list[dict], group: dict | None) -> str:
    """ "Bắt buộc khi …", from a ``required`` rule's condition, for the field's label."""
    ref = rule.get("when_field", "")
    target = _find_item(schema, group, ref)
    name = _label(target) if target else ref
    value = rule.get("when_value", "")
    if not value:
        return gettext("bắt buộc khi đã điền “%(field)s”") % {"field": name}
    shown = (
        ", ".join(display_value(target, _typed(target, v.strip())) for v in value.split(","))
        if target
        else value
    )
    return gettext("bắt buộc khi “%(field)s” là “%(value)s”") % {"field": name, "value": shown}


def _find_item(schema: list[dict], group: dict | None, ref: str) -> dict | None:
    if "." in ref:
        group_key, key = ref.split(".", 1)
        owner = next((i for i in schema if i.get("key") == group_key and i["type"] == "group"), None)
        return next((f for f in (owner or {}).get("fields", []) if f["key"] == key), None)
    if group is not None:
        sibling = next((f for f in group["fields"] if f["key"] == ref), None)
        if sibling is not None:
            return sibling
    return next((i for i in schema if i.get("key") == ref), None)


def _typed(item: dict, raw: str):
    if item["type"] == "yesno":
        return {"yes": True, "no": False}.get(raw, raw)
    return raw


class DeclarationForm(forms.Form):
    """A form for one schema; ``cleaned_answers()`` returns the nested answers JSON.

    Every field also knows where it belongs: ``field.summary_label`` is "Bên nữ: Dân tộc" (the
    group instance or the section, then the label), which the error summary shows.
    """

    def __init__(self, schema: list[dict], *args, answers: dict | None = None, **kwargs) -> None:
        self.schema = schema
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False  # novalidate forms: the server explains every refusal
        self.layout: list[Layout] = []
        initial = flatten_answers(schema, answers or {})
        data = self.data if self.is_bound else None
        heading = ""
        for item in schema:
            if item["type"] == "section":
                heading = _label(item)
                self.layout.append(Layout("section", label=heading))
            elif item["type"] == "group":
                instances = []
                headings = []
                for index in range(_group_count(item, answers, data)):
                    chosen = None
                    if item.get("label_field"):
                        name = f"{item['key']}__{index}__{item['label_field']}"
                        chosen = data.get(name) if data is not None else initial.get(name)
                    instance_heading = _instance_heading(item, index, chosen)
                    headings.append(instance_heading)
                    names = []
                    for inner in item["fields"]:
                        name = f"{item['key']}__{index}__{inner['key']}"
                        self.fields[name] = self._field(inner, instance_heading, item)
                        names.append(name)
                    instances.append(names)
                low, high = int(item.get("min", 1)), int(item.get("max", 1))
                self.layout.append(
                    Layout(
                        "group",
                        label=_label(item),
                        name=item["key"],
                        children=instances,
                        headings=headings,
                        can_add=len(instances) < high and high > low,
                        can_remove=len(instances) > low,
                    )
                )
            else:
                self.fields[item["key"]] = self._field(item, heading, None)
                self.layout.append(Layout("field", name=item["key"]))
        kinds = _kinds_by_name(schema, self.fields)
        for name, value in initial.items():
            if name in self.fields:
                if kinds.get(name) == "yesno" and isinstance(value, bool):
                    value = "yes" if value else "no"  # the radio's values, so the saved answer shows
                self.initial.setdefault(name, value)

    def _field(self, item: dict, context: str, group: dict | None) -> forms.Field:
        field = build_field(item)
        label = _label(item)
        field.summary_label = f"{context}: {label}" if context else label
        hints = [
            _conditional_hint(r, self.schema, group)
            for r in item.get("rules") or []
            if r.get("kind") == "required"
        ]
        field.conditional_hint = "; ".join(hints)
        return field

    def clean(self):
        cleaned = super().clean()
        answers = nest_answers(self.schema, cleaned, drop_empty=False)  # indexes stay the form's
        for name, message in rule_errors(self.schema, answers):
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def cleaned_answers(self) -> dict:
        return nest_answers(self.schema, self.cleaned_data)

    def summary_errors(self) -> list[tuple[str, str, str]]:
        """(anchor id, "Bên nữ: Dân tộc", message) for the error summary, in the order of the form."""
        out = [("", "", str(e)) for e in self.non_field_errors()]
        for bound in self:
            for error in bound.errors:
                out.append((bound.id_for_label or bound.auto_id, bound.field.summary_label, str(error)))
        return out


def _kinds_by_name(schema: list[dict], fields) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for item in schema:
        if item["type"] == "group":
            for name in fields:
                if name.startswith(f"{item['key']}__"):
                    inner_key = name.split("__", 2)[2]
                    inner = next((f for f in item["fields"] if f["key"] == inner_key), None)
                    if inner:
                        kinds[name] = inner["type"]
        elif item.get("key"):
            kinds[item["key"]] = item["type"]
    return kinds


def group_data_change(schema: list[dict], data, *, add: str = "", remove: str = ""):
    """Form data with one more instance of group ``add``, or without instance ``remove``
    ("members__2"), everything else as typed. Used by "Thêm" / "Bỏ" buttons (no JavaScript)."""
    data = data.copy()
    groups = {i["key"]: i for i in schema if i["type"] == "group"}
    if add in groups:
        item = groups[add]
        count = _group_count(item, None, data)
        data[f"{add}__count"] = str(min(count + 1, int(item.get("max", 1))))
    elif remove.count("__") == 1 and remove.split("__")[0] in groups and remove.split("__")[1].isdigit():
        key, index = remove.split("__")[0], int(remove.split("__")[1])
        item = groups[key]
        count = _group_count(item, None, data)
        if count > int(item.get("min", 1)) and index < count:
            prefix = f"{key}__"
            moved = {}
            for name in list(data.keys()):
                parts = name.split("__", 2)
                if name.startswith(prefix) and len(parts) == 3 and parts[1].isdigit():
                    values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
                    del data[name]
                    position = int(parts[1])
                    if position == index:
                        continue
                    moved[f"{key}__{position - 1 if position > index else position}__{parts[2]}"] = values
            for name, values in moved.items():
                if hasattr(data, "setlist"):
                    data.setlist(name, values)
                else:
                    data[name] = values[0]
            data[f"{key}__count"] = str(count - 1)
    return data


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _blank(value) -> bool:
    return value in (None, "", [], {})


def nest_answers(schema: list[dict], flat: dict, *, drop_empty: bool = True) -> dict:
    """Flat form values → nested answers. Instances of a group beyond its minimum that are left
    entirely empty are dropped (an optional "household member" nobody filled in is no member)."""
    answers: dict = {}
    for item in schema:
        if item["type"] == "section":
            continue
        if item["type"] == "group":
            prefix = f"{item['key']}__"
            rows: dict[int, dict] = {}
            for name, value in flat.items():
                if name.startswith(prefix) and name.count("__") >= 2:
                    _key, index, inner = name.split("__", 2)
                    if index.isdigit():
                        rows.setdefault(int(index), {})[inner] = _json_value(value)
            low = int(item.get("min", 1))
            ordered = [rows[i] for i in sorted(rows)]
            kept = [
                row
                for position, row in enumerate(ordered)
                if not drop_empty or position < low or not all(map(_blank, row.values()))
            ]
            answers[item["key"]] = kept
        elif item["key"] in flat:
            answers[item["key"]] = _json_value(flat[item["key"]])
    return answers


# --- rules ------------------------------------------------------------------------------------------


def _as_date(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _lookup(ref: str, answers: dict, row: dict | None):
    if "." in ref:
        group, key = ref.split(".", 1)
        rows = answers.get(group)
        if not isinstance(rows, list):
            return _MISSING
        if not rows:
            return None
        return rows[0].get(key, _MISSING) if isinstance(rows[0], dict) else _MISSING
    if row is not None and ref in row:
        return row[ref]
    return answers.get(ref, _MISSING)


def answer_matches(value, wanted: str) -> bool:
    """Does an answer satisfy a condition? ``wanted`` empty: any non-empty answer; else one of the
    comma-separated values (yes/no for a yes/no question)."""
    if value is _MISSING or _blank(value):
        return False
    if not wanted.strip():
        return True
    if isinstance(value, bool):
        value = "yes" if value else "no"
    return str(value) in {w.strip() for w in wanted.split(",")}


def answer_lookup(answers: dict, ref: str):
    """The answer a reference names (top-level key or ``group.key``: any instance of the group)."""
    if "." in ref:
        group, key = ref.split(".", 1)
        rows = answers.get(group)
        return [r.get(key) for r in rows if isinstance(r, dict)] if isinstance(rows, list) else None
    return answers.get(ref)


def answers_match(answers: dict, ref: str, wanted: str) -> bool:
    """A condition on the saved answers (fees, components): true when the referenced answer (any
    instance of a group) matches ``wanted``."""
    value = answer_lookup(answers or {}, ref)
    if isinstance(value, list):
        return any(answer_matches(v, wanted) for v in value)
    return answer_matches(value, wanted)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _rule_message(rule: dict, default: str) -> str:
    english = _english()
    return (rule.get("message_en") if english else None) or rule.get("message") or default


def _check_rule(rule: dict, item: dict, value, answers: dict, row: dict | None, today: date) -> str | None:
    when = rule.get("when_field")
    if when:
        condition = _lookup(when, answers, row)
        if condition is _MISSING or not answer_matches(condition, rule.get("when_value", "")):
            return None
    kind = rule.get("kind")
    if kind == "required":
        return _rule_message(rule, gettext("Cần điền thông tin này.")) if _blank(value) else None
    if _blank(value):
        return None
    if kind == "number_range":
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        low, high = rule.get("min"), rule.get("max")
        bounds = {"min": low if low is not None else "", "max": high if high is not None else ""}
        if (
            number != number.to_integral_value()
            or (low not in (None, "") and number < Decimal(str(low)))
            or (high not in (None, "") and number > Decimal(str(high)))
        ):
            if low not in (None, "") and high not in (None, ""):
                default = gettext("Nhập một số nguyên từ %(min)s đến %(max)s.") % bounds
            elif low not in (None, ""):
                default = gettext("Nhập một số nguyên từ %(min)s trở lên.") % bounds
            else:
                default = gettext("Nhập một số nguyên.")
            return _rule_message(rule, default)
        return None
    day = _as_date(value)
    if day is None:
        return None
    other = rule.get("other", "")
    if kind == "not_future":
        return _rule_message(rule, gettext("Ngày này chưa đến: hãy kiểm tra lại.")) if day > today else None
    if other and other != TODAY:
        reference = _lookup(other, answers, row)
        if reference is _MISSING or _blank(reference):
            return None
        reference = _as_date(reference)
        if reference is None:
            return None
    else:
        reference = today
    if kind == "min_age":
        years = int(rule.get("years") or 0)
        if _age(day, reference) < years:
            return _rule_message(
                rule,
                gettext("Chưa đủ %(years)d tuổi vào ngày %(date)s.")
                % {"years": years, "date": f"{reference:%d/%m/%Y}"},
            )
        return None
    if kind == "not_before" and day < reference:
        return _rule_message(
            rule, gettext("Không được trước ngày %(date)s.") % {"date": f"{reference:%d/%m/%Y}"}
        )
    return None


def rule_errors(schema: list[dict], answers: dict, *, today: date | None = None) -> list[tuple[str, str]]:
    """(form field name, message) for every rule of the schema the answers break.

    A field whose own answer is missing from ``answers`` (refused by its field validation) is not
    judged again; neither is a rule whose referenced answer is missing.
    """
    today = today or timezone.localdate()
    errors: list[tuple[str, str]] = []
    for item in schema:
        if item["type"] == "section":
            continue
        if item["type"] == "group":
            for index, row in enumerate(answers.get(item["key"]) or []):
                if not isinstance(row, dict):
                    continue
                for inner in item["fields"]:
                    if inner["key"] not in row:
                        continue
                    for rule in inner.get("rules") or []:
                        message = _check_rule(rule, inner, row[inner["key"]], answers, row, today)
                        if message:
                            errors.append((f"{item['key']}__{index}__{inner['key']}", message))
                            break
            continue
        if item["key"] not in answers:
            continue
        for rule in item.get("rules") or []:
            message = _check_rule(rule, item, answers[item["key"]], answers, None, today)
            if message:
                errors.append((item["key"], message))
                break
    return errors


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
            row = {
                f["key"]: source(f["prefill"])
                for f in item["fields"]
                if f.get("prefill") and source(f["prefill"])
            }
            if row:
                answers[item["key"]] = [row]
        elif item.get("prefill"):
            value = source(item["prefill"])
            if value:
                answers[item["key"]] = value
    return answers


def iter_answer_rows(schema: list[dict], answers: dict) -> Iterable[tuple[str, str, str]]:
    """(section or group instance, field label, display value) rows for the review page and the PDF."""
    heading = ""
    for item in schema:
        if item["type"] == "section":
            heading = _label(item)
            continue
        if item["type"] == "group":
            for index, row in enumerate(answers.get(item["key"]) or []):
                row = row or {}
                chosen = row.get(item["label_field"]) if item.get("label_field") else None
                group_heading = _instance_heading(item, index, chosen)
                for inner in item["fields"]:
                    yield group_heading, _label(inner), display_value(inner, row.get(inner["key"]))
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
        return ", ".join(
            p for p in (value.get("street"), value.get("commune_name"), value.get("province_name")) if p
        )
    if kind == "phone":
        return format_vn_phone(value)
    if kind == "number":
        try:
            return f"{Decimal(str(value)):,}".replace(",", ".")
        except InvalidOperation:
            return str(value)
    return str(value)
