"""Template filters for people: ``{% load people %}`` then ``{{ user|display_name }}``,
``{{ phone|vn_phone }}`` (see ``core.people``)."""

from django import template

from core import people

register = template.Library()


@register.filter
def vn_phone(value) -> str:
    """+84987654321 → 0987 654 321."""
    return people.format_vn_phone(value)


@register.filter
def display_name(user) -> str:
    return people.display_name(user)
