"""One-stop-shop processing: one service per transition of the table in ``constants.ACTIONS``.

Every transition:
- locks the dossier row (``select_for_update``) and re-reads its status inside the lock;
- refuses with ``ConflictError`` if the status (or sub-step) is no longer the one the officer saw:
  two officers acting at once get one success and one clear message, never a half-applied change;
- checks the action is allowed from that status and that the actor holds one of the action's roles
  *in the dossier's agency* (a staff assignment), and that a reason is given where the law asks;
- saves with ``update_fields``, writes an event (actor, from, to, note to the applicant, internal
  note) and, after commit, notifies the applicant through the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import StaffAssignment
from notifications.services import NotificationError, notify
from portal.text import nfc

from . import forms_service, workdays
from .constants import ACTION_LABELS, ACTIONS, CLOCK_STOPPED, STEP_RULES, EventKind, Status
from .models import AuditEntry, Dossier, DossierEvent

logger = logging.getLogger(__name__)


class ProcessingError(Exception):
    """Not allowed: wrong status, wrong role or agency, or a missing reason. The message is for staff."""


class ConflictError(ProcessingError):
    """Someone else changed the dossier since the page was loaded."""


def actor_roles(actor, dossier: Dossier) -> set[str]:
    if dossier.agency_id is None:
        return set()
    return set(StaffAssignment.objects.filter(user=actor, agency_id=dossier.agency_id).values_list("role", flat=True))


def allowed_actions(actor, dossier: Dossier) -> list[str]:
    """The actions this staff member may take on this dossier right now (for the buttons)."""
    roles = actor_roles(actor, dossier)
    out = []
    for action, (from_statuses, _to, action_roles, _reason, _form) in ACTIONS.items():
        if dossier.status not in from_statuses or not roles & action_roles:
            continue
        needed_step = STEP_RULES.get(action, (None, None))[0]
        if needed_step is not None and dossier.processing_step not in needed_step:
            continue
        if action == "extend" and not is_overdue(dossier):
            continue
        out.append(action)
    return out


def is_overdue(dossier: Dossier, now: datetime | None = None) -> bool:
    if dossier.status in CLOCK_STOPPED or dossier.due_at is None:
        return False
    return (now or timezone.now()) > dossier.due_at


def pauses(dossier: Dossier, now: datetime | None = None) -> list[tuple[datetime, datetime]]:
    """(start, end) of each stretch in status 5 or 6, from the events (an open one ends now)."""
    out, started = [], None
    for event in dossier.events.order_by("at", "id"):
        if event.to_status in CLOCK_STOPPED and started is None:
            started = event.at
        elif started is not None and event.to_status is not None and event.to_status not in CLOCK_STOPPED:
            out.append((started, event.at))
            started = None
    if started is not None:
        out.append((started, now or timezone.now()))
    return out


def recompute_due(dossier: Dossier) -> None:
    """Due date = time limit from receipt, pushed by every working day the clock was stopped."""
    if dossier.received_at is None or dossier.extended:
        return
    dossier.due_at = workdays.due_date_with_pauses(dossier.received_at, dossier.time_limit_days or 0, pauses(dossier))


def _act(
    action: str,
    *,
    dossier_id: int,
    actor,
    expected_status: int,
    reason: str = "",
    note_to_applicant: str = "",
    internal_note: str = "",
    expected_step: str | None = None,
    apply: Callable[[Dossier], list[str]] | None = None,
    notify_event: str | None = None,
    notify_context: Callable[[Dossier], dict] | None = None,
    to_user: str = "",
    event_data: dict | None = None,
) -> Dossier:
    from_statuses, to_status, roles, reason_required, form_number = ACTIONS[action]
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("agency", "procedure", "applicant").get(pk=dossier_id)
        if dossier.status != expected_status or (expected_step is not None and dossier.processing_step != expected_step):
            raise ConflictError(_("Cán bộ khác vừa thao tác trên hồ sơ này (trạng thái hiện tại: %(status)s). Hãy tải lại trang để xem.") % {"status": dossier.get_status_display()})
        if dossier.status not in from_statuses:
            raise ProcessingError(_("Không thể “%(action)s” hồ sơ ở trạng thái “%(status)s”.") % {"action": ACTION_LABELS[action], "status": dossier.get_status_display()})
        if not actor_roles(actor, dossier) & roles:
            raise ProcessingError(_("Vai trò của bạn tại cơ quan này không được “%(action)s”.") % {"action": ACTION_LABELS[action]})
        needed_step, next_step = STEP_RULES.get(action, (None, None))
        if needed_step is not None and dossier.processing_step not in needed_step:
            raise ProcessingError(_("Hồ sơ chưa đến bước này (bước hiện tại: %(step)s).") % {"step": dossier.processing_step or "—"})
        if reason_required and not nfc(reason).strip():
            raise ProcessingError(_("Cần ghi rõ lý do."))
        previous = dossier.status
        fields = ["updated_at"]
        if to_status is not None and to_status != previous:
            dossier.status = to_status
            fields.append("status")
        if next_step is not None:
            dossier.processing_step = next_step
            fields.append("processing_step")
        if apply is not None:
            fields += apply(dossier)
        dossier.save(update_fields=sorted(set(fields)))
        event = DossierEvent.objects.create(
            dossier=dossier,
            kind=EventKind.STATUS,
            action=action,
            from_status=previous,
            to_status=dossier.status,
            actor=actor,
            actor_display=actor.get_full_name() or actor.get_username(),
            agency=dossier.agency,
            from_user=actor.get_full_name() or actor.get_username(),
            to_user=to_user,
            note_to_applicant=nfc(note_to_applicant or reason)[:4000],
            internal_note=nfc(internal_note)[:4000],
            data={"reason": nfc(reason), **(event_data or {})},
        )
        if form_number and forms_service.rendering_enabled.get():
            # The form (01–05) is rendered after commit by a task; idempotent, so a retry is harmless.
            transaction.on_commit(lambda: _enqueue_form(event.pk))
        AuditEntry.objects.create(user=actor, dossier=dossier, what=f"action:{action}", detail=f"{previous} → {dossier.status}")
        if notify_event:
            _notify(dossier, notify_event, notify_context(dossier) if notify_context else {})
        logger.info("dossiers: %s on %s by user %s (%s → %s)", action, dossier.code, actor.pk, previous, dossier.status)
    return dossier


def _enqueue_form(event_id: int) -> None:
    from .tasks import render_form

    try:
        render_form.delay(event_id)
    except Exception:  # broker down: the form can be produced again from the event (render_missing_forms)
        logger.warning("dossiers: could not enqueue the form of event %s", event_id)


def _notify(dossier: Dossier, event: str, extra: dict) -> None:
    link = settings.PORTAL_BASE_URL.rstrip("/") + f"/dossiers/{dossier.code}/"
    context = {"dossier_code": dossier.code, "procedure_name": dossier.procedure.name, "agency_name": dossier.agency.name if dossier.agency else "", "link": link, **extra}
    try:
        notify(event=event, context=context, user=dossier.applicant, related=dossier, related_label=dossier.code)
    except NotificationError:
        logger.warning("dossiers: could not notify the applicant of %s about %s", dossier.code, event)


def _date(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


# --- the transitions --------------------------------------------------------------------------------


def dossier_receive(*, dossier_id: int, actor, expected_status: int = Status.SUBMITTED, note_to_applicant: str = "") -> Dossier:
    """1 → 2: accept the dossier; the result due date is computed in working days (form 01)."""

    def apply(d: Dossier) -> list[str]:
        d.received_at = timezone.now()
        d.due_at = workdays.due_date(d.received_at, d.time_limit_days or 0)
        d.logbook_number = f"{timezone.localdate():%Y}/{d.code.rsplit('-', 1)[-1]}"
        return ["received_at", "due_at", "logbook_number"]

    return _act(
        "receive", dossier_id=dossier_id, actor=actor, expected_status=expected_status, note_to_applicant=note_to_applicant,
        apply=apply, notify_event="dossier_received", notify_context=lambda d: {"due_date": _date(d.due_at)},
    )


def dossier_request_supplement(*, dossier_id: int, actor, expected_status: int, missing: list[str], reason: str) -> Dossier:
    """1 → 5 or 4 → 5: guidance once, listing everything missing (form 02). The clock stops."""
    if not missing:
        raise ProcessingError(_("Liệt kê các giấy tờ còn thiếu."))

    def apply(d: Dossier) -> list[str]:
        d.supplement_requests += 1
        return ["supplement_requests"]

    items = "; ".join(nfc(m) for m in missing)
    return _act(
        "request_supplement", dossier_id=dossier_id, actor=actor, expected_status=expected_status, reason=reason,
        note_to_applicant=_("Cần bổ sung: %(items)s. Lý do: %(reason)s") % {"items": items, "reason": nfc(reason)},
        apply=apply, notify_event="supplement_requested", notify_context=lambda d: {"items": items, "reason": nfc(reason)},
        event_data={"missing": [nfc(m) for m in missing]},
    )


def supplement_is_repeat(dossier: Dossier) -> bool:
    """The rule is guidance once: a second request is allowed but warned about and counts as late."""
    return dossier.supplement_requests >= 1


def dossier_refuse(*, dossier_id: int, actor, reason: str, expected_status: int = Status.SUBMITTED) -> Dossier:
    """1 → 3 with the reason (form 03)."""
    return _act(
        "refuse", dossier_id=dossier_id, actor=actor, expected_status=expected_status, reason=reason,
        apply=lambda d: _complete(d), notify_event="dossier_refused", notify_context=lambda d: {"reason": nfc(reason)},
    )


def _complete(d: Dossier) -> list[str]:
    d.completed_at = timezone.now()
    return ["completed_at"]


def dossier_assign(*, dossier_id: int, actor, expected_status: int, department: str, assignee, internal_note: str = "") -> Dossier:
    """2 → 4 or 4 → 4: hand the dossier to a department and a specialist of the same agency."""

    def apply(d: Dossier) -> list[str]:
        if assignee is not None and not StaffAssignment.objects.filter(user=assignee, agency_id=d.agency_id, role="specialist").exists():
            raise ProcessingError(_("Chuyên viên này không thuộc cơ quan tiếp nhận hồ sơ."))
        d.department = nfc(department)[:200]
        d.assignee = assignee
        return ["department", "assignee"]

    return _act(
        "assign", dossier_id=dossier_id, actor=actor, expected_status=expected_status, internal_note=internal_note, apply=apply,
        to_user=(assignee.get_full_name() if assignee else nfc(department)),
    )


def dossier_appraise(*, dossier_id: int, actor, internal_note: str = "") -> Dossier:
    return _act("appraise", dossier_id=dossier_id, actor=actor, expected_status=Status.PROCESSING, internal_note=internal_note)


def dossier_submit_for_approval(*, dossier_id: int, actor, internal_note: str = "") -> Dossier:
    return _act("submit_for_approval", dossier_id=dossier_id, actor=actor, expected_status=Status.PROCESSING, internal_note=internal_note, expected_step="appraised")


def dossier_approve(*, dossier_id: int, actor, internal_note: str = "") -> Dossier:
    return _act("approve", dossier_id=dossier_id, actor=actor, expected_status=Status.PROCESSING, internal_note=internal_note, expected_step="awaiting_approval")


def dossier_return_for_rework(*, dossier_id: int, actor, reason: str) -> Dossier:
    return _act("return_for_rework", dossier_id=dossier_id, actor=actor, expected_status=Status.PROCESSING, reason=reason, internal_note=reason, note_to_applicant=" ", expected_step="awaiting_approval")


def dossier_request_payment(*, dossier_id: int, actor, note_to_applicant: str = "") -> Dossier:
    """4 → 6: the payment issue hooks in here. The clock stops meanwhile."""
    return _act("request_payment", dossier_id=dossier_id, actor=actor, expected_status=Status.PROCESSING, note_to_applicant=note_to_applicant, notify_event="payment_requested")


def dossier_payment_received(*, dossier_id: int, actor) -> Dossier:
    """6 → 4, the clock restarts (the due date moves by the working days it was stopped)."""

    def apply(d: Dossier) -> list[str]:
        recompute_due(d)
        return ["due_at"]

    return _act("payment_received", dossier_id=dossier_id, actor=actor, expected_status=Status.PAYMENT_REQUESTED, apply=apply)


def dossier_stop(*, dossier_id: int, actor, reason: str) -> Dossier:
    """4 → 8 with the reason (form 05)."""
    return _act(
        "stop", dossier_id=dossier_id, actor=actor, expected_status=Status.PROCESSING, reason=reason,
        apply=_complete, notify_event="processing_stopped", notify_context=lambda d: {"reason": nfc(reason)},
    )


def dossier_result_ready(*, dossier_id: int, actor, note_to_applicant: str = "", result_file=None) -> Dossier:
    """4 → 9 once a leader approved. ``result_file`` (a PDF) is the electronic result the applicant
    downloads from their dossier page; it is checked by content like any upload."""

    def apply(d: Dossier) -> list[str]:
        if result_file is not None:
            from portal.files import PDF, sniff

            if sniff(result_file.file) != PDF:
                raise ProcessingError(_("Kết quả điện tử phải là tệp PDF."))
            from .services import DossierError, draft_add_file

            try:
                draft_add_file(dossier=d, component=None, upload=result_file, purpose="result")
            except DossierError as exc:
                raise ProcessingError(str(exc)) from exc
        return _complete(d)

    return _act(
        "result_ready", dossier_id=dossier_id, actor=actor, expected_status=Status.PROCESSING, note_to_applicant=note_to_applicant,
        apply=apply, notify_event="result_ready", notify_context=lambda d: {"note": d.get_delivery_display()},
    )


def dossier_return_result(*, dossier_id: int, actor, method: str) -> Dossier:
    """9 → 10 at the counter, online or by post (the delivery issue hooks in for post)."""

    def apply(d: Dossier) -> list[str]:
        d.returned_at = timezone.now()
        d.return_method = method
        return ["returned_at", "return_method"]

    return _act("return_result", dossier_id=dossier_id, actor=actor, expected_status=Status.RESULT_READY, apply=apply, notify_event="dossier_returned")


def dossier_withdraw_on_request(*, dossier_id: int, actor, expected_status: int, reason: str) -> Dossier:
    """1/2 → 7, recorded by an officer at the applicant's request."""
    return _act("withdraw", dossier_id=dossier_id, actor=actor, expected_status=expected_status, reason=reason, apply=_complete, notify_event="dossier_withdrawn")


def dossier_extend(*, dossier_id: int, actor, expected_status: int, new_due: datetime, reason: str) -> Dossier:
    """On an overdue dossier: an apology with a new date (form 04); the applicant is informed."""

    def apply(d: Dossier) -> list[str]:
        if not is_overdue(d):
            raise ProcessingError(_("Chỉ gia hạn khi hồ sơ đã quá hạn."))
        if new_due <= timezone.now():
            raise ProcessingError(_("Ngày hẹn mới phải sau hôm nay."))
        d.due_at = new_due
        d.extended = True
        return ["due_at", "extended"]

    return _act(
        "extend", dossier_id=dossier_id, actor=actor, expected_status=expected_status, reason=reason, apply=apply,
        notify_event="dossier_extended", notify_context=lambda d: {"due_date": _date(d.due_at), "reason": nfc(reason)},
        event_data={"new_due": new_due.isoformat()},
    )
