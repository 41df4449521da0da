"""The one-stop-shop forms of Circular 03/2025/TT-VPCP (Phụ lục I, mẫu số 01–07) as PDFs.

Pure functions: each reads the dossier (and what the officer typed), builds a context of plain
NFC strings and returns the PDF bytes from ``core.pdf.render_to_pdf``. Nothing is saved and
nobody is notified; the processing services decide when a form is issued and keep the copy.

Shared layout: ``templates/pdf/base.html`` (agency block, national title and motto, "Số:" = the
dossier code, place and date) and one template per form under ``templates/pdf/forms/``; the
"Mẫu số 0N" reference sits top right of the first page. Dates read "ngày 05 tháng 02 năm 2026"
(leading zero for days below 10 and for months 1 and 2, as ``base.html`` does), times
"14 giờ 05 phút", always in the portal's local time zone.

| function | form |
|---|---|
| ``form01_receipt`` | 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả |
| ``form02_supplement`` | 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ |
| ``form03_refusal`` | 03 Phiếu từ chối tiếp nhận, giải quyết hồ sơ |
| ``form04_apology`` | 04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết |
| ``form05_stop`` | 05 Thông báo dừng giải quyết hồ sơ |
| ``form06_control_slip`` | 06 Phiếu kiểm soát quá trình giải quyết hồ sơ |
| ``form07_logbook`` / ``form07_logbook_csv`` | 07 Sổ theo dõi hồ sơ (A4 ngang / CSV) |
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from core.links import absolute_url
from core.pdf import nfc_context, qr_data_uri, render_to_pdf
from core.people import display_name, format_vn_phone
from core.text import nfc

from .constants import APPLICANT_FILE_PURPOSES, Delivery, EventKind, Status
from .models import Dossier, DossierEvent
from .registers import split_logbook
from .transitions import label as transition_label

EARLY, ON_TIME, LATE = "Trước hạn", "Đúng hạn", "Quá hạn"

# Only dossiers with a result are graded early / on time / late.
_GRADED_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED})

LOGBOOK_COLUMNS = (
    "STT",
    "Số sổ",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Người nộp",
    "Địa chỉ, số điện thoại",
    "Số bộ",
    "Ngày nhận",
    "Hạn trả",
    "Phòng xử lý",
    "Ngày có kết quả",
    "Ngày trả",
    "Trạng thái",
    "Ghi chú",
)


# --- formatting -------------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def vn_date(value: date | datetime | None) -> str:
    """``date(2026, 2, 5)`` → "ngày 05 tháng 02 năm 2026"; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def vn_time(value: datetime | None) -> str:
    """14:05 → "14 giờ 05 phút"; "" for None."""
    if value is None:
        return ""
    value = _local(value)
    return f"{value.hour:02d} giờ {value.minute:02d} phút"


def vn_datetime(value: datetime | None) -> str:
    """Time then date: "14 giờ 05 phút, ngày 22 tháng 11 năm 2026"; "" for None."""
    if value is None:
        return ""
    return f"{vn_time(value)}, {vn_date(value)}"


def _short_datetime(value: datetime | None) -> str:
    """For the log book's narrow columns: "22/11/2026 14:05"."""
    if value is None:
        return ""
    return _local(value).strftime("%d/%m/%Y %H:%M")


def _days(value: Decimal | int | str | None) -> str:
    """Decimal("3.0") → "3", Decimal("0.5") → "0,5" (Vietnamese decimal comma)."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).normalize()
    text = format(number, "f")
    return text.replace(".", ",")


def display_phone(value: str) -> str:
    """A phone number as people read it: "+84912345678" → "0912 345 678" (``core.people``, the one
    formatter the pages and the forms share)."""
    return format_vn_phone(value)


_phone = display_phone


def time_limit_text(days: Decimal | int | str | None, description: str = "") -> str:
    """The legal time limit as the forms print it.

    Whole days: "03 ngày làm việc"; less than a day: in working hours ("04 giờ làm việc" for half a
    day, 8 working hours a day); no number (results "trong ngày"): the procedure's own description
    when it has one (its first clause), else "Trong ngày làm việc".
    """
    if days in (None, ""):
        text = nfc(description or "").strip()
        first = text.split(";")[0].strip().rstrip(".")
        return first or "Trong ngày làm việc"
    number = Decimal(str(days))
    if number <= 0:
        return "Trong ngày làm việc"
    if number < 1:
        hours = (number * 8).normalize()
        return (
            f"{int(hours):02d} giờ làm việc"
            if hours == hours.to_integral()
            else f"{_days(hours)} giờ làm việc"
        )
    if number == number.to_integral():
        return f"{int(number):02d} ngày làm việc"
    return f"{_days(number)} ngày làm việc"


# --- the dossier's facts ----------------------------------------------------------------------------


def timeliness(dossier: Dossier) -> str | None:
    """How a dossier with a result did: "Trước hạn", "Đúng hạn" or "Quá hạn"; else None.

    Compares when the result was ready (``completed_at``, else ``returned_at``) with ``due_at``:
    after ``due_at`` is late; on an earlier calendar day (local time) than the due day is early;
    otherwise on time. A second supplement request counts as late whatever the dates (the rule is
    guidance once; Decision 766/QĐ-TTg counts it so). None while there is no result yet, for
    refused, stopped or withdrawn dossiers, and without a due date.
    """
    if dossier.status not in _GRADED_STATUSES:
        return None
    finished = dossier.completed_at or dossier.returned_at
    if finished is None or dossier.due_at is None:
        return None
    if finished > dossier.due_at or dossier.supplement_requests >= 2:
        return LATE
    if _local(finished).date() < _local(dossier.due_at).date():
        return EARLY
    return ON_TIME


def lookup_url(dossier: Dossier) -> str:
    return absolute_url("dossiers:lookup", query={"code": dossier.code or ""})


_UNIT_PREFIXES = ("tỉnh ", "thành phố ", "xã ", "phường ", "đặc khu ", "thị trấn ")


def place_name(unit_name: str) -> str:
    """The place of the "…, ngày … tháng … năm …" line (Nghị định 30/2020/NĐ-CP, Phụ lục I).

    The unit's proper name without its kind ("Tỉnh Bắc Ninh" → "Bắc Ninh", "Phường Kinh Bắc" →
    "Kinh Bắc"), except for units named by a number or after a person, which keep it
    ("Phường 5", "Thành phố Hồ Chí Minh").
    """
    name = nfc(unit_name).strip()
    lowered = name.casefold()
    for prefix in _UNIT_PREFIXES:
        if lowered.startswith(prefix):
            rest = name[len(prefix) :].strip()
            return name if rest.isdigit() or rest.casefold() == "hồ chí minh" else rest
    return name


def _place(agency) -> str:
    """The agency's own unit, else the nearest parent's (a department → its province)."""
    node, hops = agency, 0
    while node is not None and hops < 6:
        if node.unit_name:
            return place_name(node.unit_name)
        node, hops = node.parent, hops + 1
    return ""


def _agency_context(agency) -> dict[str, str]:
    if agency is None:
        return {
            "agency_parent": "",
            "agency_name": "",
            "place": "",
            "agency_address": "",
            "agency_phone": "",
            "agency_display": "",
        }
    return {
        "agency_parent": agency.parent.name if agency.parent_id else "",
        "agency_name": agency.name,
        "place": _place(agency),
        "agency_address": agency.address,
        "agency_phone": display_phone(agency.phone),
        "agency_display": agency.name,
    }


def _procedure_name(dossier: Dossier) -> str:
    return (dossier.procedure_snapshot or {}).get("name") or dossier.procedure.name


def _time_limit_description(dossier: Dossier) -> str:
    """The procedure's own words for its time limit (online method first), for limits not in days."""
    methods = sorted(dossier.procedure.methods.all(), key=lambda m: m.channel != "online")
    return next((m.time_limit_text for m in methods if m.time_limit_text), "")


def _applicant_address(dossier: Dossier) -> str:
    """The address the applicant declared in this dossier, else the one in their profile."""
    from .declaration import display_value

    schema = dossier.form_version.schema if dossier.form_version_id else []
    address_fields = [
        item for item in schema if item.get("type") == "address" and dossier.answers.get(item.get("key"))
    ]
    address_fields.sort(key=lambda item: item.get("prefill") not in ("contact_address", "permanent_address"))
    for item in address_fields:
        text = display_value(item, dossier.answers[item["key"]])
        if text and text != "—":
            return text
    try:
        profile = dossier.applicant.profile
    except ObjectDoesNotExist:
        return ""
    contact = "" if profile.contact_same_as_permanent else profile.address_text("contact")
    return contact or profile.address_text()


def _applicant_context(dossier: Dossier) -> dict[str, str]:
    user = dossier.applicant
    organisation = ""
    if dossier.organisation_id:
        organisation = f"{dossier.organisation.name} (mã số thuế {dossier.organisation.tax_code})"
    return {
        "applicant_name": display_name(user),
        "applicant_organisation": organisation,
        "applicant_address": _applicant_address(dossier),
        "applicant_phone": _phone(
            user.phone
            or (dossier.procedure_snapshot.get("intake") or {}).get("applicant", {}).get("phone", "")
        ),
        "applicant_email": user.email,
    }


def _dossier_context(dossier: Dossier, *, issued_on: date | None = None) -> dict[str, Any]:
    """What every dossier form shares: header, code, applicant, matter, QR code."""
    url = lookup_url(dossier)
    return {
        **_agency_context(dossier.agency),
        **_applicant_context(dossier),
        "document_number": dossier.code or "",
        "date": issued_on or timezone.localdate(),
        "dossier_code": dossier.code or "",
        "procedure_name": _procedure_name(dossier),
        "time_limit": _days(dossier.time_limit_days),
        "time_limit_text": time_limit_text(
            dossier.time_limit_days,
            _time_limit_description(dossier) if not dossier.time_limit_days else "",
        ),
        "received_text": vn_datetime(dossier.received_at),
        "due_text": vn_datetime(dossier.due_at),
        "lookup_url": url,
        "qr_data_uri": qr_data_uri(url),
    }


def _render(template: str, context: dict[str, Any]) -> bytes:
    return render_to_pdf(f"pdf/forms/{template}", nfc_context(context))


# --- form 01 ----------------------------------------------------------------------------------------


def _requested_counts(dossier: Dossier) -> dict[tuple, dict]:
    """The numbers a supplement request asked for, by component (or by name for free-text items)."""
    out: dict[tuple, dict] = {}
    for event in dossier.events.filter(action="request_supplement").order_by("at", "id"):
        for item in event.data.get("items") or []:
            key = ("c", item["component_id"]) if item.get("component_id") else ("n", item["name"].casefold())
            out[key] = item
    return out


def _components_received(dossier: Dossier) -> list[dict[str, Any]]:
    """What the applicant handed in, and nothing the portal issued (forms, results): one row per
    document, in the order it first arrived, with the originals and copies the procedure (or the
    supplement request that asked for it) calls for, and the number of files sent online."""
    requested = _requested_counts(dossier)
    rows: dict[tuple, dict[str, Any]] = {}
    files = (
        dossier.files.filter(purpose__in=APPLICANT_FILE_PURPOSES)
        .select_related("component")
        .order_by("uploaded_at", "id")
    )
    for stored in files:
        component = stored.component
        name = nfc(
            (component.name if component is not None else "") or stored.component_name or stored.original_name
        ).strip()
        key = ("c", component.pk) if component is not None else ("n", name.casefold())
        row = rows.get(key)
        if row is None:
            asked = requested.get(key)
            if asked is not None:
                originals = asked.get("originals") or 0
                copies = (asked.get("copies") or 0) + (asked.get("certified_copies") or 0)
                certified = bool(asked.get("certified_copies"))
            elif component is not None:
                originals, copies, certified = component.originals, component.copies, False
            else:
                originals, copies, certified = 0, 0, False
            row = rows[key] = {
                "name": name,
                "originals": f"{originals:02d}" if originals else "—",
                "copies": f"{copies:02d}" if copies else "—",
                "certified": certified,
                "files": 0,
                "supplement": stored.purpose == "supplement",
            }
        row["files"] += 1
    # A paper dossier (counter, post): the components the officer or the postman checked off.
    by_name = {nfc(c.name).casefold(): c for c in dossier.procedure.components.all()}
    for name in (dossier.procedure_snapshot.get("intake") or {}).get("components", []):
        key = ("n", nfc(name).casefold())
        if key in rows or any(r["name"].casefold() == key[1] for r in rows.values()):
            continue
        component = by_name.get(key[1])
        originals = component.originals if component is not None else 0
        copies = component.copies if component is not None else 0
        rows[key] = {
            "name": nfc(name),
            "originals": f"{originals:02d}" if originals else "—",
            "copies": f"{copies:02d}" if copies else "—",
            "certified": False,
            "files": 0,
            "supplement": False,
        }
    return list(rows.values())


def _delivery_text(dossier: Dossier) -> str:
    """Where the applicant collects the result: one line, with the one-stop shop's street address."""
    method = dossier.delivery or dossier.return_method
    if not method:
        return ""
    label = str(Delivery(method).label)
    agency = dossier.agency
    if method == Delivery.COUNTER and agency is not None:
        place = agency.name
        address = nfc(agency.address or "").strip()
        if address.casefold().startswith(("bộ phận một cửa", "trung tâm", "tiếp nhận", "trụ sở")):
            place = address
        elif address:
            place = f"Bộ phận Một cửa – {agency.name}, {address}"
        else:
            place = f"Bộ phận Một cửa – {agency.name}"
        phone = display_phone(agency.phone)
        return f"{place}" + (f" (điện thoại {phone})" if phone else "")
    if method == Delivery.POST and dossier.delivery_address:
        address = dossier.delivery_address
        parts = [
            address.get("name"),
            address.get("street"),
            address.get("commune_name"),
            address.get("province_name"),
        ]
        return f"{label}: " + ", ".join(p for p in parts if p)
    if method == Delivery.ONLINE:
        return f"{label} trên Cổng Dịch vụ công ({absolute_url('/')}), tài khoản của người nộp"
    return label


def _logbook_text(number: str) -> str:
    """The log-book entry in words: "2026/0001" → "quyển số 2026, số thứ tự 0001"."""
    if not number:
        return ""
    volume, entry = split_logbook(number)
    if volume:
        return f"quyển số {volume}, số thứ tự {entry}"
    return f"số {number}"


def form01_receipt(dossier: Dossier, *, officer_name: str) -> bytes:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu số 01), issued when the dossier is received.

    Precondition: the dossier has a code; ``received_at``, ``due_at`` and ``logbook_number`` are
    shown when set (blank otherwise). Dated on the day of receipt. Lists only the documents the
    applicant handed in, the number of sets recorded at receipt, the time limit in days, hours or
    "trong ngày", and the one-stop shop's street address as the place to collect the result.
    """
    received_on = _local(dossier.received_at).date() if dossier.received_at else None
    context = _dossier_context(dossier, issued_on=received_on)
    context.update(
        {
            "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "components": _components_received(dossier),
            "sets": dossier.sets or 1,
            "delivery_method": dossier.delivery or dossier.return_method,
            "delivery_text": _delivery_text(dossier),
            "logbook_text": _logbook_text(dossier.logbook_number),
            "officer_name": officer_name,
        }
    )
    return _render("form01.html", context)


# --- form 02 ----------------------------------------------------------------------------------------


def _count_text(value) -> str:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return ""
    return f"{number:02d}" if number else ""


def form02_supplement(
    dossier: Dossier,
    *,
    reason: str,
    officer_name: str,
    items: list[dict] | None = None,
    missing: list[str] | None = None,
    officer_phone: str = "",
    issued_on: date | None = None,
) -> bytes:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu số 02): everything missing, listed once.

    ``items`` is the structured request stored on its event (``workflow.supplement_items``): each
    with its numbers of originals, certified copies and copies. Plain ``missing`` names (older
    events) are matched to the procedure's components the same way. The contact is the officer who
    asked, with their phone, else the one-stop shop's phone.
    """
    from .handoffs import supplement_items

    rows = [
        {
            "name": item["name"],
            "originals": _count_text(item.get("originals")),
            "certified_copies": _count_text(item.get("certified_copies")),
            "copies": _count_text(item.get("copies")),
        }
        for item in supplement_items(dossier, items=items, missing=missing)
    ]
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {
            "title": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "items": rows,
            "reason": reason,
            "officer_name": officer_name,
            "officer_phone": display_phone(officer_phone) or context["agency_phone"],
        }
    )
    return _render("form02.html", context)


# --- forms 03, 04, 05 -------------------------------------------------------------------------------


def form03_refusal(
    dossier: Dossier, *, reason: str, officer_name: str, issued_on: date | None = None
) -> bytes:
    """Phiếu từ chối tiếp nhận, giải quyết hồ sơ (mẫu số 03), with the specific reason."""
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {"title": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "reason": reason, "officer_name": officer_name}
    )
    return _render("form03.html", context)


def _original_due(dossier: Dossier, new_due: datetime) -> datetime | None:
    """The appointment before this extension, for older events that did not record it: the dossier's
    due date when it is not the new one yet, else recomputed from the receipt, the limit and pauses."""
    if dossier.due_at is not None and dossier.due_at != new_due:
        return dossier.due_at
    if dossier.received_at is None or dossier.time_limit_days is None:
        return None
    from . import workdays
    from .deadlines import pauses

    return workdays.due_date_with_pauses(dossier.received_at, dossier.time_limit_days, pauses(dossier))


def form04_apology(
    dossier: Dossier,
    *,
    reason: str,
    new_due: datetime,
    officer_name: str,
    previous_due: datetime | None = None,
    document_number: str = "",
    issued_on: date | None = None,
) -> bytes:
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (mẫu số 04).

    ``previous_due`` is the appointment the applicant had until this extension (an earlier
    extension included: the ``extend`` event records it); ``document_number`` the letter's own
    number in the agency's series (``registers``), not the dossier code.
    """
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {
            "title": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            "document_number": document_number,
            "received_date": vn_date(dossier.received_at or dossier.submitted_at),
            "original_due_text": vn_datetime(previous_due or _original_due(dossier, new_due)),
            "new_due_text": vn_datetime(new_due),
            "reason": reason,
            "officer_name": officer_name,
        }
    )
    return _render("form04.html", context)


def form05_stop(
    dossier: Dossier,
    *,
    reason: str,
    officer_name: str,
    document_number: str = "",
    issued_on: date | None = None,
) -> bytes:
    """Thông báo dừng giải quyết hồ sơ (mẫu số 05), with the reason for stopping and its own number."""
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {
            "title": "Thông báo dừng giải quyết hồ sơ",
            "document_number": document_number,
            "received_date": vn_date(dossier.received_at or dossier.submitted_at),
            "reason": reason,
            "officer_name": officer_name,
        }
    )
    return _render("form05.html", context)


# --- form 06 ----------------------------------------------------------------------------------------


def _is_handoff(event: DossierEvent) -> bool:
    """Rows of the control slip: every move of the dossier, not drafts or bare notes."""
    if event.from_user or event.to_user:
        return True
    return event.kind not in (EventKind.CREATED, EventKind.NOTE)


def _step_label(event: DossierEvent) -> str:
    if event.action:
        return transition_label(event.action)
    if event.kind == EventKind.STATUS and event.to_status is not None:
        return str(Status(event.to_status).label)
    return str(event.get_kind_display())


def _applicant_name(dossier: Dossier) -> str:
    return dossier.applicant.full_name or dossier.applicant.get_username()


def _one_stop(dossier: Dossier) -> str:
    return f"Bộ phận Một cửa – {dossier.agency.name}" if dossier.agency_id else "Bộ phận Một cửa"


def _giver_and_receiver(event: DossierEvent, dossier: Dossier) -> tuple[str, str]:
    """Who hands the dossier over and who takes it, for every row (mẫu 06 names both)."""
    actor = event.from_user or event.actor_display or (event.actor.get_full_name() if event.actor_id else "")
    if event.action == "receive":
        # The officer takes the dossier in from the applicant.
        return _applicant_name(dossier), actor
    if event.kind in (EventKind.SUBMITTED, EventKind.SUPPLEMENT_ANSWERED) or event.action in (
        "submit",
        "answer_supplement",
    ):
        return _applicant_name(dossier), event.to_user or (dossier.agency.name if dossier.agency_id else "")
    receiver = event.to_user
    if not receiver:
        from .handoffs import default_to_user

        receiver = default_to_user(event.action, dossier) if event.action else ""
    return actor, receiver


def _step_grade(event: DossierEvent) -> str:
    """A row against its own deadline (the one in force when the step was taken: the 8 working hours
    for the receipt, the due date then): earlier day → early, same day by the deadline → on time."""
    raw = (event.data or {}).get("deadline")
    if not raw:
        return ""
    try:
        deadline = datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        return ""
    if event.at > deadline:
        return LATE
    if _local(event.at).date() < _local(deadline).date():
        return EARLY
    return ON_TIME


def _completion_event_id(events: list[DossierEvent]) -> int | None:
    """The row that produced the result: the first move to "Đã xử lý xong", else to "Đã trả"."""
    for wanted in (Status.RESULT_READY, Status.RETURNED):
        for event in events:
            if event.to_status == wanted and event.from_status != wanted:
                return event.pk
    return None


def form06_control_slip(dossier: Dossier) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu số 06), from the dossier's events.

    One row per hand-off, in time order: step, who hands it over and who takes it (each with room
    to sign), when, and the step graded against its own deadline (``_step_grade``). The row that
    produced the result carries the dossier's overall grade (``timeliness``), repeated under the table.
    """
    events = [e for e in dossier.events.select_related("actor").order_by("at", "id") if _is_handoff(e)]
    result = timeliness(dossier)
    completion_id = _completion_event_id(events)
    if result and completion_id is None and events:
        completion_id = events[-1].pk
    rows = []
    for event in events:
        giver, receiver = _giver_and_receiver(event, dossier)
        grade = (result or "") if event.pk == completion_id else _step_grade(event)
        rows.append(
            {
                "step": _step_label(event),
                "from_user": giver,
                "to_user": receiver,
                "at_time": vn_time(event.at),
                "at_date": vn_date(event.at),
                "result": grade,
                "note": (event.internal_note or event.note_to_applicant).strip()[:300],
            }
        )
    context = _dossier_context(dossier)
    context.update(
        {
            "title": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            "department": dossier.department,
            "assignee_name": dossier.assignee.get_full_name() if dossier.assignee_id else "",
            "rows": rows,
            "result": result or "",
            "completed_text": vn_datetime(dossier.completed_at or dossier.returned_at),
            "status": str(dossier.get_status_display()),
        }
    )
    return _render("form06.html", context)


# --- form 07 ----------------------------------------------------------------------------------------


def _logbook_note(dossier: Dossier) -> str:
    parts = []
    grade = timeliness(dossier)
    if grade:
        parts.append(grade)
    if dossier.status == Status.REFUSED:
        refusals = getattr(dossier, "refusals", None)  # prefetched by selectors.logbook_dossiers
        if refusals is None:
            refusals = list(dossier.events.filter(action="refuse").order_by("at", "id"))
        reason = refusals[-1].data.get("reason", "") if refusals else ""
        parts.append(f"Từ chối: {reason}" if reason else "Từ chối tiếp nhận")
    if dossier.extended:
        parts.append("Đã gia hạn")
    if dossier.supplement_requests:
        parts.append(f"Yêu cầu bổ sung {dossier.supplement_requests} lần")
    return "; ".join(parts)


def _logbook_order(dossier: Dossier) -> tuple:
    volume, entry = split_logbook(dossier.logbook_number)
    entered = dossier.received_at or dossier.completed_at or dossier.submitted_at or dossier.created_at
    return (volume or "9999", int(entry) if entry.isdigit() else 10**9, entered, dossier.code or "")


def _contact(dossier: Dossier) -> str:
    phone = display_phone(dossier.applicant.phone)
    address = _applicant_address(dossier)
    return "; ".join(part for part in (address, phone) if part)


def logbook_rows(dossiers: Iterable[Dossier]) -> list[list[str]]:
    """One row per dossier (received or refused) in the order of the book, numbered from 1."""
    rows = []
    for number, dossier in enumerate(sorted(dossiers, key=_logbook_order), start=1):
        rows.append(
            [
                str(number),
                dossier.logbook_number,
                dossier.code or "",
                _procedure_name(dossier),
                display_name(dossier.applicant),
                _contact(dossier),
                f"{dossier.sets or 1:02d}",
                _short_datetime(dossier.received_at or dossier.submitted_at),
                _short_datetime(dossier.due_at),
                dossier.department,
                _short_datetime(dossier.completed_at)
                if dossier.status in (Status.RESULT_READY, Status.RETURNED, Status.STOPPED)
                else "",
                _short_datetime(dossier.returned_at),
                str(dossier.get_status_display()),
                _logbook_note(dossier),
            ]
        )
    return [[nfc(cell) for cell in row] for row in rows]


_logbook_rows = logbook_rows


def _period_text(period_start: date, period_end: date) -> str:
    return f"Từ {vn_date(period_start)} đến {vn_date(period_end)}"


def form07_logbook(agency, dossiers: Iterable[Dossier], *, period_start: date, period_end: date) -> bytes:
    """Sổ theo dõi hồ sơ (mẫu số 07) of one agency for a period, on A4 landscape.

    Renders the dossiers it is given (the caller selects them: ``selectors.logbook_dossiers``), one
    row each, refused ones included. No QR code: the book is about many dossiers.
    """
    # A break opportunity after each hyphen of the code: it wraps as "000.21.01.H24-" / "261124-0007".
    rows = [
        [cell.replace("-", "-\u200b") if i == 2 else cell for i, cell in enumerate(row)]
        for row in logbook_rows(dossiers)
    ]
    context = {
        **_agency_context(agency),
        "document_number": "",
        "date": timezone.localdate(),
        "title": "Sổ theo dõi hồ sơ",
        "period_text": _period_text(period_start, period_end),
        "columns": LOGBOOK_COLUMNS,
        "rows": rows,
    }
    return _render("form07.html", context)


def _csv_safe(cell: str) -> str:
    """Spreadsheets run cells that start with = + - @ (or a tab / CR) as formulas: defuse them."""
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


def form07_logbook_csv(agency, dossiers: Iterable[Dossier], *, period_start: date, period_end: date) -> str:
    """The same log book as CSV text that Excel opens as UTF-8: a byte-order mark, a header row of
    ``LOGBOOK_COLUMNS``, one row per dossier, CRLF line ends.

    ``agency`` and the period are accepted for symmetry with ``form07_logbook``; the caller names
    the file after them. Cells a spreadsheet would run as a formula are prefixed with "'".
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LOGBOOK_COLUMNS)
    for row in logbook_rows(dossiers):
        writer.writerow([_csv_safe(cell) for cell in row])
    return buffer.getvalue()


def form07_logbook_xlsx(
    agency, dossiers: Iterable[Dossier], *, period_start: date, period_end: date
) -> bytes:
    """The log book as an Excel workbook (openpyxl): a title block (agency, form, period), the header
    row frozen, column widths for reading, text cells (formula-like text is stored as text, never run)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Sổ theo dõi hồ sơ"
    sheet.append([nfc(agency.name) if agency is not None else ""])
    sheet.append(["Mẫu số 07 — SỔ THEO DÕI HỒ SƠ"])
    sheet.append([_period_text(period_start, period_end)])
    sheet.append([])
    sheet.append(list(LOGBOOK_COLUMNS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True)
    sheet["A2"].font = Font(bold=True)
    for row in logbook_rows(dossiers):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, whatever it starts with
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = (6, 11, 26, 40, 22, 40, 7, 17, 17, 24, 17, 17, 20, 40)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=header_row, column=index).column_letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
