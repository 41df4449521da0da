"""Who a hand-off goes to, and what a supplement request lists: facts the forms and the desk read.

The transition service (``workflow``) writes them on each event; the forms (``documents``) and the
applicant's checklist read them back. They live here, below both, so neither imports the other.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.text import nfc

from .models import Dossier
from .transitions import TransitionError


def _count(value, name: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 99:
        raise TransitionError(_("Số bản của “%(name)s” phải từ 0 đến 99.") % {"name": name})
    return number


def supplement_items(dossier: Dossier, *, items=None, missing=None) -> list[dict]:
    """The structured list of a supplement request (mẫu 02 and the applicant's upload slots).

    ``items`` are dicts ``{"component_id", "name", "originals", "certified_copies", "copies"}`` (a
    component of the procedure, or a free-text item without ``component_id``); ``missing`` are plain
    names (older callers), matched to the procedure's components by name where they can be. Names
    are NFC and stripped; empty ones are dropped; a component asked for twice counts once.
    """
    components = {c.pk: c for c in dossier.procedure.components.all()}
    by_name = {nfc(c.name).strip().casefold(): c for c in components.values()}
    out: list[dict] = []
    seen: set[int] = set()
    for raw in items or []:
        component = components.get(raw.get("component_id")) if raw.get("component_id") else None
        name = nfc(raw.get("name") or (component.name if component else "")).strip()[:500]
        if not name or (component is not None and component.pk in seen):
            continue
        if component is not None:
            seen.add(component.pk)
        out.append(
            {
                "component_id": component.pk if component else None,
                "name": name,
                "originals": _count(raw.get("originals"), name),
                "certified_copies": _count(raw.get("certified_copies"), name),
                "copies": _count(raw.get("copies"), name),
            }
        )
    for text in missing or []:
        name = nfc(text or "").strip()[:500]
        if not name:
            continue
        component = by_name.get(name.casefold())
        if component is not None and component.pk in seen:
            continue
        out.append(
            {
                "component_id": component.pk if component else None,
                "name": name,
                "originals": component.originals if component else 0,
                "certified_copies": 0,
                "copies": component.copies if component else 0,
            }
        )
    return out


def _leaders_of(dossier: Dossier) -> str:
    """Who "submit for approval" goes to: the leaders of the dossier's department, else of the agency."""
    from accounts.departments import Department
    from accounts.models import User

    department = (
        Department.objects.filter(agency_id=dossier.agency_id, name=dossier.department).first()
        if dossier.department
        else None
    )
    leaders = list(department.leaders.all()) if department else []
    if not leaders:
        leaders = list(
            User.objects.filter(
                assignments__agency_id=dossier.agency_id, assignments__role="leader", is_active=True
            )
            .distinct()
            .order_by("full_name", "pk")[:3]
        )
    names = [u.get_full_name() or u.get_username() for u in leaders]
    return ", ".join(names) or _("Lãnh đạo %(agency)s") % {"agency": dossier.agency.name}


def default_to_user(name: str, dossier: Dossier) -> str:
    """The receiver of each hand-off (form 06 names one on every row), when the caller gave none."""
    one_stop = _("Bộ phận Một cửa – %(agency)s") % {"agency": dossier.agency.name} if dossier.agency else ""
    applicant = dossier.applicant.full_name or dossier.applicant.get_username()
    assignee = dossier.assignee.get_full_name() if dossier.assignee_id else ""
    if name in ("submit", "answer_supplement", "payment_received", "result_ready", "post_returned"):
        return one_stop
    if name in ("appraise_and_submit", "submit_for_approval"):
        return _leaders_of(dossier)
    if name in ("approve", "return_for_rework"):
        return assignee or one_stop
    if name == "hand_to_post":
        return _("Bưu chính công ích")
    if name in (
        "request_supplement",
        "refuse",
        "withdraw",
        "withdraw_by_applicant",
        "stop",
        "extend",
        "request_payment",
        "return_result",
        "post_delivered",
    ):
        return applicant
    return ""
