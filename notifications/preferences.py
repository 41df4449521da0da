"""Where a person's dossier messages go, from their preference and the addresses they have.

- ``contact_channels(user)``: ``["sms"]``, ``["email"]`` or both (only channels they have an address
  for), so a page can say "SMS" alone when the person has no email;
- ``contact_channels_text(user)``: the same, as words for "Bạn sẽ được báo qua …";
  ``{% load notify %}{{ user|contact_channels_text }}`` in templates.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import ContactPreference


def contact_channels(user) -> list[str]:
    """["sms"], ["email"] or ["sms", "email"]: where this person's dossier messages go."""
    if user is None or not getattr(user, "pk", None):
        return []
    preference = ContactPreference.objects.filter(user=user).values_list("channels", flat=True).first()
    wanted = {"sms": ["sms"], "email": ["email"]}.get(preference or "both", ["sms", "email"])
    addresses = {"sms": bool(getattr(user, "phone", "")), "email": bool(getattr(user, "email", ""))}
    usable = [c for c in wanted if addresses[c]]
    return usable or [c for c in ("sms", "email") if addresses[c]]


def contact_channels_text(user) -> str:
    """ "SMS", "thư điện tử" or "SMS và thư điện tử" for sentences like "Bạn sẽ được báo qua …"."""
    channels = contact_channels(user)
    if channels == ["sms"]:
        return _("SMS")
    if channels == ["email"]:
        return _("thư điện tử")
    if channels:
        return _("SMS và thư điện tử")
    return _("trang Hồ sơ của tôi")
