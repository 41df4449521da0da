"""Files of dossiers: every upload checked before any is written, bytes written only with their row
and removed if the transaction rolls back, removals done on commit.

The type of a file is decided from its bytes (``core.files.inspect``); the person's file name is
kept for display only and never used on disk or as the extension of a download.

Rollback safety: every file written here is registered as *pending* together with an on-commit
callback. When the transaction commits, the callback marks it kept. If the block that wrote it rolls
back (the callback is dropped without running), ``sweep_rolled_back_files`` deletes the bytes: it runs
when an ``atomic_with_files`` block ends, at the end of every request and after every Celery task.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import Storage
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.files import ACTIVE_CONTENT, PDF, FileRefused, inspect
from core.text import nfc

from .constants import DEFAULT_ALLOWED_UPLOADS, Status
from .errors import DossierError, UploadRefused
from .models import Dossier, DossierFile

logger = logging.getLogger(__name__)
MB = 1048576


# --- messages (the same words in the browser's check, the server's check and the page) ----------


def display_name(name: str) -> str:
    """Only the last path part, no control characters, at most 150 characters: for display only."""
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in nfc(base) if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return (cleaned or "tep")[:150]


def too_big_message(*, name: str, size_mb: str, limit_mb: int) -> str:
    return _(
        "Tệp “%(name)s” nặng %(size)s MB, quá giới hạn %(limit)s MB mỗi tệp. Hãy chụp lại với độ phân giải thấp hơn hoặc nén tệp PDF."
    ) % {"name": name, "size": size_mb, "limit": limit_mb}


def unreadable_message() -> str:
    return _(
        "Không nhận được tệp: tên tệp quá dài hoặc dữ liệu gửi lên không đọc được. Hãy đổi tên tệp cho ngắn hơn (dưới 100 ký tự) rồi tải lên lại."
    )


def _megabytes(size: int) -> str:
    return number_format(round(size / MB, 1), decimal_pos=1)


def _kind_message(name: str, refused: FileRefused | None) -> str:
    if refused is not None and refused.kind == PDF:
        if refused.reason == ACTIVE_CONTENT:
            return _(
                "Tệp PDF “%(name)s” có chứa mã lệnh tự chạy, tệp đính kèm hoặc biểu mẫu động nên không được nhận, để bảo vệ máy tính của cán bộ. Hãy mở tệp, chọn In → “Lưu dưới dạng PDF” (hoặc “Microsoft Print to PDF”), hay chụp, quét lại giấy tờ, rồi tải lên bản mới."
            ) % {"name": name}
        return _(
            "Không kiểm tra được nội dung tệp PDF “%(name)s”: tệp có mật khẩu, bị hỏng hoặc được nén bất thường. Hãy mở tệp, chọn In → “Lưu dưới dạng PDF” (không đặt mật khẩu), hay chụp, quét lại giấy tờ, rồi tải lên bản mới."
        ) % {"name": name}
    return _(
        "Tệp “%(name)s” không phải ảnh JPEG, PNG hoặc tài liệu PDF (nội dung tệp được kiểm tra, không dựa vào đuôi tên). Hãy chọn đúng ảnh chụp hoặc bản quét giấy tờ."
    ) % {"name": name}


# --- checking ----------------------------------------------------------------------------------------


@dataclass
class CheckedUpload:
    """An upload that passed every check and may be written."""

    component: object | None
    upload: object
    kind: str
    sha256: str
    name: str


def allowed_kinds() -> set[str]:
    return set(getattr(settings, "DOSSIER_ALLOWED_UPLOADS", DEFAULT_ALLOWED_UPLOADS))


def check_upload(*, dossier: Dossier, component, upload, pending: list[CheckedUpload] = ()) -> CheckedUpload:
    """Size, count per component, total of the dossier (with the files still ``pending`` in the same
    request) and the real type from the bytes. Raises DossierError with a message for the person.
    Writes nothing."""
    name = display_name(upload.name)
    max_file = settings.DOSSIER_MAX_FILE_BYTES
    if upload.size > max_file:
        raise DossierError(
            too_big_message(name=name, size_mb=_megabytes(upload.size), limit_mb=max_file // MB)
        )
    used = sum(f.size for f in dossier.files.all()) + sum(p.upload.size for p in pending)
    if used + upload.size > settings.DOSSIER_MAX_TOTAL_BYTES:
        raise DossierError(
            _("Tổng dung lượng hồ sơ vượt quá %(limit)s MB. Hãy xóa bớt hoặc thu nhỏ tệp.")
            % {"limit": settings.DOSSIER_MAX_TOTAL_BYTES // MB}
        )
    if component is not None:
        count = dossier.files.filter(component=component).count() + sum(
            1 for p in pending if p.component is not None and p.component.pk == component.pk
        )
        if count >= settings.DOSSIER_MAX_FILES_PER_COMPONENT:
            raise DossierError(
                _("Mỗi giấy tờ được tải tối đa %(n)d tệp.") % {"n": settings.DOSSIER_MAX_FILES_PER_COMPONENT}
            )
    refused = None
    try:
        kind = inspect(upload.file)
    except FileRefused as exc:
        kind, refused = None, exc
        logger.info("dossiers: upload refused for dossier %s: %s", dossier.pk, exc)
    if kind not in allowed_kinds():
        raise DossierError(_kind_message(name, refused))
    digest = hashlib.sha256()
    upload.file.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.file.seek(0)
    return CheckedUpload(component=component, upload=upload, kind=kind, sha256=digest.hexdigest(), name=name)


# --- writing, with cleanup when the transaction rolls back --------------------------------------------


class _Pending:
    """A file written inside a transaction, until we know whether its row committed."""

    def __init__(self, storage: Storage, name: str, using: str) -> None:
        self.storage, self.name, self.using = storage, name, using
        self.committed = False

    def __call__(self) -> None:  # the on-commit callback
        self.committed = True

    def rolled_back(self) -> bool:
        connection = connections[self.using]
        registered = any(func is self for _sids, func, _robust in connection.run_on_commit)
        # Dropped without running: the block (or a savepoint around it) rolled back.
        return not self.committed and not registered


_local = threading.local()


def _pending() -> list[_Pending]:
    if not hasattr(_local, "files"):
        _local.files = []
    return _local.files


def sweep_rolled_back_files() -> int:
    """Delete the bytes of files whose row was rolled back; forget those that committed."""
    removed = 0
    still: list[_Pending] = []
    for entry in _pending():
        if entry.committed:
            continue
        if entry.rolled_back():
            try:
                entry.storage.delete(entry.name)
                removed += 1
            except Exception:  # noqa: BLE001 - a cleanup must not break the request; it is logged
                logger.exception("dossiers: could not delete rolled-back file %s", entry.name)
            continue
        still.append(entry)
    _local.files = still
    return removed


def _sweep_signal(**kwargs) -> None:
    sweep_rolled_back_files()


request_finished.connect(_sweep_signal, dispatch_uid="dossiers.uploads.sweep")
try:  # after every task as well (the worker has no request)
    from celery.signals import task_postrun

    task_postrun.connect(_sweep_signal, dispatch_uid="dossiers.uploads.sweep", weak=False)
except ImportError:  # pragma: no cover - celery is a dependency
    pass


def save_file(record: DossierFile, name: str, content, *, using: str = DEFAULT_DB_ALIAS) -> DossierFile:
    """Write the bytes, then the row; if the row's transaction rolls back, the bytes go too."""
    with atomic_with_files(using=using):
        record.file.save(name, content, save=False)
        entry = _Pending(record.file.storage, record.file.name, using)
        _pending().append(entry)
        transaction.on_commit(entry, using=using)
        record.save()
    return record


@contextmanager
def atomic_with_files(*, using: str = DEFAULT_DB_ALIAS):
    """``transaction.atomic`` that deletes the files written inside it when it rolls back."""
    try:
        with transaction.atomic(using=using):
            yield
    finally:
        sweep_rolled_back_files()


def store_checked(
    *, dossier: Dossier, checked: CheckedUpload, purpose: str, now: datetime | None = None
) -> DossierFile:
    component = checked.component
    record = DossierFile(
        dossier=dossier,
        component=component,
        component_name=component.name if component is not None else "",
        original_name=checked.name,
        kind=checked.kind,
        size=checked.upload.size,
        sha256=checked.sha256,
        purpose=purpose,
        uploaded_at=now or timezone.now(),
    )
    return save_file(record, f"upload.{checked.kind}", checked.upload)


def draft_add_file(
    *, dossier: Dossier, component, upload, purpose: str = "application", now: datetime | None = None
) -> DossierFile:
    """Store one uploaded document after checking size, count and its real type (from its bytes).

    Raises DossierError with a message that says what went wrong. Nothing else of the dossier
    changes, so a failed upload never loses the rest of the draft. Side effect: one file in storage,
    one row; the file is removed again if the surrounding transaction rolls back.
    """
    checked = check_upload(dossier=dossier, component=component, upload=upload)
    return store_checked(dossier=dossier, checked=checked, purpose=purpose, now=now)


def dossier_add_files(
    *, dossier: Dossier, uploads: list[tuple], purpose: str, now: datetime | None = None
) -> list[DossierFile]:
    """Check every (component, upload) first; write them only if all pass.

    Raises UploadRefused (a DossierError) with the messages per component, having written nothing.
    Must run inside the caller's transaction (``atomic_with_files``) when other rows change with it.
    """
    checked: list[CheckedUpload] = []
    errors: dict[int | None, list[str]] = {}
    for component, upload in uploads:
        try:
            checked.append(check_upload(dossier=dossier, component=component, upload=upload, pending=checked))
        except DossierError as exc:
            errors.setdefault(component.pk if component is not None else None, []).append(str(exc))
    if errors:
        raise UploadRefused(errors)
    return [store_checked(dossier=dossier, checked=c, purpose=purpose, now=now) for c in checked]


# --- removing: the row now, the bytes on commit --------------------------------------------------------


def _delete_bytes_on_commit(stored: DossierFile) -> None:
    storage, name = stored.file.storage, stored.file.name
    if not name:
        return

    def delete() -> None:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - the row is gone; a leftover file is logged for the operator
            logger.exception("dossiers: could not delete file %s", name)

    transaction.on_commit(delete)


def dossier_file_remove(*, file: DossierFile) -> None:
    """Delete the row; the bytes are deleted once the transaction commits (never before)."""
    with transaction.atomic():
        _delete_bytes_on_commit(file)
        file.delete()


def draft_remove_file(*, dossier: Dossier, file: DossierFile) -> None:
    """The applicant removes a file from their draft."""
    if file.dossier_id != dossier.pk or not dossier.is_draft:
        raise DossierError(_("Không xóa được tệp này."))
    dossier_file_remove(file=file)


def draft_delete(*, draft: Dossier) -> None:
    """Delete a draft and its files: rows now, bytes after commit. Used by the draft purge and by the
    deletion of an account. Refuses anything that is not a draft."""
    if draft.status != Status.DRAFT:
        raise DossierError(_("Chỉ xóa được bản nháp."))
    with transaction.atomic():
        for stored in draft.files.all():
            _delete_bytes_on_commit(stored)
        draft.delete()


def drafts_delete_for_user(user) -> None:
    """Account deletion cleanup: the person's drafts go with the account."""
    for draft in Dossier.objects.filter(applicant=user, status=Status.DRAFT).prefetch_related("files"):
        draft_delete(draft=draft)
