"""Phí and lệ phí of a dossier, line by line (khoản thu), with their legal names.

One function, ``fee_lines``, computes what a dossier owes from the procedure's channel (online
for everything submitted on this portal) and the answers that change it:

- the method's flat ``fee_vnd`` / ``charge_vnd`` (the catalogue's amounts) give one line each when
  they are not zero;
- every ``procedures.FeeItem`` of the channel gives a line when its condition holds (a declaration
  answer, e.g. ``copies_requested = yes``), its unit amount multiplied by the quantity taken from a
  declaration field (e.g. ``copies``); a line of 0 đồng is an exemption ("Miễn") and is shown.

At submission the lines are frozen on the dossier (``Dossier.fee_items``, totals in ``fee_vnd``
and ``charge_vnd``): a fee changed later by the agency never changes a submitted dossier.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language

from procedures.constants import Channel, FeeKind

from .declaration import answer_lookup, answers_match

MAX_QUANTITY = 1000  # a typo ("200000 bản") must not become a bill


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


@dataclass(frozen=True)
class FeeLine:
    kind: str  # FeeKind: "fee" (phí) or "charge" (lệ phí)
    name: str
    amount_vnd: int
    unit_vnd: int = 0
    quantity: int = 1
    unit: str = ""
    name_en: str = ""
    unit_en: str = ""
    note: str = ""
    note_en: str = ""

    @property
    def kind_label(self) -> str:
        return str(FeeKind(self.kind).label) if self.kind in FeeKind.values else self.kind

    @property
    def label(self) -> str:
        """The line's name in the interface language; a flat amount of the channel has no name of
        its own and is called by its kind ("Phí", "Lệ phí"), whatever language it was frozen in."""
        return (self.name_en if _english() else "") or self.name or self.kind_label

    @property
    def unit_label(self) -> str:
        return (self.unit_en if _english() else "") or self.unit

    @property
    def note_label(self) -> str:
        return (self.note_en if _english() else "") or self.note

    @property
    def exempt(self) -> bool:
        return self.amount_vnd == 0

    @property
    def multiplied(self) -> bool:
        return self.quantity != 1

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> FeeLine:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def _quantity(answers: dict, field: str) -> int:
    value = answer_lookup(answers or {}, field)
    if isinstance(value, list):  # a field of a group: the first instance
        value = value[0] if value else None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return 0
    if number != number.to_integral_value() or number < 0:
        return 0
    return min(int(number), MAX_QUANTITY)


def fee_lines(*, procedure, answers: dict | None, channel: str = Channel.ONLINE) -> list[FeeLine]:
    """The lines a dossier of ``procedure`` with these ``answers`` owes on ``channel``.

    Reads the procedure's methods and fee items (prefetch them for lists). No side effects.
    """
    lines: list[FeeLine] = []
    method = next((m for m in procedure.methods.all() if m.channel == channel), None)
    if method is not None:
        if method.fee_vnd:
            lines.append(
                FeeLine(kind=FeeKind.FEE, name="", amount_vnd=method.fee_vnd, unit_vnd=method.fee_vnd)
            )
        if method.charge_vnd:
            lines.append(
                FeeLine(
                    kind=FeeKind.CHARGE,
                    name="",
                    amount_vnd=method.charge_vnd,
                    unit_vnd=method.charge_vnd,
                )
            )
    for item in procedure.fee_items.all():
        if item.channel != channel:
            continue
        if item.when_field and not answers_match(answers or {}, item.when_field, item.when_value):
            continue
        quantity = _quantity(answers or {}, item.quantity_field) if item.quantity_field else 1
        if quantity == 0:
            continue
        lines.append(
            FeeLine(
                kind=item.kind,
                name=item.name,
                name_en=item.name_en,
                unit_vnd=item.amount_vnd,
                quantity=quantity,
                unit=item.unit,
                unit_en=item.unit_en,
                amount_vnd=item.amount_vnd * quantity,
                note=item.note,
                note_en=item.note_en,
            )
        )
    return lines


def totals(lines: list[FeeLine]) -> tuple[int, int]:
    """(sum of phí, sum of lệ phí)."""
    fee = sum(line.amount_vnd for line in lines if line.kind == FeeKind.FEE)
    charge = sum(line.amount_vnd for line in lines if line.kind == FeeKind.CHARGE)
    return fee, charge


def dossier_fee_lines(dossier) -> list[FeeLine]:
    """A draft: computed from its answers now. A submitted dossier: the lines frozen at submission
    (dossiers submitted before line items existed: their two totals)."""
    if dossier.is_draft:
        return fee_lines(procedure=dossier.procedure, answers=dossier.answers)
    if dossier.fee_items:
        return [FeeLine.from_json(row) for row in dossier.fee_items if isinstance(row, dict)]
    lines = []
    if dossier.fee_vnd:
        lines.append(FeeLine(kind=FeeKind.FEE, name="", amount_vnd=dossier.fee_vnd, unit_vnd=dossier.fee_vnd))
    if dossier.charge_vnd:
        lines.append(
            FeeLine(
                kind=FeeKind.CHARGE,
                name="",
                amount_vnd=dossier.charge_vnd,
                unit_vnd=dossier.charge_vnd,
            )
        )
    return lines


def fee_summary(dossier) -> dict:
    """What the fee tables show: the lines and the total."""
    lines = dossier_fee_lines(dossier)
    fee, charge = totals(lines)
    return {"fee_lines": lines, "fee_total": fee + charge}
