"""``{% load notify %}`` then ``{{ user|contact_channels_text }}`` (see ``notifications.preferences``)."""

from django import template

from notifications import preferences

register = template.Library()


@register.filter
def contact_channels_text(user) -> str:
    return preferences.contact_channels_text(user)
