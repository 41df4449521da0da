"""Writes to the outbox. Everything that sends a message calls ``notify`` inside its own
transaction; the send itself happens after commit (``message_send``), at least once, and the
conditional claim makes it effectively once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.jobs import enqueue
from core.people import salutation_name

from . import gsm, rendering
from .constants import FINAL_STATUSES, Channel, FailureKind, Preference, Status, can_transition
from .models import ContactPreference, DeliveryReceipt, DevOutboxEntry, Message, NotificationTemplate
from .providers import provider_for, sms_provider
from .providers.base import PermanentFailure, Receipt, TemporaryFailure

logger = logging.getLogger(__name__)
REDACTED = "••••••"


class NotificationError(Exception):
    pass


# --- creating messages --------------------------------------------------------------------------


def _enqueue(message_id: int) -> None:
    """Hand a row to Celery. If the broker is down the row simply stays queued for the sweeper."""
    enqueue("notifications.send_message", message_id)  # broker down: nothing is lost, the sweeper re-enqueues


def _channels_for(user, preference: str | None) -> list[str]:
    preference = preference or Preference.BOTH
    wanted = {
        Preference.SMS: [Channel.SMS],
        Preference.EMAIL: [Channel.EMAIL],
        Preference.BOTH: [Channel.SMS, Channel.EMAIL],
    }[preference]
    return list(wanted)


def _render(template: NotificationTemplate, language: str, context: dict) -> dict[str, str]:
    parts = template.parts(language)
    sms = rendering.render(parts["sms_text"], context)
    if template.fold_sms:
        sms = gsm.fold_to_gsm(sms)
    return {
        "subject": rendering.render(parts["email_subject"], context).replace("\n", " ")[:255],
        "text": rendering.render(parts["email_text"], context),
        "html": rendering.render(parts["email_html"], context, html=True),
        "sms": gsm.truncate_to_segments(sms),
    }


def notify(
    *,
    event: str,
    context: dict,
    user=None,
    phone: str | None = None,
    email: str | None = None,
    channels: list[str] | None = None,
    related: models.Model | None = None,
    related_label: str = "",
    language: str | None = None,
    security: bool = False,
) -> list[Message]:
    """Write one queued Message per channel and enqueue each after the surrounding transaction commits.

    Recipients come from ``phone``/``email`` when given, else from ``user``. Channels come from
    ``channels`` when given (security codes: exactly the channel being verified), else from the
    person's ContactPreference (both by default), skipping a channel with no address.
    Raises NotificationError if the event has no active template or nobody can be reached.
    """
    template = NotificationTemplate.objects.filter(event=event, is_active=True).first()
    if template is None:
        raise NotificationError(f"no active template for event {event!r}")
    preference = None
    if user is not None and getattr(user, "pk", None):
        preference = ContactPreference.objects.filter(user=user).first()
    language = language or (preference.language if preference else "vi")
    phone = phone or (getattr(user, "phone", "") or None)
    email = email or (getattr(user, "email", "") or None)
    if channels is None:
        channels = _channels_for(user, preference.channels if preference else None)
        if not security:
            # A preferred channel without an address falls back to the other one.
            usable = [c for c in channels if (phone if c == Channel.SMS else email)]
            channels = usable or [
                c for c in (Channel.SMS, Channel.EMAIL) if (phone if c == Channel.SMS else email)
            ]
    # "Kính gửi {{ full_name }}": the person's name, or a polite form; never a username or nothing.
    full_context = {"full_name": salutation_name(user, language), **context}
    rendered = _render(template, language, full_context)
    related_type = ContentType.objects.get_for_model(related) if related is not None else None
    now = timezone.now()
    messages = []
    for channel in channels:
        recipient = phone if channel == Channel.SMS else email
        if not recipient:
            continue
        messages.append(
            Message.objects.create(
                channel=channel,
                recipient=recipient,
                user=user if getattr(user, "pk", None) else None,
                event=event,
                template=template,
                language=language,
                subject=rendered["subject"] if channel == Channel.EMAIL else "",
                body_text=rendered["text"] if channel == Channel.EMAIL else rendered["sms"],
                body_html=rendered["html"] if channel == Channel.EMAIL else "",
                is_security=security,
                context={} if security else {k: str(v) for k, v in full_context.items()},
                next_attempt_at=now,
                related_type=related_type,
                related_id=str(related.pk) if related is not None else "",
                related_label=related_label[:120],
            )
        )
    if not messages:
        raise NotificationError(f"nobody to reach for event {event!r}")
    for message in messages:
        transaction.on_commit(lambda pk=message.pk: _enqueue(pk))
    return messages


# --- sending ------------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at 30 min (always below the broker's visibility timeout)."""
    return timedelta(seconds=min(settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 1800))


def _transition(message_id: int, *, current: str, new: str, **fields) -> bool:
    """Conditional update: only if the row is still in ``current``. Returns whether it changed."""
    if not can_transition(current, new):
        raise ValueError(f"illegal transition {current} → {new}")
    return bool(
        Message.objects.filter(pk=message_id, status=current).update(
            status=new, updated_at=timezone.now(), **fields
        )
    )


def _redacted_fields(message: Message) -> dict:
    return {"body_text": REDACTED, "body_html": ""} if message.is_security else {}


@dataclass
class SendOutcome:
    status: str
    retry_in: timedelta | None = None


def message_send(message_id: int) -> SendOutcome | None:
    """Claim a queued row (conditional update) and send it once.

    Returns None when there was nothing to do (already claimed, sent, or not due yet), which is
    what makes duplicated or retried tasks harmless. Temporary provider errors put the row back
    to queued with exponential backoff until NOTIFICATIONS_RETRY_WINDOW has passed, then fail it.
    """
    now = timezone.now()
    claimed = (
        Message.objects.filter(pk=message_id, status=Status.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now)
    )
    if not claimed:
        return None
    message = Message.objects.get(pk=message_id)
    if settings.DEV_OUTBOX:
        DevOutboxEntry.objects.get_or_create(
            message=message,
            defaults={
                "channel": message.channel,
                "recipient": message.recipient,
                "subject": message.subject,
                "body": message.body_text,
            },
        )
    provider = provider_for(message.channel)
    try:
        result = provider.send(message)
    except PermanentFailure as exc:
        _fail(message, FailureKind.PERMANENT, exc.detail, provider.name, current=Status.SENDING)
        return SendOutcome(Status.FAILED)
    except TemporaryFailure as exc:
        return _retry_or_fail(message, exc.detail, provider.name)
    except Exception as exc:  # a bug or an unexpected library error: retry, record the class only
        logger.exception("notifications: provider %s crashed on message %s", provider.name, message_id)
        return _retry_or_fail(
            message, f"technical: {exc.__class__.__name__}", provider.name, kind=FailureKind.TECHNICAL
        )
    new_status = Status.DELIVERED if result.delivered else Status.SENT
    done = timezone.now()
    fields = {
        "provider": provider.name,
        "provider_message_id": result.provider_message_id,
        "sent_at": done,
        "last_error": "",
    }
    if result.delivered:
        fields["delivered_at"] = done
    if new_status in FINAL_STATUSES or message.channel == Channel.EMAIL:
        fields.update(_redacted_fields(message))
    if not _transition(message.pk, current=Status.SENDING, new=new_status, **fields):
        # A receipt arrived before we recorded the send: keep its status, add what we know.
        Message.objects.filter(pk=message.pk, provider_message_id="").update(
            provider=provider.name, provider_message_id=result.provider_message_id, sent_at=done
        )
    return SendOutcome(new_status)


def _retry_or_fail(
    message: Message, detail: str, provider_name: str, kind: str = FailureKind.TEMPORARY
) -> SendOutcome:
    deadline = message.created_at + timedelta(seconds=settings.NOTIFICATIONS_RETRY_WINDOW_SECONDS)
    delay = _backoff(message.attempts)
    if timezone.now() + delay > deadline:
        _fail(message, kind, detail, provider_name, current=Status.SENDING)
        return SendOutcome(Status.FAILED)
    _transition(
        message.pk,
        current=Status.SENDING,
        new=Status.QUEUED,
        next_attempt_at=timezone.now() + delay,
        last_error=detail,
        provider=provider_name,
    )
    return SendOutcome(Status.QUEUED, retry_in=delay)


def _fail(message: Message, kind: str, detail: str, provider_name: str, *, current: str) -> None:
    changed = _transition(
        message.pk,
        current=current,
        new=Status.FAILED,
        failure_kind=kind,
        last_error=detail,
        failed_at=timezone.now(),
        provider=provider_name,
        **_redacted_fields(message),
    )
    if changed and kind == FailureKind.PERMANENT and message.channel == Channel.SMS:
        _fallback_to_email(message)


def _fallback_to_email(message: Message) -> Message | None:
    """A permanently failed SMS is re-sent as email when the person has one (never for security codes:
    those must reach the channel being verified)."""
    if message.is_security or message.user is None or not message.user.email or message.template is None:
        return None
    if Message.objects.filter(fallback_for=message).exists():
        return None
    related = (
        message.related_type.get_object_for_this_type(pk=message.related_id)
        if message.related_type_id and message.related_id
        else None
    )
    try:
        with transaction.atomic():
            created = notify(
                event=message.event,
                context=_context_from(message),
                user=message.user,
                channels=[Channel.EMAIL],
                related=related,
                related_label=message.related_label,
                language=message.language,
            )
            Message.objects.filter(pk=created[0].pk).update(fallback_for=message)
            return created[0]
    except (NotificationError, IntegrityError):
        return None


def _context_from(message: Message) -> dict:
    # Same values as the failed SMS; older rows without them carry the SMS text as the note.
    return message.context or {"note": message.body_text, "dossier_code": message.related_label}


# --- receipts -----------------------------------------------------------------------------------


@dataclass
class ReceiptOutcome:
    applied: int = 0
    duplicates: int = 0
    ignored: int = 0
    unknown: int = 0


def receipts_apply(*, provider: str, receipts: list[Receipt]) -> ReceiptOutcome:
    """Apply delivery receipts once each. A receipt never moves a message out of a final status."""
    outcome = ReceiptOutcome()
    for receipt in receipts:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    row = DeliveryReceipt.objects.create(
                        provider=provider,
                        event_id=receipt.event_id,
                        status=receipt.status,
                        payload=receipt.raw,
                    )
            except IntegrityError:
                outcome.duplicates += 1
                continue
            lookup = (
                Q(provider_message_id=receipt.provider_message_id)
                if receipt.provider_message_id
                else Q(pk__in=[])
            )
            if receipt.reference:
                lookup |= Q(uuid=receipt.reference) if _is_uuid(receipt.reference) else Q(pk__in=[])
            message = Message.objects.select_for_update().filter(lookup, channel=Channel.SMS).first()
            if message is None:
                outcome.unknown += 1
                continue
            row.message = message
            if message.status in FINAL_STATUSES:
                row.save(update_fields=["message"])
                outcome.ignored += 1
                continue
            now = timezone.now()
            if receipt.status == "delivered":
                fields = {"delivered_at": now, **_redacted_fields(message)}
                new = Status.DELIVERED
            else:
                fields = {
                    "failed_at": now,
                    "failure_kind": FailureKind.PERMANENT if receipt.permanent else FailureKind.TEMPORARY,
                    "last_error": (receipt.error or "operator reported failure")[:500],
                    **_redacted_fields(message),
                }
                new = Status.FAILED
            if not message.provider_message_id and receipt.provider_message_id:
                fields["provider_message_id"] = receipt.provider_message_id
            _transition(message.pk, current=message.status, new=new, **fields)
            row.applied = True
            row.save(update_fields=["message", "applied"])
            outcome.applied += 1
            if new == Status.FAILED and receipt.permanent:
                message.refresh_from_db()
                _fallback_to_email(message)
    return outcome


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def handle_sms_webhook(provider_name: str, body: bytes, headers: dict[str, str]) -> ReceiptOutcome:
    """Verify and apply a provider's receipt callback (the view and the simulator both call this)."""
    provider = sms_provider(provider_name)
    return receipts_apply(provider=provider.name, receipts=provider.parse_webhook(body, headers))


# --- recovery and staff actions -----------------------------------------------------------------


def sweep(*, queued_after: timedelta | None = None, sending_after: timedelta | None = None) -> dict[str, int]:
    """Re-drive stuck rows (run by beat every minute).

    - queued and due for longer than ``queued_after`` (the broker was down at commit, or a
      retry's countdown was lost): enqueue again;
    - sending for longer than ``sending_after`` (the worker was killed mid-send): back to queued
      and enqueue. SMS providers deduplicate on our reference, so a re-send is not a second SMS;
    - queued past the retry window: failed.
    """
    now = timezone.now()
    queued_after = (
        queued_after
        if queued_after is not None
        else timedelta(seconds=settings.NOTIFICATIONS_SWEEP_AFTER_SECONDS)
    )
    sending_after = (
        sending_after
        if sending_after is not None
        else timedelta(seconds=settings.NOTIFICATIONS_STALE_SENDING_SECONDS)
    )
    window = timedelta(seconds=settings.NOTIFICATIONS_RETRY_WINDOW_SECONDS)
    expired = Message.objects.filter(status=Status.QUEUED, created_at__lt=now - window).update(
        status=Status.FAILED,
        failure_kind=FailureKind.TEMPORARY,
        failed_at=now,
        updated_at=now,
        last_error="retry window of the provider errors passed",
    )
    stale_ids = list(
        Message.objects.filter(status=Status.SENDING, claimed_at__lt=now - sending_after).values_list(
            "id", flat=True
        )[:1000]
    )
    reset = Message.objects.filter(id__in=stale_ids, status=Status.SENDING).update(
        status=Status.QUEUED, next_attempt_at=now, updated_at=now
    )
    due = list(
        Message.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now - queued_after).values_list(
            "id", flat=True
        )[:1000]
    )
    due = sorted(set(due) | set(stale_ids))
    for message_id in due:
        _enqueue(message_id)
    # SMS sent but never settled by a receipt (the receipt was lost): ask the provider again.
    unsettled = Message.objects.filter(
        channel=Channel.SMS, status=Status.SENT, sent_at__lt=now - sending_after, sent_at__gte=now - window
    ).exclude(provider="")[:1000]
    reconciled = 0
    for message in unsettled:
        try:
            sms_provider(message.provider).reconcile(message)
            reconciled += 1
        except Exception:  # a provider that cannot answer now is asked again at the next sweep
            logger.warning("notifications: could not reconcile message %s", message.pk)
    return {"expired": expired, "reset": reset, "enqueued": len(due), "reconciled": reconciled}


def message_resend(*, message: Message, actor) -> Message:
    """Send a failed message again as a new row (the old row is history and is never edited)."""
    if message.status != Status.FAILED:
        raise NotificationError("only failed messages can be resent")
    if message.is_security:
        raise NotificationError("security codes are never resent: ask the person to request a new code")
    with transaction.atomic():
        copy = Message.objects.create(
            channel=message.channel,
            recipient=message.recipient,
            user=message.user,
            event=message.event,
            template=message.template,
            language=message.language,
            subject=message.subject,
            body_text=message.body_text,
            body_html=message.body_html,
            next_attempt_at=timezone.now(),
            related_type=message.related_type,
            related_id=message.related_id,
            related_label=message.related_label,
            resent_from=message,
        )
        logger.info(
            "notifications: message %s resent as %s by user %s",
            message.pk,
            copy.pk,
            getattr(actor, "pk", None),
        )
        transaction.on_commit(lambda: _enqueue(copy.pk))
    return copy


def preview(template: NotificationTemplate, language: str = "vi") -> dict:
    """What the admin preview shows: every part rendered with sample values, and the SMS segments."""
    from .constants import PLACEHOLDERS

    rendered = _render(template, language, PLACEHOLDERS)
    raw_sms = rendering.render(template.parts(language)["sms_text"], PLACEHOLDERS)
    sent_sms = gsm.fold_to_gsm(raw_sms) if template.fold_sms else raw_sms
    return {**rendered, "segments": gsm.segment_info(sent_sms), "sms_untruncated": sent_sms}


def ensure_default_templates() -> int:
    """Create the templates that do not exist yet (never overwrites staff edits)."""
    from .defaults import DEFAULT_TEMPLATES

    created = 0
    for event, spec in DEFAULT_TEMPLATES.items():
        _obj, was_created = NotificationTemplate.objects.get_or_create(
            event=event,
            defaults={
                "name": spec["name"],
                "description": spec.get("description", ""),
                **spec["vi"],
                **{f"{key}_en": value for key, value in spec["en"].items()},
            },
        )
        created += was_created
    return created


def queue_email(
    *,
    recipient: str,
    subject: str,
    text: str,
    html: str = "",
    event: str,
    user=None,
    security: bool = False,
    language: str = "vi",
) -> Message:
    """An already-rendered email (e.g. allauth's account emails) through the same outbox and worker."""
    message = Message.objects.create(
        channel=Channel.EMAIL,
        recipient=recipient,
        user=user if getattr(user, "pk", None) else None,
        event=event[:60],
        language=language,
        subject=subject.replace("\n", " ")[:255],
        body_text=text,
        body_html=html,
        is_security=security,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message
