"""Writes to accounts. Views and adapters call these."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import ratelimit
from core.files import JPEG, PDF, PNG, sniff
from core.links import absolute_url
from core.text import nfc
from notifications.constants import Channel
from notifications.models import ContactPreference
from notifications.services import NotificationError, notify

from .constants import (
    ACTING_AS_SESSION_KEY,
    VERIFY_ORGANISATION_PERMISSION,
    ClaimKind,
    ClaimStatus,
    DocumentKind,
    InvitationStatus,
    MemberRole,
    OrganisationEventKind,
    OrganisationStatus,
    RegisterOutcome,
    VerificationMethod,
)
from .models import (
    CitizenProfile,
    ClaimDocument,
    Invitation,
    Membership,
    Organisation,
    OrganisationClaim,
    OrganisationEvent,
    User,
)
from .registers import RegisterNotConnected, RegisterRecord, RegisterUnavailable, business_register
from .registers.matching import compare
from .selectors import verified_identity
from .validators import validate_personal_id

# Proof documents: what the upload page says, checked from the bytes.
DOCUMENT_TYPES = frozenset({PDF, JPEG, PNG})

logger = logging.getLogger(__name__)

# Apps that hold open business with a person register a check here (dossiers: "a dossier is open").
# Each returns a reason to refuse deletion, or None.
DELETION_BLOCKERS: list[Callable[[User], str | None]] = []
# And clean up what may go with the account (dossiers: unsubmitted drafts).
DELETION_CLEANUPS: list[Callable[[User], None]] = []
# And add what they hold about the person to "Download my data" (dossiers: the person's dossiers).
# Each returns a dict merged into the export.
DATA_EXPORTERS: list[Callable[[User], dict]] = []


class AccountError(Exception):
    pass


def profile_update(*, user: User, full_name: str, **fields) -> CitizenProfile:
    """Save the profile; the identification number is re-validated against date of birth and sex."""
    with transaction.atomic():
        profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=user)
        if fields.get("personal_id"):
            fields["personal_id"] = validate_personal_id(
                fields["personal_id"], date_of_birth=fields.get("date_of_birth"), sex=fields.get("sex")
            )
        for name, value in fields.items():
            setattr(profile, name, nfc(value) if isinstance(value, str) else value)
        if profile.contact_same_as_permanent:
            for part in ("province_code", "province_name", "commune_code", "commune_name", "street"):
                setattr(profile, f"contact_{part}", getattr(profile, f"permanent_{part}"))
        profile.save()
        if nfc(full_name) != user.full_name:
            user.full_name = nfc(full_name)
            user.save(update_fields=["full_name"])
    return profile


def notify_account_changed(*, user: User, what: str, old_phone: str = "", old_email: str = "") -> None:
    """Tell the person (on the old contact points too) that a password, phone or email changed."""
    stamp = timezone.localtime().strftime("%H:%M %d/%m/%Y")
    context = {
        "note": what,
        "date": stamp,
        "link": absolute_url("account_reset_password"),
    }
    targets = {("sms", user.phone), ("email", user.email), ("sms", old_phone), ("email", old_email)}
    for channel, address in sorted(t for t in targets if t[1]):
        try:
            notify(
                event="account_changed",
                context=context,
                user=user,
                phone=address if channel == "sms" else None,
                email=address if channel == "email" else None,
                channels=[channel],
            )
        except NotificationError:
            logger.warning("accounts: could not notify user %s of a %s change", user.pk, channel)


def eid_claims(extra_data: dict | None) -> dict:
    """The eID claims in a social account's ``extra_data``.

    allauth (>= 65.11) stores ``{"userinfo": {...}, "id_token": {...}}`` for OpenID Connect; older
    versions stored the claims flat. Userinfo wins over the id token, as in allauth's own extraction.
    """
    data = extra_data or {}
    if "userinfo" in data or "id_token" in data:
        return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    return dict(data)


def apply_eid_claims(*, user: User, claims: dict) -> None:
    """Fill name, identification number and date of birth from the national eID's verified claims."""
    name = claims.get("name") or " ".join(
        p for p in [claims.get("family_name"), claims.get("given_name")] if p
    )
    if name:
        user.full_name = nfc(name)
    personal_id = str(claims.get(settings.VNEID_CLAIM_PERSONAL_ID) or "")
    birthdate = claims.get("birthdate")
    user._eid_profile = {
        "personal_id": personal_id,
        "birthdate": birthdate,
        "gender": claims.get("gender"),
        "name": nfc(name or ""),
    }


def save_eid_profile(*, user: User) -> None:
    """After the social signup saved the user: store the eID data on the profile (marked verified)."""
    data = getattr(user, "_eid_profile", None)
    if not data:
        return
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    sex = {"male": "male", "female": "female", "nam": "male", "nữ": "female"}.get(
        str(data.get("gender") or "").lower(), ""
    )
    dob = None
    if data.get("birthdate"):
        try:
            dob = date.fromisoformat(str(data["birthdate"])[:10])
        except ValueError:
            dob = None
    try:
        personal_id = (
            validate_personal_id(data["personal_id"], date_of_birth=dob, sex=sex or None)
            if data.get("personal_id")
            else ""
        )
    except Exception:  # noqa: BLE001 - bad claim data must not block the sign-in; leave the field empty
        logger.warning("accounts: eID claims for user %s carried an invalid identification number", user.pk)
        personal_id = ""
    profile.personal_id = personal_id or profile.personal_id
    profile.date_of_birth = dob or profile.date_of_birth
    profile.sex = sex or profile.sex
    profile.eid_verified = bool(personal_id)
    if personal_id:
        profile.eid_full_name = (data.get("name") or user.full_name)[:200]
        profile.eid_personal_id = personal_id
    profile.save()


def eid_identity_refresh(*, user: User, claims: dict) -> None:
    """At each later eID sign-in, or when an existing account links its eID: keep the name and number
    exactly as the eID gives them now (the business register is compared with these, never with what
    the person typed). The editable profile is left alone. Invalid claims change nothing."""
    name = nfc(
        claims.get("name") or " ".join(p for p in [claims.get("family_name"), claims.get("given_name")] if p)
    )
    raw_id = str(claims.get(settings.VNEID_CLAIM_PERSONAL_ID) or "")
    try:
        personal_id = validate_personal_id(raw_id) if raw_id else ""
    except Exception:  # noqa: BLE001 - bad claim data: keep what we had
        logger.warning("accounts: eID claims for user %s carried an invalid identification number", user.pk)
        return
    if not name or not personal_id:
        return
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    profile.eid_full_name = name[:200]
    profile.eid_personal_id = personal_id
    profile.eid_verified = True
    if not profile.personal_id:
        profile.personal_id = personal_id
    profile.save(
        update_fields=["eid_full_name", "eid_personal_id", "eid_verified", "personal_id", "updated_at"]
    )


def export_user_data(*, user: User) -> dict:
    """Everything we hold about the person, as JSON-ready data (the "download my data" button)."""
    profile = CitizenProfile.objects.filter(user=user).first()
    profile_data = {}
    if profile is not None:
        profile_data = {
            f.name: (
                getattr(profile, f.name).isoformat()
                if hasattr(getattr(profile, f.name), "isoformat")
                else getattr(profile, f.name)
            )
            for f in CitizenProfile._meta.concrete_fields
            if f.name not in ("id", "user")
        }
    exported = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "phone_verified": user.phone_verified,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "profile": profile_data,
        "organisations": [
            {"name": m.organisation.name, "tax_code": m.organisation.tax_code, "role": m.role}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "organisation_claims": [
            {
                "organisation": c.organisation.name,
                "tax_code": c.organisation.tax_code,
                "kind": c.kind,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "decided_at": c.decided_at.isoformat() if c.decided_at else None,
                "decision_reason": c.decision_reason,
                "documents": [
                    {"kind": d.kind, "file_name": d.original_name, "uploaded_at": d.uploaded_at.isoformat()}
                    for d in c.documents.all()
                ],
            }
            for c in OrganisationClaim.objects.filter(claimant=user)
            .select_related("organisation")
            .prefetch_related("documents")
        ],
        "organisation_invitations": [
            {
                "organisation": i.organisation.name,
                "tax_code": i.organisation.tax_code,
                "status": i.effective_status,
                "created_at": i.created_at.isoformat(),
            }
            for i in Invitation.objects.filter(phone=user.phone).select_related("organisation")
        ]
        if user.phone and user.phone_verified
        else [],
        "notifications": [
            {
                "created_at": m.created_at.isoformat(),
                "channel": m.channel,
                "recipient": m.recipient,
                "event": m.event,
                "status": m.status,
            }
            for m in user.messages.order_by("-created_at")[:500]
        ],
    }
    for exporter in DATA_EXPORTERS:
        exported.update(exporter(user))
    return exported


def account_delete(*, user: User) -> None:
    """Delete the account, unless some open business (an open dossier) forbids it."""
    for blocker in DELETION_BLOCKERS:
        reason = blocker(user)
        if reason:
            raise AccountError(reason)
    if user.is_staff:
        raise AccountError(_("Tài khoản cán bộ do quản trị đơn vị xóa."))
    with transaction.atomic():
        for cleanup in DELETION_CLEANUPS:
            cleanup(user)
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:
            # Finished dossiers are public records the agency must keep: the account is closed and
            # its personal data removed instead, and the dossiers stay with a nameless applicant.
            _anonymise(user)


def _anonymise(user: User) -> None:
    CitizenProfile.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    user.full_name = ""
    user.first_name = user.last_name = ""
    user.email = ""
    user.phone = ""
    user.phone_verified = False
    user.username = f"deleted-{user.pk}"
    user.is_active = False
    user.set_unusable_password()
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()


# --- organisations: claims, verification, disputes ------------------------------------------------
#
# Who may act for a business is decided by evidence, never by who came first:
# - registering a tax code makes the person a *claimant* (representative of an unverified
#   organisation, which cannot submit in the business's name);
# - the business register settles it when it names exactly one of the people claiming the
#   organisation as its legal representative (by their eID-verified name, and identification number
#   when the register has it);
# - otherwise an officer decides from documents (the registration certificate and the ID card).
# A second claimant files a competing claim (a dispute): the organisation is frozen ("disputed") until
# the register or an officer settles it; the losing side's access is removed and both are told.


class OrganisationAlreadyClaimed(AccountError):
    """The tax code is already registered on the portal: the person may file a competing claim."""

    def __init__(self, tax_code: str) -> None:
        super().__init__(_("Mã số thuế này đã có người đăng ký trên Cổng."))
        self.tax_code = tax_code


class RateLimited(AccountError):
    pass


@dataclass(frozen=True)
class RegisterAnswer:
    """What the register said (``record``/``parent``), or why it said nothing (``failure``)."""

    record: RegisterRecord | None = None
    parent: RegisterRecord | None = None
    failure: str = ""  # a RegisterOutcome: UNAVAILABLE or NOT_CONNECTED
    register: str = ""  # the plugin that answered


def register_lookup(*, tax_code: str, register_name: str | None = None) -> RegisterAnswer:
    """Ask the business register (a remote call: never inside a transaction). Never raises."""
    register = business_register(register_name)
    try:
        record = register.lookup(tax_code)
        parent = register.lookup(record.parent_tax_code) if record and record.parent_tax_code else None
    except RegisterNotConnected:
        return RegisterAnswer(failure=RegisterOutcome.NOT_CONNECTED, register=register.name)
    except RegisterUnavailable as exc:
        logger.warning("accounts: business register unavailable for a lookup (%s)", exc)
        return RegisterAnswer(failure=RegisterOutcome.UNAVAILABLE, register=register.name)
    except Exception:  # a faulty adapter must not break the page: same as an outage
        logger.exception("accounts: business register failed")
        return RegisterAnswer(failure=RegisterOutcome.UNAVAILABLE, register=register.name)
    return RegisterAnswer(record=record, parent=parent, register=register.name)


def _rate_limit(scope: str, key: object, *, limit: int, window_seconds: int, message: str) -> None:
    if not ratelimit.hit(scope, str(key), limit=limit, window_seconds=window_seconds):
        raise RateLimited(message)


def _claims_rate_limit(user: User) -> None:
    _rate_limit(
        "org-claim",
        user.pk,
        limit=settings.ORGANISATION_CLAIMS_PER_USER_PER_DAY,
        window_seconds=86400,
        message=_(
            "Bạn đã gửi %(n)d đề nghị đăng ký tổ chức trong hôm nay, là số tối đa cho một ngày. Hãy thử lại vào ngày mai."
        )
        % {"n": settings.ORGANISATION_CLAIMS_PER_USER_PER_DAY},
    )


def _event(
    organisation: Organisation,
    kind: str,
    *,
    actor: User | None = None,
    claim: OrganisationClaim | None = None,
    note: str = "",
    **data,
) -> OrganisationEvent:
    return OrganisationEvent.objects.create(
        organisation=organisation,
        kind=kind,
        actor=actor,
        actor_display=(actor.full_name or actor.get_username()) if actor is not None else "",
        claim=claim,
        note=note,
        data=data,
    )


def _language_of(user: User) -> str:
    preference = ContactPreference.objects.filter(user=user).first()
    return preference.language if preference else "vi"


def _label(organisation: Organisation) -> str:
    return _("%(name)s (mã số thuế %(tax_code)s)") % {
        "name": organisation.name,
        "tax_code": organisation.tax_code,
    }


def _notify_person(
    *, user: User, event: str, organisation: Organisation, reason=None, link: str | None = None
) -> None:
    """One message to one account holder, worded in their language; never fatal.

    ``reason`` is a callable returning the phrase, so that it is translated in the recipient's language.
    """
    with translation.override(_language_of(user)):
        context = {
            "note": _label(organisation),
            "reason": str(reason()) if reason else "",
            "date": timezone.localtime().strftime("%H:%M %d/%m/%Y"),
            "link": link or absolute_url("accounts:organisation_detail", organisation.pk),
        }
    try:
        notify(
            event=event, context=context, user=user, related=organisation, related_label=organisation.tax_code
        )
    except NotificationError:
        logger.warning("accounts: could not notify user %s of %s", user.pk, event)


def _representatives(organisation: Organisation) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(organisation=organisation, role=MemberRole.REPRESENTATIVE)
        .select_related("user")
        .order_by("pk")
    ]


def _identity_outcome(answer: RegisterAnswer, user: User) -> str:
    if answer.failure:
        return answer.failure
    return compare(
        answer.record,
        verified_identity(user),
        parent=answer.parent,
        allow_unaccented=settings.BUSINESS_REGISTER_MATCH_UNACCENTED,
    )


def _apply_register(
    organisation: Organisation, answer: RegisterAnswer, *, actor: User | None = None
) -> OrganisationEvent:
    """Record the register's answer for everyone claiming the (locked) organisation and settle what it
    can settle: exactly one claimant named by the register wins. Inside the caller's transaction."""
    now = timezone.now()
    claims = list(organisation.claims.filter(status=ClaimStatus.PENDING).select_related("claimant"))
    people = {user.pk: user for user in _representatives(organisation)}
    people.update({claim.claimant_id: claim.claimant for claim in claims})
    outcomes = {pk: _identity_outcome(answer, user) for pk, user in people.items()}
    for claim in claims:
        claim.register_outcome = outcomes[claim.claimant_id]
        claim.register_checked_at = now
        claim.save(update_fields=["register_outcome", "register_checked_at"])
    if not answer.failure:
        organisation.register_record = answer.record.as_dict() if answer.record else {"found": False}
        organisation.register_checked_at = now
        organisation.save(update_fields=["register_record", "register_checked_at"])
    event = _event(
        organisation,
        OrganisationEventKind.REGISTER_CHECKED,
        actor=actor,
        register=answer.register,
        failure=answer.failure,
        outcomes={str(pk): outcome for pk, outcome in outcomes.items()},
    )
    matched = [pk for pk, outcome in outcomes.items() if outcome == RegisterOutcome.MATCHED]
    if len(matched) == 1:
        winner = people[matched[0]]
        incumbent = matched[0] in {u.pk for u in _representatives(organisation)}
        if organisation.status != OrganisationStatus.VERIFIED or claims or not incumbent:
            _settle(
                organisation,
                winner=winner,
                method=VerificationMethod.REGISTER,
                officer=None,
                reason=lambda: _(
                    "Cơ quan đăng ký kinh doanh ghi nhận người này là người đại diện theo pháp luật."
                ),
                record=answer.record,
            )
    return event


def _evidence(claim: OrganisationClaim) -> list[dict]:
    # The fingerprint outlives the file (removed when the person deletes their account).
    return [{"document": d.pk, "kind": d.kind, "sha256": d.sha256} for d in claim.documents.all()]


def _settle(
    organisation: Organisation,
    *,
    winner: User,
    method: str,
    officer: User | None,
    reason,
    record: RegisterRecord | None = None,
) -> None:
    """``winner`` is the representative: their claim is approved, every other pending claim refused,
    any other representative loses access; the organisation is verified; everyone involved is told.
    Inside the caller's transaction, on the locked organisation."""
    now = timezone.now()
    was_disputed = organisation.status == OrganisationStatus.DISPUTED
    pending = list(organisation.claims.filter(status=ClaimStatus.PENDING).select_related("claimant"))
    winning_claim = next((c for c in pending if c.claimant_id == winner.pk), None)
    decision = {"decided_at": now, "decided_by": officer}
    reason_text = str(reason()) if reason else ""
    if winning_claim is not None:
        OrganisationClaim.objects.filter(pk=winning_claim.pk).update(
            status=ClaimStatus.APPROVED, decision_reason=reason_text, **decision
        )
    losers: dict[int, User] = {}
    for claim in pending:
        if claim.claimant_id != winner.pk:
            OrganisationClaim.objects.filter(pk=claim.pk).update(
                status=ClaimStatus.REFUSED,
                decision_reason=str(_("Người khác đã được xác nhận là người đại diện theo pháp luật.")),
                **decision,
            )
            losers[claim.claimant_id] = claim.claimant
    incumbents = _representatives(organisation)
    for user in incumbents:
        if user.pk != winner.pk:
            losers[user.pk] = user
            OrganisationClaim.objects.filter(
                organisation=organisation, claimant=user, status=ClaimStatus.APPROVED
            ).update(status=ClaimStatus.REVOKED, **decision)
    if winner.pk not in {u.pk for u in incumbents}:
        # The representative was not who the portal believed: whoever they let in goes with them, and
        # their pending invitations are void. The confirmed representative invites people again.
        removed = list(Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True))
        Membership.objects.filter(organisation=organisation).delete()
        Invitation.objects.filter(organisation=organisation, status=InvitationStatus.PENDING).update(
            status=InvitationStatus.REVOKED, responded_at=now
        )
        Membership.objects.create(user=winner, organisation=organisation, role=MemberRole.REPRESENTATIVE)
        _event(organisation, OrganisationEventKind.MEMBER_REMOVED, actor=officer, removed=removed)
    organisation.status = OrganisationStatus.VERIFIED
    organisation.verified_at = now
    organisation.verification_method = method
    organisation.verified_by = officer
    if record is not None:
        organisation.name = nfc(record.name)[:300] or organisation.name
        organisation.legal_representative = nfc(record.legal_representative)[:200]
    else:
        identity = verified_identity(winner)
        organisation.legal_representative = (identity.full_name if identity else winner.full_name)[:200]
    organisation.save(
        update_fields=[
            "status",
            "verified_at",
            "verification_method",
            "verified_by",
            "name",
            "legal_representative",
        ]
    )
    kind = OrganisationEventKind.DISPUTE_SETTLED if was_disputed else OrganisationEventKind.VERIFIED
    _event(
        organisation,
        kind,
        actor=officer,
        claim=winning_claim,
        note=reason_text,
        winner=winner.pk,
        method=method,
        losers=sorted(losers),
        evidence=_evidence(winning_claim) if winning_claim else [],
    )
    if was_disputed:
        _notify_person(
            user=winner,
            event="organisation_dispute_settled",
            organisation=organisation,
            reason=lambda: _("Ông/Bà được xác nhận là người đại diện của tổ chức trên Cổng."),
        )
    else:
        _notify_person(user=winner, event="organisation_verified", organisation=organisation)
    for user in losers.values():
        _notify_person(
            user=user,
            event="organisation_dispute_settled",
            organisation=organisation,
            reason=lambda: _(
                "Người khác đã được xác nhận là người đại diện theo pháp luật; Ông/Bà không còn thao tác được nhân danh tổ chức này. Nếu thông tin này sai, hãy gửi lại đề nghị kèm giấy tờ."
            ),
            link=absolute_url("accounts:profile"),
        )


def organisation_register(
    *, user: User, name: str, tax_code: str, register_name: str | None = None, **address
) -> Organisation:
    """Register an organisation by its (validated, normalised) tax code.

    The person becomes its representative *claimant*: the organisation is unverified until the
    business register names them (asked here, outside the transaction) or an officer confirms their
    documents. Raises OrganisationAlreadyClaimed when the code is already on the portal (the view
    offers a competing claim instead), RateLimited past the daily limit.
    Side effects: organisation, membership, claim and event rows; the register's answer recorded;
    a notification if it verified the organisation.
    """
    if user.is_staff:
        raise AccountError(
            _("Tài khoản cán bộ không nộp hồ sơ nhân danh tổ chức. Hãy dùng tài khoản công dân.")
        )
    if Organisation.objects.filter(tax_code=tax_code).exists():
        raise OrganisationAlreadyClaimed(tax_code)
    _claims_rate_limit(user)
    answer = register_lookup(tax_code=tax_code, register_name=register_name)
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=nfc(name)[:300],
                tax_code=tax_code,
                legal_representative=nfc(user.full_name)[:200],
                **{k: nfc(v) for k, v in address.items()},
            )
            Membership.objects.create(user=user, organisation=organisation, role=MemberRole.REPRESENTATIVE)
            claim = OrganisationClaim.objects.create(
                organisation=organisation, claimant=user, kind=ClaimKind.REGISTRATION
            )
            _event(organisation, OrganisationEventKind.REGISTERED, actor=user, claim=claim)
            _apply_register(organisation, answer, actor=user)
    except IntegrityError as exc:  # the same tax code registered at the same instant by someone else
        raise OrganisationAlreadyClaimed(tax_code) from exc
    organisation.refresh_from_db()
    return organisation


def organisation_register_check(
    *, organisation: Organisation, actor: User | None = None, register_name: str | None = None
) -> Organisation:
    """Ask the register again ("Kiểm tra lại", or an officer's admin action) and settle what it can.

    The representative's own checks are limited per organisation per hour (RateLimited); staff are not.
    """
    if actor is not None and not actor.is_staff:
        _rate_limit(
            "org-register-check",
            organisation.pk,
            limit=settings.ORGANISATION_REGISTER_CHECKS_PER_HOUR,
            window_seconds=3600,
            message=_("Bạn đã kiểm tra lại nhiều lần trong giờ qua. Hãy thử lại sau ít phút."),
        )
    answer = register_lookup(tax_code=organisation.tax_code, register_name=register_name)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        _apply_register(locked, answer, actor=actor)
    locked.refresh_from_db()
    return locked


def _safe_display_name(name: str) -> str:
    """Only the last path part, printable, at most 150 characters: for display only."""
    base = PurePath((name or "").replace("\\", "/")).name
    cleaned = "".join(ch for ch in nfc(base) if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return (cleaned or "tep")[:150]


def document_problem(upload) -> str | None:
    """Why an uploaded proof document is refused (size, or not a real PDF/JPEG/PNG), or None."""
    limit = settings.ORGANISATION_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        return _(
            "Tệp “%(name)s” nặng %(size)s MB, quá giới hạn %(limit)s MB. Hãy chụp lại với độ phân giải thấp hơn hoặc nén tệp PDF."
        ) % {
            "name": _safe_display_name(upload.name),
            "size": round(upload.size / 1048576, 1),
            "limit": limit // 1048576,
        }
    if sniff(upload.file) not in DOCUMENT_TYPES:
        return _(
            "Tệp “%(name)s” không phải ảnh JPEG, PNG hoặc tài liệu PDF (nội dung tệp được kiểm tra, không dựa vào đuôi tên). Hãy chọn ảnh chụp hoặc bản quét giấy tờ."
        ) % {"name": _safe_display_name(upload.name)}
    return None


def _store_documents(claim: OrganisationClaim, uploads: dict[str, object], written: list[str]) -> None:
    """Save the files of a claim. Every name written is appended to ``written`` so that the caller,
    which owns the outermost transaction, removes them if that transaction rolls back."""
    for kind, upload in uploads.items():
        problem = document_problem(upload)
        if problem:
            raise AccountError(problem)
        digest = hashlib.sha256()
        upload.file.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.file.seek(0)
        document = ClaimDocument(
            claim=claim,
            kind=kind,
            file_kind=sniff(upload.file),
            original_name=_safe_display_name(upload.name),
            size=upload.size,
            sha256=digest.hexdigest(),
        )
        document.file.save(f"upload.{document.file_kind}", upload, save=False)
        written.append(document.file.name)
        document.save()


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("accounts: could not remove an uploaded file after a rollback")


def claim_documents_submit(
    *, user: User, organisation: Organisation, certificate, identity, note: str = ""
) -> OrganisationClaim:
    """The claimant hands in the registration certificate and their ID for an officer to check.

    Preconditions: ``user`` has a pending claim on the organisation, or is its representative (a new
    claim is opened, e.g. after a refusal). Call outside a transaction (files are removed again if it
    rolls back). Documents of a pending claim are replaced, not accumulated.
    Side effects: claim documents, ``documents_submitted_at``, an event.
    """
    for upload in (certificate, identity):
        problem = document_problem(upload)
        if problem:
            raise AccountError(problem)
    written: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
            if (
                locked.status == OrganisationStatus.VERIFIED
                and not locked.claims.filter(claimant=user, status=ClaimStatus.PENDING).exists()
            ):
                raise AccountError(_("Tổ chức đã được xác minh; không cần nộp thêm giấy tờ."))
            claim = locked.claims.filter(claimant=user, status=ClaimStatus.PENDING).first()
            if claim is None:
                if not Membership.objects.filter(
                    user=user, organisation=locked, role=MemberRole.REPRESENTATIVE
                ).exists():
                    raise AccountError(
                        _("Chỉ người đại diện hoặc người đã gửi đề nghị mới nộp được giấy tờ.")
                    )
                claim = OrganisationClaim.objects.create(
                    organisation=locked, claimant=user, kind=ClaimKind.REGISTRATION
                )
            replaced = [d.file.name for d in claim.documents.all()]
            claim.documents.all().delete()
            _store_documents(
                claim, {DocumentKind.CERTIFICATE: certificate, DocumentKind.IDENTITY: identity}, written
            )
            claim.documents_submitted_at = timezone.now()
            if note.strip():
                claim.note = nfc(note.strip())[:2000]
            claim.save(update_fields=["documents_submitted_at", "note"])
            _event(locked, OrganisationEventKind.DOCUMENTS_SUBMITTED, actor=user, claim=claim)
    except Exception:
        _delete_files(written)
        raise
    _delete_files(replaced)  # committed: the replaced documents are no longer evidence of anything
    return claim


def organisation_dispute_open(
    *,
    user: User,
    organisation: Organisation,
    certificate,
    identity,
    note: str = "",
    register_name: str | None = None,
) -> OrganisationClaim:
    """A second person claims to be the legal representative of an organisation already on the portal.

    Nobody is told to "ask the representative". The register is asked first (outside the transaction);
    if it names exactly one of the people involved, that settles it at once. Otherwise the organisation
    becomes *disputed*: neither side submits in its name until an officer decides from the documents.
    Preconditions: not staff, not already its representative, no pending claim of theirs on it; both
    documents are real PDF/JPEG/PNG files. Call outside a transaction. RateLimited past the daily limit.
    Side effects: claim, documents, events; the representatives are told a dispute was opened (or both
    sides how it was settled).
    """
    if user.is_staff:
        raise AccountError(
            _("Tài khoản cán bộ không nộp hồ sơ nhân danh tổ chức. Hãy dùng tài khoản công dân.")
        )
    if Membership.objects.filter(
        user=user, organisation=organisation, role=MemberRole.REPRESENTATIVE
    ).exists():
        raise AccountError(_("Bạn đã là người đại diện của tổ chức này trên Cổng."))
    if organisation.claims.filter(claimant=user, status=ClaimStatus.PENDING).exists():
        raise AccountError(_("Bạn đã gửi đề nghị cho tổ chức này; cán bộ đang xem xét."))
    for upload in (certificate, identity):
        problem = document_problem(upload)
        if problem:
            raise AccountError(problem)
    _claims_rate_limit(user)
    answer = register_lookup(tax_code=organisation.tax_code, register_name=register_name)
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
            try:
                with transaction.atomic():
                    claim = OrganisationClaim.objects.create(
                        organisation=locked,
                        claimant=user,
                        kind=ClaimKind.DISPUTE,
                        note=nfc(note.strip())[:2000],
                        documents_submitted_at=timezone.now(),
                    )
            except IntegrityError as exc:  # a double click: the first claim is the one
                raise AccountError(_("Bạn đã gửi đề nghị cho tổ chức này; cán bộ đang xem xét.")) from exc
            _store_documents(
                claim, {DocumentKind.CERTIFICATE: certificate, DocumentKind.IDENTITY: identity}, written
            )
            previous = locked.status
            locked.status = OrganisationStatus.DISPUTED
            locked.save(update_fields=["status"])
            _event(locked, OrganisationEventKind.DISPUTE_OPENED, actor=user, claim=claim, previous=previous)
            _apply_register(locked, answer, actor=user)
            if locked.status == OrganisationStatus.DISPUTED:
                for representative in _representatives(locked):
                    _notify_person(
                        user=representative,
                        event="organisation_dispute_opened",
                        organisation=locked,
                    )
    except Exception:
        _delete_files(written)
        raise
    claim.refresh_from_db()
    return claim


def _require_verifier(officer: User) -> None:
    if not (officer.is_active and officer.is_staff and officer.has_perm(VERIFY_ORGANISATION_PERMISSION)):
        raise AccountError(_("Bạn không có quyền xác minh tổ chức, doanh nghiệp."))


def claim_approve(*, claim: OrganisationClaim, officer: User, reason: str = "") -> OrganisationClaim:
    """An officer confirms the claimant is the legal representative, from the documents.

    Preconditions: the officer holds ``accounts.verify_organisation``; the claim is pending.
    Side effects: the organisation verified by documents (who, when, which documents, why, in the
    audit trail); every other pending claim refused, any other representative removed (with the
    people they let in when the claimant wins a dispute); everyone involved notified.
    """
    _require_verifier(officer)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=claim.organisation_id)
        locked = OrganisationClaim.objects.select_related("claimant").get(pk=claim.pk)
        if not locked.is_pending:
            raise AccountError(_("Đề nghị này đã được giải quyết."))
        text = nfc(reason.strip())[:2000]
        _settle(
            organisation,
            winner=locked.claimant,
            method=VerificationMethod.DOCUMENTS,
            officer=officer,
            reason=(lambda: text) if text else (lambda: _("Cán bộ đã đối chiếu giấy tờ.")),
        )
    locked.refresh_from_db()
    return locked


def claim_refuse(*, claim: OrganisationClaim, officer: User, reason: str) -> OrganisationClaim:
    """An officer does not accept a claim's documents; the reason is required and shown to the person.

    A refused dispute leaves the organisation as it was before (verified if it had been), unless
    another dispute is still pending. The representative keeps their place after a refused
    registration claim (they may hand in better documents).
    Side effects: claim decided, event, the claimant (and, for a dispute, the representatives) notified.
    """
    _require_verifier(officer)
    text = nfc((reason or "").strip())[:2000]
    if not text:
        raise AccountError(_("Hãy ghi lý do không xác nhận: người đề nghị sẽ nhận được lý do này."))
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=claim.organisation_id)
        locked = OrganisationClaim.objects.select_related("claimant").get(pk=claim.pk)
        if not locked.is_pending:
            raise AccountError(_("Đề nghị này đã được giải quyết."))
        locked.status = ClaimStatus.REFUSED
        locked.decided_at = timezone.now()
        locked.decided_by = officer
        locked.decision_reason = text
        locked.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        was_disputed = organisation.status == OrganisationStatus.DISPUTED
        still_disputed = organisation.claims.filter(
            status=ClaimStatus.PENDING, kind=ClaimKind.DISPUTE
        ).exists()
        if was_disputed and not still_disputed:
            organisation.status = (
                OrganisationStatus.VERIFIED
                if organisation.verified_at and _representatives(organisation)
                else OrganisationStatus.UNVERIFIED
            )
            organisation.save(update_fields=["status"])
        _event(
            organisation,
            OrganisationEventKind.DISPUTE_SETTLED
            if locked.kind == ClaimKind.DISPUTE and not still_disputed
            else OrganisationEventKind.CLAIM_REFUSED,
            actor=officer,
            claim=locked,
            note=text,
            evidence=_evidence(locked),
        )
        if locked.kind == ClaimKind.DISPUTE:
            _notify_person(
                user=locked.claimant,
                event="organisation_dispute_settled",
                organisation=organisation,
                reason=lambda: (
                    _("Đề nghị của Ông/Bà không được xác nhận. Lý do: %(reason)s") % {"reason": text}
                ),
                link=absolute_url("accounts:profile"),
            )
            if not still_disputed:
                for representative in _representatives(organisation):
                    _notify_person(
                        user=representative,
                        event="organisation_dispute_settled",
                        organisation=organisation,
                        reason=lambda: _(
                            "Đề nghị của người kia không được xác nhận; Ông/Bà vẫn là người đại diện trên Cổng."
                        ),
                    )
        else:
            _notify_person(
                user=locked.claimant,
                event="organisation_refused",
                organisation=organisation,
                reason=lambda: text,
            )
    return locked


def claim_document_viewed(*, document: ClaimDocument, officer: User) -> None:
    """Every look at someone's ID card by staff is on the record."""
    _event(
        document.claim.organisation,
        OrganisationEventKind.DOCUMENT_VIEWED,
        actor=officer,
        claim=document.claim,
        document=document.pk,
    )


# --- organisations: members and invitations ---------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to (any state), or None for a forged or mistyped token."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )


def invitation_create(*, actor: User, organisation: Organisation, phone: str) -> Invitation:
    """The representative invites a phone number to become a member (người được ủy quyền).

    The answer is the same whether or not the number belongs to an account: an invitation is recorded
    and one SMS goes to the number, with a link to sign in (or sign up with that number) and accept.
    An account holder with an email address gets the email too. Nobody is a member before accepting.
    Preconditions: ``actor`` represents the verified organisation; ``phone`` is E.164. Raises
    RateLimited past the limits per representative and per organisation. A pending invitation to the
    same number is replaced (its link stops working).
    Side effects: invitation and event rows, outbox messages after commit.
    """
    if not Membership.objects.filter(
        user=actor, organisation=organisation, role=MemberRole.REPRESENTATIVE
    ).exists():
        raise AccountError(_("Chỉ người đại diện mới mời được thành viên."))
    if organisation.status != OrganisationStatus.VERIFIED:
        raise AccountError(
            _("Tổ chức cần được xác minh trước khi mời thành viên: lời mời được gửi nhân danh tổ chức.")
        )
    _rate_limit(
        "org-invite-user",
        actor.pk,
        limit=settings.ORGANISATION_INVITES_PER_USER_PER_HOUR,
        window_seconds=3600,
        message=_("Bạn đã gửi %(n)d lời mời trong một giờ qua, là số tối đa. Hãy thử lại sau.")
        % {"n": settings.ORGANISATION_INVITES_PER_USER_PER_HOUR},
    )
    _rate_limit(
        "org-invite-organisation",
        organisation.pk,
        limit=settings.ORGANISATION_INVITES_PER_ORGANISATION_PER_DAY,
        window_seconds=86400,
        message=_(
            "Tổ chức đã gửi %(n)d lời mời trong hôm nay, là số tối đa một ngày. Hãy thử lại vào ngày mai."
        )
        % {"n": settings.ORGANISATION_INVITES_PER_ORGANISATION_PER_DAY},
    )
    if phone == actor.phone:
        raise AccountError(_("Đây là số điện thoại của chính bạn."))
    if Membership.objects.filter(organisation=organisation, user__phone=phone).exists():
        raise AccountError(_("Người dùng số điện thoại này đã là thành viên của tổ chức."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            organisation=organisation, phone=phone, status=InvitationStatus.PENDING
        ).update(status=InvitationStatus.REVOKED, responded_at=now)
        invitation = Invitation.objects.create(
            organisation=organisation,
            phone=phone,
            invited_by=actor,
            token_hash=_token_hash(token),
            expires_at=now + timedelta(days=settings.ORGANISATION_INVITATION_DAYS),
        )
        _event(organisation, OrganisationEventKind.MEMBER_INVITED, actor=actor, invitation=invitation.pk)
        _send_invitation(invitation, token)
    return invitation


def _send_invitation(invitation: Invitation, token: str) -> None:
    invitee = User.objects.filter(phone=invitation.phone, is_active=True).first()
    language = _language_of(invitee) if invitee is not None else "vi"
    with translation.override(language):
        context = {
            "note": _label(invitation.organisation),
            "date": timezone.localtime(invitation.expires_at).strftime("%H:%M %d/%m/%Y"),
            "link": absolute_url("accounts:invitation", token),
            "full_name": (invitee.full_name if invitee is not None else "") or str(_("Ông/Bà")),
        }
    channels = [Channel.SMS] + ([Channel.EMAIL] if invitee is not None and invitee.email else [])
    try:
        notify(
            event="organisation_invitation",
            context=context,
            user=invitee,
            phone=invitation.phone,
            email=invitee.email if invitee is not None and invitee.email else None,
            channels=channels,
            language=language,
            related=invitation.organisation,
            related_label=invitation.organisation.tax_code,
        )
    except NotificationError:
        logger.warning("accounts: invitation %s could not be queued", invitation.pk)


class InvitationClosed(AccountError):
    """The invitation was used, declined, revoked or has expired."""


def _open_invitation_for(invitation_id: int, user: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation_id)
    if not user.phone_verified or invitation.phone != user.phone:
        raise AccountError(_("Lời mời này không dành cho tài khoản của bạn."))
    if not invitation.is_open:
        raise InvitationClosed(_("Lời mời đã hết hạn hoặc đã được dùng."))
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invitee (signed in with the invited, verified number) becomes a member.

    Raises InvitationClosed when the invitation is no longer open. Side effects: membership, event.
    """
    if user.is_staff:
        raise AccountError(
            _("Tài khoản cán bộ không nộp hồ sơ nhân danh tổ chức. Hãy dùng tài khoản công dân.")
        )
    with transaction.atomic():
        locked = _open_invitation_for(invitation.pk, user)
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=locked.organisation, defaults={"role": MemberRole.MEMBER}
        )
        locked.status = InvitationStatus.ACCEPTED
        locked.responded_at = timezone.now()
        locked.user = user
        locked.save(update_fields=["status", "responded_at", "user"])
        _event(
            locked.organisation, OrganisationEventKind.INVITATION_ACCEPTED, actor=user, invitation=locked.pk
        )
    return membership


def invitation_decline(*, invitation: Invitation, user: User) -> None:
    """The invitee says no; the link stops working. Side effects: the invitation closed, an event."""
    with transaction.atomic():
        locked = _open_invitation_for(invitation.pk, user)
        locked.status = InvitationStatus.DECLINED
        locked.responded_at = timezone.now()
        locked.user = user
        locked.save(update_fields=["status", "responded_at", "user"])
        _event(
            locked.organisation, OrganisationEventKind.INVITATION_DECLINED, actor=user, invitation=locked.pk
        )


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    """The representative withdraws a pending invitation (its link stops working)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        if not Membership.objects.filter(
            user=actor, organisation=locked.organisation, role=MemberRole.REPRESENTATIVE
        ).exists():
            raise AccountError(_("Chỉ người đại diện mới thu hồi được lời mời."))
        if locked.status != InvitationStatus.PENDING:
            raise InvitationClosed(_("Lời mời này đã được trả lời hoặc thu hồi."))
        locked.status = InvitationStatus.REVOKED
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        _event(
            locked.organisation, OrganisationEventKind.INVITATION_REVOKED, actor=actor, invitation=locked.pk
        )


def member_remove(*, actor: User, membership: Membership) -> None:
    """The representative removes a member (not a representative: that takes a claim)."""
    with transaction.atomic():
        if not Membership.objects.filter(
            user=actor, organisation_id=membership.organisation_id, role=MemberRole.REPRESENTATIVE
        ).exists():
            raise AccountError(_("Chỉ người đại diện mới gỡ được thành viên."))
        if membership.role != MemberRole.MEMBER:
            raise AccountError(_("Không gỡ được người đại diện theo pháp luật."))
        Membership.objects.filter(pk=membership.pk).delete()
        _event(
            membership.organisation,
            OrganisationEventKind.MEMBER_REMOVED,
            actor=actor,
            removed=[membership.user_id],
        )


def member_leave(*, user: User, organisation: Organisation) -> None:
    """A member stops acting for the organisation. The representative cannot simply leave: the
    business needs someone to answer for it (a new representative files a claim)."""
    with transaction.atomic():
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
        if membership is None:
            raise AccountError(_("Bạn không phải thành viên của tổ chức này."))
        if membership.role != MemberRole.MEMBER:
            raise AccountError(
                _(
                    "Người đại diện theo pháp luật không rời tổ chức trên Cổng được. Khi tổ chức đổi người đại diện, người mới gửi đề nghị xác nhận."
                )
            )
        membership.delete()
        _event(organisation, OrganisationEventKind.MEMBER_LEFT, actor=user)


def acting_as_switch(*, request, organisation: Organisation | None) -> None:
    """Act for an organisation (checked by the caller through selectors) or for oneself (None)."""
    if organisation is None:
        request.session.pop(ACTING_AS_SESSION_KEY, None)
    else:
        request.session[ACTING_AS_SESSION_KEY] = organisation.pk


def ensure_role_groups() -> None:
    """The staff groups and their permissions (the migration creates them; this restores them, e.g.
    after a test database flush)."""
    from django.contrib.auth.models import Group, Permission

    from .constants import ROLE_GROUPS, ROLE_PERMISSIONS, VERIFIER_GROUP, VERIFIER_PERMISSIONS

    groups = [(name, ROLE_PERMISSIONS.get(role, [])) for role, name in ROLE_GROUPS.items()]
    for name, permissions in [*groups, (VERIFIER_GROUP, VERIFIER_PERMISSIONS)]:
        group, _created = Group.objects.get_or_create(name=name)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def _purge_claim_documents(user: User) -> None:
    """Account deletion: the person's ID card and certificate scans go (the decisions keep their
    SHA-256 fingerprints in the organisation's audit trail)."""
    documents = ClaimDocument.objects.filter(claim__claimant=user)
    names = [name for name in documents.values_list("file", flat=True) if name]
    documents.delete()
    transaction.on_commit(lambda: _delete_files(names))


DELETION_CLEANUPS.append(_purge_claim_documents)
