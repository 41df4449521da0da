"""Keep search's per-process caches honest: any change to the catalogue bumps its version."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import search
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


@receiver(m2m_changed, sender=Procedure.sectors.through)
@receiver(m2m_changed, sender=Procedure.agencies.through)
@receiver(m2m_changed, sender=Procedure.life_events.through)
def links_changed(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        search.bump_catalogue_version()


@receiver([post_save, post_delete], sender=SearchSynonym)
def synonyms_changed(sender, **kwargs) -> None:
    search.invalidate_search_caches()
