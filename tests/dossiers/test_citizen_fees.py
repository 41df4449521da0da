"""Fees are right: computed from the online channel and the answers (copies, cases), shown line by
line with their legal kind (phí / lệ phí) and a total on every page that shows them, and frozen on
the dossier at submission."""

import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from dossiers import fees
from dossiers.constants import Status
from procedures.constants import Channel, FeeKind
from procedures.models import FeeItem, Procedure
from tests.factories import MethodFactory, ProcedureFactory

from .citizen_helpers import (
    BIRTH,
    EXTRACT_COPY,
    MARRIAGE,
    answers_for,
    birth_data,
    citizen,
    draft_for,
    frozen_today,  # noqa: F401 - the fixture
    marriage_data,
    submit,
    text_of,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def marriage():
    return Procedure.objects.get(code=MARRIAGE)


def test_two_marriage_extracts_cost_two_times_8000_and_the_registration_is_exempt():
    lines = fees.fee_lines(procedure=marriage(), answers=answers_for(MARRIAGE, marriage_data(copies="2")))
    by_name = {line.name: line for line in lines}
    copy = by_name["Phí cấp bản sao trích lục kết hôn"]
    assert (copy.kind, copy.unit_vnd, copy.quantity, copy.amount_vnd) == (FeeKind.FEE, 8000, 2, 16000)
    registration = by_name["Lệ phí đăng ký kết hôn"]
    assert registration.kind == FeeKind.CHARGE and registration.exempt
    assert fees.totals(lines) == (16000, 0)


def test_no_extract_asked_for_no_fee_line():
    answers = answers_for(MARRIAGE, marriage_data(copies_requested="no", copies=""))
    lines = fees.fee_lines(procedure=marriage(), answers=answers)
    assert [line.name for line in lines] == ["Lệ phí đăng ký kết hôn"]
    assert fees.totals(lines) == (0, 0)


def test_birth_registration_like_the_real_one():
    birth = Procedure.objects.get(code=BIRTH)
    lines = fees.fee_lines(procedure=birth, answers=answers_for(BIRTH, birth_data(copies="3")))
    assert fees.totals(lines) == (24000, 0)
    assert any(line.name == "Lệ phí đăng ký khai sinh" and line.exempt for line in lines)
    assert fees.totals(
        fees.fee_lines(procedure=birth, answers=answers_for(BIRTH, birth_data(copies="")))
    ) == (0, 0)


def test_extract_copies_are_charged_per_copy_without_a_condition():
    procedure = Procedure.objects.get(code=EXTRACT_COPY)
    online = procedure.online_method
    assert (online.fee_vnd, online.charge_vnd) == (0, 0)  # the line item replaces the flat amount
    lines = fees.fee_lines(procedure=procedure, answers={"copies": "2"})
    assert fees.totals(lines) == (16000, 0)


def test_flat_amounts_of_the_channel_are_lines_too_and_other_channels_do_not_count():
    procedure = ProcedureFactory(service_level=4)
    MethodFactory(procedure=procedure, channel=Channel.ONLINE, fee_vnd=20000, charge_vnd=5000)
    MethodFactory(procedure=procedure, channel=Channel.COUNTER, fee_vnd=99000, charge_vnd=0)
    FeeItem.objects.create(
        procedure=procedure, channel=Channel.COUNTER, kind=FeeKind.FEE, name="Chỉ tại quầy", amount_vnd=1
    )
    lines = fees.fee_lines(procedure=procedure, answers={})
    with translation.override("vi"):
        assert [(line.kind, line.label, line.amount_vnd) for line in lines] == [
            (FeeKind.FEE, "Phí", 20000),
            (FeeKind.CHARGE, "Lệ phí", 5000),
        ]
    # Frozen without a name of their own: shown by kind in the language of whoever reads them.
    assert [line.name for line in lines] == ["", ""]
    with translation.override("en"):
        assert [line.label for line in lines] == ["Fee", "Charge"]


@pytest.mark.parametrize("typed", ["2.5", "-1", "abc", "", "0"])
def test_a_quantity_that_is_not_a_whole_number_charges_nothing(typed):
    lines = fees.fee_lines(procedure=marriage(), answers={"copies_requested": True, "copies": typed})
    assert fees.totals(lines) == (0, 0)


def test_a_typo_never_becomes_a_huge_bill():
    lines = fees.fee_lines(procedure=marriage(), answers={"copies_requested": True, "copies": "200000"})
    assert fees.totals(lines) == (8000 * fees.MAX_QUANTITY, 0)


def test_submission_freezes_the_lines_and_totals():
    user = citizen()
    dossier = submit(draft_for(MARRIAGE, user, marriage_data(copies="2")), user)
    assert dossier.status == Status.SUBMITTED
    assert (dossier.fee_vnd, dossier.charge_vnd, dossier.fee_total_vnd) == (16000, 0, 16000)
    names = [row["name"] for row in dossier.fee_items]
    assert names == ["Lệ phí đăng ký kết hôn", "Phí cấp bản sao trích lục kết hôn"]
    assert dossier.procedure_snapshot["fee_items"] == dossier.fee_items
    # The agency changes the fee later: the submitted dossier keeps what was owed.
    FeeItem.objects.filter(procedure__code=MARRIAGE, name="Phí cấp bản sao trích lục kết hôn").update(
        amount_vnd=10000
    )
    dossier.refresh_from_db()
    assert fees.totals(fees.dossier_fee_lines(dossier)) == (16000, 0)


def test_an_old_dossier_without_lines_shows_its_two_totals():
    user = citizen()
    dossier = submit(draft_for(MARRIAGE, user, marriage_data(copies="2")), user)
    type(dossier).objects.filter(pk=dossier.pk).update(fee_items=[], fee_vnd=8000, charge_vnd=2000)
    dossier.refresh_from_db()
    assert [(line.kind, line.amount_vnd) for line in fees.dossier_fee_lines(dossier)] == [
        (FeeKind.FEE, 8000),
        (FeeKind.CHARGE, 2000),
    ]


def assert_fee_lines_shown(html: str) -> None:
    text = text_of(html)
    assert "Phí cấp bản sao trích lục kết hôn" in text
    assert "8.000 đồng × 2 bản = 16.000 đồng" in text
    assert "Lệ phí đăng ký kết hôn" in text and "Miễn" in text
    assert "Tổng cộng: 16.000 đồng" in text
    assert "Phí: Không thu" not in text and "Lệ phí: Không thu" not in text
    # No page promises a payment the portal cannot take: a level-4 dossier is paid online from its
    # own page once submitted (the payments panel's button), or at the one-stop shop.
    assert "Thanh toán trực tuyến sẽ có" not in text
    assert "thanh toán trực tuyến" in text


def test_every_page_shows_the_lines_the_total_and_promises_no_online_payment(client):
    user = citizen()
    draft = draft_for(MARRIAGE, user, marriage_data(copies="2"))
    client.force_login(user)
    for step in ("fees", "review"):
        response = client.get(reverse("dossiers:draft_step", args=[draft.uuid, step]))
        assert response.status_code == 200
        assert_fee_lines_shown(response.content.decode())
    dossier = submit(draft, user)
    for name in ("dossiers:submitted", "dossiers:detail"):
        assert_fee_lines_shown(client.get(reverse(name, args=[dossier.code])).content.decode())
    detail = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert 'id="fees"' in detail
    # The promise holds: the pay button is there, for the amount the lines add up to.
    assert "Thanh toán trực tuyến" in detail and "16.000 đồng" in text_of(detail)


def test_receipt_pdf_lists_the_lines(client, tmp_path):
    user = citizen()
    dossier = submit(draft_for(MARRIAGE, user, marriage_data(copies="2")), user)
    client.force_login(user)
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(client.get(reverse("dossiers:receipt_pdf", args=[dossier.code])).content)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split()
    )
    assert "Phí cấp bản sao trích" in text and "16.000 đồng" in text
    assert "Lệ phí đăng ký kết hôn" in text and "Miễn" in text


def test_procedure_page_names_each_line(client):
    html = text_of(client.get(reverse("procedures:detail", args=[MARRIAGE])).content.decode())
    assert "Phí cấp bản sao trích lục kết hôn: 8.000 đồng/bản (nếu có yêu cầu)" in html
    assert "Lệ phí đăng ký kết hôn: miễn" in html


def test_procedure_page_query_count_does_not_grow_with_fee_lines(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("procedures:detail", args=[MARRIAGE]))
    for i in range(5):
        FeeItem.objects.create(
            procedure=marriage(), kind=FeeKind.FEE, name=f"Phí {i}", amount_vnd=Decimal(1000)
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("procedures:detail", args=[MARRIAGE]))
