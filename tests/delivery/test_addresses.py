"""Addresses checked against today's official units (renumbered communes)."""

import pytest

from accounts import units
from delivery import addresses, services
from delivery.addresses import AddressProblem

from .helpers import ship

pytestmark = pytest.mark.django_db


def current(index=0):
    code, name = units.communes("24")[index]
    return {"province_code": "24", "province_name": "Bắc Ninh", "commune_code": code, "commune_name": name}


def test_an_address_as_chosen_is_kept():
    resolved = addresses.resolve(**current(), street="Số 1")
    assert (resolved.commune_code, resolved.note) == (current()["commune_code"], "")


def test_a_renumbered_commune_is_found_again_by_its_name():
    address = {**current(3), "commune_code": "99999"}  # the code it had before a renumbering
    resolved = addresses.resolve(**address, street="Số 1")
    assert resolved.commune_code == current(3)["commune_code"]
    assert resolved.commune_name == current(3)["commune_name"]
    assert resolved.note == f"mã xã 99999 đổi thành {current(3)['commune_code']}"


def test_a_code_that_now_names_another_commune_follows_the_name():
    address = {**current(3), "commune_code": current(4)["commune_code"]}
    resolved = addresses.resolve(**address, street="Số 1")
    assert resolved.commune_code == current(3)["commune_code"]
    assert "đổi thành" in resolved.note


def test_a_commune_that_no_longer_exists_is_refused_with_a_message():
    with pytest.raises(AddressProblem, match="Phường Đã Sáp Nhập.*không còn trong danh mục"):
        addresses.resolve(
            province_code="24",
            province_name="Bắc Ninh",
            commune_code="99998",
            commune_name="Phường Đã Sáp Nhập",
            street="Số 1",
        )


def test_a_renumbered_province_is_found_by_name_and_a_vanished_one_refused():
    resolved = addresses.resolve(**{**current(), "province_code": "77"}, street="Số 1")
    assert resolved.province_code == "24" and "mã tỉnh 77 đổi thành 24" in resolved.note
    with pytest.raises(AddressProblem, match="Tỉnh “Hà Bắc”"):
        addresses.resolve(**{**current(), "province_code": "88", "province_name": "Hà Bắc"}, street="Số 1")


def test_a_missing_street_is_refused():
    with pytest.raises(AddressProblem, match="số nhà"):
        addresses.resolve(**current(), street="  ")


def test_a_shipment_keeps_the_note_and_refuses_what_cannot_be_sent(
    django_capture_on_commit_callbacks, agency
):
    shipment = ship(
        django_capture_on_commit_callbacks, agency, {**current(2), "commune_code": "99999", "street": "Số 5"}
    )
    assert shipment.commune_code == current(2)["commune_code"] and "99999" in shipment.address_note
    with pytest.raises(services.DeliveryError, match="không còn trong danh mục"):
        ship(
            django_capture_on_commit_callbacks,
            agency,
            {**current(), "commune_code": "99998", "commune_name": "Xã Không Có", "street": "Số 5"},
        )


def test_a_bad_phone_or_name_is_refused(django_capture_on_commit_callbacks, agency):
    with pytest.raises(services.DeliveryError):
        ship(django_capture_on_commit_callbacks, agency, {**current(), "street": "Số 5"}, phone="12345")
    with pytest.raises(services.DeliveryError, match="tên người nhận"):
        ship(django_capture_on_commit_callbacks, agency, {**current(), "street": "Số 5"}, recipient_name=" ")


def test_the_agency_snapshot_has_codes_and_names(agency):
    snapshot = addresses.agency_snapshot(agency)
    assert snapshot["commune_code"] == agency.unit_code and snapshot["province_code"] == "24"
    assert snapshot["commune_name"] and snapshot["province_name"] == "Bắc Ninh"
