"""The HTTP gateway provider against a real local HTTP server, and email against a real SMTP server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from django.core.mail import get_connection

from notifications.constants import Channel
from notifications.models import Message
from notifications.providers.base import PermanentFailure, TemporaryFailure
from notifications.providers.email import EmailProvider
from notifications.providers.sms_http import HttpSmsProvider

pytestmark = pytest.mark.django_db


class Gateway(BaseHTTPRequestHandler):
    requests: list = []
    reply = (200, {"message_id": "gw-123", "status": "accepted"})

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Gateway.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "json": json.loads(body)})
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
    return Message.objects.create(channel=Channel.SMS, recipient="+84912345678", event="x", body_text="Cong DVC: ho so da tiep nhan", **kwargs)


def test_http_gateway_send(gateway):
    message = sms()
    result = HttpSmsProvider().send(message)
    assert result.provider_message_id == "gw-123"
    request = gateway.requests[0]
    assert request["path"] == "/api/send"
    assert request["auth"] == "Bearer key-from-env"
    assert request["json"]["client_ref"] == str(message.uuid)
    assert request["json"]["to"] == "+84912345678" and request["json"]["brandname"] == "CONG DVC"
    assert request["json"]["callback_url"].endswith("/notifications/webhooks/sms/http/")
    assert request["json"]["unicode"] is False


@pytest.mark.parametrize(("status", "error"), [(503, TemporaryFailure), (429, TemporaryFailure), (400, PermanentFailure), (401, PermanentFailure)])
def test_http_gateway_errors(gateway, status, error):
    gateway.reply = (status, {"error": "x"})
    with pytest.raises(error):
        HttpSmsProvider().send(sms())
    gateway.reply = (200, {"message_id": "gw-123", "status": "accepted"})


def test_http_gateway_unreachable_is_temporary(settings):
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/api"
    settings.SMS_API_KEY = "k"
    with pytest.raises(TemporaryFailure):
        HttpSmsProvider().send(sms())


def test_http_gateway_garbage_answer_is_temporary(gateway):
    gateway.reply = (200, b"<html>oops</html>")
    with pytest.raises(TemporaryFailure):
        HttpSmsProvider().send(sms())
    gateway.reply = (200, {"message_id": "gw-123", "status": "accepted"})


class RefusingHandler(MessageHandler):
    def __init__(self):
        super().__init__()
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def handle_message(self, message):
        self.received.append(message)


@pytest.fixture
def smtp_server():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = RefusingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, controller.port
    controller.stop()


def test_email_through_real_smtp(smtp_server):
    handler, port = smtp_server
    message = Message.objects.create(
        channel=Channel.EMAIL, recipient="an@example.vn", event="x", subject="Hồ sơ 000.21.01.H24-261122-0001 đã được tiếp nhận",
        body_text="Kính gửi Nguyễn Văn An,", body_html="<p>Kính gửi Nguyễn Văn An,</p>",
    )
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port, use_tls=False)
    result = EmailProvider(connection=connection).send(message)
    assert len(handler.received) == 1
    received = handler.received[0]
    assert received["Message-ID"] == result.provider_message_id
    assert received["X-Portal-Reference"] == str(message.uuid)
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(received["Subject"]))) == message.subject
    assert received.is_multipart()


def test_email_refused_recipient_is_permanent(smtp_server):
    _handler, port = smtp_server
    message = Message.objects.create(channel=Channel.EMAIL, recipient="nobody@example.vn", event="x", subject="s", body_text="b")
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
    with pytest.raises(PermanentFailure):
        EmailProvider(connection=connection).send(message)


def test_email_server_down_is_temporary():
    message = Message.objects.create(channel=Channel.EMAIL, recipient="a@example.vn", event="x", subject="s", body_text="b")
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=9, timeout=2)
    with pytest.raises(TemporaryFailure):
        EmailProvider(connection=connection).send(message)
