"""Template helpers of the officer's desk: phones as people read them, labels of actions and steps."""

from django import template
from django.utils.translation import gettext

from ..documents import display_phone
from ..transitions import label as transition_label

register = template.Library()


@register.filter
def vn_phone(value: str) -> str:
    """ "+84912345678" → "0912 345 678"; anything else as it is."""
    return display_phone(value or "")


@register.filter
def event_label(event) -> str:
    """The Vietnamese name of what happened: the transition's label, else the event kind's."""
    if event.action:
        return transition_label(event.action)
    return str(event.get_kind_display())


@register.filter
def vnd(value) -> str:
    """1000000 → "1.000.000 đồng" (Vietnamese thousands separator)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return str(value)
    return gettext("%(amount)s đồng") % {"amount": f"{number:,}".replace(",", ".")}
