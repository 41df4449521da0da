"""Backup and restore (manage.py backup / restore) on PostgreSQL and an S3-compatible server (moto):
restored into a fresh database and bucket, every table's row count, every dossier and every file's
SHA-256 come back."""

import hashlib
import socket
import urllib.request
import uuid

import boto3
import psycopg2
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from core import backup
from dossiers import services
from dossiers.models import Dossier, DossierFile
from tests.factories import PDF, PNG, ready_draft

pytestmark = [
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="pg_dump / pg_restore need DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True),
]
SOURCE_BUCKET, RESTORED_BUCKET = "portal-files-backup-src", "portal-files-restored"


@pytest.fixture
def s3(settings):
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps one in-memory state per process: start from an empty one.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="t", aws_secret_access_key="t", region_name="us-east-1"
    )
    client.create_bucket(Bucket=SOURCE_BUCKET)
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY, settings.AWS_S3_REGION_NAME = (
        "t",
        "t",
        "us-east-1",
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": SOURCE_BUCKET,
                "endpoint_url": endpoint,
                "access_key": "t",
                "secret_key": "t",
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }
    yield client, endpoint
    server.stop()


@pytest.fixture
def fresh_database():
    name = connection.settings_dict["NAME"].removeprefix("test_") + "_restore"
    db = connection.settings_dict
    url = f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db.get('PASSWORD') else ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"

    def admin(sql):
        conn = psycopg2.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db.get("PASSWORD") or None,
            dbname="postgres",
        )
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
        conn.close()

    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f'CREATE DATABASE "{name}"')
    yield name, url
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def dossier_rows(cursor) -> list[tuple]:
    cursor.execute(
        f"SELECT code, status, uuid::text FROM {Dossier._meta.db_table} ORDER BY uuid"  # noqa: S608
    )
    return cursor.fetchall()


def file_rows(cursor) -> list[tuple]:
    cursor.execute(f"SELECT file, size FROM {DossierFile._meta.db_table} ORDER BY file")  # noqa: S608
    return cursor.fetchall()


def object_sha(client, bucket, key) -> str:
    return hashlib.sha256(client.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest()


def test_backup_then_restore_into_a_fresh_database_and_bucket(s3, fresh_database, tmp_path):
    client, endpoint = s3
    restored_name, restored_url = fresh_database
    for n in range(3):
        draft, owner = ready_draft()
        services.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile(f"anh-{n}.png", PNG + bytes([n]) * 10)
        )
        services.dossier_submit(
            dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
        )
    ready_draft()  # a draft with a file, not submitted: backed up too
    uploads = list(DossierFile.objects.values_list("file", flat=True))
    assert len(uploads) == 7
    # Every object in the bucket is backed up: the uploads and, for each submitted dossier,
    # the applicant's PDF copy that the submission rendered after commit.
    files = [o["Key"] for o in client.list_objects_v2(Bucket=SOURCE_BUCKET)["Contents"]]
    copies = [key for key in files if key not in uploads]
    assert len(copies) == 3 and all(key.startswith("submission-copies/") for key in copies)

    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    manifest = backup.verify(folder)
    assert set(manifest["objects"]) == set(files)
    for key in files:
        assert manifest["objects"][key]["sha256"] == object_sha(client, SOURCE_BUCKET, key)

    call_command(
        "restore", str(folder), database_url=restored_url, bucket=RESTORED_BUCKET, endpoint_url=endpoint
    )

    db = connection.settings_dict
    restored = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=restored_name
    )
    try:
        with connection.cursor() as original, restored.cursor() as copy:
            assert table_counts(copy) == table_counts(original)
            assert dossier_rows(copy) == dossier_rows(original) and len(dossier_rows(copy)) == 4
            assert file_rows(copy) == file_rows(original)
    finally:
        restored.close()
    restored_keys = {o["Key"] for o in client.list_objects_v2(Bucket=RESTORED_BUCKET)["Contents"]}
    assert restored_keys == set(files)
    for key in files:
        assert object_sha(client, RESTORED_BUCKET, key) == object_sha(client, SOURCE_BUCKET, key)
    pdf_key = DossierFile.objects.filter(file__endswith=".pdf").values_list("file", flat=True).first()
    assert object_sha(client, RESTORED_BUCKET, copies[0]) == object_sha(client, SOURCE_BUCKET, copies[0])
    assert client.get_object(Bucket=RESTORED_BUCKET, Key=pdf_key)["Body"].read() == PDF

    # Restoring again over the now-filled database is refused: nothing is overwritten.
    with pytest.raises(CommandError, match="is not empty"):
        call_command(
            "restore", str(folder), database_url=restored_url, bucket=RESTORED_BUCKET, endpoint_url=endpoint
        )


def test_a_damaged_backup_is_refused_before_anything_is_written(s3, fresh_database, tmp_path):
    client, endpoint = s3
    restored_name, restored_url = fresh_database
    draft, owner = ready_draft()
    folder = tmp_path / "backup"
    call_command("backup", str(folder))
    key = next(iter(backup.verify(folder)["objects"]))
    path = folder / "objects" / key
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command(
            "restore", str(folder), database_url=restored_url, bucket=RESTORED_BUCKET, endpoint_url=endpoint
        )
    assert RESTORED_BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(folder))
