from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    """The ground floor: helpers every app uses (text, files, PDF, rate limits, links, plugins,
    signing) and the project-wide views (health, error pages). It imports no other app."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        if getattr(settings, "REFUSE_SIMULATORS", False):
            from .simulators import enforce

            enforce()
        from django.db.backends.signals import connection_created

        from . import lookups
        from .db import limit_parallel_query

        lookups.register()
        connection_created.connect(limit_parallel_query, dispatch_uid="core.db.limit_parallel_query")
