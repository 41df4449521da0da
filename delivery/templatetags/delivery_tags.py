from django import template

register = template.Library()


@register.inclusion_tag("delivery/_quote.html")
def postage_quote(dossier, province_code: str = "", commune_code: str = "") -> dict:
    """What the result by post will cost the applicant (or that the agency pays), for the wizard."""
    from ..quotes import quote_for_draft

    return quote_for_draft(dossier, province_code=province_code, commune_code=commune_code)


@register.filter
def vnd(value) -> str:
    """32000 → "32.000" (Vietnamese thousands separator, whatever the active language)."""
    from ..documents import money

    try:
        return money(int(value))
    except (TypeError, ValueError):
        return ""
