"""The dossier state machine as one table (Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP).

Every change of a dossier's status or processing step is one named row below, whoever makes it:
the applicant, a one-stop-shop officer, a specialist, a leader, or the system (a payment gateway's
notice, a carrier's "delivered", the scheduler). ``dossiers.workflow.dossier_transition`` is the
only code that applies a row; it reads everything it needs from here.

Columns
    from_statuses   the statuses the row starts from
    to_status       the status it leads to (``None``: unchanged)
    steps_before    the processing steps it needs (``None``: any)
    step_after      the step it sets (``None``: unchanged, ``""``: cleared)
    actors          who may make it (officer, specialist, leader, applicant, system); a specialist acts
                    only on a dossier assigned to them
    reason          whether a reason is required (the law asks for one when refusing, stopping, …)
    form            the one-stop-shop form it produces (Circular 03/2025, mẫu 01–05), rendered after commit
    notification    the notification event sent to the applicant (``notifications`` templates)
    clock           its effect on the time limit (see ``Clock``)

The state diagram in ``docs/state-machine.md`` is generated from this table
(``manage.py workflow_diagram``); a test fails when it is out of date.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .constants import APPLICANT, LEADER, OFFICER, SPECIALIST, SYSTEM, EventKind, Status, Step


class TransitionError(Exception):
    """Not allowed now: wrong status or step, wrong actor, a missing reason. The message is for people."""


class ConflictError(TransitionError):
    """Someone (or something) changed the dossier since the actor loaded it."""


class Clock:
    """What a transition does to the clock (the time limit in working days)."""

    NONE = "none"
    ACCEPTANCE = "acceptance"  # submitted: the one-stop shop has 8 working hours to accept or answer
    START = "start"  # received: the time limit starts; due date computed in working days
    STOP = "stop"  # waiting for the applicant (statuses 5 and 6): the clock stops
    RESUME = "resume"  # the applicant acted: the clock restarts, the due date moves by the days it stopped
    EXTEND = "extend"  # an apology with a new date (form 04)
    FINISH = "finish"  # a final decision or a result: completed_at is set
    RETURN = "return"  # the result reached the applicant: returned_at is set


@dataclass(frozen=True)
class Transition:
    name: str
    label: str | Promise
    from_statuses: frozenset[int]
    to_status: int | None
    actors: frozenset[str]
    steps_before: frozenset[str] | None = None
    step_after: str | None = None
    reason: bool = False
    form: str = ""
    notification: str = ""
    clock: str = Clock.NONE
    event_kind: str = EventKind.STATUS
    # Shown as a generic button on the officer's desk (False: an app's own panel performs it, or the
    # desk offers a one-press row that does the same).
    desk: bool = True

    def allows_status(self, status: int) -> bool:
        return status in self.from_statuses

    def allows_step(self, step: str) -> bool:
        return self.steps_before is None or step in self.steps_before


def _row(name: str, label, from_statuses, to_status, actors, **kwargs) -> Transition:
    return Transition(
        name=name,
        label=label,
        from_statuses=frozenset(from_statuses),
        to_status=to_status,
        actors=frozenset(actors),
        **kwargs,
    )


S = Status
_ROWS = [
    # --- the applicant ---------------------------------------------------------------------------
    _row(
        "submit", _("Nộp hồ sơ"), {S.DRAFT}, S.SUBMITTED, {APPLICANT},
        notification="dossier_submitted", clock=Clock.ACCEPTANCE, event_kind=EventKind.SUBMITTED,
    ),
    _row(
        "answer_supplement", _("Bổ sung giấy tờ"), {S.SUPPLEMENT_REQUESTED}, None, {APPLICANT},
        clock=Clock.RESUME, event_kind=EventKind.SUPPLEMENT_ANSWERED,
    ),
    # --- dossiers that do not start online (added by the delivery issue) --------------------------
    _row(
        "register_at_counter", _("Đăng ký hồ sơ nộp trực tiếp"), {S.DRAFT}, S.SUBMITTED, {OFFICER},
        clock=Clock.ACCEPTANCE, event_kind=EventKind.SUBMITTED, desk=False,
    ),
    _row(
        "submit_by_post", _("Bưu chính nhận hồ sơ"), {S.DRAFT}, S.SUBMITTED, {SYSTEM},
        notification="dossier_submitted", clock=Clock.ACCEPTANCE, event_kind=EventKind.SUBMITTED,
    ),
    _row(
        "withdraw_by_applicant", _("Rút hồ sơ"), {S.SUBMITTED, S.RECEIVED}, S.WITHDRAWN, {APPLICANT},
        reason=True, notification="dossier_withdrawn", clock=Clock.FINISH, event_kind=EventKind.WITHDRAWN,
    ),
    # --- receipt at the one-stop shop ------------------------------------------------------------
    _row(
        "receive", _("Tiếp nhận"), {S.SUBMITTED}, S.RECEIVED, {OFFICER},
        step_after="", form="01", notification="dossier_received", clock=Clock.START,
    ),
    _row(
        "request_supplement", _("Yêu cầu bổ sung"), {S.SUBMITTED, S.PROCESSING}, S.SUPPLEMENT_REQUESTED,
        {OFFICER, SPECIALIST}, reason=True, form="02", notification="supplement_requested", clock=Clock.STOP,
    ),
    _row(
        "refuse", _("Từ chối tiếp nhận"), {S.SUBMITTED}, S.REFUSED, {OFFICER},
        reason=True, form="03", notification="dossier_refused", clock=Clock.FINISH,
    ),
    _row(
        "withdraw", _("Rút hồ sơ theo đề nghị"), {S.SUBMITTED, S.RECEIVED}, S.WITHDRAWN, {OFFICER},
        reason=True, notification="dossier_withdrawn", clock=Clock.FINISH,
    ),
    # --- processing (status 4 and its steps) -----------------------------------------------------
    _row(
        "assign", _("Chuyển xử lý, phân công"), {S.RECEIVED, S.PROCESSING}, S.PROCESSING, {OFFICER, LEADER},
        step_after=Step.ASSIGNED,
    ),
    _row(
        "appraise_and_submit", _("Thẩm định và trình lãnh đạo duyệt"), {S.PROCESSING}, None, {SPECIALIST},
        steps_before={Step.ASSIGNED, Step.REWORK}, step_after=Step.AWAITING_APPROVAL,
    ),
    # The two-step form of the same decision (kept for dossiers already appraised and for integrations);
    # the desk offers the one press above.
    _row(
        "appraise", _("Thẩm định xong"), {S.PROCESSING}, None, {SPECIALIST},
        steps_before={Step.ASSIGNED, Step.REWORK}, step_after=Step.APPRAISED, desk=False,
    ),
    _row(
        "submit_for_approval", _("Trình lãnh đạo duyệt"), {S.PROCESSING}, None, {SPECIALIST},
        steps_before={Step.APPRAISED}, step_after=Step.AWAITING_APPROVAL,
    ),
    _row(
        "approve", _("Duyệt"), {S.PROCESSING}, None, {LEADER},
        steps_before={Step.AWAITING_APPROVAL}, step_after=Step.APPROVED,
    ),
    _row(
        "return_for_rework", _("Trả lại xử lý lại"), {S.PROCESSING}, None, {LEADER},
        steps_before={Step.AWAITING_APPROVAL}, step_after=Step.REWORK, reason=True,
    ),
    _row(
        "request_payment", _("Yêu cầu nộp phí, lệ phí"), {S.PROCESSING}, S.PAYMENT_REQUESTED,
        {OFFICER, SPECIALIST}, notification="payment_requested", clock=Clock.STOP,
    ),
    _row(
        "payment_received", _("Đã nộp phí, lệ phí"), {S.PAYMENT_REQUESTED}, S.PROCESSING, {OFFICER, SYSTEM},
        notification="payment_received", clock=Clock.RESUME,
    ),
    _row(
        "stop", _("Dừng xử lý"), {S.PROCESSING}, S.STOPPED, {OFFICER, LEADER},
        reason=True, form="05", notification="processing_stopped", clock=Clock.FINISH,
    ),
    # Issued before the due date passes, as the law expects the apology (or after, if it was missed).
    _row(
        "extend", _("Gia hạn, xin lỗi"), {S.RECEIVED, S.PROCESSING}, None, {OFFICER, LEADER},
        reason=True, form="04", notification="dossier_extended", clock=Clock.EXTEND,
    ),
    _row(
        "result_ready", _("Có kết quả"), {S.PROCESSING}, S.RESULT_READY, {OFFICER, SPECIALIST},
        steps_before={Step.APPROVED}, step_after="", notification="result_ready", clock=Clock.FINISH,
    ),
    # --- returning the result --------------------------------------------------------------------
    _row(
        "return_result", _("Trả kết quả"), {S.RESULT_READY}, S.RETURNED, {OFFICER},
        steps_before={"", Step.APPROVED, Step.BACK_AT_COUNTER}, step_after="",
        notification="dossier_returned", clock=Clock.RETURN,
    ),
    _row(
        "hand_to_post", _("Giao bưu chính"), {S.RESULT_READY}, None, {OFFICER},
        steps_before={"", Step.APPROVED, Step.BACK_AT_COUNTER}, step_after=Step.WITH_POST,
        notification="result_posted", desk=False,
    ),
    _row(
        "post_delivered", _("Bưu chính đã phát kết quả"), {S.RESULT_READY}, S.RETURNED, {SYSTEM},
        steps_before={Step.WITH_POST}, step_after="", notification="dossier_returned", clock=Clock.RETURN,
    ),
    _row(
        "post_returned", _("Bưu chính trả lại kết quả"), {S.RESULT_READY}, None, {SYSTEM},
        steps_before={Step.WITH_POST}, step_after=Step.BACK_AT_COUNTER, notification="result_back_at_counter",
    ),
    _row(
        "post_lost", _("Bưu chính báo thất lạc kết quả"), {S.RESULT_READY}, None, {SYSTEM},
        steps_before={Step.WITH_POST}, step_after=Step.BACK_AT_COUNTER, notification="result_post_lost",
    ),
    _row(
        "post_cancelled", _("Hủy gửi bưu chính"), {S.RESULT_READY}, None, {OFFICER},
        steps_before={Step.WITH_POST}, step_after=Step.BACK_AT_COUNTER, desk=False,
    ),
]  # fmt: skip
del S

TRANSITIONS: dict[str, Transition] = {row.name: row for row in _ROWS}
# The actions an officer sees as buttons on the desk, in this order.
DESK_ACTIONS: tuple[str, ...] = tuple(
    name for name, row in TRANSITIONS.items() if row.actors & {OFFICER, SPECIALIST, LEADER} and row.desk
)


# Events that record something without moving the dossier, written by the apps that own them.
NOTE_LABELS = {
    "post_arrived": _("Hồ sơ giấy đến qua bưu chính"),  # delivery.dossier_link.pickup_arrived
    "claim": _("Người nộp nhận hồ sơ vào tài khoản"),  # delivery.counter: a counter dossier claimed
}


def label(name: str) -> str:
    """The Vietnamese (translated) label of a transition or a note event, else the name itself."""
    row = TRANSITIONS.get(name)
    if row:
        return str(row.label)
    return str(NOTE_LABELS.get(name, name))


def form_number(name: str) -> str:
    row = TRANSITIONS.get(name)
    return row.form if row else ""
