from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procedures.importers import CatalogueImportError, import_catalogue
from procedures.search import invalidate_search_caches
from procedures.services import catalogue_analyze

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "national-catalogue"


class Command(BaseCommand):
    help = "Nhập (hoặc cập nhật) danh mục thủ tục và lĩnh vực quốc gia từ procedures.csv và sectors.csv. Chạy lại nhiều lần không tạo bản trùng."

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            default=str(DEFAULT_DIR),
            help="Thư mục chứa procedures.csv và sectors.csv",
        )
        parser.add_argument("--dry-run", action="store_true", help="Kiểm tra và báo cáo, không ghi gì")

    def handle(self, *args, directory: str, dry_run: bool, **options):
        try:
            report = import_catalogue(Path(directory), dry_run=dry_run)
        except CatalogueImportError as exc:
            for error in exc.errors[:200]:
                self.stderr.write(str(error))
            if len(exc.errors) > 200:
                self.stderr.write(f"… và {len(exc.errors) - 200} lỗi khác")
            raise CommandError(
                f"Không nhập gì cả: {len(exc.errors)} lỗi. Sửa các dòng trên rồi chạy lại."
            ) from exc
        if not dry_run:
            catalogue_analyze()
        invalidate_search_caches()
        if options["verbosity"] == 0:
            return
        prefix = "[thử] " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}Thủ tục: {report.created} mới, {report.updated} cập nhật, {report.unchanged} không đổi. "
                f"Lĩnh vực: {report.sectors_created} mới, {report.sectors_updated} cập nhật."
            )
        )
