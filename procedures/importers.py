"""Import of the national catalogue export (procedures.csv, sectors.csv).

Rerunnable: rows are matched by code, so a newer export updates in place and creates no
duplicates. All rows are validated before anything is written; if any row is malformed the
import stops with one clear message per bad row and the database is left untouched.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.text import nfc

from .constants import PublicationStatus
from .models import Procedure, Sector, name_word_count, search_text_for

PROCEDURE_COLUMNS = ["code", "name", "for_citizens", "for_businesses", "vertical", "weight"]
SECTOR_COLUMNS = ["id", "name", "ministry"]
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{2,59}$")


@dataclass
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}, dòng {self.line}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sectors_created: int = 0
    sectors_updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class CatalogueImportError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} dòng không hợp lệ")


def _read_csv(path: Path, columns: list[str], errors: list[RowError]) -> list[tuple[int, dict]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        errors.append(RowError(path.name, 0, "không tìm thấy tệp"))
        return []
    except UnicodeDecodeError as exc:
        errors.append(RowError(path.name, 0, f"tệp không phải UTF-8 (byte {exc.start})"))
        return []
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        errors.append(RowError(path.name, 1, f"thiếu cột: {', '.join(missing)}"))
        return []
    rows = []
    for row in reader:
        if None in row:  # more cells than headers
            errors.append(RowError(path.name, reader.line_num, "dòng có nhiều cột hơn tiêu đề"))
            continue
        rows.append((reader.line_num, {k: nfc((v or "").strip()) for k, v in row.items()}))
    return rows


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False, "true": True, "false": False}.get(value.lower())


def validate_procedures(rows: list[tuple[int, dict]], file: str, errors: list[RowError]) -> dict[str, dict]:
    seen: dict[str, int] = {}
    clean: dict[str, dict] = {}
    for line, row in rows:
        problems = []
        code, name = row["code"], row["name"]
        if not CODE_RE.match(code):
            problems.append(f"mã thủ tục “{code[:40]}” không hợp lệ")
        elif code in seen:
            problems.append(f"mã thủ tục {code} trùng với dòng {seen[code]}")
        if not name:
            problems.append("thiếu tên thủ tục")
        elif len(name) > 1000:
            problems.append("tên thủ tục dài quá 1.000 ký tự")
        flags = {}
        for column in ("for_citizens", "for_businesses", "vertical"):
            value = _flag(row[column])
            if value is None:
                problems.append(f"cột {column} phải là 1 hoặc 0, không phải “{row[column][:20]}”")
            flags[column] = value
        weight = row["weight"] or "0"
        if not weight.isdigit():
            problems.append(f"cột weight phải là số nguyên không âm, không phải “{weight[:20]}”")
        if problems:
            errors.extend(RowError(file, line, p) for p in problems)
            continue
        seen[code] = line
        clean[code] = {"name": name, "popularity": int(weight), **flags}
    return clean


def validate_sectors(rows: list[tuple[int, dict]], file: str, errors: list[RowError]) -> dict[str, dict]:
    clean: dict[str, dict] = {}
    for line, row in rows:
        code, name = row["id"], row["name"]
        if not code.isdigit() or len(code) > 20:
            errors.append(RowError(file, line, f"mã lĩnh vực “{code[:20]}” phải là số"))
        elif code in clean:
            errors.append(RowError(file, line, f"mã lĩnh vực {code} bị trùng"))
        elif not name:
            errors.append(RowError(file, line, "thiếu tên lĩnh vực"))
        else:
            clean[code] = {"name": name[:255], "ministry": row["ministry"][:255]}
    return clean


def import_catalogue(directory: Path, *, dry_run: bool = False) -> ImportReport:
    """Validate both files, then upsert sectors and procedures in one transaction.

    Raises CatalogueImportError (and writes nothing) if any row is malformed.
    """
    errors: list[RowError] = []
    sectors = validate_sectors(
        _read_csv(directory / "sectors.csv", SECTOR_COLUMNS, errors), "sectors.csv", errors
    )
    procedures = validate_procedures(
        _read_csv(directory / "procedures.csv", PROCEDURE_COLUMNS, errors), "procedures.csv", errors
    )
    if errors:
        raise CatalogueImportError(errors)
    report = ImportReport()
    with transaction.atomic():
        existing_sectors = {s.code: s for s in Sector.objects.filter(code__in=sectors)}
        new_sectors, changed_sectors = [], []
        for code, data in sectors.items():
            sector = existing_sectors.get(code)
            if sector is None:
                new_sectors.append(Sector(code=code, **data))
            elif (sector.name, sector.ministry) != (data["name"], data["ministry"]):
                sector.name, sector.ministry = data["name"], data["ministry"]
                changed_sectors.append(sector)
        Sector.objects.bulk_create(new_sectors, batch_size=500)
        Sector.objects.bulk_update(changed_sectors, ["name", "ministry"], batch_size=500)
        report.sectors_created, report.sectors_updated = len(new_sectors), len(changed_sectors)

        fields = ["name", "for_citizens", "for_businesses", "vertical", "popularity"]
        existing = {p.code: p for p in Procedure.objects.filter(code__in=procedures)}
        to_create, to_update = [], []
        for code, data in procedures.items():
            procedure = existing.get(code)
            if procedure is None:
                to_create.append(
                    Procedure(
                        code=code,
                        status=PublicationStatus.PUBLISHED,
                        search_text=search_text_for(data["name"], code),
                        search_words=name_word_count(data["name"]),
                        **data,
                    )
                )
            elif any(getattr(procedure, f) != data[f] for f in fields):
                for f in fields:
                    setattr(procedure, f, data[f])
                procedure.search_text = search_text_for(procedure.name, code, procedure.name_en)
                procedure.search_words = name_word_count(procedure.name)
                to_update.append(procedure)
            else:
                report.unchanged += 1
        if to_create:
            bulk_create_with_history(
                to_create, Procedure, batch_size=500, default_change_reason="Nhập danh mục quốc gia"
            )
        if to_update:
            bulk_update_with_history(
                to_update,
                Procedure,
                [*fields, "search_text", "search_words"],
                batch_size=500,
                default_change_reason="Cập nhật từ danh mục quốc gia",
            )
        report.created, report.updated = len(to_create), len(to_update)
        if dry_run:
            transaction.set_rollback(True)
    return report
