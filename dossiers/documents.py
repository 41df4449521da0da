"""The one-stop-shop forms of Circular 03/2025/TT-VPCP (Phụ lục I, mẫu số 01–07) as PDFs.

Pure functions: each reads the dossier (and what the officer typed), builds a context of plain
NFC strings and returns the PDF bytes from ``portal.pdf.render_to_pdf``. Nothing is saved and
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
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone

from portal.pdf import nfc_context, qr_data_uri, render_to_pdf
from portal.text import nfc

from .constants import ACTION_LABELS, Delivery, EventKind, Status
from .models import Dossier, DossierEvent

EARLY, ON_TIME, LATE = "Trước hạn", "Đúng hạn", "Quá hạn"

# Only dossiers with a result are graded early / on time / late.
_GRADED_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED})

LOGBOOK_COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục",
    "Người nộp",
    "Ngày nhận",
    "Hạn trả",
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


def _phone(value: str) -> str:
    """E.164 "+84912345678" → "0912345678", as people write it."""
    value = (value or "").strip()
    if value.startswith("+84"):
        return "0" + value[3:]
    return value


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
    return (
        settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("dossiers:lookup")
        + "?"
        + urlencode({"code": dossier.code or ""})
    )


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
        "agency_phone": agency.phone,
        "agency_display": agency.name,
    }


def _procedure_name(dossier: Dossier) -> str:
    return (dossier.procedure_snapshot or {}).get("name") or dossier.procedure.name


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
        "applicant_name": user.full_name or user.get_username(),
        "applicant_organisation": organisation,
        "applicant_address": _applicant_address(dossier),
        "applicant_phone": _phone(user.phone),
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
        "received_text": vn_datetime(dossier.received_at),
        "due_text": vn_datetime(dossier.due_at),
        "lookup_url": url,
        "qr_data_uri": qr_data_uri(url),
    }


def _render(template: str, context: dict[str, Any]) -> bytes:
    return render_to_pdf(f"pdf/forms/{template}", nfc_context(context))


# --- form 01 ----------------------------------------------------------------------------------------


def _components_received(dossier: Dossier) -> list[dict[str, Any]]:
    """Files grouped by document name, in upload order, with how many files each has."""
    groups: dict[str, int] = {}
    for stored in dossier.files.all():
        name = nfc(
            stored.component_name
            or (stored.component.name if stored.component_id else "")
            or stored.original_name
        )
        groups[name] = groups.get(name, 0) + 1
    return [{"name": name, "count": count} for name, count in groups.items()]


def _delivery_text(dossier: Dossier) -> str:
    method = dossier.delivery or dossier.return_method
    if not method:
        return ""
    label = str(Delivery(method).label)
    if method == Delivery.COUNTER and dossier.agency and dossier.agency.address:
        return f"{label}: {dossier.agency.address}"
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
        return f"{label} trên Cổng Dịch vụ công ({settings.PORTAL_BASE_URL.rstrip('/')}), tài khoản của người nộp"
    return label


def _logbook_text(number: str) -> str:
    """The log-book entry in words: "2026/0001" → "quyển số 2026, số thứ tự 0001"."""
    if not number:
        return ""
    if "/" in number:
        volume, _sep, entry = number.partition("/")
        return f"quyển số {volume}, số thứ tự {entry}"
    return f"số {number}"


def form01_receipt(dossier: Dossier, *, officer_name: str) -> bytes:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu số 01), issued when the dossier is received.

    Precondition: the dossier has a code; ``received_at``, ``due_at`` and ``logbook_number`` are
    shown when set (blank otherwise). Dated on the day of receipt.
    """
    received_on = _local(dossier.received_at).date() if dossier.received_at else None
    context = _dossier_context(dossier, issued_on=received_on)
    context.update(
        {
            "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "components": _components_received(dossier),
            "sets": 1,
            "delivery_method": dossier.delivery or dossier.return_method,
            "delivery_text": _delivery_text(dossier),
            "logbook_text": _logbook_text(dossier.logbook_number),
            "officer_name": officer_name,
        }
    )
    return _render("form01.html", context)


# --- form 02 ----------------------------------------------------------------------------------------


def form02_supplement(
    dossier: Dossier, *, missing: list[str], reason: str, officer_name: str, officer_phone: str = "", issued_on: date | None = None
) -> bytes:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu số 02): everything missing, listed once.

    Each item that names one of the procedure's components gets its numbers of originals and
    copies from the published procedure; other items leave those columns blank.
    """
    published = {nfc(c.name).strip().casefold(): c for c in dossier.procedure.components.all()}
    items = []
    for name in missing:
        text = nfc(name).strip()
        if not text:
            continue
        component = published.get(text.casefold())
        items.append(
            {
                "name": text,
                "originals": component.originals if component and component.originals else "",
                "copies": component.copies if component and component.copies else "",
            }
        )
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {
            "title": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "items": items,
            "reason": reason,
            "officer_name": officer_name,
            "officer_phone": officer_phone,
        }
    )
    return _render("form02.html", context)


# --- forms 03, 04, 05 -------------------------------------------------------------------------------


def form03_refusal(dossier: Dossier, *, reason: str, officer_name: str, issued_on: date | None = None) -> bytes:
    """Phiếu từ chối tiếp nhận, giải quyết hồ sơ (mẫu số 03), with the specific reason."""
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {"title": "Phiếu từ chối tiếp nhận, giải quyết hồ sơ", "reason": reason, "officer_name": officer_name}
    )
    return _render("form03.html", context)


def _original_due(dossier: Dossier, new_due: datetime) -> datetime | None:
    """The due date before the extension (``due_at`` may already hold the new one)."""
    if dossier.due_at is not None and dossier.due_at != new_due:
        return dossier.due_at
    if dossier.received_at is None or dossier.time_limit_days is None:
        return None
    from . import workdays
    from .processing import pauses

    return workdays.due_date_with_pauses(dossier.received_at, dossier.time_limit_days, pauses(dossier))


def form04_apology(dossier: Dossier, *, reason: str, new_due: datetime, officer_name: str, issued_on: date | None = None) -> bytes:
    """Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (mẫu số 04).

    Works before or after ``processing.dossier_extend`` stored ``new_due`` in ``due_at``: the
    original appointment is then recomputed from the receipt time, the time limit and the pauses.
    """
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {
            "title": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            "received_date": vn_date(dossier.received_at or dossier.submitted_at),
            "original_due_text": vn_datetime(_original_due(dossier, new_due)),
            "new_due_text": vn_datetime(new_due),
            "reason": reason,
            "officer_name": officer_name,
        }
    )
    return _render("form04.html", context)


def form05_stop(dossier: Dossier, *, reason: str, officer_name: str, issued_on: date | None = None) -> bytes:
    """Thông báo dừng giải quyết hồ sơ (mẫu số 05), with the reason for stopping."""
    context = _dossier_context(dossier, issued_on=issued_on)
    context.update(
        {
            "title": "Thông báo dừng giải quyết hồ sơ",
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
        return str(ACTION_LABELS.get(event.action, event.action))
    if event.kind == EventKind.STATUS and event.to_status is not None:
        return str(Status(event.to_status).label)
    return str(event.get_kind_display())


def _handoff_to(event: DossierEvent, dossier: Dossier) -> str:
    if event.to_user:
        return event.to_user
    # The applicant hands the dossier (or the supplement) to the receiving agency.
    if event.kind in (EventKind.SUBMITTED, EventKind.SUPPLEMENT_ANSWERED) and dossier.agency_id:
        return dossier.agency.name
    return ""


def _completion_event_id(events: list[DossierEvent]) -> int | None:
    """The row that produced the result: the first move to "Đã xử lý xong", else to "Đã trả"."""
    for wanted in (Status.RESULT_READY, Status.RETURNED):
        for event in events:
            if event.to_status == wanted and event.from_status != wanted:
                return event.pk
    return None


def form06_control_slip(dossier: Dossier) -> bytes:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu số 06), from the dossier's events.

    One row per hand-off, in time order: step, from whom, to whom, when. The result column
    (trước hạn / đúng hạn / quá hạn, see ``timeliness``) is filled on the row that produced the
    result, and repeated under the table.
    """
    events = [e for e in dossier.events.select_related("actor").order_by("at", "id") if _is_handoff(e)]
    result = timeliness(dossier)
    completion_id = _completion_event_id(events)
    if result and completion_id is None and events:
        completion_id = events[-1].pk
    rows = []
    for event in events:
        actor_name = event.actor.get_full_name() if event.actor_id else ""
        rows.append(
            {
                "step": _step_label(event),
                "from_user": event.from_user or event.actor_display or actor_name,
                "to_user": _handoff_to(event, dossier),
                "at_time": vn_time(event.at),
                "at_date": vn_date(event.at),
                "result": (result or "") if event.pk == completion_id else "",
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
    if dossier.logbook_number:
        parts.append(f"Số sổ {dossier.logbook_number}")
    grade = timeliness(dossier)
    if grade:
        parts.append(grade)
    if dossier.extended:
        parts.append("Đã gia hạn")
    if dossier.supplement_requests:
        parts.append(f"Yêu cầu bổ sung {dossier.supplement_requests} lần")
    return "; ".join(parts)


def _logbook_rows(dossiers: Iterable[Dossier]) -> list[list[str]]:
    """One row per dossier in the order they were received (then submitted), numbered from 1."""

    def order(d: Dossier) -> tuple:
        return (d.received_at or d.submitted_at or d.created_at, d.code or "")

    rows = []
    for number, dossier in enumerate(sorted(dossiers, key=order), start=1):
        rows.append(
            [
                str(number),
                dossier.code or "",
                _procedure_name(dossier),
                dossier.applicant.full_name or dossier.applicant.get_username(),
                _short_datetime(dossier.received_at),
                _short_datetime(dossier.due_at),
                _short_datetime(dossier.returned_at),
                str(dossier.get_status_display()),
                _logbook_note(dossier),
            ]
        )
    return [[nfc(cell) for cell in row] for row in rows]


def form07_logbook(agency, dossiers: Iterable[Dossier], *, period_start: date, period_end: date) -> bytes:
    """Sổ theo dõi hồ sơ (mẫu số 07) of one agency for a period, on A4 landscape.

    Renders the dossiers it is given (the caller selects them by agency and period), one row
    each. No QR code: the book is about many dossiers.
    """
    rows = _logbook_rows(dossiers)
    context = {
        **_agency_context(agency),
        "document_number": "",
        "date": timezone.localdate(),
        "title": "Sổ theo dõi hồ sơ",
        "period_text": f"Từ {vn_date(period_start)} đến {vn_date(period_end)}",
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
    """The same log book as CSV text (no BOM): a header row of ``LOGBOOK_COLUMNS``, one row per dossier.

    ``agency`` and the period are accepted for symmetry with ``form07_logbook``; the caller
    names the file after them. Cells a spreadsheet would run as a formula are prefixed with "'".
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LOGBOOK_COLUMNS)
    for row in _logbook_rows(dossiers):
        writer.writerow([_csv_safe(cell) for cell in row])
    return buffer.getvalue()
