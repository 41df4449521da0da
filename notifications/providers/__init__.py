"""Provider registry: channel plugins looked up by name from settings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..constants import Channel
from .base import Provider
from .email import EmailProvider
from .sms_dev import DevSmsProvider
from .sms_http import HttpSmsProvider
from .sms_simulator import SimulatorSmsProvider

SMS_PROVIDERS: dict[str, type[Provider]] = {
    DevSmsProvider.name: DevSmsProvider,
    SimulatorSmsProvider.name: SimulatorSmsProvider,
    HttpSmsProvider.name: HttpSmsProvider,
}


def sms_provider(name: str | None = None) -> Provider:
    name = name or settings.SMS_PROVIDER
    try:
        return SMS_PROVIDERS[name]()
    except KeyError as exc:
        raise ImproperlyConfigured(f"SMS_PROVIDER must be one of {sorted(SMS_PROVIDERS)}, not {name!r}") from exc


def provider_for(channel: str) -> Provider:
    if channel == Channel.EMAIL:
        return EmailProvider()
    return sms_provider()
