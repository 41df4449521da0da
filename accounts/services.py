"""Writes to accounts. Views and adapters call these."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import NotificationError, notify
from portal.text import nfc

from .constants import ACTING_AS_SESSION_KEY, MemberRole
from .models import CitizenProfile, Membership, Organisation, User
from .validators import validate_personal_id

logger = logging.getLogger(__name__)

# Apps that hold open business with a person register a check here (dossiers: "a dossier is open").
# Each returns a reason to refuse deletion, or None.
DELETION_BLOCKERS: list[Callable[[User], str | None]] = []
# And clean up what may go with the account (dossiers: unsubmitted drafts).
DELETION_CLEANUPS: list[Callable[[User], None]] = []


class AccountError(Exception):
    pass


def profile_update(*, user: User, full_name: str, **fields) -> CitizenProfile:
    """Save the profile; the identification number is re-validated against date of birth and sex."""
    with transaction.atomic():
        profile, _created = CitizenProfile.objects.select_for_update().get_or_create(user=user)
        if fields.get("personal_id"):
            fields["personal_id"] = validate_personal_id(fields["personal_id"], date_of_birth=fields.get("date_of_birth"), sex=fields.get("sex"))
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
    context = {"note": what, "date": stamp, "link": settings.PORTAL_BASE_URL.rstrip("/") + "/accounts/password/reset/"}
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
    name = claims.get("name") or " ".join(p for p in [claims.get("family_name"), claims.get("given_name")] if p)
    if name:
        user.full_name = nfc(name)
    personal_id = str(claims.get(settings.VNEID_CLAIM_PERSONAL_ID) or "")
    birthdate = claims.get("birthdate")
    user._eid_profile = {"personal_id": personal_id, "birthdate": birthdate, "gender": claims.get("gender")}


def save_eid_profile(*, user: User) -> None:
    """After the social signup saved the user: store the eID data on the profile (marked verified)."""
    data = getattr(user, "_eid_profile", None)
    if not data:
        return
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    sex = {"male": "male", "female": "female", "nam": "male", "nữ": "female"}.get(str(data.get("gender") or "").lower(), "")
    dob = None
    if data.get("birthdate"):
        try:
            dob = date.fromisoformat(str(data["birthdate"])[:10])
        except ValueError:
            dob = None
    try:
        personal_id = validate_personal_id(data["personal_id"], date_of_birth=dob, sex=sex or None) if data.get("personal_id") else ""
    except Exception:  # noqa: BLE001 - bad claim data must not block the sign-in; leave the field empty
        logger.warning("accounts: eID claims for user %s carried an invalid identification number", user.pk)
        personal_id = ""
    profile.personal_id = personal_id or profile.personal_id
    profile.date_of_birth = dob or profile.date_of_birth
    profile.sex = sex or profile.sex
    profile.eid_verified = bool(personal_id)
    profile.save()


def export_user_data(*, user: User) -> dict:
    """Everything we hold about the person, as JSON-ready data (the "download my data" button)."""
    profile = CitizenProfile.objects.filter(user=user).first()
    profile_data = {}
    if profile is not None:
        profile_data = {
            f.name: (getattr(profile, f.name).isoformat() if hasattr(getattr(profile, f.name), "isoformat") else getattr(profile, f.name))
            for f in CitizenProfile._meta.concrete_fields
            if f.name not in ("id", "user")
        }
    return {
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
        "notifications": [
            {"created_at": m.created_at.isoformat(), "channel": m.channel, "recipient": m.recipient, "event": m.event, "status": m.status}
            for m in user.messages.order_by("-created_at")[:500]
        ],
    }


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


def organisation_register(*, user: User, name: str, tax_code: str, legal_representative: str, **address) -> Organisation:
    """Register an organisation by its tax code; the person who registers it is its representative."""
    with transaction.atomic():
        if Organisation.objects.filter(tax_code=tax_code).exists():
            raise AccountError(_("Mã số thuế này đã được đăng ký trên Cổng. Hãy đề nghị người đại diện của tổ chức thêm bạn làm thành viên."))
        organisation = Organisation.objects.create(name=nfc(name), tax_code=tax_code, legal_representative=nfc(legal_representative), **address)
        Membership.objects.create(user=user, organisation=organisation, role=MemberRole.REPRESENTATIVE)
    return organisation


def organisation_add_member(*, actor: User, organisation: Organisation, phone: str) -> Membership:
    if not Membership.objects.filter(user=actor, organisation=organisation, role=MemberRole.REPRESENTATIVE).exists():
        raise AccountError(_("Chỉ người đại diện mới thêm được thành viên."))
    member = User.objects.filter(phone=phone, is_active=True).first()
    if member is None:
        raise AccountError(_("Không có tài khoản nào dùng số điện thoại này. Người đó cần đăng ký tài khoản trước."))
    membership, _created = Membership.objects.get_or_create(user=member, organisation=organisation)
    return membership


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

    from .constants import ROLE_GROUPS, ROLE_PERMISSIONS

    for role, name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for dotted in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".")
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                group.permissions.add(permission)
