"""Writes to dossiers: drafts, uploads, submission. Views call these, nothing else writes."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import organisation_submission_problems
from core.text import nfc
from procedures.constants import Channel

from . import fees, requirements
from .constants import EventKind, FilePurpose, Status
from .declaration import DeclarationForm, SchemaError, validate_schema
from .errors import DossierError, UploadRefused  # noqa: F401 - UploadRefused re-exported
from .models import Dossier, DossierEvent, DossierSequence, OnlineForm, OnlineFormVersion

# The upload and file functions moved to dossiers/uploads.py; these names stay for existing callers.
from .uploads import (  # noqa: F401
    atomic_with_files,
    dossier_add_files,
    draft_add_file,
    draft_delete,
    draft_remove_file,
)
from .uploads import display_name as _safe_display_name  # noqa: F401
from .workflow import Actor, ConflictError, TransitionError, dossier_transition

logger = logging.getLogger(__name__)
DRAFT_LIFETIME = timedelta(days=30)


# --- online forms -------------------------------------------------------------------------------


def online_form_schema(*, form: OnlineForm) -> list[dict]:
    """The schema of the fields and rules as edited now (what publishing would freeze).

    Each rule is attached to its field (``key`` or ``group.key``); a rule naming no field of the
    form raises SchemaError.
    """
    schema = [
        field.as_schema_item()
        for field in form.fields.filter(group__isnull=True).prefetch_related("children")
    ]
    by_key: dict[str, dict] = {}
    for item in schema:
        if item.get("key"):
            by_key[item["key"]] = item
        for inner in item.get("fields") or []:
            by_key[f"{item['key']}.{inner['key']}"] = inner
    for rule in form.rules.all():
        target = by_key.get(rule.field_key.strip())
        if target is None:
            raise SchemaError(f"quy tắc “{rule}”: không có trường “{rule.field_key}”")
        target.setdefault("rules", []).append(rule.as_rule())
    return schema


def online_form_publish(*, form: OnlineForm) -> OnlineFormVersion:
    """Freeze the fields and rules as a new version (or return the latest if nothing changed).

    Raises SchemaError (nothing written) when the fields or rules cannot work together.
    """
    schema = online_form_schema(form=form)
    validate_schema(schema)
    latest = form.current_version()
    if latest is not None and latest.schema == schema:
        return latest
    return OnlineFormVersion.objects.create(
        form=form, number=(latest.number + 1) if latest else 1, schema=schema
    )


# --- drafts -------------------------------------------------------------------------------------


def dossier_start(*, user, procedure, organisation=None, now: datetime | None = None) -> Dossier:
    """Resume the person's open draft for this procedure, or start one (saved on the server)."""
    now = now or timezone.now()
    existing = (
        Dossier.objects.filter(
            applicant=user, procedure=procedure, status=Status.DRAFT, organisation=organisation
        )
        .order_by("-updated_at")
        .first()
    )
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
            expires_at=now + DRAFT_LIFETIME,
            created_at=now,
        )
        DossierEvent.objects.create(
            dossier=dossier, at=now, kind=EventKind.CREATED, actor=user, actor_display=user.full_name
        )
    return dossier


def _touch(dossier: Dossier, step: str, fields: list[str], now: datetime | None = None) -> None:
    dossier.current_step = step
    dossier.expires_at = (now or timezone.now()) + DRAFT_LIFETIME
    dossier.save(update_fields=[*fields, "current_step", "expires_at", "updated_at"])


def draft_save_agency(*, dossier: Dossier, agency, now: datetime | None = None) -> None:
    if not dossier.procedure.agencies.filter(pk=agency.pk).exists():
        raise DossierError(_("Cơ quan này không giải quyết thủ tục đã chọn."))
    dossier.agency = agency
    _touch(dossier, "agency", ["agency"], now)


def draft_save_answers(*, dossier: Dossier, answers: dict, now: datetime | None = None) -> None:
    dossier.answers = answers
    _touch(dossier, "answers", ["answers"], now)


def draft_save_delivery(
    *, dossier: Dossier, delivery: str, address: dict | None = None, now: datetime | None = None
) -> None:
    dossier.delivery = delivery
    dossier.delivery_address = address or {}
    _touch(dossier, "delivery", ["delivery", "delivery_address"], now)


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
    """What is still missing before the dossier can be submitted (empty when ready): the same
    declaration rules as the step (``DeclarationForm``), and the documents this dossier's answers
    make required (``dossiers.requirements``)."""
    problems = []
    if dossier.agency_id is None:
        problems.append(_("Chọn cơ quan tiếp nhận hồ sơ."))
    if dossier.form_version is not None:
        form = DeclarationForm(dossier.form_version.schema, data=_answers_as_data(dossier))
        if not form.is_valid():
            errors = form.summary_errors()
            problems.append(_("Tờ khai còn thông tin chưa điền hoặc chưa đúng:"))
            problems += [
                f"{label}: {message}" if label else message for _anchor, label, message in errors[:8]
            ]
    present = set(dossier.files.values_list("component_id", flat=True))
    for need in requirements.dossier_component_needs(dossier):
        if need.required and need.component.pk not in present:
            problems.append(_("Còn thiếu giấy tờ: %(name)s.") % {"name": need.component.name})
    if not dossier.delivery:
        problems.append(_("Chọn cách nhận kết quả."))
    # In a business's name only when the business is verified and the applicant still acts for it.
    problems += organisation_submission_problems(
        organisation_id=dossier.organisation_id, applicant_id=dossier.applicant_id
    )
    return problems


def _answers_as_data(dossier: Dossier) -> dict:
    """Turn saved answers back into form data so the same validation runs at submission."""
    from .declaration import flatten_answers

    data = {}
    for name, value in flatten_answers(dossier.form_version.schema, dossier.answers).items():
        if isinstance(value, dict):  # address
            data[f"{name}_0"], data[f"{name}_1"], data[f"{name}_2"] = (
                value.get("province_code", ""),
                value.get("commune_code", ""),
                value.get("street", ""),
            )
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
        "fee_items": dossier.fee_items,
        "presence": procedure.presence,
        "presence_note": procedure.presence_note,
        "time_limit_days": str(dossier.time_limit_days) if dossier.time_limit_days is not None else None,
        "components": [
            {"id": c.pk, "name": c.name, "required": c.required} for c in procedure.components.all()
        ],
        "published_at": procedure.published_at.isoformat() if procedure.published_at else None,
    }


def dossier_submit(
    *,
    dossier: Dossier,
    user,
    submission_key: uuid.UUID,
    declaration_accepted: bool,
    now: datetime | None = None,
) -> Dossier:
    """Submit a draft exactly once (the ``submit`` row of the state machine, the applicant as actor).

    A double click, the back button or a retried POST finds the draft already submitted (under
    the row lock) or the same submission key, and returns the dossier that was created.
    Side effects: code from the per-agency daily counter, status 1, the fee lines computed from
    the online channel and the answers (``Dossier.fee_items`` and the two totals), snapshot of the
    procedure, an event and an audit row, and the confirmation by SMS and email after commit.
    """
    if not declaration_accepted:
        raise DossierError(_("Hãy đánh dấu ô cam đoan trước khi nộp."))
    already = Dossier.objects.filter(submission_key=submission_key).first()
    if already is not None:
        return already
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("agency", "procedure")
                .get(pk=dossier.pk)
            )
            if locked.status != Status.DRAFT:
                return locked
            problems = submission_problems(locked)
            if problems:
                raise DossierError(" ".join(problems))

            def apply(d: Dossier, at: datetime) -> list[str]:
                d.code = dossier_code_next(agency=d.agency, day=timezone.localdate(at))
                d.submission_key = submission_key
                d.declaration_accepted = True
                # The fees owed, line by line, as they stand at submission (dossiers.fees).
                lines = fees.fee_lines(procedure=d.procedure, answers=d.answers)
                d.fee_items = [line.as_json() for line in lines]
                d.fee_vnd, d.charge_vnd = fees.totals(lines)
                d.procedure_snapshot = _snapshot(d)
                d.expires_at = None
                return [
                    "code",
                    "submission_key",
                    "declaration_accepted",
                    "fee_items",
                    "fee_vnd",
                    "charge_vnd",
                    "procedure_snapshot",
                    "expires_at",
                ]

            return dossier_transition(
                dossier_id=locked.pk,
                name="submit",
                actor=Actor.applicant(user),
                expected_version=locked.version,
                now=now,
                apply=apply,
            )
    except TransitionError as exc:
        raise DossierError(str(exc)) from exc
    except IntegrityError:
        # The same submission key won a race on another connection: return its dossier.
        already = Dossier.objects.filter(submission_key=submission_key).first()
        if already is None:
            raise
        return already


def dossier_withdraw(
    *, dossier: Dossier, user, reason: str, expected_version: int | None, now: datetime | None = None
) -> Dossier:
    """The applicant withdraws before processing starts (status 7): audited and notified like any
    transition (the ``withdraw_by_applicant`` row)."""
    if not nfc(reason or "").strip():
        raise DossierError(_("Hãy ghi lý do rút hồ sơ."))
    try:
        return dossier_transition(
            dossier_id=dossier.pk,
            name="withdraw_by_applicant",
            actor=Actor.applicant(user),
            expected_version=expected_version,
            reason=reason,
            now=now,
        )
    except ConflictError as exc:
        raise DossierError(str(exc)) from exc
    except TransitionError as exc:
        raise DossierError(
            _("Hồ sơ đã được xử lý nên không rút trực tuyến được. Hãy liên hệ Bộ phận Một cửa.")
        ) from exc


def dossier_answer_supplement(
    *,
    dossier: Dossier,
    user,
    note: str,
    uploads: list[tuple],
    expected_version: int | None,
    now: datetime | None = None,
) -> Dossier:
    """The applicant answers a supplement request (status 5): new documents and a note.

    ``uploads`` is a list of (component or None, uploaded file), or (component or None, uploaded
    file, item name, slot key) when the answer comes slot by slot (one slot per item the request
    asked for: ``checklist.requested_slots``); a file for an item that is not a component of the
    procedure is named after the item. Every file is checked (``uploads.check_upload``) before any is
    written: one bad file refuses them all, with the messages per slot (``UploadRefused``, keyed by
    slot key, or by component id for pairs). The dossier goes back to where it was before the
    request (1 before receipt, 4 during processing) and the clock restarts (``answer_supplement``).
    """
    if not uploads and not nfc(note or "").strip():
        raise DossierError(_("Hãy tải lên giấy tờ còn thiếu hoặc ghi chú trả lời."))

    def apply(d: Dossier, _at: datetime) -> list[str]:
        if all(len(entry) == 2 for entry in uploads):
            # Every file is checked before any is written: one bad file refuses them all (UploadRefused).
            dossier_add_files(dossier=d, uploads=uploads, purpose=FilePurpose.SUPPLEMENT, now=_at)
            return []
        _add_slot_files(dossier=d, uploads=uploads, now=_at)
        return []

    try:
        with atomic_with_files():  # files written below go again if anything here fails
            return dossier_transition(
                dossier_id=dossier.pk,
                name="answer_supplement",
                actor=Actor.applicant(user),
                expected_version=expected_version,
                note_to_applicant=nfc(note or "")[:2000],
                now=now,
                apply=apply,
            )
    except TransitionError as exc:
        if isinstance(exc, ConflictError):
            raise DossierError(str(exc)) from exc
        raise DossierError(_("Hồ sơ không ở trạng thái chờ bổ sung.")) from exc


def _add_slot_files(*, dossier: Dossier, uploads: list[tuple], now: datetime | None = None) -> None:
    """Check every (component, upload, name, key) first, write them only if all pass."""
    from .uploads import check_upload, store_checked

    checked, errors = [], {}
    for component, upload, name, key in uploads:
        try:
            checked.append(
                (
                    check_upload(
                        dossier=dossier, component=component, upload=upload, pending=[c for c, _n in checked]
                    ),
                    name,
                )
            )
        except DossierError as exc:
            errors.setdefault(key, []).append(str(exc))
    if errors:
        raise UploadRefused(errors)
    for item, name in checked:
        stored = store_checked(dossier=dossier, checked=item, purpose=FilePurpose.SUPPLEMENT, now=now)
        if item.component is None and name:
            stored.component_name = nfc(name)[:500]
            stored.save(update_fields=["component_name"])


def dossier_rate(*, dossier: Dossier, user, score: int, comment: str, now: datetime | None = None):
    """Rate the service once the dossier is finished; once per dossier."""
    from .constants import FINAL_STATUSES
    from .models import Rating

    if dossier.status not in FINAL_STATUSES or dossier.status == Status.WITHDRAWN:
        raise DossierError(_("Bạn có thể đánh giá khi hồ sơ đã có kết quả."))
    if not 1 <= int(score) <= 5:
        raise DossierError(_("Chọn mức từ 1 đến 5."))
    rating, created = Rating.objects.get_or_create(
        dossier=dossier,
        defaults={"score": int(score), "comment": nfc(comment)[:2000], "created_at": now or timezone.now()},
    )
    if not created:
        raise DossierError(_("Hồ sơ này đã được đánh giá. Cảm ơn bạn."))
    return rating
