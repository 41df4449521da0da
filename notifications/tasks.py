"""Thin tasks: load by id, call a service. Idempotent, so acks_late redelivery is harmless."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="notifications.send_message", ignore_result=True)
def send_message(message_id: int) -> None:
    outcome = services.message_send(message_id)
    if outcome and outcome.retry_in and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Backoff is at most 30 minutes, below the broker's visibility timeout; the sweeper is the safety net.
        send_message.apply_async((message_id,), countdown=outcome.retry_in.total_seconds())


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
