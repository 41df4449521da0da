from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dossiers.diagram import render

TARGET = Path(settings.BASE_DIR) / "docs" / "state-machine.md"


class Command(BaseCommand):
    help = "Viết sơ đồ trạng thái hồ sơ (docs/state-machine.md) từ bảng chuyển trạng thái."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Chỉ kiểm tra, báo lỗi nếu tệp đã cũ.")

    def handle(self, *args, check: bool, **options):
        content = render()
        if check:
            if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != content:
                raise CommandError(f"{TARGET} is out of date: run `manage.py workflow_diagram`.")
            self.stdout.write("docs/state-machine.md is up to date.")
            return
        TARGET.write_text(content, encoding="utf-8")
        self.stdout.write(f"Wrote {TARGET}")
