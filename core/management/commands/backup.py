from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (pg_dump) và mọi tệp trong kho lưu trữ, kèm mã kiểm tra SHA-256 của từng tệp. "
        "Back up the database and every stored object, with checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="a new or empty folder")

    def handle(self, *args, output: Path, **options):
        try:
            manifest = backup.backup(output=output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã sao lưu cơ sở dữ liệu {manifest['database']['name']} và {len(manifest['objects'])} tệp "
            f"từ {manifest['storage']} vào {output}"
        )
