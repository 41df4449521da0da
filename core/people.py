"""How the portal names people and writes their phone numbers, in one place.

- ``display_name(user)``: the person's full name; without one (an account made by phone only),
  their phone number written the Vietnamese way, else their email; never the internal username
  ("user6"). ``ACCOUNT_USER_DISPLAY`` points here, so allauth's messages and emails use it too.
- ``salutation_name(user, language)``: the name for "Kính gửi …" / "Dear …" (a polite form when the
  person has not given a name).
- ``format_vn_phone("+84987654321")`` → "0987 654 321" (mobiles 4-3-3, as printed on cards);
  other numbers in the national format; anything unparseable unchanged.

Where a person's messages go (``contact_channels``) belongs to ``notifications.preferences``.
"""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _
from django.utils.translation import override


def format_vn_phone(value) -> str:
    raw = str(value or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        return raw
    if number.country_code != 84:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = "0" + str(number.national_number)
    if len(national) == 10 and phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if not phonenumbers.is_valid_number(number):
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def display_name(user) -> str:
    """A name to show for a person (header, timeline, PDFs, allauth's messages)."""
    if user is None or not getattr(user, "pk", None):
        return ""
    name = (getattr(user, "full_name", "") or "").strip()
    if name:
        return name
    phone = getattr(user, "phone", "") or ""
    if phone:
        return format_vn_phone(phone)
    return getattr(user, "email", "") or ""


def salutation_name(user, language: str = "vi") -> str:
    """The name after "Kính gửi" / "Dear": the full name, else a polite form (never a username)."""
    name = (getattr(user, "full_name", "") or "").strip() if user is not None else ""
    if name:
        return name
    with override(language or "vi"):
        return _("Quý ông/bà")
