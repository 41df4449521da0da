"""The one way a dossier changes status: ``dossier_transition``.

Every transition, whoever makes it (applicant, officer, specialist, leader, or the system: a
payment gateway, a carrier, the scheduler), goes through ``dossier_transition``. It

1. locks the dossier row (``select_for_update``) and compares its ``version`` with the one the
   actor saw: any change since the page was loaded (status, step, assignee, due date …) is a
   ``ConflictError``, so a stale page never undoes someone else's work;
2. checks the row of ``dossiers.transitions.TRANSITIONS``: from which statuses and steps, which
   actors (a staff member needs the role *in the dossier's agency*; a specialist acts only on a
   dossier assigned to them), whether a reason is required;
3. applies the row's effect (status, step, the clock) plus the transition's own data, increments
   ``version`` and saves with ``update_fields``;
4. writes the event (the timeline) and an audit row with structured before/after values, the actor
   recorded as staff, applicant or system;
5. runs the ``on_transition`` extensions (payments, delivery) inside the same transaction, creates
   the notification's outbox row, and schedules the form (01–05) after commit.

Callers pass ``apply=`` for what only they know (the submission's code, the uploaded result file);
the generic effects of the table rows live here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import StaffAssignment
from core.jobs import enqueue
from core.links import absolute_url
from core.text import nfc
from notifications.services import NotificationError, notify

from . import deadlines, extensions, registers, workdays
from .constants import (
    APPLICANT,
    CLOCK_STOPPED,
    PROCESSING_ROLES,
    SPECIALIST,
    SYSTEM,
    ActorKind,
    Delivery,
    FilePurpose,
    Series,
    Status,
)
from .handoffs import default_to_user, supplement_items
from .models import AuditEntry, Dossier, DossierEvent
from .transitions import TRANSITIONS, Clock, ConflictError, Transition, TransitionError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who makes a transition: a staff member, the applicant, or the system (no user; ``name`` says
    which part of it, e.g. ``"payments:vnpay"``, ``"delivery:simulator"``, ``"scheduler"``)."""

    kind: str
    user: Any = None
    name: str = ""

    @classmethod
    def staff(cls, user) -> Actor:
        return cls(kind=ActorKind.STAFF, user=user)

    @classmethod
    def applicant(cls, user) -> Actor:
        return cls(kind=ActorKind.APPLICANT, user=user)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(kind=ActorKind.SYSTEM, name=name)

    @property
    def display(self) -> str:
        if self.kind == ActorKind.SYSTEM:
            return _("Hệ thống (%(name)s)") % {"name": self.name}
        if self.user is None:
            return ""
        return self.user.get_full_name() or self.user.get_username()


# --- who may act ---------------------------------------------------------------------------------


def staff_roles(user, agency_id: int | None) -> set[str]:
    """The processing roles ``user`` holds in ``agency_id`` (publishers and administrators hold none)."""
    if agency_id is None or user is None or not getattr(user, "is_staff", False):
        return set()
    return set(
        StaffAssignment.objects.filter(user=user, agency_id=agency_id, role__in=PROCESSING_ROLES).values_list(
            "role", flat=True
        )
    )


def actor_capacities(actor: Actor, dossier: Dossier) -> set[str]:
    """The columns of the table this actor fills for this dossier right now.

    A specialist counts as one only for a dossier assigned to them; an applicant only for their own
    dossier; the system always counts as the system.
    """
    if actor.kind == ActorKind.SYSTEM:
        return {SYSTEM}
    if actor.kind == ActorKind.APPLICANT:
        return {APPLICANT} if actor.user is not None and dossier.applicant_id == actor.user.pk else set()
    roles = staff_roles(actor.user, dossier.agency_id)
    if SPECIALIST in roles and dossier.assignee_id != actor.user.pk:
        roles.discard(SPECIALIST)
    return roles


def _check(row: Transition, dossier: Dossier, actor: Actor, now: datetime) -> None:
    if not row.allows_status(dossier.status):
        raise TransitionError(
            _("Không thể “%(action)s” hồ sơ ở trạng thái “%(status)s”.")
            % {"action": row.label, "status": dossier.get_status_display()}
        )
    if not row.allows_step(dossier.processing_step):
        raise TransitionError(
            _("Hồ sơ chưa đến bước này (bước hiện tại: %(step)s).")
            % {"step": step_label(dossier.processing_step)}
        )
    if not actor_capacities(actor, dossier) & row.actors:
        if (
            actor.kind == ActorKind.STAFF
            and SPECIALIST in row.actors
            and SPECIALIST in staff_roles(actor.user, dossier.agency_id)
        ):
            raise TransitionError(_("Hồ sơ này không được phân công cho bạn."))
        raise TransitionError(_not_allowed_message(row, actor))


def _not_allowed_message(row: Transition, actor: Actor) -> str:
    if actor.kind == ActorKind.STAFF:
        return _("Vai trò của bạn tại cơ quan này không được “%(action)s”.") % {"action": row.label}
    return _("Bạn không được “%(action)s” hồ sơ này.") % {"action": row.label}


def step_label(step: str) -> str:
    from .constants import Step

    return str(Step(step).label) if step in Step.values else (step or "—")


def allowed_transitions(actor: Actor, dossier: Dossier, *, now: datetime | None = None) -> list[str]:
    """The transitions this actor may make on this dossier right now (the desk's buttons)."""
    now = now or timezone.now()
    capacities = actor_capacities(actor, dossier)
    out = []
    for name, row in TRANSITIONS.items():
        if not (capacities & row.actors) or not row.allows_status(dossier.status):
            continue
        if not row.allows_step(dossier.processing_step):
            continue
        out.append(name)
    return out


# --- the generic effects -------------------------------------------------------------------------


def _snapshot(dossier: Dossier) -> dict:
    def iso(value):
        return value.isoformat() if value else None

    return {
        "status": dossier.status,
        "step": dossier.processing_step,
        "assignee": dossier.assignee_id,
        "department": dossier.department,
        "due_at": iso(dossier.due_at),
        "received_at": iso(dossier.received_at),
        "completed_at": iso(dossier.completed_at),
        "returned_at": iso(dossier.returned_at),
        "version": dossier.version,
    }


def _apply_clock(row: Transition, dossier: Dossier, now: datetime, params: dict) -> list[str]:
    if row.clock == Clock.ACCEPTANCE:
        dossier.submitted_at = now
        dossier.acceptance_due_at = workdays.add_working_hours(now, 8)
        return ["submitted_at", "acceptance_due_at"]
    if row.clock == Clock.START:
        dossier.received_at = now
        dossier.due_at = workdays.due_date(now, dossier.time_limit_days or 0)
        return ["received_at", "due_at"]
    if row.clock == Clock.RESUME:
        deadlines.recompute_due(dossier, now=now)
        return ["due_at"]
    if row.clock == Clock.FINISH:
        dossier.completed_at = now
        return ["completed_at"]
    if row.clock == Clock.RETURN:
        dossier.returned_at = now
        return ["returned_at"]
    if row.clock == Clock.EXTEND:
        new_due = params.get("new_due")
        if new_due is None:
            raise TransitionError(_("Chọn ngày hẹn mới."))
        if new_due <= now:
            raise TransitionError(_("Ngày hẹn mới phải sau hôm nay."))
        if dossier.due_at is not None and new_due <= dossier.due_at:
            raise TransitionError(
                _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(due)s).") % {"due": _date(dossier.due_at)}
            )
        if not workdays.is_working_day(timezone.localtime(new_due).date()):
            raise TransitionError(
                _("Ngày %(day)s không phải ngày làm việc: hãy chọn một ngày làm việc để hẹn trả kết quả.")
                % {"day": f"{timezone.localtime(new_due):%d/%m/%Y}"}
            )
        # Form 04 prints the appointment the applicant had until now (an earlier extension included).
        params["previous_due"] = dossier.due_at
        dossier.due_at = new_due
        dossier.extended = True
        return ["due_at", "extended"]
    return []


MAX_SETS = 50


def _effect_receive(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    """Entered in the log book (the agency's gap-free series of the year) with the number of sets."""
    sets = params.get("sets") or 1
    if not isinstance(sets, int) or not 1 <= sets <= MAX_SETS:
        raise TransitionError(_("Số bộ hồ sơ phải từ 1 đến %(n)d.") % {"n": MAX_SETS})
    dossier.sets = sets
    dossier.logbook_number = registers.logbook_entry(agency_id=dossier.agency_id, now=now)
    return ["logbook_number", "sets"]


def _effect_refuse(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    """A refused dossier is entered in the log book too (mẫu 07 lists it with the reason)."""
    dossier.logbook_number = registers.logbook_entry(agency_id=dossier.agency_id, now=now)
    return ["logbook_number"]


def _effect_request_supplement(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    items = supplement_items(dossier, items=params.get("items"), missing=params.get("missing"))
    if not items:
        raise TransitionError(_("Liệt kê các giấy tờ còn thiếu."))
    params["items"] = items
    params["missing"] = [item["name"] for item in items]
    dossier.supplement_requests += 1
    return ["supplement_requests"]


def _effect_answer_supplement(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    request_event = (
        dossier.events.filter(to_status=Status.SUPPLEMENT_REQUESTED).order_by("-at", "-id").first()
    )
    back_to = (
        request_event.from_status
        if request_event and request_event.from_status in (Status.SUBMITTED, Status.PROCESSING)
        else Status.SUBMITTED
    )
    dossier.status = back_to
    return ["status"]


def _effect_assign(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    """To a department (a ``Department`` of the agency, or its name) and one of its specialists.

    A reassignment names the new specialist: an empty choice never takes the dossier away from the
    one working on it. The first hand-off may go to a department alone (its leader assigns later).
    """
    from accounts.departments import Department

    assignee = params.get("assignee")
    department = params.get("department")
    if isinstance(department, Department):
        if department.agency_id != dossier.agency_id:
            raise TransitionError(_("Phòng này không thuộc cơ quan tiếp nhận hồ sơ."))
        if assignee is not None and not department.specialists.filter(pk=assignee.pk).exists():
            raise TransitionError(
                _("%(name)s không phải chuyên viên của %(department)s.")
                % {"name": assignee.get_full_name() or assignee.get_username(), "department": department.name}
            )
        department_name = department.name
    else:
        department_name = nfc(department or "").strip()[:200]
    if (
        assignee is not None
        and not StaffAssignment.objects.filter(
            user=assignee, agency_id=dossier.agency_id, role=SPECIALIST
        ).exists()
    ):
        raise TransitionError(_("Chuyên viên này không thuộc cơ quan tiếp nhận hồ sơ."))
    if assignee is None and dossier.assignee_id is not None:
        raise TransitionError(
            _("Hãy chọn chuyên viên nhận hồ sơ (hiện do %(name)s xử lý).")
            % {"name": dossier.assignee.get_full_name() or dossier.assignee.get_username()}
        )
    if assignee is None and not department_name:
        raise TransitionError(_("Chọn phòng chuyên môn hoặc chuyên viên nhận hồ sơ."))
    dossier.department = department_name
    dossier.assignee = assignee
    return ["department", "assignee"]


def _require_result_draft(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    """The leader never approves blind: the result draft is attached when the dossier goes up."""
    if not dossier.files.filter(purpose=FilePurpose.RESULT_DRAFT).exists():
        raise TransitionError(_("Hãy đính kèm dự thảo kết quả (PDF) để lãnh đạo xem trước khi duyệt."))
    return []


def _effect_return_result(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    method = params.get("method") or dossier.delivery or Delivery.COUNTER
    if method not in Delivery.values:
        raise TransitionError(_("Chọn hình thức trả kết quả."))
    if method == Delivery.ONLINE and not dossier.files.filter(purpose=FilePurpose.RESULT).exists():
        raise TransitionError(
            _("Chưa có kết quả điện tử (PDF) để trả trực tuyến. Hãy đính kèm kết quả ở bước “Có kết quả”.")
        )
    dossier.return_method = method
    return ["return_method"]


def _effect_post_delivered(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    dossier.return_method = Delivery.POST
    return ["return_method"]


def _effect_extend(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    params["document_number"] = registers.document_number(
        agency_id=dossier.agency_id, now=now, series=Series.FORM04
    )
    return []


def _effect_stop(dossier: Dossier, now: datetime, params: dict) -> list[str]:
    params["document_number"] = registers.document_number(
        agency_id=dossier.agency_id, now=now, series=Series.FORM05
    )
    return []


EFFECTS: dict[str, Callable[[Dossier, datetime, dict], list[str]]] = {
    "receive": _effect_receive,
    "refuse": _effect_refuse,
    "extend": _effect_extend,
    "stop": _effect_stop,
    "request_supplement": _effect_request_supplement,
    "answer_supplement": _effect_answer_supplement,
    "assign": _effect_assign,
    "return_result": _effect_return_result,
    "post_delivered": _effect_post_delivered,
}
# Checked after the caller's ``apply`` (which may attach the file the check asks for).
REQUIREMENTS: dict[str, Callable[[Dossier, datetime, dict], list[str]]] = {
    "appraise_and_submit": _require_result_draft,
    "submit_for_approval": _require_result_draft,
    "approve": _require_result_draft,
}


def _date(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def notification_context(
    dossier: Dossier,
    *,
    reason: str = "",
    note: str = "",
    now: datetime | None = None,
    extra: dict | None = None,
) -> dict:
    """The placeholders every dossier notification may use."""
    return {
        "date": _date(now or timezone.now()),
        "dossier_code": dossier.code or "",
        "procedure_name": dossier.procedure.name,
        "agency_name": dossier.agency.name if dossier.agency else "",
        "link": absolute_url("dossiers:detail", dossier.code)
        if dossier.code
        else absolute_url("dossiers:list"),
        "due_date": _date(dossier.due_at),
        "reason": reason,
        "note": note,
        **(extra or {}),
    }


def _notify(dossier: Dossier, event: str, context: dict) -> None:
    try:
        notify(
            event=event,
            context=context,
            user=dossier.applicant,
            related=dossier,
            related_label=dossier.code or "",
        )
    except NotificationError:
        logger.warning("dossiers: could not notify the applicant of %s about %s", dossier.code, event)


def _enqueue_form(event_id: int) -> None:
    # broker down: the re-drive job renders forms missing after a crash
    enqueue("dossiers.render_form", event_id)


# --- the service ---------------------------------------------------------------------------------


def current_version(dossier_id: int) -> int:
    """The dossier's version now, read under the row lock the transition takes again (same
    transaction). For a person's action whose consequence moves the dossier without a page of it:
    an officer cancelling a parcel, or recording a payment at the counter."""
    return Dossier.objects.select_for_update().values_list("version", flat=True).get(pk=dossier_id)


def dossier_transition(
    *,
    dossier_id: int,
    name: str,
    actor: Actor,
    expected_version: int | None,
    now: datetime | None = None,
    reason: str = "",
    note_to_applicant: str = "",
    internal_note: str = "",
    data: dict | None = None,
    to_user: str = "",
    apply: Callable[[Dossier, datetime], list[str]] | None = None,
    notify_extra: dict | None = None,
    **params: Any,
) -> Dossier:
    """Make transition ``name`` on the dossier, as ``actor``, if it is still as the actor saw it.

    Preconditions: ``expected_version`` is the ``Dossier.version`` the actor's page showed (``None``
    only for system actors acting on whatever the dossier is now). Raises ``ConflictError`` when the
    dossier changed since, ``TransitionError`` when the table says no. Side effects (all in one
    transaction): the dossier saved with ``version + 1``, a ``DossierEvent``, an ``AuditEntry``, the
    ``on_transition`` extensions, the notification's outbox row; after commit, the form's rendering.
    ``params`` are the transition's own data (``department``/``assignee`` for assign, ``new_due`` for
    extend, ``items`` (or plain ``missing`` names) for request_supplement, ``method`` for
    return_result, ``sets`` and ``checklist`` for receive).
    """
    row = TRANSITIONS.get(name)
    if row is None:
        raise TransitionError(_("Thao tác không hợp lệ."))
    now = now or timezone.now()
    reason = nfc(reason or "").strip()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("agency", "procedure", "applicant")
            .get(pk=dossier_id)
        )
        if expected_version is None and actor.kind != ActorKind.SYSTEM:
            # A person always acts on the dossier as a page showed it; a form that lost its
            # version (an old tab, a crafted post) is refused like a stale one, never applied blind.
            expected_version = -1
        if expected_version is not None and dossier.version != expected_version:
            raise ConflictError(
                _(
                    "Hồ sơ vừa được cập nhật (trạng thái hiện tại: %(status)s, bước: %(step)s). "
                    "Hãy tải lại trang để xem trước khi thao tác."
                )
                % {"status": dossier.get_status_display(), "step": step_label(dossier.processing_step)}
            )
        _check(row, dossier, actor, now)
        if row.reason and not reason:
            raise TransitionError(_("Cần ghi rõ lý do."))
        before = _snapshot(dossier)
        previous_status = dossier.status
        fields = {"updated_at", "version"}
        if row.to_status is not None:
            dossier.status = row.to_status
            fields.add("status")
        if row.step_after is not None:
            dossier.processing_step = row.step_after
            fields.add("processing_step")
        # The deadline this step is graded against (form 06): acceptance before receipt, then the due date.
        deadline = dossier.acceptance_due_at if dossier.status == Status.SUBMITTED else dossier.due_at
        effect = EFFECTS.get(name)
        if effect is not None:
            fields.update(effect(dossier, now, params))
        if apply is not None:
            fields.update(apply(dossier, now))
        requirement = REQUIREMENTS.get(name)
        if requirement is not None:
            fields.update(requirement(dossier, now, params))
        fields.update(_apply_clock(row, dossier, now, params))
        dossier.version += 1
        dossier.updated_at = now
        dossier.save(update_fields=sorted(fields))
        event_data = {"reason": reason, **(data or {})}
        if params.get("missing"):
            event_data["missing"] = params["missing"]
        if params.get("items"):
            event_data["items"] = params["items"]
        if params.get("new_due"):
            event_data["new_due"] = params["new_due"].isoformat()
        if params.get("previous_due"):
            event_data["previous_due"] = params["previous_due"].isoformat()
        if params.get("document_number"):
            event_data["document_number"] = params["document_number"]
        if params.get("method"):
            event_data["method"] = params["method"]
        if name == "receive":
            event_data["sets"] = dossier.sets
            if params.get("checklist") is not None:
                event_data["checklist"] = [int(pk) for pk in params["checklist"]]
        if deadline is not None and previous_status not in deadlines.NEVER_OVERDUE | CLOCK_STOPPED:
            event_data["deadline"] = deadline.isoformat()
        if actor.kind == ActorKind.SYSTEM:
            event_data["system"] = actor.name
        event = DossierEvent.objects.create(
            dossier=dossier,
            at=now,
            kind=row.event_kind,
            action=name,
            from_status=previous_status,
            to_status=dossier.status,
            actor=actor.user,
            actor_kind=actor.kind,
            actor_display=actor.display,
            agency=dossier.agency,
            from_user=actor.display,
            to_user=nfc(to_user or default_to_user(name, dossier))[:200],
            note_to_applicant=nfc(note_to_applicant or reason)[:4000],
            internal_note=nfc(internal_note)[:4000],
            data=event_data,
        )
        AuditEntry.objects.create(
            at=now,
            user=actor.user,
            actor_kind=actor.kind,
            actor_name=actor.display[:200],
            dossier=dossier,
            what=f"transition:{name}",
            detail=f"{previous_status} → {dossier.status}",
            before=before,
            after=_snapshot(dossier),
        )
        extensions.on_transition.run(dossier=dossier, name=name, event=event, actor=actor, now=now)
        if row.notification:
            _notify(
                dossier,
                row.notification,
                notification_context(
                    dossier,
                    reason=reason,
                    note=nfc(note_to_applicant)[:500],
                    now=now,
                    extra={
                        **({"items": "; ".join(params["missing"])} if params.get("missing") else {}),
                        **(notify_extra or {}),
                    },
                ),
            )
        if row.form and _forms_enabled():
            event_id = event.pk
            transaction.on_commit(lambda: _enqueue_form(event_id))
        logger.info(
            "dossiers: %s on %s by %s %s (%s → %s)",
            name,
            dossier.code or dossier.pk,
            actor.kind,
            actor.user.pk if actor.user is not None else actor.name,
            previous_status,
            dossier.status,
        )
    return dossier


def _forms_enabled() -> bool:
    from .forms_service import rendering_enabled

    return rendering_enabled.get()
