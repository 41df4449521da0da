"""The HTTP gateway provider against a real local HTTP server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications.constants import Channel
from notifications.models import Message
from notifications.providers import sms_provider
from notifications.providers.base import PermanentFailure, TemporaryFailure

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    requests: list = []
    reply = (200, {"message_id": "gw-123", "status": "accepted"})

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "json": json.loads(body)}
        )
        status, payload = Gateway.reply
        raw = json.dumps(payload).encode() if not isinstance(payload, bytes) else payload
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.requests = []
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_address[1]}/api"
    settings.SMS_API_KEY = "key-from-env"
    settings.SMS_BRANDNAME = "CONG DVC"
    yield Gateway
    server.shutdown()


def sms(**kwargs):
    return Message.objects.create(
        channel=Channel.SMS,
        recipient="+84912345678",
        event="x",
        body_text="Cong DVC: ho so da tiep nhan",
        **kwargs,
    )


def test_http_gateway_send(gateway):
    message = sms()
    result = sms_provider("http").send(message)
    assert result.provider_message_id == "gw-123"
    request = gateway.requests[0]
    assert request["path"] == "/api/send"
    assert request["auth"] == "Bearer key-from-env"
    assert request["json"]["client_ref"] == str(message.uuid)
    assert request["json"]["to"] == "+84912345678" and request["json"]["brandname"] == "CONG DVC"
    assert request["json"]["callback_url"].endswith("/notifications/webhooks/sms/http/")
    assert request["json"]["unicode"] is False


@pytest.mark.parametrize(
    ("status", "error"),
    [(503, TemporaryFailure), (429, TemporaryFailure), (400, PermanentFailure), (401, PermanentFailure)],
)
def test_http_gateway_errors(gateway, status, error):
    gateway.reply = (status, {"error": "x"})
    with pytest.raises(error):
        sms_provider("http").send(sms())
    gateway.reply = (200, {"message_id": "gw-123", "status": "accepted"})


def test_http_gateway_unreachable_is_temporary(settings):
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/api"
    settings.SMS_API_KEY = "k"
    with pytest.raises(TemporaryFailure):
        sms_provider("http").send(sms())


def test_http_gateway_garbage_answer_is_temporary(gateway):
    gateway.reply = (200, b"<html>oops</html>")
    with pytest.raises(TemporaryFailure):
        sms_provider("http").send(sms())
    gateway.reply = (200, {"message_id": "gw-123", "status": "accepted"})
