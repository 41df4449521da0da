"""django-allauth adapters: phone numbers in E.164 on our User, SMS and emails through the
notifications outbox (so they are retried, logged, and visible in the dev outbox)."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from notifications.constants import Channel
from notifications.services import notify, queue_email

from .models import User
from .validators import normalize_vn_phone

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

    def send_verification_code_sms(self, user: AbstractBaseUser, phone: str, code: str, **kwargs: Any) -> None:
        notify(
            event="security_code",
            context={"code": code, "minutes": CODE_MINUTES},
            user=user if getattr(user, "pk", None) else None,
            phone=phone,
            channels=[Channel.SMS],
            security=True,
            language=(get_language() or "vi")[:2],
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
        html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
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


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """National eID (OpenID Connect): the verified claims fill the profile."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if sociallogin.account.provider != EID_PROVIDER_ID:
            return user
        from .services import apply_eid_claims, eid_claims

        apply_eid_claims(user=user, claims=eid_claims(sociallogin.account.extra_data))
        return user
