"""Business register plugins: the chosen one answers ``lookup(tax_code)``.

``BUSINESS_REGISTERS`` maps names to dotted paths, ``BUSINESS_REGISTER`` chooses one
(``simulator`` in development and tests, ``manual`` in production until a real register is connected).
"""

from __future__ import annotations

from core.plugins import Registry

from .base import (
    ACTIVE,
    CLOSED,
    BusinessRegister,
    RegisterNotConnected,
    RegisterRecord,
    RegisterUnavailable,
)

registry: Registry[BusinessRegister] = Registry(
    "business register", paths_setting="BUSINESS_REGISTERS", choice_setting="BUSINESS_REGISTER"
)


def business_register(name: str | None = None) -> BusinessRegister:
    """The chosen register (or the named one: the demo loader always uses the simulator)."""
    return registry.get(name)


__all__ = [
    "ACTIVE",
    "CLOSED",
    "BusinessRegister",
    "RegisterNotConnected",
    "RegisterRecord",
    "RegisterUnavailable",
    "business_register",
    "registry",
]
