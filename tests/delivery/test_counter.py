"""Dossiers handed in at the counter: registered by the officer, receipt at once, the same SMS, code and
public lookup as online; claimed later into the applicant's own account by verified phone."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from delivery.counter import counter_register
from delivery.models import CounterApplicant
from dossiers.constants import Channel, Status
from dossiers.models import Dossier
from dossiers.workflow import Actor, dossier_transition
from notifications.models import Message
from tests.factories import (
    AgencyFactory,
    ComponentFactory,
    UserFactory,
    login_staff,
    make_procedure,
    make_staff,
)

from .result_helpers import Office

pytestmark = pytest.mark.django_db
URL = "/admin/delivery/shipment/counter/"


@pytest.fixture
def office(templates):
    return Office()


@pytest.fixture
def procedure(office):
    procedure, _component = make_procedure(office.agency)
    ComponentFactory(procedure=procedure, name="Bản sao Giấy khai sinh", required=True, order=2)
    return procedure


def form(office, procedure, **overrides):
    components = [str(c.pk) for c in procedure.components.all()]
    return {
        "agency": office.agency.pk,
        "procedure": procedure.pk,
        "full_name": "Đỗ Thị Lan",
        "personal_id": "027186001234",
        "phone": "0999 000 031",
        "components": components,
        "fee_paid_vnd": "8000",
        "delivery": "counter",
        **overrides,
    }


def register(client, office, procedure, capture, **overrides):
    login_staff(client, office.officer)
    with capture(execute=True):
        return client.post(URL, form(office, procedure, **overrides), follow=True)


def test_the_officer_registers_a_paper_dossier_and_the_receipt_prints(
    client, office, procedure, django_capture_on_commit_callbacks, tmp_path
):
    login_staff(client, office.officer)
    step1 = client.get(URL).content.decode()
    assert procedure.name in step1
    step2 = client.get(URL, {"agency": office.agency.pk, "procedure": procedure.pk}).content.decode()
    assert "Bản sao Giấy khai sinh" in step2 and "Số định danh cá nhân" in step2
    response = register(client, office, procedure, django_capture_on_commit_callbacks)
    dossier = Dossier.objects.get(channel=Channel.COUNTER)
    assert response.redirect_chain[-1][0].startswith(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    )
    assert dossier.status == Status.RECEIVED and dossier.code.startswith(office.agency.code)
    assert dossier.received_at and dossier.due_at
    assert list(dossier.events.values_list("action", flat=True)) == ["register_at_counter", "receive"]
    placeholder = dossier.applicant
    assert not placeholder.is_active and not placeholder.has_usable_password() and placeholder.phone == ""
    record = CounterApplicant.objects.get(dossier=dossier)
    assert (record.full_name, record.personal_id, record.phone, record.fee_paid_vnd) == (
        "Đỗ Thị Lan",
        "027186001234",
        "+84999000031",
        8000,
    )
    sms = Message.objects.get(related_label=dossier.code, channel="sms")
    assert sms.event == "dossier_received" and sms.recipient == "+84999000031"
    assert "/delivery/counter/claim/" in sms.body_text
    form01 = dossier.files.get(purpose="form01")
    if shutil.which("pdftotext"):
        path = tmp_path / "form01.pdf"
        path.write_bytes(form01.file.read())
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        for expected in ("Đỗ Thị Lan", "0999 000 031", "Tờ khai", "Bản sao Giấy khai sinh", dossier.code):
            assert expected in text, expected
    desk = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).content.decode()
    assert "Hồ sơ nộp trực tiếp tại quầy: Đỗ Thị Lan" in desk


def test_the_public_lookup_finds_it_like_an_online_dossier(
    client, office, procedure, django_capture_on_commit_callbacks
):
    register(client, office, procedure, django_capture_on_commit_callbacks)
    dossier = Dossier.objects.get(channel=Channel.COUNTER)
    client.logout()
    page = client.get(
        reverse("dossiers:lookup"), {"code": dossier.code, "phone_last4": "0031"}
    ).content.decode()
    assert "Được tiếp nhận" in page and "Đỗ Thị Lan" not in page
    wrong = client.get(
        reverse("dossiers:lookup"), {"code": dossier.code, "phone_last4": "1111"}
    ).content.decode()
    assert "Không tìm thấy" in wrong


def test_later_messages_reach_the_counter_phone(
    client, office, procedure, django_capture_on_commit_callbacks
):
    register(client, office, procedure, django_capture_on_commit_callbacks)
    dossier = Dossier.objects.get(channel=Channel.COUNTER)
    d = dossier_transition(
        dossier_id=dossier.pk,
        name="withdraw",
        actor=Actor.staff(office.officer),
        expected_version=dossier.version,
        reason="Người nộp xin rút tại quầy",
    )
    assert d.status == Status.WITHDRAWN
    assert Message.objects.filter(
        related_label=d.code, event="dossier_withdrawn", recipient="+84999000031"
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"personal_id": "02718600123"}, "12 chữ số"),
        ({"phone": "02223822888"}, "di động"),
        ({"full_name": ""}, "bắt buộc"),
        ({"fee_paid_vnd": "-5"}, "lớn hơn hoặc bằng"),
        ({"components": ["999999"]}, "999999"),
    ],
)
def test_bad_input_says_what_and_saves_nothing(
    client, office, procedure, django_capture_on_commit_callbacks, overrides, message
):
    response = register(client, office, procedure, django_capture_on_commit_callbacks, **overrides)
    page = response.content.decode()
    assert message.lower() in page.lower(), page[-3000:]
    assert not Dossier.objects.filter(channel=Channel.COUNTER).exists()


def test_only_officers_of_the_agency_register(client, office, procedure):
    login_staff(client, make_staff(AgencyFactory(), "publisher"))
    assert client.get(URL).status_code in (302, 403, 404)
    other = make_staff(AgencyFactory(), "officer")
    login_staff(client, other)
    client.post(URL, form(office, procedure))
    assert not Dossier.objects.filter(channel=Channel.COUNTER).exists()
    with pytest.raises(Exception, match="không giải quyết|không được"):
        counter_register(
            officer=other,
            agency=other.assignments.get().agency,
            procedure=procedure,
            full_name="X",
            personal_id="027186001234",
            phone="+84999000031",
            components=[],
            fee_paid_vnd=0,
            delivery="counter",
        )


def test_the_applicant_claims_it_by_verified_phone_and_identification_number(
    client, office, procedure, django_capture_on_commit_callbacks
):
    register(client, office, procedure, django_capture_on_commit_callbacks)
    dossier = Dossier.objects.get(channel=Channel.COUNTER)
    record = CounterApplicant.objects.get(dossier=dossier)
    url = reverse("delivery:counter_claim")
    # An account with the phone but not verified sees nothing.
    unverified = UserFactory(phone="+84999000031", phone_verified=False)
    client.force_login(unverified)
    assert dossier.code not in client.get(url).content.decode()
    client.post(url, {"record": record.pk, "personal_id": "027186001234"})
    assert Dossier.objects.get(pk=dossier.pk).applicant_id == dossier.applicant_id
    unverified.delete()
    owner = UserFactory(phone="+84999000031", phone_verified=True, full_name="Đỗ Thị Lan")
    client.force_login(owner)
    assert client.get(reverse("dossiers:detail", args=[dossier.code])).status_code == 404
    assert dossier.code in client.get(url).content.decode()
    wrong = client.post(url, {"record": record.pk, "personal_id": "027186009999"}, follow=True)
    assert "không khớp" in wrong.content.decode()
    ok = client.post(url, {"record": record.pk, "personal_id": "027186001234"}, follow=True)
    assert ok.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.code])
    dossier.refresh_from_db()
    assert dossier.applicant == owner and dossier.events.filter(action="claim").exists()
    again = client.post(url, {"record": record.pk, "personal_id": "027186001234"}, follow=True)
    assert "đã được nhận" in again.content.decode()


def test_a_stranger_cannot_claim_even_knowing_the_number(
    client, office, procedure, django_capture_on_commit_callbacks
):
    register(client, office, procedure, django_capture_on_commit_callbacks)
    dossier = Dossier.objects.get(channel=Channel.COUNTER)
    record = CounterApplicant.objects.get(dossier=dossier)
    client.force_login(UserFactory(phone="+84999000032", phone_verified=True))
    response = client.post(
        reverse("delivery:counter_claim"), {"record": record.pk, "personal_id": "027186001234"}, follow=True
    )
    assert "Không có hồ sơ này" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).applicant_id == dossier.applicant_id


def test_claim_attempts_are_limited(client, office, procedure, django_capture_on_commit_callbacks):
    register(client, office, procedure, django_capture_on_commit_callbacks)
    record = CounterApplicant.objects.get()
    client.force_login(UserFactory(phone="+84999000031", phone_verified=True))
    for _ in range(5):
        client.post(reverse("delivery:counter_claim"), {"record": record.pk, "personal_id": "000000000000"})
    last = client.post(
        reverse("delivery:counter_claim"), {"record": record.pk, "personal_id": "027186001234"}, follow=True
    )
    assert "quá nhiều lần" in last.content.decode()
    assert CounterApplicant.objects.get().claimed_at is None


def test_the_dashboard_shows_the_true_channel_split(
    client, office, procedure, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from delivery.statistics import statistics_rows

    register(client, office, procedure, django_capture_on_commit_callbacks)
    online = office.result_ready()  # received online, result ready
    start = timezone.now().replace(hour=0, minute=0) - timezone.timedelta(days=1)
    end = timezone.now() + timezone.timedelta(days=1)
    rows = {
        r["label"]: r["value"] for r in statistics_rows(agency_ids=[office.agency.pk], start=start, end=end)
    }
    assert rows["Tiếp nhận trực tiếp tại Bộ phận Một cửa"] == "1 (50%)"
    assert rows["Tiếp nhận trực tuyến"] == "1 (50%)"
    assert rows["Tiếp nhận qua bưu chính công ích"] == "0 (0%)"
    assert online.status == Status.RESULT_READY
    leader = office.leader
    login_staff(client, leader)
    page = client.get("/admin/statistics/").content.decode()
    assert "Tiếp nhận trực tiếp tại Bộ phận Một cửa" in page and "Kết quả trả qua bưu chính" in page
