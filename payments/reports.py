"""The daily reconciliation report: our ledger beside the gateway's answers (querydr), per agency.

One row per attempt of the agency's dossiers created that day (Asia/Ho_Chi_Minh). Online attempts
are asked about now; a difference in status or amount is flagged. Counter and bank-transfer
payments have no gateway side and are listed as such.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .constants import AttemptStatus, PaymentMethod
from .gateways import GatewayError, gateway
from .models import PaymentAttempt

HEADER = [
    "Mã giao dịch",
    "Hồ sơ",
    "Hình thức",
    "Tạo lúc",
    "Số tiền (sổ)",
    "Trạng thái (sổ)",
    "Mã cổng",
    "Số tiền (cổng)",
    "Trạng thái (cổng)",
    "Chênh lệch",
]


def reconciliation_rows(*, agency, day: date) -> list[list]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    attempts = (
        PaymentAttempt.objects.filter(
            fee_request__dossier__agency=agency,
            created_at__gte=start,
            created_at__lt=start + timedelta(days=1),
        )
        .select_related("fee_request__dossier")
        .order_by("created_at", "id")
    )
    rows = []
    for attempt in attempts:
        theirs_amount, theirs_status, difference = "", "", ""
        if attempt.method == PaymentMethod.ONLINE:
            try:
                result = gateway(attempt.gateway).query(attempt)
            except GatewayError as exc:
                theirs_status, difference = "?", f"không tra cứu được: {exc}"
            else:
                theirs_amount = result.amount if result.amount is not None else ""
                theirs_status = result.status
                problems = []
                if result.amount is not None and result.amount != attempt.amount:
                    problems.append("số tiền khác")
                ours_paid = attempt.status == AttemptStatus.SUCCESS
                theirs_paid = result.status == AttemptStatus.SUCCESS
                if ours_paid != theirs_paid:
                    problems.append("trạng thái khác")
                difference = "; ".join(problems)
        else:
            theirs_status, difference = "—", ""
        rows.append(
            [
                attempt.reference,
                attempt.fee_request.dossier.code,
                str(attempt.get_method_display()),
                timezone.localtime(attempt.created_at).strftime("%d/%m/%Y %H:%M"),
                attempt.amount,
                attempt.status,
                attempt.provider_payment_id or attempt.external_receipt_number,
                theirs_amount,
                theirs_status,
                difference,
            ]
        )
    return rows


def as_csv(rows: list[list]) -> bytes:
    """UTF-8 with a BOM so that Excel opens Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows: list[list], *, agency, day: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Doi soat"
    sheet.append([f"Đối soát thanh toán {agency.name} ngày {day:%d/%m/%Y}"])
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    flag = PatternFill("solid", fgColor="FFF2CC")
    for row in rows:
        sheet.append(row)
        if row[-1]:
            for cell in sheet[sheet.max_row]:
                cell.fill = flag
    for column, width in zip("ABCDEFGHIJ", (16, 28, 24, 17, 14, 12, 14, 14, 14, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
