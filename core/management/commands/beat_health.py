"""Healthcheck of Celery beat (docker-compose.yml): beat has no ping, so ask what it did.

Exit 0 when the notification sweeper (every NOTIFICATIONS_SWEEP_EVERY_SECONDS) was last sent less than
``--max-age`` seconds ago, according to django-celery-beat's DatabaseScheduler, which writes each task's
``last_run_at`` at least every 3 minutes. Exit 1 otherwise, with the reason.
"""

from datetime import timedelta

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class Command(BaseCommand):
    help = "Kiểm tra Celery beat còn chạy (đã gửi tác vụ quét hộp thư gần đây)."

    def add_arguments(self, parser):
        parser.add_argument("--task", default="notifications-sweep", help="the schedule entry to look at")
        parser.add_argument("--max-age", type=int, default=600, help="seconds")

    def handle(self, *args, task: str, max_age: int, **options):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")  # noqa: N806
        entry = PeriodicTask.objects.filter(name=task).values_list("last_run_at", flat=True).first()
        if entry is None:
            raise CommandError(f"beat has not sent {task} yet")
        age = timezone.now() - entry
        if age > timedelta(seconds=max_age):
            raise CommandError(f"beat last sent {task} {int(age.total_seconds())} s ago (limit {max_age} s)")
        self.stdout.write(f"beat ok: {task} sent {int(age.total_seconds())} s ago")
