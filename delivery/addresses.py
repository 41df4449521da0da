"""Addresses for parcels: unit codes *and* names, checked against today's official units.

Units were renumbered in July 2025 and again later (domain.md): an address typed months ago may
carry a commune code that no longer exists, or that now names another commune. ``resolve`` trusts
the **name** the person chose (what the postman reads) and finds today's code for it in the same
province; when the name cannot be found, or matches several communes, it refuses with a message an
officer can act on, and nothing is booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from accounts import units
from core.text import fold, nfc

from .carriers.base import PostalAddress


class AddressProblem(ValueError):
    """The address cannot be sent as it is; the message says what to fix."""


@dataclass(frozen=True)
class ResolvedAddress:
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    street: str
    note: str = ""  # what was corrected, e.g. a renumbered commune code


@lru_cache(maxsize=1)
def _province_of_commune() -> dict[str, str]:
    return {code: province for province, _name in units.provinces() for code, _n in units.communes(province)}


def province_of_commune(commune_code: str) -> str:
    return _province_of_commune().get(commune_code or "", "")


def _same(a: str, b: str) -> bool:
    return fold(a) == fold(b)


def resolve(
    *, province_code: str, province_name: str, commune_code: str, commune_name: str, street: str
) -> ResolvedAddress:
    """Today's codes for the address, or ``AddressProblem``. See the module docstring."""
    street = nfc(street).strip()
    if not street:
        raise AddressProblem(_("Thiếu số nhà, đường, thôn, tổ của địa chỉ nhận."))
    notes = []
    current_province = units.province_name(province_code or "")
    if current_province is None or (province_name and not _same(current_province, province_name)):
        matches = [code for code, name in units.provinces() if province_name and _same(name, province_name)]
        if len(matches) != 1:
            raise AddressProblem(
                _(
                    "Tỉnh “%(name)s” (mã %(code)s) không còn trong danh mục đơn vị hành chính: hãy chọn lại tỉnh."
                )
                % {"name": province_name or "—", "code": province_code or "—"}
            )
        notes.append(
            _("mã tỉnh %(old)s đổi thành %(new)s") % {"old": province_code or "—", "new": matches[0]}
        )
        province_code = matches[0]
        current_province = units.province_name(province_code)
    current_commune = units.commune_name(province_code, commune_code or "")
    if current_commune is None or (commune_name and not _same(current_commune, commune_name)):
        matches = [
            code for code, name in units.communes(province_code) if commune_name and _same(name, commune_name)
        ]
        if len(matches) != 1:
            raise AddressProblem(
                _(
                    "Xã, phường “%(name)s” (mã %(code)s) không còn trong danh mục đơn vị hành chính của "
                    "%(province)s: hãy hỏi lại người nhận và chọn lại xã, phường."
                )
                % {"name": commune_name or "—", "code": commune_code or "—", "province": current_province}
            )
        notes.append(_("mã xã %(old)s đổi thành %(new)s") % {"old": commune_code or "—", "new": matches[0]})
        commune_code = matches[0]
        current_commune = units.commune_name(province_code, commune_code)
    return ResolvedAddress(
        province_code=province_code,
        province_name=current_province,
        commune_code=commune_code,
        commune_name=current_commune,
        street=street[:255],
        note="; ".join(notes),
    )


def agency_snapshot(agency) -> dict[str, str]:
    """Where the agency's one-stop shop is, with unit codes and names (the other end of every parcel)."""
    commune_code = agency.unit_code if len(agency.unit_code or "") == 5 else ""
    province_code = province_of_commune(commune_code) if commune_code else (agency.unit_code or "")
    if not province_code and agency.parent_id:
        parent = agency.parent
        province_code = parent.unit_code if len(parent.unit_code or "") == 2 else ""
    return {
        "name": agency.name,
        "phone": agency.phone or "",
        "street": agency.address or agency.name,
        "commune_code": commune_code,
        "commune_name": units.commune_name(province_code, commune_code) or "" if commune_code else "",
        "province_code": province_code,
        "province_name": units.province_name(province_code) or "",
    }


def agency_postal_address(snapshot: dict) -> PostalAddress:
    return PostalAddress(
        name=snapshot.get("name", ""),
        phone=snapshot.get("phone", ""),
        street=snapshot.get("street", ""),
        commune_code=snapshot.get("commune_code", ""),
        commune_name=snapshot.get("commune_name", ""),
        province_code=snapshot.get("province_code", ""),
        province_name=snapshot.get("province_name", ""),
    )


def shipment_postal_address(shipment) -> PostalAddress:
    return PostalAddress(
        name=shipment.recipient_name,
        phone=shipment.recipient_phone,
        street=shipment.street,
        commune_code=shipment.commune_code,
        commune_name=shipment.commune_name,
        province_code=shipment.province_code,
        province_name=shipment.province_name,
    )
