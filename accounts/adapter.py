"""django-allauth adapters: phone numbers in E.164 on our User, SMS and emails through the
notifications outbox (so they are retried, logged, and visible in the dev outbox), rate limits on
the portal's client address, and failed sign-ins counted per account."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.links import absolute_url
from core.ratelimit import client_ip
from notifications.constants import Channel
from notifications.services import NotificationError, notify, queue_email

from .models import User
from .validators import normalize_vn_phone

logger = logging.getLogger(__name__)
CODE_MINUTES = 10
EID_PROVIDER_ID = "vneid"


class VietnamPhoneField(forms.CharField):
    """Accepts a phone number however Vietnamese people type it; cleans to E.164 (+84…)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label", _("Số điện thoại di động"))
        kwargs.setdefault("help_text", _("Ví dụ: 0912 345 678. Mã xác thực sẽ được gửi bằng SMS đến số này."))
        kwargs.setdefault("max_length", 32)
        kwargs["widget"] = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_vn_phone(value) if value else value


class AccountAdapter(DefaultAccountAdapter):
    def phone_form_field(self, **kwargs: Any) -> forms.Field:
        return VietnamPhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalize_vn_phone(phone)

    def send_verification_code_sms(
        self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any
    ) -> None:
        notify(
            event="security_code",
            context={"code": code, "minutes": CODE_MINUTES},
            user=user if getattr(user, "pk", None) else None,
            phone=phone,
            channels=[Channel.SMS],
            security=True,
            language=(get_language() or "vi")[:2],
        )

    def send_account_already_exists_sms(self, phone: str) -> None:
        """Sign-up with a number that has an account: no code, the owner is told and invited to sign in.

        The sign-up page says the same thing whatever the number (a message is on its way), so it
        reveals no more than the sign-in form does; only the number's owner learns the truth.
        """
        self._send_account_sms("account_exists", phone, absolute_url("account_login"))

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        """A sign-in code asked for a number with no account: no code, the owner is invited to sign up."""
        self._send_account_sms("account_unknown", phone, absolute_url("account_signup"))

    def _send_account_sms(self, event: str, phone: str, link: str) -> None:
        try:
            notify(
                event=event,
                context={"link": link},
                phone=phone,
                channels=[Channel.SMS],
                language=(get_language() or "vi")[:2],
            )
        except NotificationError:  # a template switched off in the admin: the page still says the same
            logger.warning("account SMS %s not sent: no active template", event)

    def get_client_ip(self, request) -> str:
        """allauth's rate limits (failed sign-ins per address, …) use the address ``core.ratelimit``
        derives from the trusted proxies (``TRUSTED_PROXY_COUNT``), never a forgeable header."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("no client address")
        return ip

    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        """The key failed sign-ins are counted under (allauth derives it here, for the lockout and for
        clearing it after a password reset).

        allauth keys on the email or username, so every phone sign-in shared one empty key: five wrong
        phone passwords from anyone locked every phone sign-in out. Here the key is the account the
        identifier belongs to, whichever identifier was typed and however (``0987 654 321``,
        ``+84 987 654 321``, the email in capitals), or the normalised identifier when no account has it.
        """
        return login_attempts_key(
            email=credentials.get("email") or "",
            phone=credentials.get("phone") or "",
            username=credentials.get("username") or "",
        )

    def set_phone(self, user: AbstractBaseUser, phone: str, verified: bool) -> None:
        old_phone = user.phone if user.pk else ""
        user.phone = phone
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])
        if old_phone and old_phone != phone:
            from .services import notify_account_changed

            notify_account_changed(user=user, what=str(_("số điện thoại")), old_phone=old_phone)

    def get_phone(self, user: AbstractBaseUser) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if getattr(user, "phone", "") else None

    def set_phone_verified(self, user: AbstractBaseUser, phone: str) -> None:
        if user.phone == phone:
            user.phone_verified = True
            user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone: str) -> AbstractBaseUser | None:
        return User.objects.filter(phone=phone).order_by("-phone_verified", "pk").first()

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        user = context.get("user") if isinstance(context.get("user"), User) else None
        queue_email(
            recipient=email,
            subject=message.subject,
            text=message.body,
            html=html,
            event="account:" + template_prefix.rsplit("/", 1)[-1],
            user=user,
            security=bool(context.get("code") or context.get("key") or context.get("password_reset_url")),
            language=(get_language() or "vi")[:2],
        )

    def get_login_redirect_url(self, request) -> str:
        if request.user.is_authenticated and request.user.is_staff:
            return reverse("admin:index")
        return super().get_login_redirect_url(request)


def login_attempts_key(*, email: str = "", phone: str = "", username: str = "") -> str:
    """``user:<pk>`` for an identifier that belongs to an account, else the normalised identifier."""
    if email:
        identifier = "email:" + email.strip().lower()
        user = (
            User.objects.filter(Q(email__iexact=email.strip()) | Q(emailaddress__email__iexact=email.strip()))
            .order_by("pk")
            .first()
        )
    elif phone:
        try:
            phone = normalize_vn_phone(phone)
        except ValidationError:
            phone = phone.strip()
        identifier = "phone:" + phone
        user = User.objects.filter(phone=phone).order_by("-phone_verified", "pk").first()
    else:
        identifier = "username:" + username.strip().lower()
        user = None
    return f"user:{user.pk}" if user else identifier


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """National eID (OpenID Connect): the verified claims fill the profile."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if sociallogin.account.provider != EID_PROVIDER_ID:
            return user
        from .services import apply_eid_claims, eid_claims

        apply_eid_claims(user=user, claims=eid_claims(sociallogin.account.extra_data))
        return user
