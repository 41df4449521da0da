"""Demo dossiers: a few hundred realistic dossiers so the officer's queue, deadlines and statistics
look real on first start (``load_demo`` calls :func:`load_demo_dossiers` after the demo users).

How they are made
    Every dossier goes through the real services, in the order a real one would: ``dossier_start``,
    agency, answers (validated by the real declaration form), a small PDF for each required
    document, delivery, ``dossier_submit``, then the processing services with the demo staff as
    actors (receive, assign, appraise, approve, supplement requests and the applicant's answers,
    payment, extension, stop, refusal, withdrawal, result, return) and the applicant's rating.

    Each dossier has a planned timeline over the last six months (officers act in working hours on
    working days, applicants at any hour), and every service is called with ``now=`` the planned
    moment: codes come from the counter of the submission day, events and audit rows carry their
    action's time, due dates are computed by the services themselves (8 working hours to accept, the
    time limit in working days pushed by the days the clock was stopped). Nothing is rewritten
    afterwards. Dossiers are built in order of planned submission, so numbers follow submission times.

    An unanswered supplement request older than 3 working days is marked ``reminded`` as the daily
    reminder job would have done.

Notifications
    The services write outbox messages as they go, dated like their action; they are
    deleted before the transaction commits: nothing is sent for demo dossiers (not even to the
    simulator), whatever the SMS and email settings. Every later action on a demo dossier notifies
    normally.

Forms 01–05
    Not rendered during the bulk load (most of its time would go there); each form is dated like the
    action that issues it whenever it is rendered, and the re-drive job on beat renders those of the
    last 30 days (``dossiers.forms_service.redrive_missing_forms``).

People
    40 citizens ``congdan01``…``congdan40`` (phone only, no password, with a profile) plus a handful
    for the demo citizen ``congdan``. Most live in and file at Phường Kinh Bắc (000.21.01.H24, the
    demo staff's agency); the others at the other demo communes, whose officer, specialist and
    leader are created here without a password. Withdrawals are recorded by the officer at the
    applicant's request (the service that completes the dossier).

Idempotent: returns 0 when any dossier of the demo citizens exists. One transaction: a failure
leaves nothing behind but the uploaded demo files.
"""

from __future__ import annotations

import functools
import logging
import math
import random
import time as clock
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import units
from accounts.constants import ROLE_GROUPS, StaffRole
from accounts.models import CitizenProfile, StaffAssignment, User
from accounts.validators import validate_personal_id
from core.text import nfc
from demo.accounts import ensure_demo_departments
from demo.catalogue import DEMO_COMMUNES, PROVINCE_CODE
from demo.data_files import read_json
from dossiers import processing, requirements, services, workdays
from dossiers.constants import CLOCK_STOPPED, Delivery, Status
from dossiers.declaration import DeclarationForm
from dossiers.models import Dossier, DossierEvent, DossierFile, OnlineForm
from notifications.models import Message
from procedures.constants import Channel, PublicationStatus
from procedures.models import Agency, Procedure

logger = logging.getLogger(__name__)
_NAMES = read_json("names.json")
_TEXTS = read_json("texts.json")

HOME_AGENCY = "000.21.01.H24"  # Phường Kinh Bắc: where the demo staff work
HOME_STAFF = {
    StaffRole.ONE_STOP_OFFICER: "motcua",
    StaffRole.SPECIALIST: "chuyenvien",
    StaffRole.LEADER: "lanhdao",
}
# Staff for the other demo communes (no password: they exist so their dossiers can be processed).
OTHER_STAFF = _NAMES["other_communes_staff"]
CITIZENS = 40
CITIZEN_USERNAMES = [f"congdan{n:02d}" for n in range(1, CITIZENS + 1)]
MONTHS_BACK_DAYS = 183
QUIET_LOGGERS = ("dossiers.processing", "dossiers.forms_service", "celery.app.trace", "weasyprint.progress")
STEP_GAP = timedelta(minutes=2)  # at least this long between two actions on a dossier

# Share of each status (1–10). Every status gets at least one dossier when count >= 10.
STATUS_WEIGHTS = {
    Status.RETURNED: 0.61,
    Status.RESULT_READY: 0.04,
    Status.PROCESSING: 0.08,
    Status.RECEIVED: 0.03,
    Status.SUBMITTED: 0.04,
    Status.SUPPLEMENT_REQUESTED: 0.05,
    Status.PAYMENT_REQUESTED: 0.03,
    Status.REFUSED: 0.045,
    Status.WITHDRAWN: 0.04,
    Status.STOPPED: 0.035,
}
# What the demo citizen ``congdan`` sees: something to answer, to pay, to collect, to rate.
CONGDAN_STATUSES = [
    Status.RETURNED,
    Status.SUPPLEMENT_REQUESTED,
    Status.RESULT_READY,
    Status.RETURNED,
    Status.PROCESSING,
    Status.PAYMENT_REQUESTED,
    Status.SUBMITTED,
    Status.RETURNED,
]

# --- realistic text ----------------------------------------------------------------------------------

# Names, streets and what people write: demo/data/names.json, streets.json, texts.json.
FAMILY_NAMES = list(_NAMES["family_names"].items())  # (name, weight)
MIDDLE = _NAMES["middle_names"]
GIVEN = _NAMES["given_names"]
STREETS = read_json("streets.json")["citizens"]
BIRTH_PROVINCES = ["027"] * 7 + [
    "001",
    "024",
    "030",
    "033",
]  # Bắc Ninh mostly; Hà Nội, Bắc Giang, Hải Dương, Hưng Yên
BUSINESS_NAMES = _NAMES["business_names"]
BUSINESS_LINES = _TEXTS["business_lines"]
PURPOSES = _TEXTS["purposes"]
SUPPLEMENT_REASONS = _TEXTS["supplement_reasons"]
SUPPLEMENT_NOTES = _TEXTS["supplement_notes"]
REFUSE_REASONS = _TEXTS["refuse_reasons"]
WITHDRAW_REASONS = _TEXTS["withdraw_reasons"]
STOP_REASONS = _TEXTS["stop_reasons"]
EXTEND_REASONS = _TEXTS["extend_reasons"]
REWORK_REASONS = _TEXTS["rework_reasons"]
RATING_COMMENTS = _TEXTS["rating_comments"]  # "" = a rating without comment


def _tiny_pdf() -> bytes:
    """A valid one-page PDF (about 600 bytes) so the officer's document viewer opens it."""
    text = b"BT /F1 14 Tf 72 770 Td (Tai lieu mau - du lieu demo) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PDF_BYTES = _tiny_pdf()


def _file_name(label: str) -> str:
    ascii_name = slugify(label.replace("đ", "d").replace("Đ", "D"))[:60].strip("-") or "giay-to"
    return f"{ascii_name}.pdf"


def _upload(label: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(_file_name(label), PDF_BYTES, content_type="application/pdf")


# --- people -------------------------------------------------------------------------------------------


@dataclass
class Persona:
    full_name: str
    sex: str
    dob: date
    pid: str
    phone: str = ""
    commune_code: str = "09187"
    street: str = ""
    family: str = ""

    def address(self) -> dict:
        province = f"{PROVINCE_CODE:02d}"
        return {"province_code": province, "commune_code": self.commune_code, "street": self.street}


def _name(rng: random.Random, sex: str, family: str | None = None) -> tuple[str, str]:
    family = family or rng.choices([f for f, _ in FAMILY_NAMES], weights=[w for _, w in FAMILY_NAMES])[0]
    return nfc(f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"), family


def _personal_id(rng: random.Random, dob: date, sex: str) -> str:
    century_digit = (dob.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    value = f"{rng.choice(BIRTH_PROVINCES)}{century_digit}{dob.year % 100:02d}{rng.randint(0, 999999):06d}"
    return validate_personal_id(value, date_of_birth=dob, sex=sex)


def _persona(
    rng: random.Random,
    *,
    sex: str | None = None,
    dob: date | None = None,
    family: str | None = None,
    commune_code: str = "09187",
    today: date | None = None,
) -> Persona:
    sex = sex or rng.choice(["male", "female"])
    today = today or timezone.localdate()
    dob = dob or today - timedelta(days=rng.randint(20 * 365, 68 * 365))
    full_name, family = _name(rng, sex, family)
    street = nfc(f"Số {rng.randint(1, 180)} {rng.choice(STREETS)}")
    return Persona(
        full_name=full_name,
        sex=sex,
        dob=dob,
        pid=_personal_id(rng, dob, sex),
        commune_code=commune_code,
        street=street,
        family=family,
    )


# --- the timeline -------------------------------------------------------------------------------------


@dataclass
class Step:
    action: str
    at: datetime
    actor: str  # "applicant" or a staff role
    status: int  # the dossier's status after the step
    extra: dict = field(default_factory=dict)


@dataclass
class Scenario:
    status: int
    mode: str = ""  # status 1: fresh | stale; 4: ontime | overdue | extended
    supplements: int = 0  # closed supplement rounds before the end
    reception_supplement: bool = False  # the first closed round happens before receipt
    open_at_reception: bool = False  # status 5: the open request came before receipt
    payment: bool = False
    rework: bool = False
    timing: str = "ontime"  # early | ontime | late (result against the due date)
    extended: bool = False
    progress: int = 0  # status 4: how many of appraise / submit_for_approval / approve are done
    after_receipt: bool = False  # status 7: withdrawn after receipt
    appraised: bool = False  # status 8: appraised before being stopped
    rated: bool = True
    congdan: bool = False


@dataclass
class Plan:
    scenario: Scenario
    user: User
    persona: Persona
    agency: Agency
    procedure: Procedure
    limit: Decimal
    answers: dict | None
    delivery: str
    delivery_address: dict
    created_at: datetime
    steps: list[Step]
    components: list
    due_at: datetime | None = None
    new_due: datetime | None = None
    previous_due: datetime | None = None  # the appointment an extension replaced
    rating: tuple[int, str, datetime] | None = None
    dossier_id: int | None = None
    code: str = ""


def _wh(cal, t: datetime, hours: float) -> datetime:
    return workdays.add_working_hours(t, max(hours, 0.05), calendar=cal).replace(microsecond=0)


def _working_hours_between(cal, start: datetime, end: datetime) -> float:
    if end <= start:
        return 0.0
    total = 0.0
    tz = timezone.get_default_timezone()
    day, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    sessions = workdays.working_sessions()
    while day <= last:
        if cal.is_working_day(day):
            for begin, finish in sessions:
                low = max(start, datetime.combine(day, begin, tzinfo=tz))
                high = min(end, datetime.combine(day, finish, tzinfo=tz))
                if high > low:
                    total += (high - low).total_seconds() / 3600
        day += timedelta(days=1)
    return total


def _citizen_time(rng: random.Random, day: date) -> datetime:
    """People submit and answer at any hour, mostly by day, some in the evening."""
    minutes = rng.randint(7 * 60, 17 * 60 + 30) if rng.random() < 0.75 else rng.randint(19 * 60, 22 * 60 + 30)
    return datetime.combine(
        day, time(minutes // 60, minutes % 60, rng.randint(0, 59)), tzinfo=timezone.get_default_timezone()
    )


class Timeline:
    def __init__(self, rng: random.Random, cal, start: datetime) -> None:
        self.rng, self.cal = rng, cal
        self.steps = [Step("submit", start, "applicant", Status.SUBMITTED)]

    @property
    def t(self) -> datetime:
        return self.steps[-1].at

    @property
    def status(self) -> int:
        return self.steps[-1].status

    def staff(self, action: str, role: str, hours: float, status: int | None = None, **extra) -> Step:
        at = _wh(self.cal, self.t + STEP_GAP, hours)
        return self._add(Step(action, at, role, self.status if status is None else status, extra))

    def applicant(self, action: str, min_days: int, max_days: int, status: int, **extra) -> Step:
        day = timezone.localtime(self.t).date() + timedelta(days=self.rng.randint(min_days, max_days))
        at = _citizen_time(self.rng, day)
        if at <= self.t + timedelta(minutes=20):
            at = (self.t + timedelta(minutes=self.rng.randint(25, 240))).replace(microsecond=0)
        return self._add(Step(action, at, "applicant", status, extra))

    def _add(self, step: Step) -> Step:
        self.steps.append(step)
        return step

    def supplement_round(self, role: str, closed: bool = True) -> None:
        before = self.status
        self.staff("request_supplement", role, self.rng.uniform(0.3, 6.0), Status.SUPPLEMENT_REQUESTED)
        if closed:
            self.applicant("answer_supplement", 0, 5, before)

    def received_at(self) -> datetime | None:
        return next((s.at for s in self.steps if s.action == "receive"), None)

    def closed_pauses(self) -> list[tuple[datetime, datetime]]:
        out, started = [], None
        for step in self.steps:
            if step.status in CLOCK_STOPPED and started is None:
                started = step.at
            elif started is not None and step.status not in CLOCK_STOPPED:
                out.append((started, step.at))
                started = None
        return out

    def due(self, limit: Decimal) -> datetime | None:
        received = self.received_at()
        if received is None:
            return None
        return workdays.due_date_with_pauses(received, limit, self.closed_pauses(), calendar=self.cal)


def _timeline(
    rng: random.Random, cal, sc: Scenario, start: datetime, limit: Decimal
) -> tuple[list[Step], datetime | None]:
    """The steps of one dossier from its submission at ``start``; returns (steps, new due date if extended)."""
    tl = Timeline(rng, cal, start)
    officer, specialist, leader = StaffRole.ONE_STOP_OFFICER, StaffRole.SPECIALIST, StaffRole.LEADER
    status = sc.status
    if status == Status.SUBMITTED:
        return tl.steps, None
    if status == Status.REFUSED:
        if sc.reception_supplement:
            tl.supplement_round(officer)
        tl.staff("refuse", officer, rng.uniform(0.3, 7.0), Status.REFUSED, reason=rng.choice(REFUSE_REASONS))
        return tl.steps, None
    if status == Status.WITHDRAWN and not sc.after_receipt:
        _withdraw(tl)
        return tl.steps, None
    if status == Status.SUPPLEMENT_REQUESTED and sc.open_at_reception:
        if sc.supplements:
            tl.supplement_round(officer)
        tl.supplement_round(officer, closed=False)
        return tl.steps, None
    if sc.reception_supplement and sc.supplements:
        tl.supplement_round(officer)
    tl.staff("receive", officer, rng.uniform(0.2, 6.5), Status.RECEIVED)
    if status == Status.RECEIVED:
        return tl.steps, None
    if status == Status.WITHDRAWN:
        _withdraw(tl)
        return tl.steps, None
    tl.staff("assign", leader if rng.random() < 0.15 else officer, rng.uniform(0.1, 2.5), Status.PROCESSING)
    for _round in range(sc.supplements - (1 if sc.reception_supplement else 0)):
        tl.supplement_round(specialist)
    if status == Status.SUPPLEMENT_REQUESTED:
        tl.supplement_round(specialist, closed=False)
        return tl.steps, None
    if status == Status.STOPPED:
        if sc.appraised:
            tl.staff("appraise", specialist, rng.uniform(1, 10))
        left = _working_hours_between(cal, tl.t, tl.due(limit))
        hours = rng.uniform(0.5, left * 0.9) if left > 0.6 else rng.uniform(0.3, 4.0)
        tl.staff("stop", leader, hours, Status.STOPPED, reason=rng.choice(STOP_REASONS))
        return tl.steps, None
    chain = ["appraise", "submit_for_approval"]
    if sc.rework:
        chain += ["return_for_rework", "appraise", "submit_for_approval"]
    chain.append("approve")
    if status == Status.PROCESSING:
        for action in chain[: sc.progress]:
            tl.staff(
                action,
                leader if action in ("approve", "return_for_rework") else specialist,
                rng.uniform(1.0, 14.0),
            )
        new_due = None
        if sc.mode == "extended":
            due = tl.due(limit)
            at = _wh(cal, max(due, tl.t) + timedelta(minutes=5), rng.uniform(0.2, 6.0))
            new_due = _new_due(cal, at, rng)
            tl._add(Step("extend", at, leader, Status.PROCESSING, {"reason": rng.choice(EXTEND_REASONS)}))
        return tl.steps, new_due
    if status == Status.PAYMENT_REQUESTED:
        for action in chain:
            tl.staff(
                action,
                leader if action in ("approve", "return_for_rework") else specialist,
                rng.uniform(1.0, 10.0),
            )
        tl.staff("request_payment", officer, rng.uniform(0.2, 3.0), Status.PAYMENT_REQUESTED)
        return tl.steps, None
    # Result ready (9) or returned (10): spread the work so the result lands early, on time or late.
    if sc.payment:
        chain.append("request_payment")
    chain.append("result_ready")
    remaining = _working_hours_between(cal, tl.t, tl.due(limit))
    if sc.timing == "early" and remaining > 1.5:
        budget = remaining * rng.uniform(0.25, 0.8)
    elif sc.timing == "ontime" and remaining > 0.5:
        budget = remaining - rng.uniform(0.1, min(remaining * 0.5, 3.0))
    elif sc.timing == "late" or remaining <= 0.5:
        budget = remaining + rng.uniform(3.0, 28.0)
    else:
        budget = remaining * rng.uniform(0.3, 0.9)
    weights = [rng.uniform(0.4, 1.6) for _ in chain]
    scale = budget / sum(weights)
    for action, weight in zip(chain, weights, strict=True):
        role = (
            leader
            if action in ("approve", "return_for_rework")
            else officer
            if action == "request_payment"
            else specialist
        )
        to = {"request_payment": Status.PAYMENT_REQUESTED, "result_ready": Status.RESULT_READY}.get(action)
        extra = {"reason": rng.choice(REWORK_REASONS)} if action == "return_for_rework" else {}
        tl.staff(action, role, max(weight * scale - STEP_GAP.total_seconds() / 3600, 0.05), to, **extra)
        if action == "request_payment":  # the applicant pays within a few days; the officer records it
            paid_at = tl.t + timedelta(hours=rng.uniform(2, 60))
            tl._add(
                Step("payment_received", _wh(cal, paid_at, rng.uniform(0.1, 1.5)), officer, Status.PROCESSING)
            )
    new_due = None
    if sc.extended:
        due = tl.due(limit)
        ready = tl.steps[-1]
        at = _wh(cal, due + timedelta(minutes=5), rng.uniform(0.2, 3.0))
        previous = [s for s in tl.steps if s.at < at]
        if (
            at < ready.at - timedelta(minutes=10)
            and previous
            and previous[-1].status in (Status.RECEIVED, Status.PROCESSING)
        ):
            new_due = _new_due(cal, at, rng)
            tl.steps.insert(
                len(previous),
                Step("extend", at, leader, previous[-1].status, {"reason": rng.choice(EXTEND_REASONS)}),
            )
    if status == Status.RETURNED:
        hours = rng.uniform(0.05, 1.0) if rng.random() < 0.5 else rng.uniform(0.5, 20.0)
        tl.staff("return_result", officer, hours, Status.RETURNED)
    return tl.steps, new_due


def _withdraw(tl: Timeline) -> None:
    # Recorded by the officer at the applicant's request (the service that also sets completed_at,
    # which the statistics count withdrawals by).
    reason = tl.rng.choice(WITHDRAW_REASONS)
    tl.staff(
        "withdraw", StaffRole.ONE_STOP_OFFICER, tl.rng.uniform(0.3, 8.0), Status.WITHDRAWN, reason=reason
    )


def _new_due(cal, at: datetime, rng: random.Random) -> datetime:
    day = cal.add_working_days(timezone.localtime(at).date(), rng.randint(2, 6))
    return datetime.combine(day, workdays.working_sessions()[-1][1], tzinfo=timezone.get_default_timezone())


def _acceptable(
    sc: Scenario,
    steps: list[Step],
    due: datetime | None,
    new_due: datetime | None,
    now: datetime,
    strict: bool,
    cal,
) -> bool:
    times = [s.at for s in steps]
    if any(b <= a for a, b in zip(times, times[1:], strict=False)) or times[-1] >= now - timedelta(minutes=2):
        return False
    if sc.extended and sc.status != Status.PROCESSING and new_due is None and strict:
        return False
    if not strict:
        return True
    start = times[0]
    if sc.status == Status.SUBMITTED:
        # New: still within the 8 working hours for receipt; stale: days past it.
        receipt_due = workdays.add_working_hours(start, 8, calendar=cal)
        return receipt_due > now if sc.mode == "fresh" else receipt_due < now - timedelta(days=1)
    if sc.status == Status.RECEIVED:
        return due is not None and due > now
    if sc.status == Status.PROCESSING:
        if sc.mode == "ontime":
            return due is not None and due > now
        if sc.mode == "overdue":
            return due is not None and due < now
        return new_due is not None and new_due > now
    if sc.status in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED, Status.RESULT_READY):
        return times[-1] > now - timedelta(days=40)
    return True


def _start_guess(rng: random.Random, sc: Scenario, limit: Decimal, attempt: int) -> float:
    span = float(limit) * 1.45 + 1
    widen = 1 + attempt / 15
    if sc.status == Status.SUBMITTED:
        return rng.uniform(0.02, 2.6) if sc.mode == "fresh" else rng.uniform(4.0, 7.0)
    if sc.status == Status.RECEIVED:
        return rng.uniform(0.3, 3.5) * widen
    if sc.status == Status.PROCESSING:
        if sc.mode == "ontime":
            return rng.uniform(0.5, max(span, 1.5)) * widen
        return span + rng.uniform(2, 40) * widen
    if sc.status in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED):  # people take their time
        return (span + rng.uniform(1, 35)) * widen
    if sc.status == Status.RESULT_READY:  # results wait at the counter for weeks
        return (span + rng.uniform(0.5, 35)) * widen
    # Finished: spread over the months, thinner in the last weeks (the open dossiers are recent).
    return 2 + (MONTHS_BACK_DAYS - 2) * rng.random() ** 0.8 * widen


def _start_days(rng: random.Random, sc: Scenario, limit: Decimal, attempt: int) -> float:
    """How many days before now the dossier is submitted (a guess; the timeline is then checked)."""
    return min(_start_guess(rng, sc, limit, attempt), MONTHS_BACK_DAYS)


# --- scenarios ----------------------------------------------------------------------------------------


def _quotas(count: int) -> dict[int, int]:
    """Dossiers per status by largest remainder; one of each first when there is room."""
    statuses = list(STATUS_WEIGHTS)
    floor = 1 if count >= len(statuses) else 0
    rest = count - floor * len(statuses)
    exact = {s: rest * w / sum(STATUS_WEIGHTS.values()) for s, w in STATUS_WEIGHTS.items()}
    out = {s: floor + int(v) for s, v in exact.items()}
    for s in sorted(statuses, key=lambda s: exact[s] - int(exact[s]), reverse=True)[
        : count - sum(out.values())
    ]:
        out[s] += 1
    return out


def _scenarios(rng: random.Random, count: int) -> list[Scenario]:
    out: list[Scenario] = []
    for status, n in _quotas(count).items():
        for i in range(n):
            sc = Scenario(status=status)
            if status == Status.SUBMITTED:
                sc.mode = "stale" if n >= 3 and i == 0 else "fresh"
            elif status == Status.PROCESSING:
                sc.mode = (
                    ("overdue", "ontime", "extended", "ontime", "overdue", "ontime")[i % 6]
                    if n >= 3
                    else "ontime"
                )
                sc.progress = rng.choices([0, 1, 2, 3], weights=[3, 3, 2.5, 1.5])[0]
            if status in (
                Status.RETURNED,
                Status.RESULT_READY,
                Status.PROCESSING,
                Status.STOPPED,
                Status.PAYMENT_REQUESTED,
            ):
                roll = rng.random()
                sc.supplements = 2 if roll < 0.03 else 1 if roll < 0.15 else 0
                sc.reception_supplement = sc.supplements > 0 and rng.random() < 0.35
            if status == Status.SUPPLEMENT_REQUESTED:
                sc.supplements = 1 if rng.random() < 0.3 else 0
                sc.open_at_reception = rng.random() < 0.35
                sc.reception_supplement = sc.open_at_reception
            if status == Status.REFUSED:
                sc.supplements = 1 if rng.random() < 0.25 else 0
                sc.reception_supplement = bool(sc.supplements)
            if status in (Status.RETURNED, Status.RESULT_READY):
                sc.timing = rng.choices(["early", "ontime", "late"], weights=[52, 42, 6])[0]
                sc.extended = sc.timing == "late" and rng.random() < 0.4
                sc.payment = rng.random() < 0.5  # when the procedure has a fee or a charge
                sc.rework = rng.random() < 0.08
                sc.rated = rng.random() < 0.8
            if status == Status.PAYMENT_REQUESTED:
                sc.payment = True
            if status == Status.WITHDRAWN:
                sc.after_receipt = rng.random() < 0.3
            if status == Status.STOPPED:
                sc.appraised = rng.random() < 0.5
            out.append(sc)
    # The demo citizen gets a handful that each show something different.
    wanted = list(CONGDAN_STATUSES[: max(3, min(len(CONGDAN_STATUSES), count // 45))]) if count >= 10 else []
    returned_seen = 0
    for sc in out:
        if sc.status in wanted and sc.mode not in ("stale", "overdue", "extended"):
            wanted.remove(sc.status)
            sc.congdan = True
            if sc.status == Status.RETURNED:
                sc.rated = returned_seen == 0  # one rated, the next ones left for him to rate
                returned_seen += 1
            if sc.status == Status.SUPPLEMENT_REQUESTED:
                sc.open_at_reception = False
    return out


# --- answers ------------------------------------------------------------------------------------------


CHOICE_PREFERENCES = {
    "marital_status": "single",
    "marriage_count": "first",
    "applicant_role": "self",
    "applicant_relationship": "self",
    "record_kind": "birth",
    "founded_by": "individual",
    "accommodation": "own",
    "birth_case": "birth_notice",
}


def _answer_data(
    schema: list[dict], rng: random.Random, people: dict[str, Persona], submitted: date, commune_name: str
) -> dict:
    """Form data (as a browser would post it) for every field that needs a value."""
    me = people["self"]
    data: dict = {}

    def person_for(key: str, group: str = "", row: int = 0) -> Persona:
        if group == "parties":
            return me if row == 0 else people["spouse"]
        if group in ("mother", "father"):
            wanted = "female" if group == "mother" else "male"
            return me if me.sex == wanted else people["spouse"]
        if key.startswith("child_"):
            return people["child"]
        return me

    def value(item: dict, person: Persona):
        key, kind = item["key"], item["type"]
        # A field its rules make required in some cases (the marital status's details) is filled too,
        # as a person would; left empty, the form refuses the answers whenever that case comes up.
        required = bool(item.get("required")) or any(
            rule.get("kind") == "required" for rule in item.get("rules") or []
        )
        if key == "marital_status_details":
            return people["spouse"].full_name
        source = item.get("prefill", "")
        if kind == "address" or source in ("permanent_address", "contact_address"):
            return person.address() if (required or source or kind == "address") else None
        if kind == "personal_id":
            return person.pid
        if kind == "phone":
            return me.phone if (required or source) else ""
        if kind == "email":
            return "" if not required else "nguoinop@example.vn"
        if kind == "date":
            if "birth" in key:
                return person.dob.isoformat()
            if "until" in key:
                return (submitted + timedelta(days=rng.randint(180, 720))).isoformat()
            if "start" in key:
                return (submitted + timedelta(days=rng.randint(3, 20))).isoformat()
            # A period in the past (a residence to confirm): its rules ask for both ends once a place is given.
            if key.endswith("_from"):
                return (submitted - timedelta(days=rng.randint(2000, 3000))).isoformat()
            if key.endswith("_to"):
                return (submitted - timedelta(days=rng.randint(60, 1900))).isoformat()
            return (submitted - timedelta(days=rng.randint(60, 3000))).isoformat() if required else ""
        if kind == "choice":
            values = [str(c[0]) if isinstance(c, list | tuple) else str(c) for c in item.get("choices") or []]
            if key.endswith("sex") or key == "side" or source == "sex":
                return person.sex if person.sex in values else values[0]
            if key == "declarant_relationship":
                return "mother" if me.sex == "female" else "father"
            preferred = CHOICE_PREFERENCES.get(key)
            if preferred in values and rng.random() < 0.8:
                return preferred
            return rng.choice(values) if required else ""
        if kind == "yesno":
            return "yes" if rng.random() < 0.6 else "no"
        if kind == "number":
            if "capital" in key:
                return str(rng.choice([30, 50, 100, 150, 200, 300]) * 1_000_000)
            if "employee" in key:
                return str(rng.randint(1, 6))
            if "cop" in key:
                return str(rng.randint(1, 3))
            return "1" if required else ""
        # text, textarea
        if "hộ kinh doanh" in item.get("pattern", "").lower() or key == "business_name":
            return f"Hộ kinh doanh {rng.choice(BUSINESS_NAMES)}"
        if "name" in key or source == "full_name":
            return person.full_name
        if "ethnic" in key:
            return "Kinh"
        if "national" in key:
            return "Việt Nam"
        if "place_of_birth" in key:
            return "Bệnh viện Sản - Nhi tỉnh Bắc Ninh"
        if "hometown" in key:
            return f"{commune_name}, tỉnh Bắc Ninh"
        if "relationship" in key:
            return "Chủ hộ"
        if "purpose" in key:
            return rng.choice(PURPOSES)
        if "authority" in key:
            return f"Ủy ban nhân dân {commune_name}"
        if "business_lines" in key:
            return rng.choice(BUSINESS_LINES)
        return "Không có" if required else ""

    def put(name: str, item: dict, person: Persona) -> None:
        answer = value(item, person)
        if isinstance(answer, dict):
            data[f"{name}_0"], data[f"{name}_1"], data[f"{name}_2"] = (
                answer["province_code"],
                answer["commune_code"],
                answer["street"],
            )
        elif answer not in (None, ""):
            data[name] = answer

    for item in schema:
        if item["type"] == "section":
            continue
        if item["type"] == "group":
            rows = int(item.get("min", 1))
            for row in range(rows):
                person = person_for("", item["key"], row)
                for inner in item["fields"]:
                    put(f"{item['key']}__{row}__{inner['key']}", inner, person)
            continue
        put(item["key"], item, person_for(item["key"]))
    return data


def _answers(
    schema: list[dict], rng: random.Random, people: dict[str, Persona], submitted: date, commune_name: str
) -> dict | None:
    form = DeclarationForm(schema, data=_answer_data(schema, rng, people, submitted, commune_name))
    if not form.is_valid():
        logger.warning("demo dossiers: answers refused by the form: %s", form.errors.as_json())
        return None
    return form.cleaned_answers()


# --- accounts -----------------------------------------------------------------------------------------


def _citizens(rng: random.Random, today: date) -> list[tuple[User, Persona]]:
    """The 40 demo citizens (no password, phone only) with their profiles; created once."""
    ward_codes = [f"{code:05d}" for code, _agency, _police in DEMO_COMMUNES]
    taken = set(User.objects.exclude(phone="").values_list("phone", flat=True))
    numbers = rng.sample(range(100000), 400)
    out = []
    for username in CITIZEN_USERNAMES:
        commune = ward_codes[0] if rng.random() < 0.75 else rng.choice(ward_codes[1:])
        persona = _persona(rng, commune_code=commune, today=today)
        user = User.objects.filter(username=username).first()
        if user is None:
            # The SMS simulator's test range (+84999000010…99 always "deliver"): never a real subscriber.
            phone = next(p for p in (f"+849990000{n % 90 + 10:02d}" for n in numbers) if p not in taken)
            taken.add(phone)
            user = User(username=username, full_name=persona.full_name, phone=phone, phone_verified=True)
            user.set_unusable_password()
            user.save()
            province = f"{PROVINCE_CODE:02d}"
            CitizenProfile.objects.create(
                user=user,
                personal_id=persona.pid,
                date_of_birth=persona.dob,
                sex=persona.sex,
                permanent_province_code=province,
                permanent_province_name=units.province_name(province) or "",
                permanent_commune_code=commune,
                permanent_commune_name=units.commune_name(province, commune) or "",
                permanent_street=persona.street,
            )
        else:
            profile = CitizenProfile.objects.filter(user=user).first()
            if profile and profile.personal_id and profile.date_of_birth and profile.sex:
                persona.pid, persona.dob, persona.sex = (
                    profile.personal_id,
                    profile.date_of_birth,
                    profile.sex,
                )
                persona.commune_code = profile.permanent_commune_code or persona.commune_code
            persona.full_name = user.full_name or persona.full_name
        persona.phone = user.phone
        out.append((user, persona))
    return out


def _staff(home: Agency) -> dict[int, dict[str, User]]:
    """Officer, specialist and leader per demo commune: the demo accounts at home, new ones elsewhere."""
    users = {u.username: u for u in User.objects.filter(username__in=HOME_STAFF.values())}
    missing = [name for name in HOME_STAFF.values() if name not in users]
    if missing:
        raise RuntimeError(
            f"Demo staff missing ({', '.join(missing)}): run demo.accounts.load_demo_users() first."
        )
    out = {home.pk: {role: users[name] for role, name in HOME_STAFF.items()}}
    roles = (StaffRole.ONE_STOP_OFFICER, StaffRole.SPECIALIST, StaffRole.LEADER)
    prefixes = {
        StaffRole.ONE_STOP_OFFICER: "motcua",
        StaffRole.SPECIALIST: "chuyenvien",
        StaffRole.LEADER: "lanhdao",
    }
    for agency in Agency.objects.filter(code__in=OTHER_STAFF):
        out[agency.pk] = {}
        for role, full_name in zip(roles, OTHER_STAFF[agency.code], strict=True):
            username = f"{prefixes[role]}-{agency.unit_code or agency.code}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, full_name=nfc(full_name), is_staff=True)
                user.set_unusable_password()
                user.save()
            StaffAssignment.objects.get_or_create(user=user, agency=agency, role=role)
            group = Group.objects.filter(name=ROLE_GROUPS[role]).first()
            if group is not None:
                user.groups.add(group)
            out[agency.pk][role] = user
    for agency_id, people in out.items():
        agency = home if agency_id == home.pk else Agency.objects.get(pk=agency_id)
        ensure_demo_departments(
            agency, specialists=[people[StaffRole.SPECIALIST]], leaders=[people[StaffRole.LEADER]]
        )
    return out


# --- planning -----------------------------------------------------------------------------------------


@dataclass
class ProcedureInfo:
    procedure: Procedure
    agencies: set[int]
    limit: Decimal
    paid: bool
    has_post: bool
    schema: list[dict] | None
    components: list
    weight: float
    department: dict[int, str]


def _procedures(home: Agency, agencies: list[Agency]) -> list[ProcedureInfo]:
    candidates = (
        Procedure.objects.filter(
            is_detailed=True, status=PublicationStatus.PUBLISHED, service_level__in=[3, 4], agencies=home
        )
        .prefetch_related("methods", "agencies", "components")
        .order_by("code")
    )
    ids = {a.pk for a in agencies}
    forms = {f.procedure_id: f for f in OnlineForm.objects.filter(procedure__in=candidates)}
    out = []
    for procedure in candidates:
        online = next((m for m in procedure.methods.all() if m.channel == Channel.ONLINE), None)
        if online is None:
            continue
        version = forms[procedure.pk].current_version() if procedure.pk in forms else None
        business = any(word in procedure.name.lower() for word in ("kinh doanh", "xây dựng", "đất đai"))
        department = {}
        for agency in agencies:
            ward = agency.unit_name.lower().startswith("phường")
            department[agency.pk] = (
                ("Phòng Kinh tế, Hạ tầng và Đô thị" if ward else "Phòng Kinh tế")
                if business
                else "Văn phòng HĐND và UBND"
            )
        out.append(
            ProcedureInfo(
                procedure=procedure,
                agencies={a.pk for a in procedure.agencies.all()} & ids,
                limit=Decimal(online.time_limit_days or 0),
                paid=(online.fee_vnd or 0) + (online.charge_vnd or 0) > 0,
                has_post=any(m.channel == Channel.POST for m in procedure.methods.all()),
                schema=version.schema if version else None,
                components=[c for c in procedure.components.all() if c.required and not c.case_group],
                weight=(1 + math.log10(1 + (procedure.popularity or 0))) ** 1.5,
                department=department,
            )
        )
    return out


def _eligible(sc: Scenario, info: ProcedureInfo, agency: Agency) -> bool:
    if agency.pk not in info.agencies:
        return False
    if sc.status == Status.PAYMENT_REQUESTED and not info.paid:
        return False
    needs_time = sc.status in (Status.RECEIVED, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED) or (
        sc.status == Status.PROCESSING and sc.mode in ("ontime", "extended")
    )
    return not (needs_time and info.limit < 3)


def _options(
    sc: Scenario, agency: Agency, pool: list[ProcedureInfo], excluded: set[int]
) -> list[ProcedureInfo]:
    return [p for p in pool if _eligible(sc, p, agency) and p.procedure.pk not in excluded]


def _plan(rng, cal, now, sc, user, persona, agency, home, pool, commune_names, excluded) -> Plan:
    options = _options(sc, agency, pool, excluded)
    if not options and agency != home:
        agency = home
        options = _options(sc, agency, pool, excluded)
    if not options:  # e.g. no paid procedure here: fall back to any procedure of the agency
        options = [
            p
            for p in pool
            if agency.pk in p.agencies
            and p.procedure.pk not in excluded
            and (p.paid or sc.status != Status.PAYMENT_REQUESTED)
        ]
    if not options:
        raise RuntimeError(f"demo dossiers: no procedure fits a dossier in status {sc.status}")
    info = options[0]
    wants_payment = sc.payment
    for attempt in range(120):
        if attempt % 20 == 0:
            info = rng.choices(options, weights=[p.weight for p in options])[0]
        sc.payment = wants_payment and info.paid
        strict = attempt < 90
        days = _start_days(rng, sc, info.limit, attempt)
        day = timezone.localdate(now - timedelta(days=days))
        start = _citizen_time(rng, day)
        if start >= now - timedelta(minutes=5):
            continue
        steps, new_due = _timeline(rng, cal, sc, start, info.limit)
        tl = Timeline(rng, cal, start)
        tl.steps = steps
        due = tl.due(info.limit)
        if not _acceptable(sc, steps, due, new_due, now, strict, cal):
            continue
        previous_due = due if new_due is not None else None
        if new_due is not None:
            due = new_due
        spouse = _persona(
            rng,
            sex="female" if persona.sex == "male" else "male",
            commune_code=persona.commune_code,
            dob=persona.dob + timedelta(days=rng.randint(-1500, 1500)),
            today=timezone.localdate(now),
        )
        father_family = persona.family if persona.sex == "male" else spouse.family
        child = _persona(
            rng,
            dob=start.date() - timedelta(days=rng.randint(5, 55)),
            family=father_family,
            commune_code=persona.commune_code,
            today=timezone.localdate(now),
        )
        answers = None
        if info.schema is not None:
            answers = _answers(
                info.schema,
                rng,
                {"self": persona, "spouse": spouse, "child": child},
                start.date(),
                commune_names.get(persona.commune_code, ""),
            )
            if answers is None:
                options = [p for p in options if p is not info] or options
                info = rng.choices(options, weights=[p.weight for p in options])[0]
                continue
        delivery = rng.choices(
            [Delivery.ONLINE, Delivery.COUNTER, Delivery.POST], weights=[55, 35, 10 if info.has_post else 0]
        )[0]
        address = {}
        if delivery == Delivery.POST:
            province = f"{PROVINCE_CODE:02d}"
            address = {
                "name": persona.full_name,
                "phone": persona.phone,
                "province_code": province,
                "province_name": units.province_name(province) or "",
                "commune_code": persona.commune_code,
                "commune_name": units.commune_name(province, persona.commune_code) or "",
                "street": persona.street,
            }
        rating = None
        if sc.status == Status.RETURNED and sc.rated:
            at = _citizen_time(
                rng, timezone.localtime(steps[-1].at).date() + timedelta(days=rng.randint(0, 3))
            )
            if at <= steps[-1].at:
                at = steps[-1].at + timedelta(minutes=rng.randint(10, 300))
            if at < now - timedelta(minutes=2):
                score = rng.choices([5, 4, 3], weights=[55, 30, 15])[0]
                rating = (score, rng.choice(RATING_COMMENTS), at.replace(microsecond=0))
        return Plan(
            scenario=sc,
            user=user,
            persona=persona,
            agency=agency,
            procedure=info.procedure,
            limit=info.limit,
            answers=answers,
            delivery=delivery,
            delivery_address=address,
            created_at=(start - timedelta(minutes=rng.randint(4, 45), seconds=rng.randint(0, 59))),
            steps=steps,
            components=info.components,
            due_at=due,
            new_due=new_due,
            previous_due=previous_due,
            rating=rating,
        )
    raise RuntimeError(f"demo dossiers: could not plan a dossier in status {sc.status}")


def _one_draft_at_a_time(plans: list[Plan]) -> list[Plan]:
    """A person has one open draft per procedure (``dossier_start`` resumes it): a later application
    for the same procedure starts once the earlier one is submitted. Plans sorted by submission."""
    submitted: dict[tuple[int, int], datetime] = {}
    kept = []
    for plan in plans:
        key = (plan.user.pk, plan.procedure.pk)
        earlier = submitted.get(key)
        if earlier is not None and plan.created_at <= earlier:
            if earlier >= plan.steps[0].at - timedelta(seconds=10):
                continue  # submitted the same moment as the earlier one: not a plausible story
            plan.created_at = earlier + (plan.steps[0].at - earlier) / 4
        submitted[key] = plan.steps[0].at
        kept.append(plan)
    return kept


# --- building through the services, at the planned times ------------------------------------------


def _build_all(plans: list[Plan], staff: dict[int, dict[str, User]], departments: dict) -> None:
    """Make every demo dossier with the real services, each call with ``now`` = its planned moment, and
    every action of every dossier in the order it happened: the daily code counters, the log book's
    series and the form numbers therefore count them in time order, as they would have live. Nothing is
    rewritten afterwards.
    """
    agenda: list[tuple[datetime, int, int, Callable[[], None]]] = []
    for order, plan in enumerate(plans):
        people = staff[plan.agency.pk]
        department = departments[plan.procedure.pk][plan.agency.pk]
        agenda.append((plan.created_at, order, -1, functools.partial(_draft, plan)))
        agenda.append((plan.steps[0].at, order, 0, functools.partial(_submit, plan)))
        for index, step in enumerate(plan.steps[1:], start=1):
            agenda.append((step.at, order, index, functools.partial(_act, plan, step, people, department)))
        if plan.rating is not None:
            agenda.append((plan.rating[2], order, 999, functools.partial(_rate, plan)))
    agenda.sort(key=lambda entry: entry[:3])
    for _at, _order, _index, do in agenda:
        do()
    for plan in plans:
        _remember_reminder(plan)


def _draft(plan: Plan) -> None:
    """The draft: agency, answers, documents and delivery, between its creation and the submission."""
    created, submitted_at = plan.created_at, plan.steps[0].at
    moments = iter(
        created + (submitted_at - created) * (n + 1) / (len(plan.components) + 4) for n in range(99)
    )
    dossier = services.dossier_start(user=plan.user, procedure=plan.procedure, now=created)
    services.draft_save_agency(dossier=dossier, agency=plan.agency, now=next(moments))
    if plan.answers is not None and dossier.form_version_id:
        services.draft_save_answers(dossier=dossier, answers=plan.answers, now=next(moments))
    # The documents these answers make required (the declaration replaces the paper form).
    needed = [need.component for need in requirements.dossier_component_needs(dossier) if need.required]
    for component in needed or plan.components:
        services.draft_add_file(
            dossier=dossier, component=component, upload=_upload(component.name), now=next(moments)
        )
    services.draft_save_delivery(
        dossier=dossier, delivery=plan.delivery, address=plan.delivery_address, now=next(moments)
    )
    plan.dossier_id = dossier.pk


def _submit(plan: Plan) -> None:
    dossier = services.dossier_submit(
        dossier=Dossier.objects.get(pk=plan.dossier_id),
        user=plan.user,
        submission_key=uuid.uuid4(),
        declaration_accepted=True,
        now=plan.steps[0].at,
    )
    plan.code = dossier.code


def _act(plan: Plan, step: Step, staff: dict[str, User], department: str) -> None:
    actor = staff.get(step.actor)
    pk, reason, now, action = plan.dossier_id, step.extra.get("reason", ""), step.at, step.action
    rng = random.Random(f"{plan.code}-{action}-{now.isoformat()}")
    # The officer acts on the dossier as their page shows it now: the lock applies to the demo too.
    version = Dossier.objects.values_list("version", flat=True).get(pk=pk)
    act = functools.partial(
        processing.dossier_act, action, dossier_id=pk, actor=actor, expected_version=version, now=now
    )
    if action == "receive":
        act()
    elif action == "request_supplement":
        missing = [f"{c.name} (bản chụp rõ nét)" for c in plan.components[:1]] or [
            "Tờ khai có chữ ký của người yêu cầu"
        ]
        processing.dossier_request_supplement(
            dossier_id=pk,
            actor=actor,
            expected_version=version,
            missing=missing,
            reason=rng.choice(SUPPLEMENT_REASONS),
            now=now,
        )
    elif action == "answer_supplement":
        component = plan.components[0] if plan.components else None
        services.dossier_answer_supplement(
            dossier=Dossier.objects.get(pk=pk),
            user=plan.user,
            expected_version=version,
            note=rng.choice(SUPPLEMENT_NOTES),
            uploads=[(component, _upload(component.name if component else "bo-sung"))],
            now=now,
        )
    elif action in ("refuse", "stop", "withdraw", "return_for_rework"):
        act(reason=reason)
    elif action == "assign":
        processing.dossier_assign(
            dossier_id=pk,
            actor=actor,
            expected_version=version,
            department=department,
            assignee=staff[StaffRole.SPECIALIST],
            now=now,
        )
    elif action == "appraise":
        act(internal_note="Hồ sơ đầy đủ, hợp lệ; đủ điều kiện giải quyết.")
    elif action == "submit_for_approval":
        # The leader never approves blind: the specialist attaches the result draft.
        processing.dossier_submit_for_approval(
            dossier_id=pk,
            actor=actor,
            expected_version=version,
            opinion="Kính trình lãnh đạo xem xét, ký duyệt.",
            result_draft=None if _has_draft(pk) else _upload("du-thao-ket-qua"),
            now=now,
        )
    elif action == "approve":
        act(internal_note="Đồng ý.")
    elif action == "request_payment":
        act(note_to_applicant="Đề nghị nộp phí, lệ phí trực tuyến hoặc tại Bộ phận Một cửa.")
    elif action == "payment_received":
        act()
    elif action == "extend":
        act(reason=reason, new_due=plan.new_due)
    elif action == "result_ready":
        processing.dossier_result_ready(
            dossier_id=pk,
            actor=actor,
            expected_version=version,
            # An online return needs the electronic result: the demo attaches one.
            result_file=_upload("ket-qua") if plan.delivery == Delivery.ONLINE else None,
            now=now,
        )
    elif action == "return_result":
        act(method=plan.delivery)
    else:
        raise ValueError(action)


def _rate(plan: Plan) -> None:
    score, comment, rated_at = plan.rating
    services.dossier_rate(
        dossier=Dossier.objects.get(pk=plan.dossier_id),
        user=plan.user,
        score=score,
        comment=comment,
        now=rated_at,
    )


def _remember_reminder(plan: Plan) -> None:
    """A supplement request still unanswered after 3 working days: the daily job would already have
    reminded the applicant (what that job records on the request; its message is not sent here)."""
    last = plan.steps[-1]
    if last.action != "request_supplement":
        return
    cal = workdays.WorkCalendar.load()
    asked = timezone.localtime(last.at).date()
    if cal.working_days_between(asked, timezone.localdate()) >= 3:
        event = DossierEvent.objects.filter(dossier_id=plan.dossier_id, action="request_supplement").last()
        event.data = {**event.data, "reminded": cal.add_working_days(asked, 3).isoformat()}
        event.save(update_fields=["data"])


def _has_draft(dossier_id: int) -> bool:
    return DossierFile.objects.filter(dossier_id=dossier_id, purpose="result_draft").exists()


# --- entry point --------------------------------------------------------------------------------------


def load_demo_dossiers(count: int = 300, seed: int = 7) -> int:
    """Like :func:`_load_demo_dossiers`, without rendering hundreds of form PDFs along the way."""
    from dossiers.forms_service import rendering_enabled

    token = rendering_enabled.set(False)
    try:
        return _load_demo_dossiers(count=count, seed=seed)
    finally:
        rendering_enabled.reset(token)


def _load_demo_dossiers(count: int = 300, seed: int = 7) -> int:
    """Create ``count`` demo dossiers (statuses 1–10) over the last six months; returns how many.

    Needs the demo catalogue and online forms, and the demo users (``demo.accounts.load_demo_users``).
    Does nothing and returns 0 when the demo citizens already have dossiers.
    """
    if count <= 0 or Dossier.objects.filter(applicant__username__in=CITIZEN_USERNAMES).exists():
        return 0
    home = Agency.objects.filter(code=HOME_AGENCY).first()
    congdan = User.objects.filter(username="congdan").first()
    if home is None or congdan is None:
        raise RuntimeError("Load the demo catalogue and the demo users before the demo dossiers.")
    started = clock.monotonic()
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    cal = workdays.WorkCalendar.load()
    # One INFO line per action, task and PDF would flood the console (thousands of lines).
    quiet = {name: logging.getLogger(name) for name in QUIET_LOGGERS}
    previous_levels = {name: log.level for name, log in quiet.items()}
    for log in quiet.values():
        log.setLevel(max(logging.WARNING, log.level))
    try:
        with transaction.atomic():
            agencies = list(Agency.objects.filter(code__in=[HOME_AGENCY, *OTHER_STAFF]))
            by_commune = {a.unit_code: a for a in agencies}
            commune_names = {
                f"{code:05d}": by_commune[f"{code:05d}"].unit_name
                for code, _a, _p in DEMO_COMMUNES
                if f"{code:05d}" in by_commune
            }
            staff = _staff(home)
            citizens = _citizens(rng, timezone.localdate(now))
            pool = _procedures(home, agencies)
            if not pool:
                raise RuntimeError("No level 3–4 demo procedure with an online method at the demo agency.")
            congdan_persona = _persona(
                random.Random(seed + 1),
                sex="male",
                commune_code=f"{DEMO_COMMUNES[0][0]:05d}",
                today=timezone.localdate(now),
            )
            congdan_persona.full_name, congdan_persona.phone = (
                congdan.full_name or congdan_persona.full_name,
                congdan.phone,
            )
            congdan_drafts = set(
                Dossier.objects.filter(applicant=congdan, status=Status.DRAFT).values_list(
                    "procedure_id", flat=True
                )
            )
            # A few people file a lot, most file once or twice.
            weights = [rng.paretovariate(1.6) for _ in citizens]
            plans = []
            # The demo staff's desk shows every status (a new dossier to receive included), whatever
            # agencies the random citizens happen to live in: the first dossier of each status is theirs.
            home_statuses: set[int] = set()
            for sc in _scenarios(rng, count):
                if sc.congdan:
                    user, persona = congdan, congdan_persona
                else:
                    user, persona = rng.choices(citizens, weights=weights)[0]
                agency = home if sc.congdan else by_commune.get(persona.commune_code, home)
                if sc.status not in home_statuses:
                    agency = home
                if agency == home:
                    home_statuses.add(sc.status)
                excluded = congdan_drafts if sc.congdan else set()
                plans.append(
                    _plan(rng, cal, now, sc, user, persona, agency, home, pool, commune_names, excluded)
                )
            plans = _one_draft_at_a_time(sorted(plans, key=lambda p: p.steps[0].at))
            departments = {p.procedure.pk: p.department for p in pool}
            _build_all(plans, staff, departments)
            # The messages carry build-time dates and codes: drop them before commit, so nothing is sent.
            Message.objects.filter(
                related_type=ContentType.objects.get_for_model(Dossier),
                related_id__in=[str(p.dossier_id) for p in plans],
            ).delete()
    finally:
        for name, log in quiet.items():
            log.setLevel(previous_levels[name])
    logger.debug("demo dossiers: %d created in %.1f s", len(plans), clock.monotonic() - started)
    return len(plans)


__all__ = ["CITIZEN_USERNAMES", "load_demo_dossiers"]
