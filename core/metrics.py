"""Prometheus metrics at ``/metrics`` (``prometheus_client``).

- ``portal_http_request_duration_seconds{view,method,status}``: a histogram per view (the URL
  pattern's name, never the raw path, so ids do not explode the label set), recorded by
  ``MetricsMiddleware``. Under gunicorn with several workers set ``PROMETHEUS_MULTIPROC_DIR``
  (``gunicorn.conf.py`` does) so that every worker's samples are added up at scrape time.
- Gauges computed **at scrape time** from the shared state, so every process answers the same:
  ``portal_celery_queue_length{queue}``, ``portal_outbox_pending`` and
  ``portal_outbox_oldest_age_seconds``, ``portal_up{check}``.
- Apps add their own state gauges with ``register_gauge`` (payments and shipments by status, …)::

      from core import metrics
      metrics.register_state_counts(
          "portal_payments", "Payments by status.", model="payments.Payment", field="status"
      )

  or, for anything else, ``metrics.register_gauge(name, documentation, collect, labels=("status",))``
  where ``collect()`` returns ``[(labels_tuple, value), ...]``. Register in the app's
  ``AppConfig.ready()``; a gauge whose ``collect`` fails is skipped for that scrape and logged.

Access: only from ``METRICS_ALLOWED_NETWORKS`` (loopback by default) on a request that did not come
through a proxy, or with ``Authorization: Bearer <METRICS_TOKEN>`` when a token is set.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

_histogram = None
_histogram_lock = threading.Lock()


def _request_histogram():
    """Made once per process. gunicorn's threads ask at the same moment on the first requests: the
    lock keeps the second from registering the same series again (DuplicateTimeseries)."""
    global _histogram
    if _histogram is None:
        with _histogram_lock:
            if _histogram is None:
                from prometheus_client import Histogram

                _histogram = Histogram(
                    "portal_http_request_duration_seconds",
                    "Time to answer an HTTP request, by view.",
                    ["view", "method", "status"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
                )
    return _histogram


class MetricsMiddleware:
    """Records every request's duration under its view name (``<unresolved>`` for a 404 before routing)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else "<unresolved>"
        try:
            _request_histogram().labels(view, request.method, f"{response.status_code // 100}xx").observe(
                time.perf_counter() - started
            )
        except Exception:  # metrics must never break a request
            logger.exception("metrics: could not record a request")
        return response


# --- registered gauges ----------------------------------------------------------------------------


@dataclass
class Gauge:
    name: str
    documentation: str
    collect: Callable[[], Iterable[tuple[tuple[str, ...], float]]]
    labels: tuple[str, ...] = field(default_factory=tuple)


_gauges: dict[str, Gauge] = {}


def register_gauge(
    name: str,
    documentation: str,
    collect: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
    *,
    labels: Iterable[str] = (),
) -> None:
    """Add a gauge computed at every scrape. Registering the same name again replaces it."""
    _gauges[name] = Gauge(name, documentation, collect, tuple(labels))


def register_state_counts(name: str, documentation: str, *, model: str, field: str = "status") -> None:
    """A gauge ``<name>{<field>=…}``: how many rows of ``model`` ("app_label.Model") are in each state."""
    from django.apps import apps
    from django.db.models import Count

    def collect():
        Model = apps.get_model(model)  # noqa: N806
        rows = Model.objects.order_by().values_list(field).annotate(n=Count("pk"))
        return [((str(value),), count) for value, count in rows]

    register_gauge(name, documentation, collect, labels=(field,))


def registered_gauges() -> list[Gauge]:
    return list(_gauges.values())


def _builtin_gauges() -> list[Gauge]:
    from . import health

    def queue_lengths():
        return [((queue,), depth) for queue, depth in health.celery_queue_depths().items()]

    def outbox_pending():
        return [((), health.outbox_backlog()["pending"])]

    def outbox_age():
        return [((), health.outbox_backlog()["oldest_age_seconds"])]

    def up():
        return [(("database",), int(health.database_ok())), (("broker",), int(health.broker_ok()))]

    return [
        Gauge("portal_celery_queue_length", "Tasks waiting in each Celery queue.", queue_lengths, ("queue",)),
        Gauge("portal_outbox_pending", "Notifications queued and due, or being sent.", outbox_pending),
        Gauge(
            "portal_outbox_oldest_age_seconds",
            "Age of the oldest notification still owed (0 when none).",
            outbox_age,
        ),
        Gauge("portal_up", "1 when the dependency answers.", up, ("check",)),
    ]


class _ScrapeCollector:
    def collect(self):
        from prometheus_client.core import GaugeMetricFamily

        for gauge in _builtin_gauges() + registered_gauges():
            try:
                samples = list(gauge.collect())
            except Exception as exc:  # noqa: BLE001 - one broken gauge must not hide the others
                logger.warning("metrics: gauge %s failed: %s", gauge.name, exc.__class__.__name__)
                continue
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            for label_values, value in samples:
                family.add_metric(list(label_values), float(value))
            yield family


def render() -> tuple[bytes, str]:
    """The exposition text: request histograms (added up over processes) and the scrape-time gauges."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    _request_histogram()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_RegistryProxy(REGISTRY))
    registry.register(_ScrapeCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _RegistryProxy:
    def __init__(self, registry) -> None:
        self.registry = registry

    def collect(self):
        yield from self.registry.collect()


# --- access ---------------------------------------------------------------------------------------


def allowed(request: HttpRequest) -> bool:
    """A token when one is set; otherwise (or also) a direct connection from a trusted network."""
    import hmac

    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    if request.headers.get("X-Forwarded-For") or request.headers.get("Forwarded"):
        return False  # through the proxy: the connecting address is the proxy's, not the client's
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_NETWORKS
    )
