"""The postage a citizen sees before choosing post in the submission wizard."""

from __future__ import annotations

from accounts import units

from . import services


def quote_for_draft(dossier, *, province_code: str = "", commune_code: str = "") -> dict:
    """``{"amount", "agency_pays", "known"}`` for the draft's agency and the address chosen so far."""
    saved = dossier.delivery_address or {}
    province_code = province_code or saved.get("province_code", "")
    commune_code = commune_code or saved.get("commune_code", "")
    if dossier.agency_id is None:
        return {"known": False, "dossier": dossier}
    if services.agency_pays(dossier.agency):
        return {"known": True, "agency_pays": True, "dossier": dossier}
    if not units.province_name(province_code):
        return {"known": False, "dossier": dossier}
    amount = services.quote(agency=dossier.agency, province_code=province_code, commune_code=commune_code)
    return {"known": amount is not None, "amount": amount, "agency_pays": False, "dossier": dossier}
