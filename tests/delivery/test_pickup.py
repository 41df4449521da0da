"""Dossier by post: the applicant asks for a pickup; the postman checks the documents; the sealed
dossier becomes a dossier (channel post) and is received at the one-stop shop like any other."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from delivery.carriers import simulator
from delivery.constants import Direction
from delivery.constants import ShipmentStatus as S
from delivery.models import Shipment, SimulatedParcel
from dossiers.constants import Channel, Status
from dossiers.models import Dossier
from dossiers.workflow import Actor, TransitionError, dossier_transition
from notifications.models import Message
from tests.factories import ComponentFactory, UserFactory, make_procedure

from .result_helpers import Office, post_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(templates):
    return Office()


@pytest.fixture
def procedure(office):
    procedure, _component = make_procedure(office.agency)
    ComponentFactory(procedure=procedure, name="Bản sao Giấy khai sinh", required=True, order=2)
    return procedure


def form_data(office, **overrides):
    address = post_address()
    return {
        "agency": office.agency.pk,
        "name": "Lê Thị Mai",
        "phone": "0999 000 020",
        "province_code": address["province_code"],
        "commune_code": address["commune_code"],
        "street": "Thôn Đông, số 8",
        "pickup_date": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "pickup_slot": "morning",
        "result_delivery": "post",
        "result_recipient": "",
        "result_recipient_phone": "",
        **overrides,
    }


def ask(client, procedure, office, capture, **overrides):
    with capture(execute=True):
        return client.post(
            reverse("delivery:pickup_new", args=[procedure.code]), form_data(office, **overrides)
        )


def test_the_procedure_page_says_whether_post_is_offered(client, procedure):
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "Có thể gửi hồ sơ và nhận kết quả qua bưu chính công ích." in page
    assert reverse("delivery:pickup_new", args=[procedure.code]) in page
    procedure.postal_excluded = True
    procedure.save()
    page = client.get(procedure.get_absolute_url()).content.decode()
    assert "Không tiếp nhận hồ sơ, trả kết quả qua bưu chính công ích." in page
    assert reverse("delivery:pickup_new", args=[procedure.code]) not in page


def test_a_pickup_becomes_a_dossier_received_like_any_other(
    client, office, procedure, django_capture_on_commit_callbacks
):
    citizen = UserFactory(full_name="Lê Thị Mai", phone="+84999000020", email="")
    client.force_login(citizen)
    page = client.get(reverse("delivery:pickup_new", args=[procedure.code])).content.decode()
    assert "Bản sao Giấy khai sinh" in page and "Hẹn bưu tá đến nhận hồ sơ" in page
    response = ask(client, procedure, office, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get(direction=Direction.INBOUND)
    assert response.status_code == 302 and response["Location"] == reverse(
        "delivery:pickup_detail", args=[shipment.reference]
    )
    assert shipment.status == S.DELIVERED  # compressed clock: picked up, carried, arrived
    dossier = shipment.dossier
    assert dossier.channel == Channel.POST and dossier.status == Status.SUBMITTED and dossier.code
    assert dossier.applicant == citizen and dossier.delivery == "post"
    assert dossier.delivery_address["commune_code"] == post_address()["commune_code"]
    assert dossier.procedure_snapshot["intake"]["components"] == ["Tờ khai", "Bản sao Giấy khai sinh"]
    assert dossier.events.filter(action="submit_by_post", actor_kind="system").exists()
    assert dossier.events.filter(action="post_arrived").exists()
    assert dossier.acceptance_due_at > dossier.submitted_at
    assert Message.objects.filter(event="pickup_requested", channel="sms").exists()
    assert Message.objects.filter(
        related_label=dossier.code, event="dossier_submitted", channel="sms"
    ).exists()
    detail = client.get(reverse("delivery:pickup_detail", args=[shipment.reference])).content.decode()
    assert dossier.code in detail
    # The officer receives it like any other: form 01, the same code, the public lookup.
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_transition(
            dossier_id=dossier.pk,
            name="receive",
            actor=Actor.staff(office.officer),
            expected_version=dossier.version,
        )
    assert dossier.status == Status.RECEIVED and dossier.files.filter(purpose="form01").exists()
    lookup = client.get(reverse("dossiers:lookup"), {"code": dossier.code, "phone_last4": "0020"})
    assert "Được tiếp nhận" in lookup.content.decode()
    # The other person: a 404 for the pickup.
    client.force_login(UserFactory())
    assert client.get(reverse("delivery:pickup_detail", args=[shipment.reference])).status_code == 404


def test_not_received_while_the_paper_is_still_in_the_post(
    client, office, procedure, django_capture_on_commit_callbacks, settings
):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    client.force_login(UserFactory(phone="+84999000020"))
    ask(client, procedure, office, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get()
    assert shipment.status == S.BOOKED and shipment.dossier is None
    simulator.emit(SimulatedParcel.objects.get().pk, advance=2)  # picked up, in transit
    shipment.refresh_from_db()
    dossier = shipment.dossier
    assert dossier is not None and dossier.status == Status.SUBMITTED
    with pytest.raises(TransitionError, match="còn trên đường bưu chính"):
        dossier_transition(
            dossier_id=dossier.pk,
            name="receive",
            actor=Actor.staff(office.officer),
            expected_version=dossier.version,
        )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_a_missing_document_is_reported_and_nothing_is_taken(
    client, office, procedure, django_capture_on_commit_callbacks
):
    citizen = UserFactory(phone="+84999000025")
    client.force_login(citizen)
    ask(client, procedure, office, django_capture_on_commit_callbacks, phone="0999000025")
    shipment = Shipment.objects.get()
    assert (
        shipment.status == S.CANCELLED
        and shipment.dossier is None
        and not Dossier.objects.filter(channel="post").exists()
    )
    sms = Message.objects.get(event="pickup_incomplete", channel="sms")
    assert "Buu ta chua nhan ho so" in sms.body_text
    mail_or_sms_items = Message.objects.filter(event="pickup_incomplete").values_list("body_text", flat=True)
    detail = client.get(reverse("delivery:pickup_detail", args=[shipment.reference])).content.decode()
    assert "Bản sao Giấy khai sinh" in detail and "Hẹn lại bưu tá" in detail
    assert list(mail_or_sms_items)


def test_someone_else_may_receive_the_result(client, office, procedure, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(phone="+84999000020"))
    ask(
        client,
        procedure,
        office,
        django_capture_on_commit_callbacks,
        result_recipient="Trần Văn Bình",
        result_recipient_phone="0999000021",
    )
    dossier = Shipment.objects.get().dossier
    assert (
        dossier.delivery_address["name"] == "Trần Văn Bình" and dossier.delivery_address["authorised"] is True
    )
    assert dossier.delivery_address["phone"] == "+84999000021"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"pickup_date": "2020-01-01"}, "hôm nay hoặc một ngày sau"),
        ({"phone": "12345"}, "Số điện thoại không hợp lệ"),
        ({"commune_code": "01234"}, "không thuộc tỉnh"),
        ({"result_recipient": "Trần Văn Bình"}, "người nhận thay"),
        ({"pickup_slot": "midnight"}, "midnight"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_booked(
    client, office, procedure, django_capture_on_commit_callbacks, overrides, message
):
    client.force_login(UserFactory(phone="+84999000020"))
    response = ask(client, procedure, office, django_capture_on_commit_callbacks, **overrides)
    page = response.content.decode()
    assert response.status_code == 200 and "usa-error-message" in page
    assert message.lower() in page.lower()
    assert not Shipment.objects.exists()


def test_an_excluded_procedure_takes_no_pickup(client, office, procedure, django_capture_on_commit_callbacks):
    procedure.postal_excluded = True
    procedure.save()
    client.force_login(UserFactory(phone="+84999000020"))
    page = client.get(reverse("delivery:pickup_new", args=[procedure.code])).content.decode()
    assert "không tiếp nhận hồ sơ qua bưu chính" in page
    ask(client, procedure, office, django_capture_on_commit_callbacks)
    assert not Shipment.objects.exists()


def test_shuffled_callbacks_still_make_the_dossier(
    client, office, procedure, django_capture_on_commit_callbacks, settings
):
    """Newest first: "delivered" arrives before "picked up" (which is then only recorded)."""
    settings.CARRIER_SIMULATOR_CHAOS = "always"
    client.force_login(UserFactory(phone="+84999000020"))
    ask(client, procedure, office, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get()
    assert shipment.status == S.DELIVERED
    assert shipment.events.get(status=S.PICKED_UP).outcome != "applied"
    dossier = shipment.dossier
    assert dossier is not None and dossier.status == Status.SUBMITTED
    assert dossier.events.filter(action="post_arrived").exists()
    assert dossier.submitted_at <= shipment.delivered_at
