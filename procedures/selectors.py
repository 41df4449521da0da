"""Reads of the catalogue, each filtered by who is asking."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.constants import StaffRole

from .constants import Audience
from .models import Agency, DossierComponent, LifeEvent, Procedure


def publisher_agency_ids(user) -> set[int]:
    """Agencies whose catalogue this staff member may edit (role: publisher)."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return set()
    return set(user.assignments.filter(role=StaffRole.PUBLISHER).values_list("agency_id", flat=True))


def procedures_editable_by(user) -> QuerySet[Procedure]:
    """What a staff member may edit: everything for a superuser, their own agencies' procedures otherwise."""
    if getattr(user, "is_superuser", False):
        return Procedure.objects.all()
    return Procedure.objects.filter(owner_agency_id__in=publisher_agency_ids(user))


def procedure_get_for_viewer(*, code: str, user) -> tuple[Procedure, bool]:
    """A procedure by code for a public page. Returns ``(procedure, is_preview)``.

    Published procedures are public. A draft or archived one is shown only to staff who may
    edit it (as a preview); everyone else gets a 404.
    """
    detail_qs = Procedure.objects.select_related("owner_agency").prefetch_related(
        "steps",
        "methods",
        "legal_bases",
        "sectors",
        "life_events",
        Prefetch("agencies", queryset=Agency.objects.select_related("parent")),
        Prefetch("components", queryset=DossierComponent.objects.order_by("case_group", "order", "id")),
    )
    procedure = detail_qs.published().filter(code=code).first()
    if procedure is not None:
        return procedure, False
    procedure = detail_qs.filter(code=code).first()
    if procedure is not None and procedures_editable_by(user).filter(pk=procedure.pk).exists():
        return procedure, True
    raise Http404("procedure not found")


def public_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.published()


def popular_procedures(limit: int = 8) -> list[Procedure]:
    return list(public_procedures().filter(is_detailed=True).order_by("-popularity")[:limit])


def life_events_with_counts(audience: str) -> list[LifeEvent]:
    return list(
        LifeEvent.objects.filter(audience=audience)
        .annotate(n=Count("procedures", filter=Q(procedures__in=public_procedures())))
        .order_by("ordering", "name")
    )


def agencies_tree() -> list[Agency]:
    """Top-level agencies with their children, for /agencies/ (two queries)."""
    return list(
        Agency.objects.filter(parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=Agency.objects.order_by("kind", "name")))
        .order_by("kind", "name")
    )


AUDIENCE_FILTERS = {Audience.CITIZENS: Q(for_citizens=True), Audience.BUSINESSES: Q(for_businesses=True)}
