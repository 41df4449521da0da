"""The HTTP carrier adapter against a real local HTTP server speaking the common courier shape."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from delivery import s10, services
from delivery.carriers.base import OrderRequest, PermanentCarrierError, PostalAddress, TemporaryCarrierError
from delivery.carriers.http import HttpCarrier
from delivery.carriers.wire import event_payload
from delivery.constants import BookingState
from delivery.constants import ShipmentStatus as S

from .helpers import ship

pytestmark = pytest.mark.django_db

SENDER = PostalAddress(
    "UBND Phường Kinh Bắc", "02223822888", "Số 11 Lý Thái Tổ", "09187", "Phường Kinh Bắc", "24", "Bắc Ninh"
)
RECEIVER = PostalAddress(
    "Nguyễn Văn An", "+84912345678", "Số 12 Nguyễn Trãi", "07210", "Phường Bắc Giang", "24", "Bắc Ninh"
)


class Courier(BaseHTTPRequestHandler):
    """A courier's partner API: dedupes on client_order_code, as GHN does."""

    requests: list = []
    orders: dict = {}
    override: tuple | None = None  # (status, body) for the next requests
    delay = 0.0
    tracking_number = None

    def _answer(self, status, payload):
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _handle(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        Courier.requests.append(
            {"method": method, "path": self.path, "token": self.headers.get("Token"), "json": body}
        )
        if Courier.delay:
            time.sleep(Courier.delay)
        if Courier.override:
            return self._answer(*Courier.override)
        if self.path == "/api/orders/fee":
            return self._answer(200, {"code": 200, "data": {"total_fee": 27000, "expected_days": 1}})
        if self.path == "/api/orders":
            ref = body["client_order_code"]
            if ref in Courier.orders:
                return self._answer(409, {"message": "order exists", **Courier.orders[ref]})
            serial = 10_000_000 + len(Courier.orders)
            order = {
                "order_code": f"GHN{serial}",
                "tracking_number": Courier.tracking_number or s10.generate(serial, operator="V"),
                "total_fee": 27000,
                "expected_delivery_time": "2026-11-26T17:00:00+07:00",
            }
            Courier.orders[ref] = order
            return self._answer(200, {"code": 200, "data": order})
        if self.path.endswith("/cancel"):
            return self._answer(200, {"code": 200})
        if self.path.endswith("/tracking"):
            order = next(iter(Courier.orders.values()))
            events = [
                event_payload(
                    event_id=f"ghn-{i}",
                    status=status,
                    at=timezone.now(),
                    reference="",
                    order_code=order["order_code"],
                    item_number=order["tracking_number"],
                )
                for i, status in enumerate([S.PICKED_UP, S.IN_TRANSIT])
            ]
            return self._answer(200, {"code": 200, "data": {"events": events}})
        return self._answer(404, {"message": "no route"})

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_GET(self):  # noqa: N802
        self._handle("GET")

    def log_message(self, *args):
        pass


@pytest.fixture
def courier(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Courier)
    server.daemon_threads = False  # server_close() waits for slow handlers: none leaks into the next test
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Courier.requests, Courier.orders, Courier.override, Courier.delay, Courier.tracking_number = (
        [],
        {},
        None,
        0.0,
        None,
    )
    settings.CARRIER = "http"
    settings.CARRIER_HTTP_URL = f"http://127.0.0.1:{server.server_address[1]}/api"
    settings.CARRIER_API_TOKEN = "token-from-env"
    settings.CARRIER_HTTP_TIMEOUT = 2
    yield Courier
    server.shutdown()
    server.server_close()


def order(reference="DVCTEST000001"):
    return OrderRequest(
        reference=reference,
        direction="outbound",
        service="E",
        sender=SENDER,
        receiver=RECEIVER,
        weight_grams=200,
        cod_amount_vnd=27000,
        payer="receiver",
        note="000.00.21.H24-261124-0001",
    )


def test_create_sends_the_courier_shape_and_is_idempotent(courier):
    first = HttpCarrier().create(order())
    again = HttpCarrier().create(order())
    assert first == again and s10.is_valid(first.item_number) and first.fee_vnd == 27000
    assert str(first.expected_delivery) == "2026-11-26"
    request = courier.requests[0]
    assert request["path"] == "/api/orders" and request["token"] == "token-from-env"
    sent = request["json"]
    assert sent["client_order_code"] == "DVCTEST000001" and sent["payment_type"] == "receiver"
    assert sent["to"] == {
        "name": "Nguyễn Văn An",
        "phone": "+84912345678",
        "address": "Số 12 Nguyễn Trãi",
        "commune_code": "07210",
        "commune_name": "Phường Bắc Giang",
        "province_code": "24",
        "province_name": "Bắc Ninh",
    }
    assert sent["cod_amount"] == 27000 and sent["weight"] == 200
    assert len(courier.orders) == 1


def test_quote_cancel_and_track(courier):
    carrier = HttpCarrier()
    assert carrier.quote(sender=SENDER, receiver=RECEIVER, weight_grams=200).total_vnd == 27000
    booking = carrier.create(order())
    carrier.cancel(reference="DVCTEST000001", order_code=booking.order_code)
    assert courier.requests[-1]["path"] == f"/api/orders/{booking.order_code}/cancel"
    events = carrier.track(
        reference="DVCTEST000001", order_code=booking.order_code, item_number=booking.item_number
    )
    assert [e.status for e in events] == [S.PICKED_UP, S.IN_TRANSIT]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((503, {"message": "busy"}), TemporaryCarrierError),
        ((429, {"message": "slow down"}), TemporaryCarrierError),
        ((408, {}), TemporaryCarrierError),
        ((400, {"message": "Địa chỉ không hợp lệ"}), PermanentCarrierError),
        ((401, {"message": "bad token"}), PermanentCarrierError),
        ((200, b"<html>oops</html>"), TemporaryCarrierError),
        ((200, {"code": 200, "data": {"order_code": "X"}}), TemporaryCarrierError),
    ],
)
def test_errors_are_classified(courier, answer, error):
    courier.override = answer
    with pytest.raises(error):
        HttpCarrier().create(order())


def test_a_permanent_refusal_keeps_the_couriers_message(courier):
    courier.override = (400, {"message": "Địa chỉ không hợp lệ"})
    with pytest.raises(PermanentCarrierError, match="Địa chỉ không hợp lệ"):
        HttpCarrier().create(order())


def test_a_carrier_that_times_out_is_a_temporary_failure(courier, settings):
    settings.CARRIER_HTTP_TIMEOUT = 0.2
    courier.delay = 1.0
    with pytest.raises(TemporaryCarrierError, match="unreachable"):
        HttpCarrier().create(order())


def test_unreachable_or_unconfigured_is_temporary(settings):
    settings.CARRIER_HTTP_URL = "http://127.0.0.1:9/api"
    settings.CARRIER_API_TOKEN = "t"
    with pytest.raises(TemporaryCarrierError):
        HttpCarrier().create(order())
    settings.CARRIER_HTTP_URL = ""
    with pytest.raises(TemporaryCarrierError, match="not configured"):
        HttpCarrier().create(order())


def test_booking_through_the_outbox_with_the_http_carrier(
    courier, django_capture_on_commit_callbacks, agency, address
):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84912345678")
    assert shipment.carrier == "http" and shipment.booking_state == BookingState.BOOKED
    assert shipment.item_number == next(iter(courier.orders.values()))["tracking_number"]
    assert shipment.postage_vnd == 27000 == shipment.cod_amount_vnd  # the quote, then the booked fee


def test_a_timeout_then_success_books_once(
    courier, django_capture_on_commit_callbacks, agency, address, settings
):
    from datetime import timedelta

    from delivery.models import Shipment

    settings.CARRIER_HTTP_TIMEOUT = 0.2
    courier.delay = 1.0  # the courier creates the order but answers too late
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84912345678")
    assert shipment.booking_state == BookingState.PENDING and "unreachable" in shipment.booking_error
    courier.delay = 0.0
    Shipment.objects.filter(pk=shipment.pk).update(booking_next_at=timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_sweep()
    shipment.refresh_from_db()
    assert shipment.booking_state == BookingState.BOOKED
    assert len(courier.orders) == 1
    assert shipment.item_number == next(iter(courier.orders.values()))["tracking_number"]


def test_a_carrier_answering_a_bad_item_number_fails_the_booking(
    courier, django_capture_on_commit_callbacks, agency, address
):
    courier.tracking_number = "EE123456784VN"  # wrong check digit
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84912345678")
    assert shipment.booking_state == BookingState.FAILED and shipment.item_number == ""
    assert "không hợp lệ" in shipment.booking_error


def test_webhook_token_in_the_url_or_a_header(
    client, courier, django_capture_on_commit_callbacks, agency, address
):
    shipment = ship(django_capture_on_commit_callbacks, agency, address, phone="+84912345678")
    body = json.dumps(
        event_payload(
            event_id="ghn-77",
            status=S.PICKED_UP,
            at=timezone.now(),
            reference=shipment.reference,
            order_code=shipment.carrier_order_code,
            item_number=shipment.item_number,
        )
    )
    url = "/delivery/webhooks/http/"
    assert client.post(url + "?token=wrong", body, content_type="application/json").status_code == 401
    assert client.post(url, body, content_type="application/json").status_code == 401
    ok = client.post(url + "?token=test-carrier-secret", body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["applied"] == 1
    again = client.post(
        url, body, content_type="application/json", HTTP_X_WEBHOOK_TOKEN="test-carrier-secret"
    )
    assert again.json()["duplicates"] == 1
    shipment.refresh_from_db()
    assert shipment.status == S.PICKED_UP
