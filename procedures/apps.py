import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


def _seed_synonyms(sender, **kwargs) -> None:
    """Seed synonyms added to procedures/synonyms.py since the last migrate (rows that exist, staff
    edits included, are left alone), and start a new catalogue version if any was added, so the
    cached synonym rules and vocabulary are rebuilt with them."""
    from . import search
    from .models import SearchSynonym
    from .synonyms import seed_synonyms

    if seed_synonyms(SearchSynonym):
        try:
            search.bump_catalogue_version()
        except Exception:  # noqa: BLE001 - the cache may be down during a deploy; the rules expire within a day
            log.warning(
                "new search synonyms seeded; the catalogue version could not be bumped", exc_info=True
            )


class ProceduresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "procedures"
    verbose_name = _("Thủ tục hành chính")

    def ready(self) -> None:
        from . import signals  # noqa: F401

        post_migrate.connect(_seed_synonyms, sender=self, dispatch_uid="procedures-seed-synonyms")
