"""Account events: tell the person about security changes; remember a fresh MFA enrolment."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import (
    email_changed,
    password_changed,
    password_reset,
    password_set,
    user_signed_up,
)
from allauth.mfa.signals import authenticator_added
from allauth.socialaccount.signals import social_account_added, social_account_updated
from django.dispatch import receiver
from django.utils.translation import gettext as _

from . import services
from .adapter import EID_PROVIDER_ID


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def on_password_changed(sender, request, user, **kwargs) -> None:
    services.notify_account_changed(user=user, what=_("mật khẩu"))


@receiver(email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs) -> None:
    old = from_email_address.email if from_email_address else ""
    services.notify_account_changed(user=user, what=_("địa chỉ thư điện tử"), old_email=old)


@receiver(user_signed_up)
def on_signed_up(sender, request, user, **kwargs) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None and sociallogin.account.provider == EID_PROVIDER_ID:
        if not getattr(user, "_eid_profile", None):
            # The social signup form (asking for the phone) keeps the pending login in the session,
            # which drops what populate_user attached to the user: read the claims again.
            services.apply_eid_claims(user=user, claims=services.eid_claims(sociallogin.account.extra_data))
        services.save_eid_profile(user=user)


@receiver(authenticator_added)
def on_mfa_enrolled(sender, request, user, authenticator, **kwargs) -> None:
    # Enrolling proves possession of the second factor: this session may enter the admin.
    if request is not None:
        record_authentication(request, user, "mfa", type=authenticator.type, enrolled=True)


@receiver(social_account_added)
@receiver(social_account_updated)
def on_eid_signed_in(sender, request, sociallogin, **kwargs) -> None:
    # Later eID sign-ins (and an existing account linking its eID) refresh the verified identity.
    if sociallogin.account.provider == EID_PROVIDER_ID and sociallogin.user.pk:
        services.eid_identity_refresh(
            user=sociallogin.user, claims=services.eid_claims(sociallogin.account.extra_data)
        )
