import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào một cơ sở dữ liệu trống và một bucket (kiểm tra mọi mã SHA-256). "
        "Restore a backup into an empty database and a bucket, checking every checksum."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="the backup folder")
        parser.add_argument("--database-url", required=True, help="an empty database: postgres://…/name")
        parser.add_argument("--bucket", help="target bucket (default: AWS_STORAGE_BUCKET_NAME)")
        parser.add_argument("--endpoint-url", help="S3 endpoint (default: AWS_S3_ENDPOINT_URL)")
        parser.add_argument("--media-root", help="restore the objects to this folder instead of S3")
        parser.add_argument("--verify-only", action="store_true", help="only check the folder's checksums")

    def handle(self, *args, source, database_url, bucket, endpoint_url, media_root, verify_only, **options):
        from pathlib import Path

        try:
            if verify_only:
                manifest = backup.verify(Path(source))
                self.stdout.write(f"Bản sao lưu nguyên vẹn: {len(manifest['objects'])} tệp.")
                return
            if media_root:
                store = backup.ObjectStore(folder=Path(media_root))
            else:
                bucket = bucket or getattr(settings, "AWS_STORAGE_BUCKET_NAME", "")
                if not bucket:
                    raise CommandError("--bucket or --media-root is required")
                store = backup.ObjectStore.s3(
                    bucket=bucket,
                    endpoint_url=endpoint_url or getattr(settings, "AWS_S3_ENDPOINT_URL", None),
                    aws_access_key_id=getattr(settings, "AWS_ACCESS_KEY_ID", None),
                    aws_secret_access_key=getattr(settings, "AWS_SECRET_ACCESS_KEY", None),
                    region_name=getattr(settings, "AWS_S3_REGION_NAME", "us-east-1"),
                )
            result = backup.restore(
                source=Path(source), database=environ.Env.db_url_config(database_url), store=store
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã khôi phục {result['tables']} bảng và {result['objects']} tệp vào {store.describe()}."
        )
