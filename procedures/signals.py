"""Keep search honest: any change to the catalogue bumps its version (every search cache is keyed
by it), a link change rewrites the procedures' copies of their links (``procedures.links``), and a
request reads the version once (``search.request_started`` / ``request_finished``)."""

from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import search, services
from .models import (
    Agency,
    DossierComponent,
    FeeItem,
    LegalBasis,
    LifeEvent,
    Procedure,
    ProcedureStep,
    SearchSynonym,
    Sector,
    SubmissionMethod,
)


@receiver([post_save, post_delete], sender=Procedure)
@receiver([post_save, post_delete], sender=Sector)
@receiver([post_save, post_delete], sender=Agency)
@receiver([post_save, post_delete], sender=LifeEvent)
# A procedure's own parts: its page is cached per catalogue version (procedures.page_cache).
@receiver([post_save, post_delete], sender=ProcedureStep)
@receiver([post_save, post_delete], sender=SubmissionMethod)
@receiver([post_save, post_delete], sender=FeeItem)
@receiver([post_save, post_delete], sender=DossierComponent)
@receiver([post_save, post_delete], sender=LegalBasis)
def catalogue_changed(sender, **kwargs) -> None:
    search.bump_catalogue_version()


# link table → its column for the other side (a sector, an agency, a life event)
_OTHER_SIDE = {
    Procedure.sectors.through: "sector_id",
    Procedure.agencies.through: "agency_id",
    Procedure.life_events.through: "lifeevent_id",
}


def _linked_procedures(through, column: str, other_ids) -> list[int]:
    return list(
        through.objects.filter(**{f"{column}__in": list(other_ids)}).values_list("procedure_id", flat=True)
    )


@receiver(m2m_changed, sender=Procedure.sectors.through)
@receiver(m2m_changed, sender=Procedure.agencies.through)
@receiver(m2m_changed, sender=Procedure.life_events.through)
def links_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """Keep the procedures' copies of their links (``procedures.links``) and bump the version.

    Forward (``procedure.sectors.add(…)``) the procedure is ``instance``; reverse
    (``sector.procedures.add(…)``) the procedures are ``pk_set``, except for ``clear``, whose
    procedures are read before the links go."""
    if action == "pre_clear" and reverse:
        instance._procedures_unlinked = _linked_procedures(sender, _OTHER_SIDE[sender], [instance.pk])
    if not action.startswith("post_"):
        return
    if not reverse:
        changed = [instance.pk]
    elif action == "post_clear":
        changed = getattr(instance, "_procedures_unlinked", [])
    else:
        changed = list(pk_set or [])
    if changed:
        services.procedure_links_refresh(changed)
    search.bump_catalogue_version()


@receiver(pre_delete, sender=Sector)
@receiver(pre_delete, sender=Agency)
@receiver(pre_delete, sender=LifeEvent)
def linked_thing_deleting(sender, instance, **kwargs) -> None:
    # Its links go with it (a cascade sends no m2m_changed): remember whose copies to rewrite.
    through = {Sector: Procedure.sectors.through, Agency: Procedure.agencies.through}.get(
        sender, Procedure.life_events.through
    )
    instance._procedures_unlinked = _linked_procedures(through, _OTHER_SIDE[through], [instance.pk])


@receiver(post_delete, sender=Sector)
@receiver(post_delete, sender=Agency)
@receiver(post_delete, sender=LifeEvent)
def linked_thing_deleted(sender, instance, **kwargs) -> None:
    if ids := getattr(instance, "_procedures_unlinked", []):
        services.procedure_links_refresh(ids)


@receiver([post_save, post_delete], sender=SearchSynonym)
def synonyms_changed(sender, **kwargs) -> None:
    search.invalidate_search_caches()


@receiver(request_started)
def remember_the_version_for_this_request(sender, **kwargs) -> None:
    search.request_started()


@receiver(request_finished)
def forget_the_version_after_this_request(sender, **kwargs) -> None:
    search.request_finished()
