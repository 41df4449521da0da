"""Email through Django's email backends: SMTP in production (EMAIL_URL), console in development."""

from __future__ import annotations

import contextlib
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from ..base import PermanentFailure, Progress, Provider, SendResult, TemporaryFailure

if TYPE_CHECKING:
    from ...models import Message


class EmailProvider(Provider):
    def __init__(self, connection=None) -> None:
        self.connection = connection

    def send(self, message: Message) -> SendResult:
        return self._send(message, self.connection or get_connection(fail_silently=False))

    def send_many(
        self, messages: list[Message], progress: Progress | None = None
    ) -> list[SendResult | Exception]:
        """The whole batch over one SMTP connection (one TLS handshake and login, not one per email).
        Each email is reported to ``progress`` once the server has accepted it: SMTP has no way to
        take an email back, so it is recorded before the next one goes."""
        connection = self.connection or get_connection(fail_silently=False)
        try:
            connection.open()
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            failure = TemporaryFailure(f"SMTP unavailable: {exc.__class__.__name__}")
            return [failure] * len(messages)
        results: list[SendResult | Exception] = []
        try:
            for message in messages:
                try:
                    result: SendResult | Exception = self._send(message, connection)
                except Exception as exc:  # recorded per message by the caller
                    result = exc
                results.append(result)
                if progress is not None:
                    progress([(message, result)])
        finally:
            with contextlib.suppress(Exception):
                connection.close()
        return results

    def _send(self, message: Message, connection) -> SendResult:
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "dichvucong.local"
        message_id = f"<{message.uuid}@{domain}>"
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            to=[message.recipient],
            headers={"Message-ID": message_id, "X-Portal-Reference": str(message.uuid)},
            connection=connection,
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _msg in exc.recipients.values()}
            if any(400 <= code < 500 for code in codes):
                raise TemporaryFailure(f"SMTP recipient deferred {sorted(codes)}") from exc
            raise PermanentFailure(f"SMTP recipient refused {sorted(codes)}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600 and exc.smtp_code not in (552,):
                raise PermanentFailure(f"SMTP {exc.smtp_code}") from exc
            raise TemporaryFailure(f"SMTP {exc.smtp_code}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"SMTP unavailable: {exc.__class__.__name__}") from exc
        # SMTP acceptance is all we learn about email: the row stays "sent".
        return SendResult(provider_message_id=message_id, delivered=False)
