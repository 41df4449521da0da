"""Template helpers of the officer's desk: phones as people read them, labels of actions and steps."""

from django import template
from django.contrib.admin.templatetags.admin_list import result_headers, result_hidden_fields
from django.contrib.admin.templatetags.base import InclusionAdminNode
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


def _queue_result_list(cl) -> dict:
    """Django's ``result_list`` with the rows written by the work queue's own list (its ``rows``)."""
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": cl.rows(),
    }


@register.tag(name="queue_result_list")
def queue_result_list_tag(parser, token):
    """``{% queue_result_list cl %}``: the queue's table, in Django's template (change_list_results.html)."""
    return InclusionAdminNode(
        parser, token, func=_queue_result_list, template_name="change_list_results.html", takes_context=False
    )
