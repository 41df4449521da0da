"""Production refuses to start with a simulator (SMS, payment, carrier, business register…).

Every plugin kind follows one settings pattern (``core.plugins``): ``<KIND>S`` maps names to dotted
paths and ``<KIND>`` names the one in use (``SMS_PROVIDERS`` / ``SMS_PROVIDER``,
``PAYMENT_GATEWAYS`` / ``PAYMENT_GATEWAY``, ``CARRIERS`` / ``CARRIER``, ``BUSINESS_REGISTERS`` /
``BUSINESS_REGISTER``). ``registries()`` finds every such pair in settings, so an app that adds a
kind is covered without touching this file. A choice named ``simulator`` (or ``dev``) counts as a
simulator even where its kind has no ``<KIND>S`` setting yet.

``CoreConfig.ready()`` calls ``enforce()`` when ``REFUSE_SIMULATORS`` is on (production, unless
``ALLOW_SIMULATORS=true`` marks a staging site).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .plugins import Registry

#: choice settings that exist before their kind moved to ``<KIND>S`` (the value "simulator" is enough)
#: such choices that are stand-ins (the "dev" SMS provider only writes to the log)
LEGACY_SIMULATOR_NAMES = ("simulator", "dev")
KNOWN_CHOICES = ("SMS_PROVIDER", "PAYMENT_GATEWAY", "PAYMENT_PROVIDER", "CARRIER", "BUSINESS_REGISTER")


def registries() -> list[Registry]:
    found = []
    for name in sorted(set(dir(settings))):  # an overridden setting is listed twice by dir()
        if not name.isupper() or not name.endswith("S") or len(name) < 3:
            continue
        choice = name[:-1]
        paths = getattr(settings, name, None)
        if not hasattr(settings, choice) or not isinstance(paths, dict) or not paths:
            continue
        if not all(isinstance(k, str) and isinstance(v, str) and "." in v for k, v in paths.items()):
            continue
        found.append(Registry(choice.lower(), paths_setting=name, choice_setting=choice))
    return found


def simulators_in_use() -> list[str]:
    """``["SMS_PROVIDER=simulator", ...]`` for every plugin kind whose chosen plugin is a simulator."""
    in_use: list[str] = []
    covered = set()
    for registry in registries():
        covered.add(registry.choice_setting)
        in_use += [f"{registry.choice_setting}={name}" for name in registry.simulators_in_use()]
    for choice in KNOWN_CHOICES:
        value = str(getattr(settings, choice, "") or "")
        if choice not in covered and value in LEGACY_SIMULATOR_NAMES:
            in_use.append(f"{choice}={value}")
    return sorted(in_use)


def enforce() -> None:
    in_use = simulators_in_use()
    if in_use:
        raise ImproperlyConfigured(
            "Production refuses to start with a simulator: "
            + ", ".join(in_use)
            + ". Choose the real providers, or set ALLOW_SIMULATORS=true on a staging site."
        )
