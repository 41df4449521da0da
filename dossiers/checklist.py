"""The completeness checklist on the officer's desk: the procedure's components for the applicant's case.

A procedure lists its components, some only "for the case …" (``case_group``). The applicant's case is
read from what they uploaded: the components of every case group they sent a file for, plus the
components that apply to every case. Each row says whether it is required, how many originals and
copies the procedure asks for, and which files the applicant sent for it (their own uploads and
supplements only: never a form the portal issued). Items a supplement request asked for by name (not a
component of the procedure) get a row too once they were asked.

The officer ticks the rows that are in order; the unticked ones (and free text) make the supplement
request (``workflow.supplement_items``). A checklist is *complete* when every required row has a file:
that is what bulk receipt accepts without a person opening the dossier.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.text import nfc

from .constants import APPLICANT_FILE_PURPOSES
from .models import Dossier, DossierFile


@dataclass
class Row:
    key: str  # "c<component id>" or "n<index>" for an item asked for by name
    name: str
    required: bool
    originals: int
    copies: int
    case_group: str = ""
    component_id: int | None = None
    files: list[DossierFile] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.files)


def rows_for(dossier: Dossier, *, files: list[DossierFile] | None = None) -> list[Row]:
    """The checklist of this dossier, in the procedure's order, then the items asked for by name."""
    if files is None:
        files = list(dossier.files.filter(purpose__in=APPLICANT_FILE_PURPOSES).order_by("uploaded_at", "id"))
    else:
        files = [f for f in files if f.purpose in APPLICANT_FILE_PURPOSES]
    by_component: dict[int, list[DossierFile]] = {}
    by_name: dict[str, list[DossierFile]] = {}
    for stored in files:
        if stored.component_id is not None:
            by_component.setdefault(stored.component_id, []).append(stored)
        else:
            by_name.setdefault(nfc(stored.component_name).strip().casefold(), []).append(stored)
    components = list(dossier.procedure.components.all())
    chosen_groups = {c.case_group for c in components if c.case_group and c.pk in by_component}
    rows = []
    for component in components:
        in_case = not component.case_group or component.case_group in chosen_groups
        if component.case_group and chosen_groups and not in_case:
            continue  # another case than the applicant's
        rows.append(
            Row(
                key=f"c{component.pk}",
                name=nfc(component.name),
                required=component.required and in_case,
                originals=component.originals,
                copies=component.copies,
                case_group=component.case_group,
                component_id=component.pk,
                files=by_component.get(component.pk, []),
            )
        )
    asked = _asked_by_name(dossier)
    named: set[str] = set()
    for index, item in enumerate(asked):
        named.add(item["name"].casefold())
        rows.append(
            Row(
                key=f"n{index}",
                name=item["name"],
                required=True,
                originals=int(item.get("originals") or 0),
                copies=int(item.get("copies") or 0) + int(item.get("certified_copies") or 0),
                files=by_name.get(item["name"].casefold(), []),
            )
        )
    known = {c.pk for c in components}
    others = [f for f in files if f.component_id is not None and f.component_id not in known]
    others += [f for name, group in by_name.items() if name not in named for f in group]
    if others:  # files for no published component (a component removed since, or none chosen)
        rows.append(
            Row(key="other", name="Giấy tờ khác", required=False, originals=0, copies=0, files=others)
        )
    return rows


def _asked_by_name(dossier: Dossier) -> list[dict]:
    """Free-text items of earlier supplement requests (each name once)."""
    seen: set[str] = set()
    out = []
    for data in (
        dossier.events.filter(action="request_supplement").order_by("at", "id").values_list("data", flat=True)
    ):
        for item in (data or {}).get("items") or []:
            name = nfc(item.get("name") or "").strip()
            if item.get("component_id") or not name or name.casefold() in seen:
                continue
            seen.add(name.casefold())
            out.append({**item, "name": name})
    return out


def is_complete(rows: list[Row]) -> bool:
    """Every required row has at least one file from the applicant."""
    return all(row.present for row in rows if row.required)


def missing_required(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.required and not row.present]


@dataclass
class Slot:
    """One upload slot of the applicant's answer: one per item the supplement request asked for."""

    key: str  # "item-<n>": stable for this request, used in field names and anchors
    name: str
    component: object | None
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0
    upload_errors: list[str] = field(default_factory=list)

    @property
    def counts(self) -> str:
        parts = []
        if self.originals:
            parts.append(f"{self.originals:02d} bản chính")
        if self.certified_copies:
            parts.append(f"{self.certified_copies:02d} bản sao có chứng thực")
        if self.copies:
            parts.append(f"{self.copies:02d} bản sao")
        return ", ".join(parts)


def requested_slots(dossier: Dossier) -> list[Slot]:
    """The items of the latest supplement request (structured, or older plain names matched to the
    procedure's components), one upload slot each, in the order the officer listed them."""
    from .constants import Status
    from .handoffs import supplement_items

    event = dossier.events.filter(to_status=Status.SUPPLEMENT_REQUESTED).order_by("-at", "-id").first()
    if event is None:
        return []
    data = event.data or {}
    items = supplement_items(
        dossier, items=data.get("items"), missing=[] if data.get("items") else data.get("missing")
    )
    components = {c.pk: c for c in dossier.procedure.components.all()}
    if not items:  # a request that listed nothing (older data): a slot for each component of the procedure
        items = [{"component_id": c.pk, "name": c.name} for c in components.values()]
    return [
        Slot(
            key=f"item-{index}",
            name=item["name"],
            component=components.get(item.get("component_id")) if item.get("component_id") else None,
            originals=int(item.get("originals") or 0),
            certified_copies=int(item.get("certified_copies") or 0),
            copies=int(item.get("copies") or 0),
        )
        for index, item in enumerate(items)
    ]
