"""Extension points: how the apps above ``dossiers`` (payments, delivery, …) plug into a dossier
without ``dossiers`` ever importing them.

An app registers in its ``AppConfig.ready()``::

    from dossiers import extensions

    extensions.citizen_panels.register("payments", template="payments/_dossier_panel.html", context=fn, order=50)
    extensions.desk_panels.register("payments", template="payments/_desk_panel.html", context=fn, order=50)
    extensions.on_transition.register("payments", callback)
    extensions.statistics_rows.register("payments", fn)

- ``citizen_panels`` / ``desk_panels``: a template shown on the applicant's dossier page / the
  officer's desk; ``context(request, dossier) -> dict | None`` (``None`` hides the panel).
- ``post_address_panels``: shown under the postal address on the wizard's "Cách nhận kết quả" step
  (delivery shows the postage there); same ``context(request, dossier)``.
- ``on_transition``: ``callback(*, dossier, name, event, actor, now)`` runs inside the transition's
  transaction, after its event row is written (use ``transaction.on_commit`` for anything outside
  the database). An exception rolls the whole transition back.
- ``statistics_rows``: ``fn(*, agency_ids, start, end) -> list[dict(label=..., value=...)]`` shown on
  the leaders' dashboard.
- ``owned_actions``: desk actions an app performs through its own panel (e.g. payments takes
  ``request_payment`` to ask for line items); the desk then shows no generic button for them.
  ``extensions.owned_actions.register("payments", {"request_payment", "payment_received"})``.

Registering twice under one name replaces the earlier entry (module reloads in tests stay harmless).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 50


class PanelRegistry:
    def __init__(self) -> None:
        self._panels: dict[str, Panel] = {}

    def register(
        self, name: str, *, template: str, context: Callable[[Any, Any], dict | None], order: int = 50
    ):
        self._panels[name] = Panel(name=name, template=template, context=context, order=order)

    def unregister(self, name: str) -> None:
        self._panels.pop(name, None)

    def render_list(self, request, dossier) -> list[dict]:
        """``[{"name", "template", "context"}]`` of the panels that have something to show."""
        out = []
        for panel in sorted(self._panels.values(), key=lambda p: (p.order, p.name)):
            context = panel.context(request, dossier)
            if context is not None:
                out.append({"name": panel.name, "template": panel.template, "context": context})
        return out


class CallbackRegistry:
    def __init__(self) -> None:
        self._callbacks: dict[str, Callable[..., Any]] = {}

    def register(self, name: str, callback: Callable[..., Any]) -> None:
        self._callbacks[name] = callback

    def unregister(self, name: str) -> None:
        self._callbacks.pop(name, None)

    def items(self) -> list[tuple[str, Callable[..., Any]]]:
        return sorted(self._callbacks.items())

    def run(self, **kwargs: Any) -> list[Any]:
        return [callback(**kwargs) for _name, callback in self.items()]


class OwnedActions:
    def __init__(self) -> None:
        self._owned: dict[str, frozenset[str]] = {}

    def register(self, name: str, actions: set[str] | frozenset[str]) -> None:
        self._owned[name] = frozenset(actions)

    def unregister(self, name: str) -> None:
        self._owned.pop(name, None)

    def all(self) -> frozenset[str]:
        return frozenset().union(*self._owned.values()) if self._owned else frozenset()


citizen_panels = PanelRegistry()
desk_panels = PanelRegistry()
post_address_panels = PanelRegistry()
on_transition = CallbackRegistry()
statistics_rows = CallbackRegistry()
owned_actions = OwnedActions()
