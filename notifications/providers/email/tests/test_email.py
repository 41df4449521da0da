"""Email through a real SMTP server (aiosmtpd on loopback)."""

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from django.core.mail import get_connection

from notifications.constants import Channel
from notifications.models import Message
from notifications.providers.base import PermanentFailure, TemporaryFailure
from notifications.providers.email.provider import EmailProvider

pytestmark = pytest.mark.django_db


class RefusingHandler(MessageHandler):
    def __init__(self):
        super().__init__()
        self.received = []
        self.peers = set()  # one (host, port) per SMTP connection the client opened

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.peers.add(session.peer)
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
        channel=Channel.EMAIL,
        recipient="an@example.vn",
        event="x",
        subject="Hồ sơ 000.21.01.H24-261122-0001 đã được tiếp nhận",
        body_text="Kính gửi Nguyễn Văn An,",
        body_html="<p>Kính gửi Nguyễn Văn An,</p>",
    )
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port, use_tls=False
    )
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
    message = Message.objects.create(
        channel=Channel.EMAIL, recipient="nobody@example.vn", event="x", subject="s", body_text="b"
    )
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
    with pytest.raises(PermanentFailure):
        EmailProvider(connection=connection).send(message)


def test_email_server_down_is_temporary():
    message = Message.objects.create(
        channel=Channel.EMAIL, recipient="a@example.vn", event="x", subject="s", body_text="b"
    )
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=9, timeout=2
    )
    with pytest.raises(TemporaryFailure):
        EmailProvider(connection=connection).send(message)


def test_a_batch_shares_one_smtp_connection_and_keeps_each_outcome(smtp_server):
    handler, port = smtp_server
    recipients = [
        "an@example.vn",
        "binh@example.vn",
        "nobody@example.vn",
        "chi@example.vn",
        "dung@example.vn",
    ]
    messages = [
        Message.objects.create(
            channel=Channel.EMAIL, recipient=r, event="x", subject="Hồ sơ", body_text="Kính gửi"
        )
        for r in recipients
    ]
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
    results = EmailProvider(connection=connection).send_many(messages)
    assert [type(r).__name__ for r in results] == ["SendResult"] * 2 + ["PermanentFailure"] + [
        "SendResult"
    ] * 2
    assert len(handler.received) == 4
    assert len(handler.peers) == 1  # one connection (one handshake and login) for the whole batch


def test_a_batch_with_the_server_down_is_temporary_for_each():
    messages = [
        Message.objects.create(
            channel=Channel.EMAIL, recipient=f"a{i}@example.vn", event="x", subject="s", body_text="b"
        )
        for i in range(3)
    ]
    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=9, timeout=2
    )
    results = EmailProvider(connection=connection).send_many(messages)
    assert all(isinstance(r, TemporaryFailure) for r in results) and len(results) == 3


class _Killed(BaseException):
    """What a SIGKILL looks like from inside the batch: nothing after it runs."""


def test_a_worker_killed_in_the_middle_of_a_batch_has_recorded_every_email_the_server_took(
    smtp_server, settings
):
    """SMTP cannot take an email back, so each is recorded before the next goes: the worker that
    dies mid-batch leaves only unsent rows to send again, not the whole batch."""
    from django.utils import timezone

    from notifications import services
    from notifications.constants import Status

    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    messages = [
        Message.objects.create(
            channel=Channel.EMAIL,
            recipient=f"k{i}@example.vn",
            event="x",
            subject="Hồ sơ",
            body_text="Kính gửi",
            next_attempt_at=timezone.now(),
        )
        for i in range(5)
    ]
    real_send = EmailProvider._send
    sent = []

    def dies_on_the_fourth(self, message, connection):
        if len(sent) == 3:
            raise _Killed
        sent.append(message.pk)
        return real_send(self, message, connection)

    ids = [m.pk for m in messages]
    with pytest.MonkeyPatch.context() as patch, pytest.raises(_Killed):
        patch.setattr(EmailProvider, "_send", dies_on_the_fourth)
        services.messages_send(ids)
    status = dict(Message.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [status[pk] for pk in ids] == [Status.SENT] * 3 + [Status.SENDING] * 2
    assert len(handler.received) == 3
    assert all(Message.objects.get(pk=pk).provider_message_id for pk in sent)
