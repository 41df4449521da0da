"""Model fields the apps share."""

from __future__ import annotations

import json

from django.db import models


class IntegerListField(models.Field):
    """A short list of integers kept beside a row: ``integer[]`` on PostgreSQL (``unnest`` reads
    it), JSON text on SQLite (``json_each`` reads it). Derived data, never edited by hand."""

    description = "list of integers"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("default", list), ("editable", False), ("blank", True)):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def db_type(self, connection) -> str:
        return "integer[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection) -> list[int]:
        return self.to_python(value)

    def to_python(self, value) -> list[int]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = json.loads(value)
        return [int(v) for v in value]

    def get_prep_value(self, value) -> list[int]:
        return self.to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = value if prepared else self.get_prep_value(value)
        return value if connection.vendor == "postgresql" else json.dumps(value)
