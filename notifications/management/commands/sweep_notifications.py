from datetime import timedelta

from django.core.management.base import BaseCommand

from notifications.services import sweep


class Command(BaseCommand):
    help = "Gửi lại các tin đang chờ hoặc bị kẹt (việc beat làm mỗi phút). Dùng khi chạy không có Redis."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Không chờ: gửi mọi tin đến hạn và mọi tin đang kẹt ngay"
        )

    def handle(self, *args, now: bool, **options):
        result = sweep(queued_after=timedelta(0), sending_after=timedelta(0)) if now else sweep()
        self.stdout.write(
            f"Hết hạn: {result['expired']}, gỡ kẹt: {result['reset']}, đưa vào hàng đợi: {result['enqueued']}."
        )
