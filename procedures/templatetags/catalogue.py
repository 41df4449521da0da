from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
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


@register.simple_tag
def name_lang(obj) -> str:
    """`` lang="vi"`` where a Vietnamese name sits on an English page (or the other way round).

    ``obj`` has ``display_lang`` (models.LocalizedNameMixin) or is a language code.
    """
    lang = obj if isinstance(obj, str) else getattr(obj, "display_lang", "vi")
    page = (get_language() or "vi")[:2]
    return format_html(' lang="{}"', lang) if lang != page else ""
