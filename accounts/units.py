"""Official administrative units (post-2025: 34 provinces, 3,321 communes) from vietnam-provinces.
Addresses store a unit's code *and* name, so a later renumbering never breaks an old record."""

from __future__ import annotations

from functools import lru_cache

from vietnam_provinces import Province, Ward


@lru_cache(maxsize=1)
def provinces() -> list[tuple[str, str]]:
    return sorted(
        ((f"{int(p.code.value):02d}", p.name) for p in Province.iter_all()), key=lambda item: item[1]
    )


@lru_cache(maxsize=1)
def _communes_by_province() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for ward in Ward.iter_all():
        out.setdefault(f"{int(ward.province_code.value):02d}", []).append(
            (f"{int(ward.code.value):05d}", ward.name)
        )
    return {code: sorted(items, key=lambda item: item[1]) for code, items in out.items()}


def communes(province_code: str) -> list[tuple[str, str]]:
    return _communes_by_province().get(province_code or "", [])


def province_name(code: str) -> str | None:
    return dict(provinces()).get(code)


def commune_name(province_code: str, commune_code: str) -> str | None:
    return dict(communes(province_code)).get(commune_code)
