"""Provider registries: channel plugins named by dotted path in settings, imported on first use.

``SMS_PROVIDERS`` / ``SMS_PROVIDER`` and ``EMAIL_PROVIDERS`` / ``EMAIL_PROVIDER`` (portal/settings).
The notifications core never imports or names a provider; each provider is a package of its own under
``notifications/providers/`` (its code, and where it has them its model, task, admin and tests).
"""

from __future__ import annotations

from core.plugins import Registry

from ..constants import Channel
from .base import Provider

sms_providers: Registry[Provider] = Registry(
    "sms", paths_setting="SMS_PROVIDERS", choice_setting="SMS_PROVIDER"
)
email_providers: Registry[Provider] = Registry(
    "email", paths_setting="EMAIL_PROVIDERS", choice_setting="EMAIL_PROVIDER"
)


def sms_provider(name: str | None = None) -> Provider:
    return sms_providers.get(name)


def provider_for(channel: str) -> Provider:
    return email_providers.get() if channel == Channel.EMAIL else sms_providers.get()
