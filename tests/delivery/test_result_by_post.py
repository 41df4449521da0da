"""Result by post: "Giao bưu chính" on the desk, the carrier's events move the dossier as the system."""

import pytest
from django.urls import reverse

from delivery.constants import Direction, EventOutcome, Payer
from delivery.constants import ShipmentStatus as S
from delivery.models import AgencyPostage, Shipment, SimulatedParcel
from dossiers.constants import ActorKind, Delivery, Status, Step
from dossiers.models import AuditEntry, Dossier
from notifications.models import Message
from tests.factories import AgencyFactory, UserFactory, login_staff, make_staff

from .result_helpers import Office, desk_form, post_address

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(templates):
    return Office()


def press(client, dossier, capture, **overrides):
    with capture(execute=True):
        return client.post(
            reverse("admin:delivery_hand_over", args=[dossier.pk]),
            desk_form(dossier, **overrides),
            follow=True,
        )


def sms_events(dossier):
    return list(
        Message.objects.filter(related_label=dossier.code, channel="sms")
        .order_by("id")
        .values_list("event", flat=True)
    )


def test_giao_buu_chinh_to_delivered_returns_the_result(client, office, django_capture_on_commit_callbacks):
    dossier = office.result_ready()
    login_staff(client, office.officer)
    desk = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).content.decode()
    assert "Giao bưu chính" in desk and "Cước dự kiến: 22.000 đ" in desk
    response = press(client, dossier, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    dossier.refresh_from_db()
    shipment = Shipment.objects.get(dossier=dossier)
    assert shipment.direction == Direction.OUTBOUND and shipment.status == S.DELIVERED
    assert shipment.payer == Payer.CITIZEN_COD and shipment.cod_amount_vnd == 22000
    assert dossier.status == Status.RETURNED and dossier.return_method == Delivery.POST
    assert dossier.processing_step == ""
    actions = list(dossier.events.order_by("id").values_list("action", "actor_kind"))
    assert actions[-2:] == [("hand_to_post", ActorKind.STAFF), ("post_delivered", ActorKind.SYSTEM)]
    audit = AuditEntry.objects.get(dossier=dossier, what="transition:post_delivered")
    assert audit.user is None and "delivery:simulator" in audit.actor_name
    events = sms_events(dossier)
    assert events[-3:] == ["result_posted", "post_out_for_delivery", "dossier_returned"]
    out = Message.objects.get(related_label=dossier.code, event="post_out_for_delivery", channel="sms")
    assert shipment.item_number in out.body_text and "22.000" in out.body_text


def test_the_citizen_follows_the_parcel_on_the_dossier_page(
    client, office, django_capture_on_commit_callbacks, settings
):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    dossier = office.result_ready()
    login_staff(client, office.officer)
    press(client, dossier, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get(dossier=dossier)
    parcel = SimulatedParcel.objects.get()
    from delivery.carriers import simulator

    simulator.emit(parcel.pk, advance=3)  # picked up, in transit (one hub: same province), out for delivery
    client.force_login(dossier.applicant)
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert (
        shipment.item_number in page and "Đang giao" in page and "Chuẩn bị 22.000 đ" in page.replace(",", ".")
    )
    assert "Bưu chính đã nhận ✓" in page and "Đang vận chuyển ✓" in page and "Đang giao ✓" in page
    assert "Đã giao ✓" not in page
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("dossiers:detail", args=[dossier.code])).status_code == 404


def test_a_failed_attempt_is_told_and_delivered_next_day(client, office, django_capture_on_commit_callbacks):
    dossier = office.result_ready(phone="+84999000021")
    login_staff(client, office.officer)
    press(client, dossier, django_capture_on_commit_callbacks)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    failed = Message.objects.get(related_label=dossier.code, event="post_failed_attempt", channel="sms")
    assert "Khong lien lac duoc nguoi nhan" in failed.body_text  # folded to GSM-7
    assert Shipment.objects.get(dossier=dossier).attempts == 1


def test_returned_to_sender_brings_the_result_back_to_the_counter(
    client, office, django_capture_on_commit_callbacks
):
    dossier = office.result_ready(phone="+84999000022")
    login_staff(client, office.officer)
    press(client, dossier, django_capture_on_commit_callbacks)
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_READY and dossier.processing_step == Step.BACK_AT_COUNTER
    assert "result_back_at_counter" in sms_events(dossier)
    desk = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).content.decode()
    assert "Giao bưu chính" in desk  # ship it again …
    assert f'action="/admin/dossiers/dossier/{dossier.pk}/act/return_result/"' in desk  # … or at the counter
    # Ship again, to a corrected phone this time: a second parcel, delivered.
    response = press(client, dossier, django_capture_on_commit_callbacks, **{"post-phone": "0999000020"})
    assert "Đã giao bưu chính" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert list(Shipment.objects.filter(dossier=dossier).order_by("id").values_list("status", flat=True)) == [
        S.RETURNED,
        S.DELIVERED,
    ]


def test_lost_parcel(client, office, django_capture_on_commit_callbacks):
    dossier = office.result_ready(phone="+84999000023")
    login_staff(client, office.officer)
    press(client, dossier, django_capture_on_commit_callbacks)
    dossier.refresh_from_db()
    assert dossier.processing_step == Step.BACK_AT_COUNTER
    assert "result_post_lost" in sms_events(dossier)


def test_the_officer_cancels_before_pickup(client, office, django_capture_on_commit_callbacks, settings):
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 3600
    dossier = office.result_ready()
    login_staff(client, office.officer)
    press(client, dossier, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get(dossier=dossier)
    assert shipment.status == S.BOOKED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:delivery_shipment_cancel", args=[shipment.pk]), {"reason": "Đến lấy tại quầy"}
        )
    shipment.refresh_from_db()
    dossier.refresh_from_db()
    assert shipment.status == S.CANCELLED
    assert dossier.processing_step == Step.BACK_AT_COUNTER
    # The carrier's own "cancel" callback afterwards changes nothing.
    assert shipment.events.get(status=S.CANCELLED).outcome == EventOutcome.FINAL


def test_a_double_click_books_one_parcel(client, office, django_capture_on_commit_callbacks):
    dossier = office.result_ready()
    login_staff(client, office.officer)
    form = desk_form(dossier)
    url = reverse("admin:delivery_hand_over", args=[dossier.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form)
        second = client.post(url, form, follow=True)
    assert "vừa được cập nhật" in second.content.decode()
    assert Shipment.objects.filter(dossier=dossier).count() == 1


def test_a_renumbered_commune_is_sent_to_todays_code(client, office, django_capture_on_commit_callbacks):
    address = post_address(2, commune_code="99999")  # the code as typed before a renumbering
    dossier = office.result_ready(address=address)
    login_staff(client, office.officer)
    press(client, dossier, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get(dossier=dossier)
    assert shipment.commune_code == post_address(2)["commune_code"] and "99999" in shipment.address_note


def test_an_address_that_cannot_be_sent_changes_nothing(client, office, django_capture_on_commit_callbacks):
    address = post_address(2, commune_code="99999", commune_name="Phường Đã Giải Thể")
    dossier = office.result_ready(address=address)
    login_staff(client, office.officer)
    response = press(client, dossier, django_capture_on_commit_callbacks)
    assert "không còn trong danh mục" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.processing_step == "" and not Shipment.objects.exists()


def test_an_agency_that_pays_the_postage(client, office, django_capture_on_commit_callbacks):
    AgencyPostage.objects.create(agency=office.agency, agency_pays=True)
    dossier = office.result_ready()
    login_staff(client, office.officer)
    press(client, dossier, django_capture_on_commit_callbacks)
    shipment = Shipment.objects.get(dossier=dossier)
    assert shipment.payer == Payer.AGENCY and shipment.cod_amount_vnd == 0


def test_other_agencies_and_roles_cannot_post(client, office, django_capture_on_commit_callbacks):
    dossier = office.result_ready()
    stranger = make_staff(AgencyFactory(), "officer")
    login_staff(client, stranger)
    assert (
        client.post(reverse("admin:delivery_hand_over", args=[dossier.pk]), desk_form(dossier)).status_code
        == 404
    )
    login_staff(client, office.leader)
    response = press(client, dossier, django_capture_on_commit_callbacks)
    assert "không được" in response.content.decode()
    assert not Shipment.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).processing_step == ""


def test_wizard_shows_the_postage_before_choosing_post(client, db):
    from tests.factories import ready_draft

    from .result_helpers import Office as _Office

    office = _Office()
    from tests.factories import make_procedure

    procedure, component = make_procedure(office.agency)
    draft, user = ready_draft(procedure=procedure, component=component)
    client.force_login(user)
    step = client.get(reverse("dossiers:draft_step", args=[draft.uuid, "delivery"])).content.decode()
    assert 'id="post-quote"' in step and "Chọn tỉnh, xã để xem cước" in step
    url = reverse("delivery:quote", args=[draft.uuid])
    same = client.get(url, {"post_province_code": "24", "post_commune_code": post_address()["commune_code"]})
    assert "22.000 đ" in same.content.decode().replace(",", ".")
    other_province = client.get(url, {"post_province_code": "01"})
    assert "32.000 đ" in other_province.content.decode().replace(",", ".")
    AgencyPostage.objects.create(agency=office.agency, agency_pays=True)
    assert "Cơ quan trả cước" in client.get(url, {"post_province_code": "24"}).content.decode()
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
