"""Thin tasks: load by id, call a service. Idempotent, so acks_late redelivery is harmless."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(name="delivery.book_shipment", ignore_result=True)
def book_shipment(shipment_id: int) -> None:
    """Book one pending shipment (returns early if it is not pending any more)."""
    outcome = services.shipment_book(shipment_id)
    if outcome and outcome.retry_in and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Backoff is capped at 30 minutes, below the broker's visibility timeout; the sweeper is the net.
        book_shipment.apply_async((shipment_id,), countdown=outcome.retry_in.total_seconds())


@shared_task(name="delivery.render_label", ignore_result=True)
def render_label(shipment_id: int) -> None:
    """Render the A6 label of a booked shipment (returns early if it exists)."""
    services.label_render(shipment_id)


@shared_task(name="delivery.sweep_bookings", ignore_result=True)
def sweep_bookings() -> dict:
    return services.bookings_sweep()


@shared_task(name="delivery.poll_tracking", ignore_result=True)
def poll_tracking() -> dict:
    return services.tracking_poll()


@shared_task(name="delivery.simulator_emit", ignore_result=True)
def simulator_emit(parcel_id: int) -> dict:
    """The simulated carrier reports what happened to one parcel (its signed callbacks)."""
    from .carriers import simulator

    return simulator.emit(parcel_id)


@shared_task(name="delivery.simulator_tick", ignore_result=True)
def simulator_tick() -> dict:
    """The simulated carrier's clock: events that fell due, callbacks not yet acknowledged."""
    from .carriers import simulator

    if "simulator" not in getattr(settings, "CARRIERS", {}):
        return {}
    return simulator.tick()
