"""Writes to dossiers: drafts, uploads, submission. Views call these, nothing else writes."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import date, timedelta
from pathlib import PurePath

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import NotificationError, notify
from portal.files import sniff
from portal.text import nfc
from procedures.constants import Channel

from . import workdays
from .constants import DEFAULT_ALLOWED_UPLOADS, EventKind, Status
from .declaration import DeclarationForm, validate_schema
from .models import Dossier, DossierEvent, DossierFile, DossierSequence, OnlineForm, OnlineFormVersion

logger = logging.getLogger(__name__)
DRAFT_LIFETIME = timedelta(days=30)


class DossierError(Exception):
    """A rule says no; the message is for the person."""


# --- online forms -------------------------------------------------------------------------------


def online_form_publish(*, form: OnlineForm) -> OnlineFormVersion:
    """Freeze the fields as a new version (or return the latest if nothing changed)."""
    schema = [field.as_schema_item() for field in form.fields.filter(group__isnull=True).prefetch_related("children")]
    validate_schema(schema)
    latest = form.current_version()
    if latest is not None and latest.schema == schema:
        return latest
    return OnlineFormVersion.objects.create(form=form, number=(latest.number + 1) if latest else 1, schema=schema)


# --- drafts -------------------------------------------------------------------------------------


def dossier_start(*, user, procedure, organisation=None) -> Dossier:
    """Resume the person's open draft for this procedure, or start one (saved on the server)."""
    existing = Dossier.objects.filter(applicant=user, procedure=procedure, status=Status.DRAFT, organisation=organisation).order_by("-updated_at").first()
    if existing is not None:
        return existing
    form = OnlineForm.objects.filter(procedure=procedure).first()
    version = form.current_version() if form else None
    online = next((m for m in procedure.methods.all() if m.channel == Channel.ONLINE), None)
    with transaction.atomic():
        dossier = Dossier.objects.create(
            procedure=procedure,
            applicant=user,
            organisation=organisation,
            form_version=version,
            fee_vnd=online.fee_vnd if online else 0,
            charge_vnd=online.charge_vnd if online else 0,
            time_limit_days=online.time_limit_days if online else None,
            expires_at=timezone.now() + DRAFT_LIFETIME,
        )
        DossierEvent.objects.create(dossier=dossier, kind=EventKind.CREATED, actor=user, actor_display=user.full_name)
    return dossier


def _touch(dossier: Dossier, step: str, fields: list[str]) -> None:
    dossier.current_step = step
    dossier.expires_at = timezone.now() + DRAFT_LIFETIME
    dossier.save(update_fields=[*fields, "current_step", "expires_at", "updated_at"])


def draft_save_agency(*, dossier: Dossier, agency) -> None:
    if not dossier.procedure.agencies.filter(pk=agency.pk).exists():
        raise DossierError(_("Cơ quan này không giải quyết thủ tục đã chọn."))
    dossier.agency = agency
    _touch(dossier, "agency", ["agency"])


def draft_save_answers(*, dossier: Dossier, answers: dict) -> None:
    dossier.answers = answers
    _touch(dossier, "answers", ["answers"])


def draft_save_delivery(*, dossier: Dossier, delivery: str, address: dict | None = None) -> None:
    dossier.delivery = delivery
    dossier.delivery_address = address or {}
    _touch(dossier, "delivery", ["delivery", "delivery_address"])


def _safe_display_name(name: str) -> str:
    """Only the last path part, no control characters, at most 150 characters: for display only."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in nfc(base) if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return (cleaned or "tep")[:150]


def draft_add_file(*, dossier: Dossier, component, upload, purpose: str = "application") -> DossierFile:
    """Store one uploaded document after checking size, count and its real type (from its bytes).

    Raises DossierError with a message that says what went wrong. Nothing else of the dossier
    changes, so a failed upload never loses the rest of the draft.
    """
    max_file = settings.DOSSIER_MAX_FILE_BYTES
    if upload.size > max_file:
        raise DossierError(_("Tệp “%(name)s” nặng %(size)s MB, quá giới hạn %(limit)s MB mỗi tệp. Hãy chụp lại với độ phân giải thấp hơn hoặc nén tệp PDF.") % {"name": _safe_display_name(upload.name), "size": round(upload.size / 1048576, 1), "limit": max_file // 1048576})
    used = sum(f.size for f in dossier.files.all())
    if used + upload.size > settings.DOSSIER_MAX_TOTAL_BYTES:
        raise DossierError(_("Tổng dung lượng hồ sơ vượt quá %(limit)s MB. Hãy xóa bớt hoặc thu nhỏ tệp.") % {"limit": settings.DOSSIER_MAX_TOTAL_BYTES // 1048576})
    if component is not None and dossier.files.filter(component=component).count() >= settings.DOSSIER_MAX_FILES_PER_COMPONENT:
        raise DossierError(_("Mỗi giấy tờ được tải tối đa %(n)d tệp.") % {"n": settings.DOSSIER_MAX_FILES_PER_COMPONENT})
    kind = sniff(upload.file)
    allowed = set(getattr(settings, "DOSSIER_ALLOWED_UPLOADS", DEFAULT_ALLOWED_UPLOADS))
    if kind not in allowed:
        raise DossierError(_("Tệp “%(name)s” không phải ảnh JPEG, PNG hoặc tài liệu PDF (nội dung tệp được kiểm tra, không dựa vào đuôi tên). Hãy chọn đúng ảnh chụp hoặc bản quét giấy tờ.") % {"name": _safe_display_name(upload.name)})
    digest = hashlib.sha256()
    upload.file.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.file.seek(0)
    record = DossierFile(
        dossier=dossier,
        component=component,
        component_name=component.name if component else "",
        original_name=_safe_display_name(upload.name),
        kind=kind,
        size=upload.size,
        sha256=digest.hexdigest(),
        purpose=purpose,
    )
    record.file.save(f"upload.{kind}", upload, save=False)
    try:
        record.save()
    except Exception:
        record.file.delete(save=False)  # never leave an orphan file behind a failed save
        raise
    return record


def draft_remove_file(*, dossier: Dossier, file: DossierFile) -> None:
    if file.dossier_id != dossier.pk or not dossier.is_draft:
        raise DossierError(_("Không xóa được tệp này."))
    file.file.delete(save=False)
    file.delete()


# --- submission ---------------------------------------------------------------------------------


def dossier_code_next(*, agency, day: date) -> str:
    """The next code of the agency for the day: `<agency code>-<YYMMDD>-<NNNN>`, gap-free.

    Must run inside the submitting transaction: the counter row stays locked until commit, so
    concurrent submissions queue up and a rolled-back submission gives its number back.
    """
    try:
        with transaction.atomic():
            DossierSequence.objects.get_or_create(agency=agency, day=day)
    except IntegrityError:
        pass  # another submission created the row at the same instant: lock it below
    sequence = DossierSequence.objects.select_for_update().get(agency=agency, day=day)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{agency.code}-{day:%y%m%d}-{sequence.last:04d}"


def submission_problems(dossier: Dossier) -> list[str]:
    """What is still missing before the dossier can be submitted (empty when ready)."""
    problems = []
    if dossier.agency_id is None:
        problems.append(_("Chọn cơ quan tiếp nhận hồ sơ."))
    if dossier.form_version is not None:
        form = DeclarationForm(dossier.form_version.schema, data=_answers_as_data(dossier))
        if not form.is_valid():
            problems.append(_("Tờ khai còn thông tin chưa điền hoặc chưa đúng."))
    present = set(dossier.files.values_list("component_id", flat=True))
    for component in dossier.procedure.components.filter(required=True, case_group=""):
        if component.pk not in present:
            problems.append(_("Còn thiếu giấy tờ: %(name)s.") % {"name": component.name})
    if not dossier.delivery:
        problems.append(_("Chọn cách nhận kết quả."))
    return problems


def _answers_as_data(dossier: Dossier) -> dict:
    """Turn saved answers back into form data so the same validation runs at submission."""
    from .declaration import flatten_answers

    data = {}
    for name, value in flatten_answers(dossier.form_version.schema, dossier.answers).items():
        if isinstance(value, dict):  # address
            data[f"{name}_0"], data[f"{name}_1"], data[f"{name}_2"] = value.get("province_code", ""), value.get("commune_code", ""), value.get("street", "")
        elif value is True:
            data[name] = "yes"
        elif value is False:
            data[name] = "no"
        else:
            data[name] = "" if value is None else str(value)
    return data


def _snapshot(dossier: Dossier) -> dict:
    procedure = dossier.procedure
    return {
        "code": procedure.code,
        "name": procedure.name,
        "service_level": procedure.service_level,
        "fee_vnd": dossier.fee_vnd,
        "charge_vnd": dossier.charge_vnd,
        "time_limit_days": str(dossier.time_limit_days) if dossier.time_limit_days is not None else None,
        "components": [{"id": c.pk, "name": c.name, "required": c.required} for c in procedure.components.all()],
        "published_at": procedure.published_at.isoformat() if procedure.published_at else None,
    }


def dossier_submit(*, dossier: Dossier, user, submission_key: uuid.UUID, declaration_accepted: bool) -> Dossier:
    """Submit a draft exactly once.

    A double click, the back button or a retried POST finds the draft already submitted (under
    the row lock) or the same submission key, and returns the dossier that was created.
    Side effects: code from the per-agency daily counter, status 1, snapshot of the procedure,
    an event, and the confirmation by SMS and email after commit.
    """
    if not declaration_accepted:
        raise DossierError(_("Hãy đánh dấu ô cam đoan trước khi nộp."))
    already = Dossier.objects.filter(submission_key=submission_key).first()
    if already is not None:
        return already
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update(of=("self",)).select_related("agency", "procedure").get(pk=dossier.pk)
            if locked.status != Status.DRAFT:
                return locked
            problems = submission_problems(locked)
            if problems:
                raise DossierError(" ".join(problems))
            now = timezone.now()
            locked.code = dossier_code_next(agency=locked.agency, day=timezone.localdate(now))
            locked.status = Status.SUBMITTED
            locked.submission_key = submission_key
            locked.declaration_accepted = True
            locked.submitted_at = now
            locked.acceptance_due_at = workdays.add_working_hours(now, 8)
            locked.procedure_snapshot = _snapshot(locked)
            locked.expires_at = None
            locked.save()
            DossierEvent.objects.create(
                dossier=locked, kind=EventKind.SUBMITTED, from_status=Status.DRAFT, to_status=Status.SUBMITTED,
                actor=user, actor_display=user.full_name, agency=locked.agency,
            )
            _notify_submitted(locked, user)
            return locked
    except IntegrityError:
        # The same submission key won a race on another connection: return its dossier.
        already = Dossier.objects.filter(submission_key=submission_key).first()
        if already is None:
            raise
        return already


def _notify_submitted(dossier: Dossier, user) -> None:
    link = settings.PORTAL_BASE_URL.rstrip("/") + f"/dossiers/{dossier.code}/"
    try:
        notify(
            event="dossier_submitted",
            context={"dossier_code": dossier.code, "procedure_name": dossier.procedure.name, "agency_name": dossier.agency.name, "link": link},
            user=user,
            related=dossier,
            related_label=dossier.code,
        )
    except NotificationError:
        logger.warning("dossiers: nobody to notify for dossier %s", dossier.pk)


def dossier_withdraw(*, dossier: Dossier, user, reason: str) -> Dossier:
    """The applicant withdraws before processing starts (status 7)."""
    from .constants import WITHDRAWABLE

    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.status not in WITHDRAWABLE:
            raise DossierError(_("Hồ sơ đã được xử lý nên không rút trực tuyến được. Hãy liên hệ Bộ phận Một cửa."))
        previous = locked.status
        locked.status = Status.WITHDRAWN
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "completed_at", "updated_at"])
        DossierEvent.objects.create(
            dossier=locked, kind=EventKind.WITHDRAWN, from_status=previous, to_status=Status.WITHDRAWN, actor=user,
            actor_display=user.full_name, note_to_applicant=nfc(reason)[:1000],
        )
    return locked




def dossier_answer_supplement(*, dossier: Dossier, user, note: str, uploads: list[tuple]) -> Dossier:
    """The applicant answers a supplement request (status 5): new documents and a note.

    ``uploads`` is a list of (component or None, uploaded file). The dossier goes back to where
    it was before the request (1 before receipt, 4 during processing) and the clock restarts.
    """
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.status != Status.SUPPLEMENT_REQUESTED:
            raise DossierError(_("Hồ sơ không ở trạng thái chờ bổ sung."))
        if not uploads and not note.strip():
            raise DossierError(_("Hãy tải lên giấy tờ còn thiếu hoặc ghi chú trả lời."))
        request_event = locked.events.filter(to_status=Status.SUPPLEMENT_REQUESTED).order_by("-at", "-id").first()
        back_to = request_event.from_status if request_event and request_event.from_status in (Status.SUBMITTED, Status.PROCESSING) else Status.SUBMITTED
        for component, upload in uploads:
            draft_add_file(dossier=locked, component=component, upload=upload, purpose="supplement")
        locked.status = back_to
        DossierEvent.objects.create(
            dossier=locked, kind=EventKind.SUPPLEMENT_ANSWERED, from_status=Status.SUPPLEMENT_REQUESTED, to_status=back_to,
            actor=user, actor_display=user.full_name, note_to_applicant=nfc(note)[:2000], agency=locked.agency,
        )
        from .processing import recompute_due

        recompute_due(locked)  # the clock restarts; the stopped working days move the due date
        locked.save(update_fields=["status", "due_at", "updated_at"])
    return locked


def dossier_rate(*, dossier: Dossier, user, score: int, comment: str):
    """Rate the service once the dossier is finished; once per dossier."""
    from .constants import FINAL_STATUSES
    from .models import Rating

    if dossier.status not in FINAL_STATUSES or dossier.status == Status.WITHDRAWN:
        raise DossierError(_("Bạn có thể đánh giá khi hồ sơ đã có kết quả."))
    if not 1 <= int(score) <= 5:
        raise DossierError(_("Chọn mức từ 1 đến 5."))
    rating, created = Rating.objects.get_or_create(dossier=dossier, defaults={"score": int(score), "comment": nfc(comment)[:2000]})
    if not created:
        raise DossierError(_("Hồ sơ này đã được đánh giá. Cảm ơn bạn."))
    return rating
