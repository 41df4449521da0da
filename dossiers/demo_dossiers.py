"""Demo dossiers: a few hundred realistic dossiers so the officer's queue, deadlines and statistics
look real on first start (``load_demo`` calls :func:`load_demo_dossiers` after the demo users).

How they are made
    Every dossier goes through the real services, in the order a real one would: ``dossier_start``,
    agency, answers (validated by the real declaration form), a small PDF for each required
    document, delivery, ``dossier_submit``, then the processing services with the demo staff as
    actors (receive, assign, appraise, approve, supplement requests and the applicant's answers,
    payment, extension, stop, refusal, withdrawal, result, return) and the applicant's rating.

    The services stamp everything "now". Each dossier has a planned timeline over the last six
    months (officers act in working hours on working days, applicants at any hour), and afterwards
    the timestamps are moved onto it with ``update()``: events, audit entries, files, rating, and the
    dossier's own dates. Dates that are derived are recomputed from the moved receipt time, exactly as
    the services compute them: acceptance due date (8 working hours), result due date in working days
    pushed by the working days the clock was stopped (``dossiers.workdays``), logbook number.
    Codes come from the real counter for the *planned* submission day (``dossier_code_next``); the
    number the build took from today's counter is given back first, so every counter stays gap-free.
    Dossiers are built in order of planned submission, so numbers follow submission times.

    Event data holding a date follows too: an extension's ``new_due``; an unanswered supplement
    request older than 3 working days is marked ``reminded`` as the daily job would have done.

Notifications
    The services write outbox messages as they go. Their text carries build-time dates, so they are
    deleted before the transaction commits: nothing is sent for demo dossiers (not even to the
    simulator), whatever the SMS and email settings. Every later action on a demo dossier notifies
    normally.

Forms 01–05
    The actions queue ``dossiers.render_form`` at commit, as always; it renders from the dossier as
    it is then, i.e. already moved in time. When those renders run in-process (eager tasks, the
    development default) the stored files are dated like their events afterwards. Rendering is most of
    the loading time (about 0.1 s per form, one per receipt plus requests, refusals, extensions, stops).

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

import logging
import math
import random
import time as clock
import uuid
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
from notifications.models import Message
from portal.text import nfc
from procedures.constants import Channel, PublicationStatus
from procedures.demo import DEMO_COMMUNES, PROVINCE_CODE
from procedures.models import Agency, Procedure

from . import processing, services, workdays
from .constants import ACTIONS, CLOCK_STOPPED, Delivery, Status
from .declaration import DeclarationForm
from .models import AuditEntry, Dossier, DossierEvent, DossierFile, OnlineForm, Rating

logger = logging.getLogger(__name__)

HOME_AGENCY = "000.21.01.H24"  # Phường Kinh Bắc: where the demo staff work
HOME_STAFF = {
    StaffRole.ONE_STOP_OFFICER: "motcua",
    StaffRole.SPECIALIST: "chuyenvien",
    StaffRole.LEADER: "lanhdao",
}
# Staff for the other demo communes (no password: they exist so their dossiers can be processed).
OTHER_STAFF = {
    "000.21.02.H24": ("Ngô Thị Hạnh", "Vũ Đức Long", "Đặng Văn Hùng"),
    "000.22.01.H24": ("Bùi Thị Thu", "Phan Minh Tuấn", "Nguyễn Hữu Nghĩa"),
    "000.23.01.H24": ("Lương Thị Mai", "Trịnh Quang Huy", "Đào Xuân Thịnh"),
}
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

FAMILY_NAMES = [
    ("Nguyễn", 30),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Vũ", 4),
    ("Đỗ", 4),
    ("Ngô", 3),
    ("Bùi", 3),
    ("Đặng", 3),
    ("Dương", 2),
    ("Đào", 2),
    ("Nguyễn Đình", 1),
    ("Lưu", 1),
    ("Trịnh", 1),
    ("Phan", 2),
]
MIDDLE = {
    "male": ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Tiến", "Thanh", "Ngọc", "Công", "Duy"],
    "female": [
        "Thị",
        "Thị",
        "Thị",
        "Thu",
        "Ngọc",
        "Thanh",
        "Minh",
        "Phương",
        "Hồng",
        "Bích",
        "Thùy",
        "Khánh",
    ],
}
GIVEN = {
    "male": [
        "An",
        "Bảo",
        "Cường",
        "Dũng",
        "Đạt",
        "Hải",
        "Hiếu",
        "Hoàng",
        "Huy",
        "Khánh",
        "Long",
        "Mạnh",
        "Nam",
        "Phong",
        "Quân",
        "Sơn",
        "Thắng",
        "Trung",
        "Tuấn",
        "Việt",
        "Thành",
        "Kiên",
    ],
    "female": [
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hằng",
        "Hoa",
        "Huyền",
        "Lan",
        "Linh",
        "Mai",
        "Ngọc",
        "Nhung",
        "Oanh",
        "Phương",
        "Quỳnh",
        "Thảo",
        "Trang",
        "Vân",
        "Yến",
        "Hạnh",
        "Thu",
    ],
}
STREETS = [
    "đường Nguyễn Gia Thiều",
    "đường Ngô Gia Tự",
    "đường Lý Thái Tổ",
    "đường Trần Hưng Đạo",
    "đường Nguyễn Trãi",
    "phố Hai Bà Trưng",
    "đường Kinh Dương Vương",
    "đường Nguyễn Đăng Đạo",
    "đường Lê Thái Tổ",
    "phố Huyền Quang",
    "phố Thiên Đức",
    "phố Cổng Ô",
    "đường Ngọc Hân Công Chúa",
    "phố Vũ Kiệt",
    "đường Hoàng Quốc Việt",
]
BIRTH_PROVINCES = ["027"] * 7 + [
    "001",
    "024",
    "030",
    "033",
]  # Bắc Ninh mostly; Hà Nội, Bắc Giang, Hải Dương, Hưng Yên
BUSINESS_NAMES = [
    "Tạp hóa Minh Anh",
    "Quán phở Kinh Bắc",
    "Cà phê Phố Cổ",
    "Sửa xe Hùng Cường",
    "Tiệm may Thu Hà",
    "Văn phòng phẩm Ánh Dương",
    "Bánh phu thê Đình Bảng",
    "Điện máy Phúc An",
]
BUSINESS_LINES = [
    "Bán lẻ lương thực, thực phẩm, đồ uống trong cửa hàng",
    "Dịch vụ ăn uống",
    "Sửa chữa mô tô, xe máy",
    "May trang phục",
    "Bán lẻ văn phòng phẩm",
    "Sản xuất bánh truyền thống",
]
PURPOSES = [
    "Bổ sung hồ sơ xin việc",
    "Làm thủ tục đăng ký kết hôn",
    "Bổ sung hồ sơ vay vốn ngân hàng",
    "Làm hồ sơ du học",
    "Hoàn thiện hồ sơ nhập học cho con",
    "Giải quyết thủ tục thừa kế",
]
SUPPLEMENT_REASONS = [
    "Bản chụp bị mờ, không đọc được thông tin",
    "Giấy tờ đã hết hạn sử dụng",
    "Thông tin trên giấy tờ không khớp với tờ khai",
    "Thiếu trang, cần chụp đủ các trang",
    "Chưa có chữ ký của người yêu cầu",
]
SUPPLEMENT_NOTES = [
    "Tôi đã chụp lại rõ nét và tải lên.",
    "Đã bổ sung đủ các trang.",
    "Gửi lại giấy tờ còn hiệu lực.",
    "Đã ký và tải lại tờ khai.",
    "Bổ sung theo hướng dẫn của cán bộ.",
]
REFUSE_REASONS = [
    "Hồ sơ không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã nơi nộp.",
    "Người yêu cầu đã đăng ký việc hộ tịch này tại cơ quan khác.",
    "Thông tin trên tờ khai không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
    "Người nộp không phải là người có quyền yêu cầu thực hiện thủ tục.",
]
WITHDRAW_REASONS = [
    "Nộp nhầm thủ tục.",
    "Đã làm trực tiếp tại Bộ phận Một cửa.",
    "Cần sửa lại thông tin trên tờ khai.",
    "Gia đình thay đổi kế hoạch, chưa cần giấy tờ này.",
]
STOP_REASONS = [
    "Người yêu cầu không bổ sung giấy tờ theo yêu cầu trong thời hạn.",
    "Kết quả xác minh cho thấy giấy tờ trong hồ sơ không hợp lệ.",
    "Người yêu cầu đề nghị dừng giải quyết bằng văn bản.",
]
EXTEND_REASONS = [
    "Cần xác minh thêm thông tin tại nơi cư trú trước đây của người yêu cầu.",
    "Chờ kết quả xác minh của cơ quan có liên quan.",
    "Hệ thống Cơ sở dữ liệu hộ tịch điện tử gián đoạn, chưa cập nhật được dữ liệu.",
]
REWORK_REASONS = [
    "Dự thảo kết quả ghi sai ngày sinh, đề nghị kiểm tra lại.",
    "Bổ sung căn cứ pháp lý trong dự thảo.",
    "Thông tin nơi cư trú trong dự thảo chưa thống nhất với tờ khai.",
]
RATING_COMMENTS = [
    "Cán bộ hướng dẫn nhiệt tình.",
    "Nhận kết quả đúng hẹn.",
    "Thủ tục nhanh gọn, không phải đi lại nhiều.",
    "Mong được nhắn tin báo trước khi có kết quả.",
    "",
    "",
    "",
]


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
        key, kind, required = item["key"], item["type"], bool(item.get("required"))
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
            f"Demo staff missing ({', '.join(missing)}): run accounts.demo.load_demo_users() first."
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
            rating=rating,
        )
    raise RuntimeError(f"demo dossiers: could not plan a dossier in status {sc.status}")


# --- building through the services --------------------------------------------------------------------


def _recode(dossier: Dossier, day: date) -> str:
    """Give back the number the submission took today and take the next one of the planned day."""
    from .models import DossierSequence

    _agency, taken_day, number = dossier.code.rsplit("-", 2)
    taken = datetime.strptime(taken_day, "%y%m%d").date()
    n = int(number)
    DossierSequence.objects.filter(agency_id=dossier.agency_id, day=taken, last=n).update(last=n - 1)
    code = services.dossier_code_next(agency=dossier.agency, day=day)
    DossierSequence.objects.filter(agency_id=dossier.agency_id, day=taken, last=0).delete()
    Dossier.objects.filter(pk=dossier.pk).update(code=code)
    dossier.code = code
    return code


def _build(plan: Plan, staff: dict[str, User], department: str) -> None:
    user = plan.user
    dossier = services.dossier_start(user=user, procedure=plan.procedure)
    services.draft_save_agency(dossier=dossier, agency=plan.agency)
    if plan.answers is not None and dossier.form_version_id:
        services.draft_save_answers(dossier=dossier, answers=plan.answers)
    for component in plan.components:
        services.draft_add_file(dossier=dossier, component=component, upload=_upload(component.name))
    services.draft_save_delivery(dossier=dossier, delivery=plan.delivery, address=plan.delivery_address)
    dossier = services.dossier_submit(
        dossier=dossier, user=user, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    plan.dossier_id = dossier.pk
    plan.code = _recode(dossier, timezone.localtime(plan.steps[0].at).date())
    status = Status.SUBMITTED
    rng = random.Random(plan.code)
    for step in plan.steps[1:]:
        actor = staff.get(step.actor)
        pk, reason = dossier.pk, step.extra.get("reason", "")
        action = step.action
        if action == "receive":
            processing.dossier_receive(dossier_id=pk, actor=actor)
        elif action == "request_supplement":
            missing = [f"{c.name} (bản chụp rõ nét)" for c in plan.components[:1]] or [
                "Tờ khai có chữ ký của người yêu cầu"
            ]
            processing.dossier_request_supplement(
                dossier_id=pk,
                actor=actor,
                expected_status=status,
                missing=missing,
                reason=rng.choice(SUPPLEMENT_REASONS),
            )
        elif action == "answer_supplement":
            component = plan.components[0] if plan.components else None
            services.dossier_answer_supplement(
                dossier=Dossier.objects.get(pk=pk),
                user=user,
                note=rng.choice(SUPPLEMENT_NOTES),
                uploads=[(component, _upload(component.name if component else "bo-sung"))],
            )
        elif action == "refuse":
            processing.dossier_refuse(dossier_id=pk, actor=actor, reason=reason)
        elif action == "assign":
            processing.dossier_assign(
                dossier_id=pk,
                actor=actor,
                expected_status=status,
                department=department,
                assignee=staff[StaffRole.SPECIALIST],
            )
        elif action == "appraise":
            processing.dossier_appraise(
                dossier_id=pk, actor=actor, internal_note="Hồ sơ đầy đủ, hợp lệ; đủ điều kiện giải quyết."
            )
        elif action == "submit_for_approval":
            processing.dossier_submit_for_approval(
                dossier_id=pk, actor=actor, internal_note="Kính trình lãnh đạo xem xét, ký duyệt."
            )
        elif action == "approve":
            processing.dossier_approve(dossier_id=pk, actor=actor, internal_note="Đồng ý.")
        elif action == "return_for_rework":
            processing.dossier_return_for_rework(dossier_id=pk, actor=actor, reason=reason)
        elif action == "request_payment":
            processing.dossier_request_payment(
                dossier_id=pk,
                actor=actor,
                note_to_applicant="Đề nghị nộp phí, lệ phí trực tuyến hoặc tại Bộ phận Một cửa.",
            )
        elif action == "payment_received":
            processing.dossier_payment_received(dossier_id=pk, actor=actor)
        elif action == "stop":
            processing.dossier_stop(dossier_id=pk, actor=actor, reason=reason)
        elif action == "extend":
            # The service only extends an overdue dossier to a later date: make it so at build time;
            # both dates are replaced by the planned ones afterwards.
            Dossier.objects.filter(pk=pk).update(due_at=timezone.now() - timedelta(minutes=1))
            processing.dossier_extend(
                dossier_id=pk,
                actor=actor,
                expected_status=status,
                new_due=timezone.now() + timedelta(days=1),
                reason=reason,
            )
        elif action == "result_ready":
            processing.dossier_result_ready(dossier_id=pk, actor=actor)
        elif action == "return_result":
            processing.dossier_return_result(dossier_id=pk, actor=actor, method=plan.delivery)
        elif action == "withdraw":
            processing.dossier_withdraw_on_request(
                dossier_id=pk, actor=actor, expected_status=status, reason=reason
            )
        else:
            raise ValueError(action)
        status = step.status
    if plan.rating is not None:
        score, comment, _at = plan.rating
        services.dossier_rate(
            dossier=Dossier.objects.get(pk=dossier.pk), user=user, score=score, comment=comment
        )


def _move_event_data(step: Step, event_id: int, plan: Plan, cal, today: date) -> None:
    """Event data that holds a date: the extension's new due date, the supplement reminder."""
    if step.action == "extend" and plan.new_due is not None:
        event = DossierEvent.objects.get(pk=event_id)
        DossierEvent.objects.filter(pk=event_id).update(
            data={**event.data, "new_due": plan.new_due.isoformat()}
        )
    if step.action == "request_supplement" and step is plan.steps[-1]:
        # Still unanswered: after 3 working days the daily job would already have reminded the applicant.
        asked = timezone.localtime(step.at).date()
        if cal.working_days_between(asked, today) >= 3:
            event = DossierEvent.objects.get(pk=event_id)
            reminded = cal.add_working_days(asked, 3).isoformat()
            DossierEvent.objects.filter(pk=event_id).update(data={**event.data, "reminded": reminded})


def _stamp_rendered_forms(dossier_ids: list[int]) -> None:
    """Forms 01–05 are rendered after commit (``dossiers.render_form``); when that ran in-process
    (eager tasks, the development default) date each file like its event, as a live render would be."""
    files = DossierFile.objects.filter(dossier_id__in=dossier_ids, purpose__startswith="form").values_list(
        "pk", "original_name"
    )
    event_ids = {}
    for pk, name in files:
        tail = name.rsplit("-", 1)[-1].removesuffix(".pdf")  # mau-01-<code>-<event id>.pdf
        if tail.isdigit():
            event_ids[pk] = int(tail)
    moments = dict(DossierEvent.objects.filter(pk__in=set(event_ids.values())).values_list("pk", "at"))
    stamped = [
        DossierFile(pk=pk, uploaded_at=moments[e] + timedelta(seconds=20))
        for pk, e in event_ids.items()
        if e in moments
    ]
    DossierFile.objects.bulk_update(stamped, ["uploaded_at"], batch_size=500)


def _move_in_time(plans: list[Plan], cal, today: date) -> None:
    """Put every timestamp the services wrote onto the planned timeline."""
    ids = [p.dossier_id for p in plans]
    events: dict[int, list[int]] = {}
    for dossier_id, event_id in (
        DossierEvent.objects.filter(dossier_id__in=ids)
        .order_by("dossier_id", "id")
        .values_list("dossier_id", "id")
    ):
        events.setdefault(dossier_id, []).append(event_id)
    audits: dict[int, list[int]] = {}
    for dossier_id, entry_id in (
        AuditEntry.objects.filter(dossier_id__in=ids)
        .order_by("dossier_id", "id")
        .values_list("dossier_id", "id")
    ):
        audits.setdefault(dossier_id, []).append(entry_id)
    files: dict[tuple[int, str], list[int]] = {}
    for dossier_id, purpose, file_id in (
        DossierFile.objects.filter(dossier_id__in=ids)
        .order_by("id")
        .values_list("dossier_id", "purpose", "id")
    ):
        files.setdefault((dossier_id, purpose), []).append(file_id)
    ratings = dict(Rating.objects.filter(dossier_id__in=ids).values_list("dossier_id", "id"))

    moved_events, moved_audits, moved_files, moved_ratings = [], [], [], []
    for plan in plans:
        pk, steps = plan.dossier_id, plan.steps
        times = [plan.created_at, *(s.at for s in steps)]
        if len(events.get(pk, [])) != len(times):
            raise RuntimeError(
                f"demo dossier {plan.code}: {len(events.get(pk, []))} events for {len(times)} planned"
            )
        moved_events += [DossierEvent(pk=i, at=t) for i, t in zip(events[pk], times, strict=True)]
        for step, event_id in zip(steps, events[pk][1:], strict=True):
            _move_event_data(step, event_id, plan, cal, today)
        acted = [s.at for s in steps if s.action in ACTIONS]
        moved_audits += [AuditEntry(pk=i, at=t) for i, t in zip(audits.get(pk, []), acted, strict=True)]
        uploads = files.get((pk, "application"), [])
        span = (steps[0].at - plan.created_at) / (len(uploads) + 1)
        moved_files += [
            DossierFile(pk=i, uploaded_at=plan.created_at + span * (n + 1)) for n, i in enumerate(uploads)
        ]
        answered = [s.at - timedelta(seconds=30) for s in steps if s.action == "answer_supplement"]
        moved_files += [
            DossierFile(pk=i, uploaded_at=t)
            for i, t in zip(files.get((pk, "supplement"), []), answered, strict=True)
        ]
        if plan.rating is not None:
            moved_ratings.append(Rating(pk=ratings[pk], created_at=plan.rating[2]))

        at = {s.action: s.at for s in reversed(steps)}  # first occurrence of each action
        submitted, received = steps[0].at, at.get("receive")
        completed = next(
            (s.at for s in steps if s.action in ("refuse", "stop", "result_ready", "withdraw")), None
        )
        fields = {
            "created_at": plan.created_at,
            "updated_at": steps[-1].at,
            "submitted_at": submitted,
            "acceptance_due_at": workdays.add_working_hours(submitted, 8, calendar=cal),
            "received_at": received,
            "due_at": plan.due_at if received else None,
            "completed_at": completed,
            "returned_at": at.get("return_result"),
        }
        if received:
            fields["logbook_number"] = f"{timezone.localtime(received):%Y}/{plan.code.rsplit('-', 1)[-1]}"
        Dossier.objects.filter(pk=pk).update(**fields)
    DossierEvent.objects.bulk_update(moved_events, ["at"], batch_size=500)
    AuditEntry.objects.bulk_update(moved_audits, ["at"], batch_size=500)
    DossierFile.objects.bulk_update(moved_files, ["uploaded_at"], batch_size=500)
    Rating.objects.bulk_update(moved_ratings, ["created_at"], batch_size=500)


# --- entry point --------------------------------------------------------------------------------------


def load_demo_dossiers(count: int = 300, seed: int = 7) -> int:
    """Like :func:`_load_demo_dossiers`, without rendering hundreds of form PDFs along the way."""
    from .forms_service import rendering_enabled

    token = rendering_enabled.set(False)
    try:
        return _load_demo_dossiers(count=count, seed=seed)
    finally:
        rendering_enabled.reset(token)


def _load_demo_dossiers(count: int = 300, seed: int = 7) -> int:
    """Create ``count`` demo dossiers (statuses 1–10) over the last six months; returns how many.

    Needs the demo catalogue and online forms, and the demo users (``accounts.demo.load_demo_users``).
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
            for sc in _scenarios(rng, count):
                if sc.congdan:
                    user, persona = congdan, congdan_persona
                else:
                    user, persona = rng.choices(citizens, weights=weights)[0]
                agency = home if sc.congdan else by_commune.get(persona.commune_code, home)
                excluded = congdan_drafts if sc.congdan else set()
                plans.append(
                    _plan(rng, cal, now, sc, user, persona, agency, home, pool, commune_names, excluded)
                )
            plans.sort(key=lambda p: p.steps[0].at)
            departments = {p.procedure.pk: p.department for p in pool}
            for plan in plans:
                _build(plan, staff[plan.agency.pk], departments[plan.procedure.pk][plan.agency.pk])
            _move_in_time(plans, cal, timezone.localdate(now))
            # The messages carry build-time dates and codes: drop them before commit, so nothing is sent.
            Message.objects.filter(
                related_type=ContentType.objects.get_for_model(Dossier),
                related_id__in=[str(p.dossier_id) for p in plans],
            ).delete()
            # Registered last, so it runs after the form renders queued by the actions above.
            ids = [p.dossier_id for p in plans]
            transaction.on_commit(lambda: _stamp_rendered_forms(ids), robust=True)
    finally:
        for name, log in quiet.items():
            log.setLevel(previous_levels[name])
    logger.debug("demo dossiers: %d created in %.1f s", len(plans), clock.monotonic() - started)
    return len(plans)


__all__ = ["CITIZEN_USERNAMES", "load_demo_dossiers"]
