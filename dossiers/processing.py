"""One-stop-shop processing: one named, typed service per officer action.

Each is a thin front for ``dossiers.workflow.dossier_transition`` (the one way a dossier changes)
with the staff member as actor and the version of the dossier their page showed. What the table
cannot know (the uploaded result file) is passed as ``apply``.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from .constants import FilePurpose, Status
from .models import Dossier
from .workflow import Actor, ConflictError, TransitionError, allowed_transitions, dossier_transition

# Names kept for callers that catch these.
ProcessingError = TransitionError
__all__ = [
    "ConflictError",
    "ProcessingError",
    "allowed_actions",
    "dossier_act",
    "dossier_appraise_and_submit",
    "supplement_is_repeat",
]


def allowed_actions(actor, dossier: Dossier) -> list[str]:
    """The generic desk buttons this staff member may press on this dossier right now (actions an
    app performs through its own panel, such as handing a result to the post, are left out)."""
    from . import extensions
    from .transitions import DESK_ACTIONS

    owned = extensions.owned_actions.all()
    return [
        a for a in allowed_transitions(Actor.staff(actor), dossier) if a in DESK_ACTIONS and a not in owned
    ]


def supplement_is_repeat(dossier: Dossier) -> bool:
    """The rule is guidance once: a second request is allowed but warned about and counts as late."""
    return dossier.supplement_requests >= 1


def dossier_act(
    name: str,
    *,
    dossier_id: int,
    actor,
    expected_version: int | None,
    now: datetime | None = None,
    **kwargs,
) -> Dossier:
    """Make the officer action ``name`` (a row of ``dossiers.transitions``) as staff member ``actor``."""
    return dossier_transition(
        dossier_id=dossier_id,
        name=name,
        actor=Actor.staff(actor),
        expected_version=expected_version,
        now=now,
        **kwargs,
    )


def dossier_receive(
    *,
    dossier_id: int,
    actor,
    expected_version: int | None,
    note_to_applicant: str = "",
    sets: int = 1,
    checklist: list[int] | None = None,
    now=None,
):
    """1 → 2: accept the dossier: entered in the log book (the agency's series of the year) with the
    number of sets handed in, the result due date computed in working days (form 01). ``checklist``
    (the components the officer ticked) is kept on the event."""
    return dossier_act(
        "receive",
        dossier_id=dossier_id,
        actor=actor,
        expected_version=expected_version,
        note_to_applicant=note_to_applicant,
        sets=sets,
        checklist=checklist,
        now=now,
    )


def dossier_request_supplement(
    *,
    dossier_id: int,
    actor,
    expected_version: int | None,
    reason: str,
    missing: list[str] | None = None,
    items: list[dict] | None = None,
    now=None,
):
    """1 → 5 or 4 → 5: guidance once, listing everything missing (form 02). The clock stops.

    ``items`` is the structured list (component or free text, with the numbers of originals,
    certified copies and copies: see ``workflow.supplement_items``); plain ``missing`` names are
    accepted too. The applicant gets one upload slot per item."""
    names = [i.get("name", "") for i in items or []] + list(missing or [])
    listed = "; ".join(n.strip() for n in names if n and n.strip())
    return dossier_act(
        "request_supplement",
        dossier_id=dossier_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        note_to_applicant=_("Cần bổ sung: %(items)s. Lý do: %(reason)s")
        % {"items": listed, "reason": reason},
        missing=missing or [],
        items=items or [],
        now=now,
    )


def dossier_refuse(*, dossier_id: int, actor, expected_version: int | None, reason: str, now=None):
    """1 → 3 with the reason (form 03)."""
    return dossier_act(
        "refuse",
        dossier_id=dossier_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        now=now,
    )


def dossier_assign(
    *,
    dossier_id: int,
    actor,
    expected_version: int | None,
    department,
    assignee,
    internal_note: str = "",
    now=None,
):
    """2 → 4 or 4 → 4: hand the dossier to a department (a ``Department`` of the agency, or a name)
    and one of its specialists. A reassignment must name the new specialist (never unassigns)."""
    department_name = getattr(department, "name", department) or ""
    return dossier_act(
        "assign",
        dossier_id=dossier_id,
        actor=actor,
        expected_version=expected_version,
        internal_note=internal_note,
        department=department,
        assignee=assignee,
        to_user=(assignee.get_full_name() if assignee else department_name),
        now=now,
    )


def _attach_result_draft(result_draft):
    """``apply`` for the transitions that send the dossier up: the draft (a PDF, checked by content
    like any upload) becomes the dossier's current result draft."""

    def apply(dossier: Dossier, _now) -> list[str]:
        if result_draft is not None:
            _store_pdf(dossier, result_draft, FilePurpose.RESULT_DRAFT, now=_now)
        return []

    return apply


def _store_pdf(dossier: Dossier, upload, purpose: str, now=None) -> None:
    from core.files import PDF

    from .errors import DossierError
    from .uploads import check_upload, store_checked

    try:
        checked = check_upload(dossier=dossier, component=None, upload=upload)
    except DossierError as exc:  # says why: the type, a script inside the PDF, the size
        raise TransitionError(str(exc)) from exc
    if checked.kind != PDF:
        raise TransitionError(_("Tệp phải là tài liệu PDF."))
    store_checked(dossier=dossier, checked=checked, purpose=purpose, now=now)


def dossier_appraise_and_submit(
    *, dossier_id: int, actor, expected_version: int | None, opinion: str = "", result_draft=None, now=None
):
    """One press for the specialist: appraised, and sent to the leader with the result draft (PDF) and
    an optional opinion. The draft is required (attached now, or earlier): the leader never approves
    blind. Files are written only if the transition commits."""
    from .uploads import atomic_with_files

    with atomic_with_files():
        return dossier_act(
            "appraise_and_submit",
            dossier_id=dossier_id,
            actor=actor,
            expected_version=expected_version,
            internal_note=opinion,
            apply=_attach_result_draft(result_draft),
            now=now,
        )


def dossier_submit_for_approval(
    *, dossier_id: int, actor, expected_version: int | None, opinion: str = "", result_draft=None, now=None
):
    """The second step of the two-step form (a dossier already appraised): to the leader, with the draft."""
    from .uploads import atomic_with_files

    with atomic_with_files():
        return dossier_act(
            "submit_for_approval",
            dossier_id=dossier_id,
            actor=actor,
            expected_version=expected_version,
            internal_note=opinion,
            apply=_attach_result_draft(result_draft),
            now=now,
        )


def dossier_result_ready(
    *,
    dossier_id: int,
    actor,
    expected_version: int | None,
    note_to_applicant: str = "",
    result_file=None,
    now=None,
):
    """4 → 9 once a leader approved. ``result_file`` (a PDF) is the electronic result the applicant
    downloads from their dossier page; it is checked by content like any upload."""

    def apply(dossier: Dossier, _now) -> list[str]:
        if result_file is not None:
            _store_pdf(dossier, result_file, FilePurpose.RESULT, now=_now)
        return []

    return dossier_act(
        "result_ready",
        dossier_id=dossier_id,
        actor=actor,
        expected_version=expected_version,
        note_to_applicant=note_to_applicant,
        apply=apply,
        notify_extra={"note": note_to_applicant},
        now=now,
    )


def dossier_extend(
    *, dossier_id: int, actor, expected_version: int | None, new_due: datetime, reason: str, now=None
):
    """An apology with a new date (form 04, numbered in the agency's series), issued before the due date
    passes (or after, if it was missed); the new date is a working day after the current one. The
    applicant is informed."""
    return dossier_act(
        "extend",
        dossier_id=dossier_id,
        actor=actor,
        expected_version=expected_version,
        reason=reason,
        new_due=new_due,
        now=now,
    )


def dossier_return_result(*, dossier_id: int, actor, expected_version: int | None, method: str, now=None):
    """9 → 10 at the counter or online (online needs the electronic result attached)."""
    return dossier_act(
        "return_result",
        dossier_id=dossier_id,
        actor=actor,
        expected_version=expected_version,
        method=method,
        now=now,
    )


def status_for_display(status: int) -> str:
    return str(Status(status).label)
