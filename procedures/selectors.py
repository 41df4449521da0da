"""Reads of the catalogue, each filtered by who is asking."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from core.roles import StaffRole

from .constants import Audience
from .models import Agency, DossierComponent, LifeEvent, Procedure, Sector
from .search import Filters, per_version

HOME_SECTORS = 12


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


def _home_counts() -> dict:
    published = Q(procedures__in=public_procedures())
    events = list(
        LifeEvent.objects.annotate(n=Count("procedures", filter=published))
        .filter(n__gt=0)
        .order_by("audience", "ordering", "name")
    )
    sectors = list(
        Sector.objects.annotate(n=Count("procedures", filter=published))
        .filter(n__gt=0)
        .order_by("-n", "name")[:HOME_SECTORS]
    )
    return {"events": events, "sectors": sectors}


def home_counts() -> dict:
    """Life events and the busiest sectors with their published procedure counts; none with 0.

    Counted once per catalogue version and day (two grouped queries), then read from the cache.
    """
    return per_version("home-counts", _home_counts, daily=True)


def life_events_with_counts(audience: str) -> list[LifeEvent]:
    """Life events of one audience that have at least one published procedure (``n`` = how many)."""
    return [event for event in home_counts()["events"] if event.audience == audience]


def sectors_with_counts() -> list[Sector]:
    """The sectors with the most published procedures (``n``), never one with none."""
    return home_counts()["sectors"]


def resolve_filters(cleaned: dict) -> tuple[Filters, list[str]]:
    """Facet filters from validated query-string values; unknown codes are dropped and named.

    One query per sector, agency or event code given.
    """
    filters = Filters(level=cleaned.get("level"), audience=cleaned.get("audience"))
    dropped = []
    lookups = {
        "sector": (Sector.objects, "code"),
        "agency": (Agency.objects, "code"),
        "event": (LifeEvent.objects, "slug"),
    }
    for key, (manager, field) in lookups.items():
        value = cleaned.get(key)
        if not value:
            continue
        found = manager.filter(**{field: value}).values_list("id", flat=True).first()
        if found is None:
            dropped.append(key)
        else:
            setattr(filters, key, (found, value))
    return filters, dropped


def sector_names_for(procedures: list[Procedure]) -> dict[int, list[Sector]]:
    """Sectors of a page of procedures, by procedure id, in name order: from the ids each carries
    (``sector_ids``) and the sectors kept per catalogue version, without a query."""
    sectors = per_version("sectors-by-id", lambda: {s.pk: s for s in Sector.objects.order_by("name")})
    order = {pk: position for position, pk in enumerate(sectors)}
    return {
        p.pk: [sectors[i] for i in sorted((i for i in p.sector_ids if i in sectors), key=order.__getitem__)]
        for p in procedures
    }


def agencies_tree() -> list[Agency]:
    """Top-level agencies with their children, for /agencies/ (two queries)."""
    return list(
        Agency.objects.filter(parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=Agency.objects.order_by("kind", "name")))
        .order_by("kind", "name")
    )


AUDIENCE_FILTERS = {Audience.CITIZENS: Q(for_citizens=True), Audience.BUSINESSES: Q(for_businesses=True)}
