"""One registry for every kind of provider plugin: SMS operators, payment gateways, carriers,
business registers.

A plugin is registered by its dotted path in settings (``SMS_PROVIDERS = {"simulator":
"notifications.providers.sms_simulator.provider.SimulatorSmsProvider", ...}``) and imported the
first time it is asked for, so the core of an app never imports, or even names, a provider. The
chosen one comes from a second setting (``SMS_PROVIDER = "simulator"``).

Every plugin class carries ``is_simulator``: production refuses to start with a simulator unless
``ALLOW_SIMULATORS`` says this is a staging site (``portal/settings/production.py``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

T = TypeVar("T")


class Plugin:
    """Base of every provider plugin."""

    #: the name it is registered under (set by the registry when loaded)
    name: str = ""
    #: a simulator answers in place of the real provider; never in production unless allowed
    is_simulator: bool = False


@cache
def _load(path: str) -> type:
    return import_string(path)


class Registry(Generic[T]):
    """The plugins of one kind: ``paths_setting`` maps names to dotted paths, ``choice_setting`` names
    the one in use."""

    def __init__(self, kind: str, *, paths_setting: str, choice_setting: str) -> None:
        self.kind = kind
        self.paths_setting = paths_setting
        self.choice_setting = choice_setting

    def paths(self) -> dict[str, str]:
        return dict(getattr(settings, self.paths_setting, {}) or {})

    def names(self) -> list[str]:
        return sorted(self.paths())

    def chosen(self) -> str:
        return str(getattr(settings, self.choice_setting, "") or "")

    def get_class(self, name: str | None = None) -> type[T]:
        name = name or self.chosen()
        path = self.paths().get(name)
        if path is None:
            raise ImproperlyConfigured(f"{self.choice_setting} must be one of {self.names()}, not {name!r}")
        cls = _load(path)
        # The class's own name, not one inherited from a parent plugin loaded under another name.
        if not cls.__dict__.get("name"):
            cls.name = name
        return cls

    def get(self, name: str | None = None, **kwargs: Any) -> T:
        """An instance of the named plugin (the chosen one by default)."""
        return self.get_class(name)(**kwargs)

    def simulators_in_use(self) -> list[str]:
        chosen = self.chosen()
        if not chosen:
            return []
        return [chosen] if getattr(self.get_class(chosen), "is_simulator", False) else []
