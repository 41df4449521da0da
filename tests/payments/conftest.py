"""Payments fixtures: a level-4 procedure with an online fee, an agency with its staff, a citizen and
dossiers in the statuses payments cares about; helpers that sign notices the way the gateway does."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from payments import services, vnpay
from payments.constants import FeeMoment, LegalKind
from tests.factories import AgencyFactory, MethodFactory, ProcedureFactory, UserFactory, make_staff


@pytest.fixture(autouse=True)
def _no_stray_http(settings):
    """Nothing listens here: a simulated IPN sent in-process without a live server fails fast (and is
    retried later) instead of reaching whatever runs on port 8000 of a shared machine."""
    settings.PORTAL_BASE_URL = "http://127.0.0.1:9"
    settings.PAYMENT_SIMULATOR = True
    settings.PAYMENT_GATEWAY = "vnpay_simulator"


class World:
    def __init__(self):
        self.agency = AgencyFactory(name="UBND Phường Thử Nghiệm", unit_name="Phường Thử Nghiệm")
        self.other_agency = AgencyFactory(name="UBND Xã Khác")
        self.procedure = ProcedureFactory(online=True, name="Cấp bản sao trích lục hộ tịch")
        self.procedure.agencies.add(self.agency)
        MethodFactory(
            procedure=self.procedure, channel="online", fee_vnd=0, charge_vnd=8000, time_limit_days=3
        )
        self.citizen = UserFactory(full_name="Nguyễn Thị Hoa", phone="+84912345001", email="hoa@example.vn")
        self.stranger = UserFactory(full_name="Trần Văn Lạ", phone="+84912345002")
        self.officer = make_staff(self.agency, "officer", full_name="Cán Bộ Một Cửa")
        self.specialist = make_staff(self.agency, "specialist", full_name="Chuyên Viên")
        self.leader = make_staff(self.agency, "leader", full_name="Lãnh Đạo")
        self.publisher = make_staff(self.agency, "publisher", full_name="Công Bố")
        self.other_officer = make_staff(self.other_agency, "officer", full_name="Cán Bộ Nơi Khác")

    def dossier(self, *, status: int = 4, fee: int = 0, charge: int = 8000, applicant=None):
        from dossiers.models import Dossier

        now = timezone.now()
        code = f"{self.agency.code}-{now:%y%m%d}-{uuid.uuid4().int % 10000:04d}{uuid.uuid4().hex[:2]}"
        return Dossier.objects.create(
            procedure=self.procedure,
            applicant=applicant or self.citizen,
            agency=self.agency,
            code=code,
            status=status,
            fee_vnd=fee,
            charge_vnd=charge,
            time_limit_days=3,
            submitted_at=now - timedelta(days=2),
            received_at=now - timedelta(days=1) if status >= 2 else None,
            due_at=now + timedelta(days=3) if status >= 2 else None,
            procedure_snapshot={"code": self.procedure.code, "name": self.procedure.name, "service_level": 4},
            delivery="online",
            assignee=self.specialist if status >= 4 else None,
            processing_step="assigned" if status == 4 else "",
        )

    def fee_request(self, dossier=None, *, amount: int = 108000, moment: str = FeeMoment.SUBMISSION):
        dossier = dossier or self.dossier()
        return services.fee_request_create(
            dossier=dossier,
            items=[
                services.ItemInput(label="Phí thẩm định", kind=LegalKind.FEE, unit_amount=amount - 8000),
                services.ItemInput(label="Lệ phí", kind=LegalKind.CHARGE, unit_amount=8000),
            ],
            moment=moment,
        )

    def started(self, fee_request=None, **kwargs):
        fee_request = fee_request or self.fee_request()
        return services.payment_start(
            fee_request_id=fee_request.pk,
            user=self.citizen,
            return_url="http://127.0.0.1:9/payments/return/vnpay_simulator/",
            ip_address="127.0.0.1",
            **kwargs,
        ).attempt


@pytest.fixture
def world(db):
    return World()


def notice(
    attempt,
    *,
    code: str = "00",
    status: str = "00",
    amount: int | None = None,
    secret: str | None = None,
    **extra,
) -> dict:
    """The IPN the gateway sends for ``attempt``, signed like VNPAY signs it."""
    from django.conf import settings

    params = {
        "vnp_Amount": vnpay.amount_to_gateway(attempt.amount if amount is None else amount),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14226112" if code == "00" else "",
        "vnp_CardType": "ATM" if code == "00" else "",
        "vnp_OrderInfo": "Nop phi le phi ho so",
        "vnp_PayDate": vnpay.format_date(timezone.now()),
        "vnp_ResponseCode": code,
        "vnp_TmnCode": settings.VNPAY_TMN_CODE,
        "vnp_TransactionNo": extra.pop("transaction_no", "14226112"),
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": attempt.reference,
        **extra,
    }
    return vnpay.signed(secret or settings.VNPAY_HASH_SECRET, params)
