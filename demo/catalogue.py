"""Demo data for the catalogue: one real province (Bắc Ninh) with a few communes, life events,
English names of sectors, the seed synonyms (procedures/synonyms.py), and the common procedures
written out in full with their English names (demo/data/procedures/*.json).

Every function here is idempotent: rerunning updates rows in place.
"""

from __future__ import annotations

import json
from datetime import date

from django.core.files import File
from django.db import transaction
from vietnam_provinces import Province, Ward

from core.text import nfc
from demo.data_files import DATA_DIR, read_json
from procedures.constants import AgencyKind, PublicationStatus
from procedures.models import (
    Agency,
    DossierComponent,
    FeeItem,
    LegalBasis,
    LifeEvent,
    Procedure,
    ProcedureStep,
    SearchSynonym,
    Sector,
    SubmissionMethod,
)
from procedures.search import invalidate_search_caches
from procedures.services import catalogue_analyze, sanitize_rich_text
from procedures.synonyms import seed_synonyms

PROVINCE_CODE = 24  # Bắc Ninh (post-2025 unit)
# (ward code, agency code of its People's Committee, agency code of its police)
DEMO_COMMUNES = [
    (9187, "000.21.01.H24", "000.21.31.H24"),
    (9190, "000.21.02.H24", "000.21.32.H24"),
    (9367, "000.22.01.H24", "000.22.31.H24"),
    (9319, "000.23.01.H24", "000.23.31.H24"),
]
PROVINCE_AGENCY = "000.00.00.H24"
DEPARTMENTS = {
    "province_justice": ("000.00.10.H24", "Sở Tư pháp tỉnh Bắc Ninh", "Sở Tư pháp"),
    "province_construction": ("000.00.11.H24", "Sở Xây dựng tỉnh Bắc Ninh", "Sở Xây dựng"),
    "province_police": ("000.00.12.H24", "Công an tỉnh Bắc Ninh", "Công an tỉnh"),
    "province_social_insurance": ("000.00.13.H24", "Bảo hiểm xã hội tỉnh Bắc Ninh", "BHXH tỉnh"),
    "province_tax": ("000.00.14.H24", "Thuế tỉnh Bắc Ninh", "Thuế tỉnh"),
    "province_finance": ("000.00.15.H24", "Sở Tài chính tỉnh Bắc Ninh", "Sở Tài chính"),
    "province_labour": ("000.00.16.H24", "Sở Nội vụ tỉnh Bắc Ninh", "Sở Nội vụ"),
}
HOURS = "Sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu; sáng thứ Bảy 7:30–11:30"
# Street addresses of the demo communes' one-stop shops and police (demo/data/streets.json): form 01
# prints where the applicant collects the result, so it must be a place a person can find.
STREETS = {int(code): pair for code, pair in read_json("streets.json")["agencies"].items()}


def _province():
    return next(p for p in Province.iter_all() if int(p.code.value) == PROVINCE_CODE)


def _ward(code: int):
    return next(w for w in Ward.iter_all() if int(w.code.value) == code)


def load_agencies() -> dict[str, list[Agency]]:
    """The demo province, its departments and communes. Returns agencies by demo scope."""
    province = _province()
    short = province.name
    top, _ = Agency.objects.update_or_create(
        code=PROVINCE_AGENCY,
        defaults={
            "name": f"Ủy ban nhân dân tỉnh {short}",
            "short_name": f"UBND tỉnh {short}",
            "kind": AgencyKind.PROVINCE,
            "unit_code": f"{PROVINCE_CODE:02d}",
            "unit_name": f"Tỉnh {short}",
            "address": f"Trung tâm Phục vụ hành chính công tỉnh {short}, số 11 đường Lý Thái Tổ, phường Kinh Bắc",
            "phone": "0222 3 822 888",
            "email": "tthcc@bacninh.gov.vn",
            "opening_hours": HOURS,
        },
    )
    scopes: dict[str, list[Agency]] = {"province": [top]}
    for scope, (code, name, short_name) in DEPARTMENTS.items():
        agency, _ = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "kind": AgencyKind.DEPARTMENT,
                "parent": top,
                "unit_code": f"{PROVINCE_CODE:02d}",
                "unit_name": f"Tỉnh {short}",
                "address": f"Tiếp nhận tại Trung tâm Phục vụ hành chính công tỉnh {short}, số 11 đường Lý Thái Tổ, phường Kinh Bắc",
                "phone": "0222 3 822 888",
                "opening_hours": HOURS,
            },
        )
        scopes[scope] = [agency]
    scopes["commune"], scopes["commune_police"] = [], []
    for ward_code, code, police_code in DEMO_COMMUNES:
        ward = _ward(ward_code)
        commune, _ = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": f"Ủy ban nhân dân {ward.name}",
                "short_name": f"UBND {ward.name}",
                "kind": AgencyKind.COMMUNE,
                "parent": top,
                "unit_code": f"{ward_code:05d}",
                "unit_name": ward.name,
                "address": f"Bộ phận Một cửa, {STREETS[ward_code][0]}, {ward.name}, tỉnh {short}",
                "phone": "0222 3 8" + f"{ward_code % 100000:05d}"[-5:],
                "opening_hours": HOURS,
            },
        )
        police, _ = Agency.objects.update_or_create(
            code=police_code,
            defaults={
                "name": f"Công an {ward.name}",
                "short_name": f"CA {ward.name}",
                "kind": AgencyKind.COMMUNE,
                "parent": scopes["province_police"][0],
                "unit_code": f"{ward_code:05d}",
                "unit_name": ward.name,
                "address": f"Trụ sở Công an {ward.name}, {STREETS[ward_code][1]}, {ward.name}, tỉnh {short}",
                "opening_hours": HOURS,
            },
        )
        scopes["commune"].append(commune)
        scopes["commune_police"].append(police)
    return scopes


def _read_demo() -> dict:
    """catalogue.json (life events, English sector names) plus every procedures/*.json (lists of procedures)."""
    data = json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    data["procedures"] = []
    for path in sorted((DATA_DIR / "procedures").glob("*.json")):
        data["procedures"].extend(json.loads(path.read_text(encoding="utf-8")))
    return data


def load_life_events_and_synonyms(data: dict) -> None:
    for event in data.get("life_events", []):
        LifeEvent.objects.update_or_create(
            slug=event["slug"],
            defaults={
                "name": nfc(event["name"]),
                "name_en": event.get("name_en", ""),
                "description": nfc(event.get("description", "")),
                "audience": event["audience"],
                "ordering": event.get("ordering", 0),
            },
        )
    seed_synonyms(SearchSynonym)
    for name, name_en in data.get("sectors_en", {}).items():
        Sector.objects.filter(name=nfc(name)).exclude(name_en=name_en).update(name_en=name_en)


def _attach_template(component: DossierComponent, slug: str) -> None:
    source = DATA_DIR / "templates" / f"{slug}.pdf"
    if not source.exists():
        return
    wanted_name = f"{slug}.pdf"
    if component.template_file and component.template_filename == wanted_name:
        try:
            if component.template_file.storage.exists(component.template_file.name):
                return
        except OSError:
            pass
    with source.open("rb") as handle:
        component.template_filename = wanted_name
        component.template_file.save(wanted_name, File(handle), save=True)


@transaction.atomic
def load_full_procedures(data: dict, scopes: dict[str, list[Agency]]) -> int:
    """Upsert the fully written procedures with their steps, methods, components and legal bases."""
    sectors_by_name = {s.name: s for s in Sector.objects.all()}
    events = {e.slug: e for e in LifeEvent.objects.all()}
    count = 0
    for item in data["procedures"]:
        agencies = scopes.get(item.get("agency_scope", "commune"), scopes["commune"])
        owner = agencies[0]
        procedure, _ = Procedure.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": nfc(item["name"]),
                "name_en": nfc(item.get("name_en", "")),
                "service_level": item["service_level"],
                "implementing_levels": item.get("implementing_levels", []),
                "for_citizens": item.get("for_citizens", True),
                "for_businesses": item.get("for_businesses", False),
                "vertical": item.get("vertical", False),
                "owner_agency": owner,
                "competent_authority": nfc(item.get("competent_authority", "")),
                "applicants": nfc(item.get("applicants", "")),
                "requirements": sanitize_rich_text(item.get("requirements", "")),
                "result": nfc(item.get("result", "")),
                "notes": sanitize_rich_text(item.get("notes", "")),
                "next_steps": nfc(item.get("next_steps", "")),
                "presence": item.get("presence", ""),
                "presence_note": nfc(item.get("presence_note", "")),
                "presence_note_en": item.get("presence_note_en", ""),
                "popularity": item.get("popularity", 0),
                "status": PublicationStatus.PUBLISHED,
                "effective_from": date(2025, 7, 1),
                "is_detailed": True,
            },
        )
        procedure.agencies.set(agencies)
        procedure.sectors.set(
            [sectors_by_name[n] for n in item.get("sector_names", []) if n in sectors_by_name]
        )
        procedure.life_events.set([events[s] for s in item.get("life_events", []) if s in events])

        procedure.steps.all().delete()
        ProcedureStep.objects.bulk_create(
            ProcedureStep(
                procedure=procedure, order=i, title=nfc(s["title"]), description=nfc(s.get("description", ""))
            )
            for i, s in enumerate(item.get("steps", []), start=1)
        )
        procedure.methods.all().delete()
        SubmissionMethod.objects.bulk_create(
            SubmissionMethod(
                procedure=procedure,
                channel=m["channel"],
                time_limit_days=m.get("time_limit_days"),
                time_limit_text=nfc(m.get("time_limit_text", "")),
                fee_vnd=m.get("fee_vnd", 0),
                charge_vnd=m.get("charge_vnd", 0),
                fee_description=nfc(m.get("fee_description", "")),
            )
            for m in item.get("methods", [])
        )
        procedure.fee_items.all().delete()
        FeeItem.objects.bulk_create(
            FeeItem(
                procedure=procedure,
                channel=f.get("channel", "online"),
                order=i,
                kind=f["kind"],
                name=nfc(f["name"]),
                name_en=f.get("name_en", ""),
                amount_vnd=f.get("amount_vnd", 0),
                unit=nfc(f.get("unit", "")),
                unit_en=f.get("unit_en", ""),
                quantity_field=f.get("quantity_field", ""),
                when_field=f.get("when_field", ""),
                when_value=f.get("when_value", ""),
                note=nfc(f.get("note", "")),
                note_en=f.get("note_en", ""),
            )
            for i, f in enumerate(item.get("fee_items", []), start=1)
        )
        procedure.legal_bases.all().delete()
        LegalBasis.objects.bulk_create(
            LegalBasis(
                procedure=procedure,
                order=i,
                number=b.get("number", ""),
                title=nfc(b["title"]),
                issued_on=date.fromisoformat(b["issued_on"]) if b.get("issued_on") else None,
                issuer=nfc(b.get("issuer", "")),
            )
            for i, b in enumerate(item.get("legal_bases", []), start=1)
        )
        existing = {(c.order, c.name): c for c in procedure.components.all()}
        keep = set()
        for i, c in enumerate(item.get("components", []), start=1):
            name = nfc(c["name"])
            component = existing.get((i, name)) or DossierComponent(procedure=procedure, order=i, name=name)
            component.case_group = nfc(c.get("case_group", ""))
            component.originals = c.get("originals", 1)
            component.copies = c.get("copies", 0)
            component.required = c.get("required", True)
            component.satisfied_by_declaration = c.get("satisfied_by_declaration", False)
            component.applies_when_field = c.get("applies_when_field", "")
            component.applies_when_value = c.get("applies_when_value", "")
            component.save()
            keep.add(component.pk)
            if c.get("template"):
                _attach_template(component, c["template"])
        procedure.components.exclude(pk__in=keep).delete()
        count += 1
    return count


def load_catalogue_demo() -> dict[str, int]:
    scopes = load_agencies()
    data = _read_demo()
    load_life_events_and_synonyms(data)
    full = load_full_procedures(data, scopes)
    catalogue_analyze()
    invalidate_search_caches()
    return {"agencies": Agency.objects.count(), "full_procedures": full}
