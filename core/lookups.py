"""``integer__in`` with a value no column can hold matches nothing, instead of crashing the query.

Since Django 5.0 ``exact``, ``gt``, ``lt``… on an integer field treat an out-of-range value as "no
match" (``IntegerFieldOverflow``); ``in`` does not, so ``pk__in=[99999999999999999999]`` raises
``OverflowError`` on SQLite. Model forms (``ModelMultipleChoiceField``) and the admin build such
lookups from whatever was posted, which turned a huge number typed in a form into an HTTP 500.
The values dropped here can never equal a stored value, so no result changes.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def batch_process_rhs(self, compiler, connection, rhs=None):
        values = self.rhs if rhs is None else rhs
        low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
        kept = [
            v
            for v in values
            if not isinstance(v, int) or ((low is None or v >= low) and (high is None or v <= high))
        ]
        if not kept:
            raise EmptyResultSet
        return super().batch_process_rhs(compiler, connection, kept)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
