"""Thin, idempotent tasks: load by id, return early if done, call a service (acks_late)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="payments.render_receipt", ignore_result=True, acks_late=True)
def render_receipt(receipt_id: int) -> None:
    from .services import receipt_render

    receipt_render(receipt_id=receipt_id)


@shared_task(name="payments.submit_refund", ignore_result=True, acks_late=True)
def submit_refund(refund_id: int) -> None:
    from .services import refund_submit

    refund_submit(refund_id=refund_id)


@shared_task(name="payments.reconcile", ignore_result=True, acks_late=True)
def reconcile() -> dict:
    from .services import reconcile as run

    return run()


@shared_task(name="payments.simulator_send_notice", ignore_result=True, acks_late=True)
def simulator_send_notice(notice_id: int) -> None:
    """The simulated gateway's IPN sender (what VNPAY's servers do); claims the notice first."""
    from .simulator.gateway import notice_send

    notice_send(notice_id)


@shared_task(name="payments.simulator_sweep", ignore_result=True, acks_late=True)
def simulator_sweep() -> dict:
    from django.conf import settings

    if not settings.PAYMENT_SIMULATOR:
        return {}
    from .simulator.gateway import sweep

    return sweep()
