"""Writes to the outbox. Everything that sends a message calls ``notify`` inside its own
transaction; the send itself happens after commit (``messages_send``), at least once, and the
conditional claim makes it effectively once.

Throughput: the rows a transaction queues are published together when it commits, in batches of
``NOTIFICATIONS_BATCH_SIZE`` (one ``notifications.send_batch`` task each). A batch is claimed with
one conditional ``UPDATE … RETURNING``, handed to its provider in one call (one SMTP connection for
all its emails; the SMS simulator writes them in one insert and reports their receipts in one
signed callback), and recorded with one update per outcome. Receipts are applied in bulk the same
way. A row published twice, or published after its transaction rolled back, is harmless: the claim
only takes rows that are queued and due."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from core.jobs import enqueue
from core.people import salutation_name

from . import gsm, rendering
from .constants import FINAL_STATUSES, Channel, FailureKind, Preference, Status, can_transition
from .models import ContactPreference, DeliveryReceipt, DevOutboxEntry, Message, NotificationTemplate
from .providers import provider_for, sms_provider
from .providers.base import PermanentFailure, Receipt, SendResult, TemporaryFailure

logger = logging.getLogger(__name__)
REDACTED = "••••••"


class NotificationError(Exception):
    pass


# --- creating messages --------------------------------------------------------------------------


_pending = threading.local()  # ids queued by this thread's open transaction, published at its commit
TEMPLATE_MEMO_SECONDS = 30
_templates: dict[str, tuple[float, NotificationTemplate]] = {}


def _publish(message_ids) -> None:
    """Hand rows to Celery, one task per batch. If the broker is down they stay queued for the sweeper."""
    ids = sorted(set(message_ids))
    size = max(1, settings.NOTIFICATIONS_BATCH_SIZE)
    for start in range(0, len(ids), size):
        enqueue("notifications.send_batch", ids[start : start + size])


def _publish_after_commit(message_ids) -> None:
    """Publish these rows when the surrounding transaction commits, together with every other row it
    queued: the first of its on-commit callbacks publishes them all, the others find nothing left."""
    ids = getattr(_pending, "ids", None)
    if ids is None:
        ids = _pending.ids = []
    ids.extend(message_ids)
    transaction.on_commit(_flush_pending)


def discard_unpublished() -> None:
    """Forget the ids waiting for a commit that will not come (the tests' rolled-back transactions)."""
    _pending.ids = []


def _flush_pending() -> None:
    ids, _pending.ids = getattr(_pending, "ids", None), []
    if ids:
        _publish(ids)


def _template_for(event: str) -> NotificationTemplate | None:
    """The active template of ``event``, kept in this process for ``TEMPLATE_MEMO_SECONDS``.

    A save in the admin forgets it at once in the process that saved it (``NotificationsConfig``);
    other workers read the new wording within half a minute. Reading it from the database (or a
    shared cache) for each of thousands of messages would cost more than the rest of ``notify``.
    """
    now = time.monotonic()
    kept = _templates.get(event)
    if kept is not None and kept[0] > now:
        return kept[1]
    template = NotificationTemplate.objects.filter(event=event, is_active=True).first()
    if template is not None:
        _templates[event] = (now + TEMPLATE_MEMO_SECONDS, template)
    return template


def forget_template(event: str | None = None) -> None:
    """Forget one event's template (or all of them): the next message reads it again."""
    if event is None:
        _templates.clear()
    else:
        _templates.pop(event, None)


def _channels_for(user, preference: str | None) -> list[str]:
    preference = preference or Preference.BOTH
    wanted = {
        Preference.SMS: [Channel.SMS],
        Preference.EMAIL: [Channel.EMAIL],
        Preference.BOTH: [Channel.SMS, Channel.EMAIL],
    }[preference]
    return list(wanted)


def _render(
    template: NotificationTemplate, language: str, context: dict, channels=(Channel.SMS, Channel.EMAIL)
) -> dict[str, str]:
    """The texts of the channels asked for (an SMS-only message never renders the email)."""
    parts = template.parts(language)
    out: dict[str, str] = {}
    if Channel.SMS in channels:
        sms = rendering.render(parts["sms_text"], context)
        if template.fold_sms:
            sms = gsm.fold_to_gsm(sms)
        out["sms"] = gsm.truncate_to_segments(sms)
    if Channel.EMAIL in channels:
        out["subject"] = rendering.render(parts["email_subject"], context).replace("\n", " ")[:255]
        out["text"] = rendering.render(parts["email_text"], context)
        out["html"] = rendering.render(parts["email_html"], context, html=True)
    return out


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
    template = _template_for(event)
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
    rendered = _render(template, language, full_context, channels)
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
    _publish_after_commit([m.pk for m in messages])
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
    """Claim one queued row and send it (``messages_send`` of one); None when there was nothing to do."""
    return messages_send([message_id]).get(message_id)


def _claim(message_ids, now) -> list[int]:
    """Queued and due → sending, in one conditional ``UPDATE … RETURNING``: exactly the rows this
    caller took, however many workers race for them (PostgreSQL; SQLite 3.35+ has it too)."""
    ids = sorted({int(i) for i in message_ids})
    if not ids:
        return []
    table = connection.ops.quote_name(Message._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, claimed_at = %s, updated_at = %s, attempts = attempts + 1 "  # noqa: S608 - names are ours, values are parameters
            f"WHERE id IN ({marks}) AND status = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
            "RETURNING id",
            [Status.SENDING, now, now, *ids, Status.QUEUED, now],
        )
        return sorted(row[0] for row in cursor.fetchall())


def messages_send(message_ids) -> dict[int, SendOutcome]:
    """Claim the queued, due rows among ``message_ids`` and send them, each once.

    Rows already claimed, sent, or not due yet are left alone (absent from the answer): that is what
    makes duplicated or retried tasks harmless. Each provider gets its rows in one ``send_many``
    call. Temporary errors put a row back to queued with exponential backoff until
    NOTIFICATIONS_RETRY_WINDOW has passed, then fail it.
    """
    now = timezone.now()
    claimed = _claim(message_ids, now)
    if not claimed:
        return {}
    rows = list(Message.objects.filter(pk__in=claimed).order_by("pk"))
    if settings.DEV_OUTBOX:
        DevOutboxEntry.objects.bulk_create(
            [
                DevOutboxEntry(
                    message=m, channel=m.channel, recipient=m.recipient, subject=m.subject, body=m.body_text
                )
                for m in rows
            ],
            ignore_conflicts=True,
        )
    outcomes: dict[int, SendOutcome] = {}
    for channel in sorted({m.channel for m in rows}):
        batch = [m for m in rows if m.channel == channel]
        provider = provider_for(channel)

        def progress(pairs, provider_name=provider.name):
            # What the provider has already sent is written now, before its next send: a worker
            # killed in the middle of a batch re-sends only what it had not recorded.
            pairs = [(m, r) for m, r in pairs if m.pk not in outcomes]
            if pairs:
                messages, results = zip(*pairs, strict=True)
                outcomes.update(_record(provider_name, list(messages), list(results)))

        try:
            results = provider.send_many(batch, progress=progress)
            if len(results) != len(batch):
                raise RuntimeError(
                    f"{provider.name} answered {len(results)} results for {len(batch)} messages"
                )
        except Exception as exc:  # a bug or an unexpected library error: every unrecorded row is retried
            logger.exception("notifications: provider %s crashed on a batch of %s", provider.name, len(batch))
            results = [exc] * len(batch)
        progress(list(zip(batch, results, strict=True)))
    return outcomes


def _record(provider_name: str, batch: list[Message], results: list) -> dict[int, SendOutcome]:
    """Write what the provider said: successes in one update per kind, failures one by one."""
    outcomes: dict[int, SendOutcome] = {}
    done = timezone.now()
    # (new status, redacted?) → {message id: the provider's id}
    accepted: dict[tuple[str, bool], dict[int, str]] = {}
    for message, result in zip(batch, results, strict=True):
        if isinstance(result, PermanentFailure):
            _fail(message, FailureKind.PERMANENT, result.detail, provider_name, current=Status.SENDING)
            outcomes[message.pk] = SendOutcome(Status.FAILED)
        elif isinstance(result, TemporaryFailure):
            outcomes[message.pk] = _retry_or_fail(message, result.detail, provider_name)
        elif isinstance(result, BaseException) or not isinstance(result, SendResult):
            detail = f"technical: {result.__class__.__name__}"
            outcomes[message.pk] = _retry_or_fail(message, detail, provider_name, kind=FailureKind.TECHNICAL)
        else:
            new_status = Status.DELIVERED if result.delivered else Status.SENT
            redact = bool(_redacted_fields(message)) and (
                new_status in FINAL_STATUSES or message.channel == Channel.EMAIL
            )
            accepted.setdefault((new_status, redact), {})[message.pk] = result.provider_message_id
            outcomes[message.pk] = SendOutcome(new_status)
    for (new_status, redact), provider_ids in accepted.items():
        # Conditional, as every transition here: only rows still "sending" are written. One UPDATE for
        # the kind; only the provider's id differs from row to row.
        fields = {
            "status": new_status,
            "provider": provider_name,
            "sent_at": done,
            "updated_at": done,
            "last_error": "",
            "provider_message_id": Case(
                *(When(pk=pk, then=Value(value)) for pk, value in provider_ids.items()),
                output_field=models.CharField(),
            ),
        }
        if new_status == Status.DELIVERED:
            fields["delivered_at"] = done
        if redact:
            fields.update(body_text=REDACTED, body_html="")
        updated = Message.objects.filter(pk__in=list(provider_ids), status=Status.SENDING).update(**fields)
        if updated != len(provider_ids):
            # A receipt arrived before we recorded the send: keep its status, add what we know.
            recorded = set(
                Message.objects.filter(pk__in=list(provider_ids), sent_at=done).values_list("pk", flat=True)
            )
            for pk, provider_message_id in provider_ids.items():
                if pk not in recorded:
                    Message.objects.filter(pk=pk, provider_message_id="").update(
                        provider=provider_name, provider_message_id=provider_message_id, sent_at=done
                    )
    return outcomes


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
    """Apply delivery receipts once each. A receipt never moves a message out of a final status.

    A batch is applied in a handful of queries (which event ids are new, the messages they name,
    locked, the receipts in one insert, the plain "delivered" ones in one update); a failure, a
    security code or a receipt that teaches us the provider's id goes one by one. If another worker
    stores one of the same receipts meanwhile, the batch is rolled back and applied one by one.
    """
    outcome = ReceiptOutcome()
    unique: list[Receipt] = []
    seen: set[str] = set()
    for receipt in receipts:
        if receipt.event_id in seen:
            outcome.duplicates += 1
            continue
        seen.add(receipt.event_id)
        unique.append(receipt)
    try:
        with transaction.atomic():
            return _receipts_apply_bulk(provider, unique, ReceiptOutcome(duplicates=outcome.duplicates))
    except IntegrityError:
        return _receipts_apply_each(provider, unique, outcome)


def _reference(receipt: Receipt) -> str:
    return str(uuid.UUID(receipt.reference)) if receipt.reference and _is_uuid(receipt.reference) else ""


def _receipts_apply_bulk(provider: str, receipts: list[Receipt], outcome: ReceiptOutcome) -> ReceiptOutcome:
    event_ids = [r.event_id for r in receipts]
    known = set(
        DeliveryReceipt.objects.filter(provider=provider, event_id__in=event_ids).values_list(
            "event_id", flat=True
        )
    )
    fresh = [r for r in receipts if r.event_id not in known]
    outcome.duplicates += len(receipts) - len(fresh)
    if not fresh:
        return outcome
    provider_ids = {r.provider_message_id for r in fresh if r.provider_message_id}
    references = {_reference(r) for r in fresh} - {""}
    lookup = Q(pk__in=[])
    if provider_ids:
        lookup |= Q(provider_message_id__in=provider_ids)
    if references:
        lookup |= Q(uuid__in=references)
    messages = list(Message.objects.select_for_update().filter(lookup, channel=Channel.SMS).order_by("pk"))
    by_provider_id = {m.provider_message_id: m for m in messages if m.provider_message_id}
    by_reference = {str(m.uuid): m for m in messages}
    status_now = {m.pk: m.status for m in messages}
    rows, delivered, one_by_one = [], [], []
    for receipt in fresh:
        message = by_provider_id.get(receipt.provider_message_id) or by_reference.get(_reference(receipt))
        row = DeliveryReceipt(
            provider=provider,
            event_id=receipt.event_id,
            status=receipt.status,
            payload=receipt.raw,
            message=message,
        )
        rows.append(row)
        if message is None:
            outcome.unknown += 1
            continue
        if status_now[message.pk] in FINAL_STATUSES:
            outcome.ignored += 1
            continue
        row.applied = True
        outcome.applied += 1
        plain = receipt.status == "delivered" and not message.is_security
        if plain and (message.provider_message_id or not receipt.provider_message_id):
            delivered.append(message.pk)
        else:
            one_by_one.append((message, receipt))
        status_now[message.pk] = Status.DELIVERED if receipt.status == "delivered" else Status.FAILED
    DeliveryReceipt.objects.bulk_create(rows)
    now = timezone.now()
    if delivered:
        Message.objects.filter(
            pk__in=delivered, status__in=[Status.QUEUED, Status.SENDING, Status.SENT]
        ).update(status=Status.DELIVERED, delivered_at=now, updated_at=now)
    for message, receipt in one_by_one:
        _receipt_settles(message, receipt, now)
    return outcome


def _receipt_settles(message: Message, receipt: Receipt, now) -> None:
    """One receipt moves one (locked, not final) message to delivered or failed."""
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
    if new == Status.FAILED and receipt.permanent:
        message.refresh_from_db()
        _fallback_to_email(message)


def _receipts_apply_each(provider: str, receipts: list[Receipt], outcome: ReceiptOutcome) -> ReceiptOutcome:
    """The careful path: each receipt in its own transaction (a concurrent duplicate is counted as such)."""
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
            if _reference(receipt):
                lookup |= Q(uuid=_reference(receipt))
            message = Message.objects.select_for_update().filter(lookup, channel=Channel.SMS).first()
            if message is None:
                outcome.unknown += 1
                continue
            row.message = message
            if message.status in FINAL_STATUSES:
                row.save(update_fields=["message"])
                outcome.ignored += 1
                continue
            _receipt_settles(message, receipt, timezone.now())
            row.applied = True
            row.save(update_fields=["message", "applied"])
            outcome.applied += 1
    return outcome


def _is_uuid(value: str) -> bool:
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
    _publish(due)
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
        _publish_after_commit([copy.pk])
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
    _publish_after_commit([message.pk])
    return message
