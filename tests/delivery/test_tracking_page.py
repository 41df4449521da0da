"""The public tracking page: an item number → where the parcel is, nothing personal."""

import pytest

from delivery import s10

from .helpers import ship

pytestmark = pytest.mark.django_db


def test_tracking_shows_the_journey_and_no_personal_data(
    client, django_capture_on_commit_callbacks, agency, address
):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, recipient_name="Trần Thị Bích Ngọc")
    page = client.get(f"/delivery/track/{shipment.item_number}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Đã giao" in body and "Đang giao" in body and "Bưu cục" in body
    assert (
        "Trần Thị Bích Ngọc" not in body
        and "Nguyễn Trãi" not in body
        and shipment.recipient_phone not in body
    )


def test_typed_with_spaces_and_lower_case(client, django_capture_on_commit_callbacks, agency, address):
    shipment = ship(django_capture_on_commit_callbacks, agency, address)
    spaced = f"{shipment.item_number[:2].lower()} {shipment.item_number[2:6]} {shipment.item_number[6:]}"
    assert client.get("/delivery/track/", {"item": spaced}).status_code == 200


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("EE123456784VN", "chữ số kiểm tra không khớp"),
        ("hello", "2 chữ cái, 9 chữ số"),
        ("<script>alert(1)</script>", "2 chữ cái, 9 chữ số"),
        (s10.generate(99, operator="B"), "Không tìm thấy bưu gửi"),
    ],
)
def test_bad_or_unknown_numbers_get_a_clear_message(client, db, item, message):
    page = client.get("/delivery/track/", {"item": item})
    assert page.status_code == 404
    assert message in page.content.decode()
    assert "<script>alert(1)" not in page.content.decode()


def test_the_empty_form(client, db):
    assert client.get("/delivery/track/").status_code == 200
