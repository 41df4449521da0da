from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """8000 → "8.000 đồng"; 0 → "Miễn phí"."""
    try:
        value = int(amount or 0)
    except (TypeError, ValueError):
        return ""
    if value == 0:
        return _("Không thu")
    return f"{value:,}".replace(",", ".") + " " + _("đồng")


@register.filter
def working_days(value) -> str:
    if value in (None, ""):
        return ""
    number = Decimal(value).normalize()
    text = f"{number:f}".replace(".", ",")
    return _("%(n)s ngày làm việc") % {"n": text}
