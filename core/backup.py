"""Backup and restore of the two places that hold a citizen's data: the PostgreSQL database and the
object store (S3-compatible, or the local ``MEDIA_ROOT``).

A backup is a folder:

- ``database.dump``: ``pg_dump --format=custom`` of the database;
- ``objects/<key>``: every object of the storage, byte for byte;
- ``manifest.json``: when, from where, and for every object its size and SHA-256, plus the SHA-256
  of the dump.

``restore`` checks every checksum of the folder first (a damaged backup is refused before anything is
written), restores the dump into a database that must be empty (``pg_restore --no-owner
--exit-on-error``), uploads every object and reads it back to compare its SHA-256. Nothing is ever
deleted. Run it against a fresh database and bucket, then point the settings at them.

The commands (``manage.py backup`` / ``manage.py restore``) are thin; this module does the work.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- where the objects are --------------------------------------------------------------------------


@dataclass
class ObjectStore:
    """An S3 bucket (``client`` + ``bucket``) or a local folder (``folder``)."""

    client: object | None = None
    bucket: str = ""
    folder: Path | None = None

    @classmethod
    def from_settings(cls) -> ObjectStore:
        bucket = getattr(default_storage, "bucket_name", None)
        if bucket:
            return cls(client=default_storage.connection.meta.client, bucket=bucket)
        return cls(folder=Path(default_storage.location))

    @classmethod
    def s3(cls, *, bucket: str, endpoint_url: str | None = None, **credentials) -> ObjectStore:
        import boto3

        client = boto3.client("s3", endpoint_url=endpoint_url, **credentials)
        return cls(client=client, bucket=bucket)

    def describe(self) -> str:
        return f"s3://{self.bucket}" if self.client else str(self.folder)

    def object_keys(self) -> Iterator[str]:
        if self.client:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket):
                for item in page.get("Contents", []):
                    yield item["Key"]
        else:
            if not self.folder.exists():
                return
            for path in sorted(self.folder.rglob("*")):
                if path.is_file():
                    yield path.relative_to(self.folder).as_posix()

    def download(self, key: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.client:
            self.client.download_file(self.bucket, key, str(target))
        else:
            shutil.copyfile(self.folder / key, target)

    def upload(self, source: Path, key: str) -> None:
        if self.client:
            self.client.upload_file(str(source), self.bucket, key)
        else:
            target = self.folder / key
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    def sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        if self.client:
            body = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            for chunk in iter(lambda: body.read(CHUNK), b""):
                digest.update(chunk)
            return digest.hexdigest()
        return sha256_file(self.folder / key)

    def ensure(self) -> None:
        if self.client:
            existing = {b["Name"] for b in self.client.list_buckets()["Buckets"]}
            if self.bucket not in existing:
                self.client.create_bucket(Bucket=self.bucket)
        else:
            self.folder.mkdir(parents=True, exist_ok=True)


# --- the database -------------------------------------------------------------------------------------


def _pg(database: dict) -> tuple[list[str], dict]:
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup and restore work on PostgreSQL only (DATABASE_URL=postgres://…)")
    args = ["--host", database.get("HOST") or "127.0.0.1", "--port", str(database.get("PORT") or 5432)]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


# --- backup and restore --------------------------------------------------------------------------------


def backup(*, output: Path, database: dict | None = None, store: ObjectStore | None = None) -> dict:
    """Write a backup folder; returns its manifest. ``output`` must not exist or be empty."""
    database = database or settings.DATABASES["default"]
    store = store or ObjectStore.from_settings()
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"{output} is not empty")
    output.mkdir(parents=True, exist_ok=True)
    args, env = _pg(database)
    dump = output / "database.dump"
    _run(["pg_dump", *args, "--format=custom", "--no-owner", "--file", str(dump), database["NAME"]], env)
    objects: dict[str, dict] = {}
    for key in store.object_keys():
        target = output / "objects" / key
        store.download(key, target)
        objects[key] = {"size": target.stat().st_size, "sha256": sha256_file(target)}
    manifest = {
        "created_at": datetime.now(tz=UTC).isoformat(),
        "database": {"name": database["NAME"], "file": dump.name, "sha256": sha256_file(dump)},
        "storage": store.describe(),
        "objects": objects,
    }
    (output / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return manifest


def verify(folder: Path) -> dict:
    """The manifest, after checking every checksum in the folder (BackupError at the first mismatch)."""
    folder = Path(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if sha256_file(folder / manifest["database"]["file"]) != manifest["database"]["sha256"]:
        raise BackupError("database.dump does not match its checksum")
    for key, expected in manifest["objects"].items():
        path = folder / "objects" / key
        if not path.is_file() or sha256_file(path) != expected["sha256"]:
            raise BackupError(f"object {key} is missing or does not match its checksum")
    return manifest


def restore(*, source: Path, database: dict, store: ObjectStore) -> dict:
    """Restore a verified backup into an empty database and a bucket (created if missing).

    Returns ``{"objects": n, "tables": n}``. Refuses a database that already has tables.
    """
    source = Path(source)
    manifest = verify(source)
    args, env = _pg(database)
    check = ["psql", *args, "--dbname", database["NAME"], "--tuples-only", "--no-align", "--command"]
    result = subprocess.run(  # noqa: S603
        [*check, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"cannot reach the target database: {result.stderr.strip()[-500:]}")
    if int(result.stdout.strip() or 0):
        raise BackupError(f"the target database {database['NAME']} is not empty: restore into a fresh one")
    _run(
        [
            "pg_restore",
            *args,
            "--no-owner",
            "--exit-on-error",
            "--dbname",
            database["NAME"],
            str(source / manifest["database"]["file"]),
        ],
        env,
    )
    store.ensure()
    for key, expected in manifest["objects"].items():
        store.upload(source / "objects" / key, key)
        if store.sha256(key) != expected["sha256"]:
            raise BackupError(f"object {key} differs after upload")
    tables = subprocess.run(  # noqa: S603
        [*check, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return {"objects": len(manifest["objects"]), "tables": int(tables.stdout.strip())}
