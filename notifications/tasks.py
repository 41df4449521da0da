"""Thin tasks: load by id, call a service. Idempotent, so acks_late redelivery is harmless."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="notifications.send_batch", ignore_result=True)
def send_batch(message_ids: list[int]) -> None:
    """Send the queued, due rows among ``message_ids`` (see ``services.messages_send``)."""
    outcomes = services.messages_send(message_ids)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # in-process mode cannot wait: the sweeper sends retries when they fall due
    retries: dict[float, list[int]] = {}
    for message_id, outcome in outcomes.items():
        if outcome.retry_in:
            retries.setdefault(outcome.retry_in.total_seconds(), []).append(message_id)
    for countdown, ids in retries.items():
        # Backoff is at most 30 minutes, below the broker's visibility timeout; the sweeper is the safety net.
        send_batch.apply_async((ids,), countdown=countdown)


@shared_task(name="notifications.send_message", ignore_result=True)
def send_message(message_id: int) -> None:
    """One row (tasks published before batches existed are still in brokers)."""
    send_batch([message_id])


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep() -> dict:
    return services.sweep()


@shared_task(name="notifications.reminders_daily", ignore_result=True)
def reminders_daily() -> dict:
    from . import reminders

    return reminders.run("daily")


@shared_task(name="notifications.reminders_hourly", ignore_result=True)
def reminders_hourly() -> dict:
    from . import reminders

    return reminders.run("hourly")
