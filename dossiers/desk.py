"""What the officer's desk shows and how its forms read: the next sensible action first, each action
with only the fields it needs (a message to the applicant only when something goes to the applicant),
the assignment choices from the agency's departments, the checklist turned into a supplement request.

Presentation and parsing only: every change still goes through ``processing`` → ``workflow``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.departments import Department
from accounts.models import User
from accounts.selectors import departments_of
from core.text import nfc

from . import checklist
from .constants import LEADER, OFFICER, SPECIALIST, Delivery, Status, Step
from .deadlines import NEVER_OVERDUE
from .models import Dossier
from .transitions import TRANSITIONS

# For each state, the action that moves the dossier on; the first of them the person may take is the
# desk's primary action, the rest fold away under "Thao tác khác".
NEXT_BY_STATE = {
    (Status.SUBMITTED, None): ("receive", "request_supplement"),
    (Status.RECEIVED, None): ("assign",),
    (Status.PROCESSING, Step.ASSIGNED): ("appraise_and_submit",),
    (Status.PROCESSING, Step.REWORK): ("appraise_and_submit",),
    (Status.PROCESSING, Step.APPRAISED): ("submit_for_approval",),
    (Status.PROCESSING, Step.AWAITING_APPROVAL): ("approve",),
    (Status.PROCESSING, Step.APPROVED): ("result_ready",),
    (Status.PROCESSING, ""): ("assign",),  # handed to a department: its leader assigns a specialist
    (Status.RESULT_READY, None): ("return_result",),
    (Status.PAYMENT_REQUESTED, None): ("payment_received",),
}
# Actions whose row sends the applicant a message but has no required reason: an optional note.
OPTIONAL_MESSAGE = frozenset(
    {"receive", "result_ready", "return_result", "request_payment", "payment_received"}
)
# Actions with an internal opinion (never shown to the applicant).
OPINION = frozenset({"assign", "appraise_and_submit", "submit_for_approval", "approve"})


@dataclass
class ActionSpec:
    name: str
    label: str
    reason: bool = False
    reason_label: str = ""
    message: bool = False
    opinion: bool = False
    assign: bool = False
    method: bool = False
    new_due: bool = False
    result_file: bool = False
    result_draft: bool = False
    checklist: bool = False
    danger: bool = False


def spec_for(name: str, dossier: Dossier) -> ActionSpec:
    row = TRANSITIONS[name]
    spec = ActionSpec(name=name, label=str(row.label))
    if row.reason:
        spec.reason = True
        spec.reason_label = (
            _("Lý do (gửi người nộp)")
            if row.notification
            else _("Lý do (gửi chuyên viên, không gửi người nộp)")
        )
    spec.message = name in OPTIONAL_MESSAGE
    spec.opinion = name in OPINION
    spec.assign = name == "assign"
    spec.method = name == "return_result"
    spec.new_due = name == "extend"
    spec.result_file = name == "result_ready"
    spec.result_draft = name in ("appraise_and_submit", "submit_for_approval")
    spec.checklist = name in ("receive", "request_supplement")
    spec.danger = name in ("refuse", "stop", "withdraw")
    return spec


def next_actions(dossier: Dossier) -> tuple[str, ...]:
    return NEXT_BY_STATE.get((dossier.status, dossier.processing_step)) or NEXT_BY_STATE.get(
        (dossier.status, None), ()
    )


def order_actions(names: list[str], dossier: Dossier) -> tuple[str | None, list[str]]:
    """(primary, the others): the state's next action if this person may take it, then the rest in
    the table's order."""
    primary = next((n for n in next_actions(dossier) if n in names), None)
    return primary, [n for n in names if n != primary]


def primary_for(names: list[str], dossier: Dossier) -> str | None:
    return order_actions(names, dossier)[0]


# --- deadlines as the desk and the queue say them ----------------------------------------------------


def deadline_state(dossier: Dossier, now=None) -> tuple[str, str]:
    """("overdue" | "today" | "ok" | "stopped" | "none", text): one wording for the desk and the queue."""
    now = now or timezone.now()
    if dossier.status in NEVER_OVERDUE:
        return "none", ""
    if dossier.status in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED):
        return "stopped", _("Tạm dừng tính hạn (chờ người nộp)")
    due = dossier.due_at or (dossier.acceptance_due_at if dossier.status == Status.SUBMITTED else None)
    if due is None:
        return "none", ""
    if due < now:
        return "overdue", _("Quá hạn")
    if timezone.localtime(due).date() == timezone.localdate(now):
        return "today", _("Đến hạn hôm nay")
    return "ok", ""


def step_label(dossier: Dossier) -> str:
    step = dossier.processing_step
    return str(Step(step).label) if step in Step.values else ""


# --- assignment ------------------------------------------------------------------------------------------


@dataclass
class Choice:
    value: str  # "<department id>:<user id>", "<department id>:" or ":<user id>"
    label: str
    selected: bool = False


@dataclass
class ChoiceGroup:
    label: str
    choices: list[Choice]


def assignment_groups(dossier: Dossier) -> list[ChoiceGroup]:
    """The specialists to hand the dossier to, by department; the current assignee preselected (never an
    empty choice once someone holds the dossier). Specialists of the agency in no department come last."""
    departments = list(departments_of(dossier.agency_id))
    specialists = list(
        User.objects.filter(
            assignments__agency_id=dossier.agency_id, assignments__role=SPECIALIST, is_active=True
        )
        .distinct()
        .order_by("full_name", "pk")
    )
    current_department = next((d for d in departments if d.name == dossier.department), None)
    groups = []
    placed: set[int] = set()
    for department in departments:
        members = [u for u in department.specialists.all() if u in specialists]
        choices = []
        if dossier.assignee_id is None:
            choices.append(
                Choice(
                    value=f"{department.pk}:",
                    label=_("%(department)s — lãnh đạo phòng phân công") % {"department": department.name},
                )
            )
        for user in members:
            placed.add(user.pk)
            choices.append(
                Choice(value=f"{department.pk}:{user.pk}", label=user.get_full_name() or user.username)
            )
        groups.append(ChoiceGroup(label=department.name, choices=choices))
    others = [u for u in specialists if u.pk not in placed]
    if others:
        groups.append(
            ChoiceGroup(
                label=_("Chưa thuộc phòng nào"),
                choices=[Choice(value=f":{u.pk}", label=u.get_full_name() or u.username) for u in others],
            )
        )
    # Preselect: the current assignee (in the current department when possible), else the first specialist.
    flat = [c for g in groups for c in g.choices]
    wanted = None
    if dossier.assignee_id is not None:
        wanted = next(
            (
                c
                for c in flat
                if c.value.endswith(f":{dossier.assignee_id}")
                and (current_department is None or c.value.startswith(f"{current_department.pk}:"))
            ),
            None,
        ) or next((c for c in flat if c.value.endswith(f":{dossier.assignee_id}")), None)
    if wanted is None:
        wanted = next((c for c in flat if not c.value.endswith(":")), None) or (flat[0] if flat else None)
    if wanted is not None:
        wanted.selected = True
    return groups


def parse_assignment(dossier: Dossier, raw: str) -> tuple[Department | str, User | None]:
    """``"<department id>:<user id>"`` → (the department of the dossier's agency, the specialist)."""
    from .workflow import TransitionError

    department_part, _sep, user_part = (raw or "").partition(":")
    department: Department | str = dossier.department
    if department_part:
        if not department_part.isdigit() or len(department_part) > 12:
            raise TransitionError(_("Lựa chọn người xử lý không hợp lệ: chọn trong danh sách."))
        found = Department.objects.filter(pk=int(department_part), agency_id=dossier.agency_id).first()
        if found is None:
            raise TransitionError(_("Phòng đã chọn không thuộc cơ quan tiếp nhận hồ sơ."))
        department = found
    user = None
    if user_part:
        if not user_part.isdigit() or len(user_part) > 12:
            raise TransitionError(_("Lựa chọn người xử lý không hợp lệ: chọn trong danh sách."))
        user = User.objects.filter(pk=int(user_part)).first()
        if user is None:
            raise TransitionError(_("Chuyên viên đã chọn không còn tồn tại."))
    if not department_part and not user_part:
        raise TransitionError(_("Chọn phòng và chuyên viên nhận hồ sơ."))
    return department, user


# --- the checklist as the desk posts it -----------------------------------------------------------------


def _count(post, name: str, default: int) -> int:
    raw = (post.get(name) or "").strip()
    if raw == "":
        return default
    return int(raw) if raw.isdigit() and len(raw) <= 2 else -1  # the workflow says what is wrong


def supplement_from_post(dossier: Dossier, post) -> tuple[list[dict], list[str]]:
    """(items built from the unticked rows, plus the free-text lines; the keys of the ticked rows)."""
    rows = checklist.rows_for(dossier)
    ticked = set(post.getlist("ok"))
    items = []
    for row in rows:
        if row.key in ticked:
            continue
        items.append(
            {
                "component_id": row.component_id,
                "name": row.name,
                "originals": _count(post, f"originals_{row.key}", row.originals),
                "certified_copies": _count(post, f"certified_{row.key}", 0),
                "copies": _count(post, f"copies_{row.key}", row.copies),
            }
        )
    for line in (post.get("missing") or "").splitlines():
        name = nfc(line).strip()
        if name:
            items.append(
                {"component_id": None, "name": name, "originals": 1, "certified_copies": 0, "copies": 0}
            )
    return items, sorted(ticked)


def ticked_components(dossier: Dossier, post) -> tuple[list[int], list[checklist.Row]]:
    """(component ids the officer ticked, required rows left unticked)."""
    rows = checklist.rows_for(dossier)
    ticked = set(post.getlist("ok"))
    return (
        [row.component_id for row in rows if row.key in ticked and row.component_id is not None],
        [row for row in rows if row.required and row.key not in ticked],
    )


def default_method(dossier: Dossier) -> str:
    """How the result goes back: the applicant's own choice (never silently "counter")."""
    return dossier.delivery or dossier.return_method or Delivery.COUNTER


def roles_in(user, dossier: Dossier) -> set[str]:
    from .workflow import staff_roles

    return staff_roles(user, dossier.agency_id) & {OFFICER, SPECIALIST, LEADER}
