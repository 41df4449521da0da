"""Reads of accounts data, always scoped to the person asking."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .constants import ACTING_AS_SESSION_KEY, MemberRole
from .models import CitizenProfile, Membership, Organisation


def profile_for(user) -> CitizenProfile:
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    return profile


def organisations_for(user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("name")


def organisation_get_for_user(*, user, pk: int) -> Organisation:
    """Another user's organisation is a 404, never a 403 that confirms it exists."""
    organisation = organisations_for(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404("organisation not found")
    return organisation


def is_representative(user, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation, role=MemberRole.REPRESENTATIVE).exists()


def acting_as(request) -> Organisation | None:
    """The organisation the person is currently acting for, if any (checked against membership)."""
    if not request.user.is_authenticated:
        return None
    pk = request.session.get(ACTING_AS_SESSION_KEY)
    if not pk:
        return None
    return organisations_for(request.user).filter(pk=pk).first()
