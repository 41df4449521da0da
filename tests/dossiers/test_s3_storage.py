"""Dossier files through django-storages against a real S3-compatible HTTP server (moto's server mode)."""

import socket
import uuid

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from tests.factories import PDF, ready_draft

pytestmark = pytest.mark.django_db
BUCKET = "portal-files-test"


@pytest.fixture
def s3(settings):
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }
    storages._storages.pop("default", None)  # rebuild the storage from the new settings
    yield client
    storages._storages.pop("default", None)
    server.stop()


def test_dossier_files_live_in_the_bucket_under_generated_names(client, s3):
    draft, owner = ready_draft()
    stored = services.draft_add_file(
        dossier=draft, component=None, upload=SimpleUploadedFile("../Giấy khai sinh.pdf", PDF)
    )
    keys = [obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert stored.file.name in keys
    assert all(key.startswith(f"dossiers/{draft.uuid.hex}/") or key.startswith("dossiers/") for key in keys)
    assert "khai" not in stored.file.name and ".." not in stored.file.name
    # Private: the object has no public grant.
    grants = s3.get_object_acl(Bucket=BUCKET, Key=stored.file.name)["Grants"]
    assert not any(g.get("Grantee", {}).get("URI", "").endswith("AllUsers") for g in grants)
    dossier = services.dossier_submit(
        dossier=draft, user=owner, submission_key=uuid.uuid4(), declaration_accepted=True
    )
    client.force_login(owner)
    response = client.get(reverse("dossiers:file", args=[dossier.code, stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")


def test_failed_upload_leaves_nothing_in_the_bucket(s3):
    draft, _owner = ready_draft()
    before = {obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    with pytest.raises(services.DossierError):
        services.draft_add_file(
            dossier=draft, component=None, upload=SimpleUploadedFile("x.pdf", b"MZ not a pdf")
        )
    after = {obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert before == after
