"""The floors of the house (README, "Architecture"), enforced: an app imports only apps on lower
floors, never one beside or above it, except the deviations listed here with their reason.

Every ``import``/``from … import`` counts, at module level or inside a function, migrations
included (they are code that runs). Template includes are not imports and are not checked here.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOORS = {
    "core": 0,
    "notifications": 1,
    "procedures": 1,
    "accounts": 2,
    "dossiers": 3,
    "payments": 4,
    "delivery": 4,
    "demo": 5,
    "portal": 6,
}

# (importer, imported): why it is allowed.
DEVIATIONS: dict[tuple[str, str], str] = {}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(FLOORS)


def violations() -> list[str]:
    out = []
    for app, floor in FLOORS.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            for other in imported_apps(path) - {app}:
                if (app, other) in DEVIATIONS:
                    continue
                if FLOORS[other] >= floor:
                    out.append(f"{path.relative_to(ROOT)} imports {other} (floor {FLOORS[other]} ≥ {floor})")
    return out


def test_apps_import_only_lower_floors():
    assert violations() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """Not blind: a core module importing dossiers is reported."""
    fake = tmp_path / "core"
    fake.mkdir()
    (fake / "bad.py").write_text("def f():\n    from dossiers.models import Dossier\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert violations() == ["core/bad.py imports dossiers (floor 3 ≥ 0)"]


def test_every_app_has_a_floor():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(FLOORS), apps - set(FLOORS)


def test_no_test_module_imports_another():
    """Shared test code lives in factories and helper modules, never in a module pytest collects."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.split(".")[-1].startswith("test_"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
    assert offenders == []
