"""Liveness, readiness, metrics, request ids, the cache beside the broker, and production's refusals."""

import json
import logging
import os
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core import health, metrics, ratelimit, requestid
from core.cache import ResilientRedisCache
from core.logging import JsonFormatter
from notifications.constants import Channel, Status
from notifications.models import Message

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- /healthz -------------------------------------------------------------------------------------


def test_healthz_reuses_one_redis_connection_pool(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    client.get("/healthz")
    client.get("/healthz")
    # One pool per URL for the whole process, not a new client and connection per call.
    assert health._redis_pool.cache_info().currsize >= 1
    assert health.redis_client(settings.CELERY_BROKER_URL).connection_pool is health._redis_pool(
        settings.CELERY_BROKER_URL
    )


def test_healthz_answers_head(client):
    assert client.head("/healthz").status_code == 200


# --- /readyz --------------------------------------------------------------------------------------


def test_readyz_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ready"
    assert body["migrations"] == {"ok": True, "unapplied": 0}
    assert body["outbox"]["ok"] is True and body["storage"]["ok"] is True


def test_readyz_broker_down_is_503_with_a_reason(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "broker unavailable" in response.json()["reasons"]
    # liveness stays 200: a broker outage must not get the web processes restarted
    assert client.get("/healthz").status_code == 200


def test_readyz_knows_about_unapplied_migrations(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, app, name, applied FROM django_migrations WHERE app = 'notifications' ORDER BY id DESC"
        )
        row = cursor.fetchone()
        cursor.execute("DELETE FROM django_migrations WHERE id = %s", [row[0]])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migrations"] == {"ok": False, "unapplied": 1}
    assert "1 migrations not applied" in response.json()["reasons"]


def test_readyz_old_pending_outbox_row_is_not_ready(client, settings):
    settings.READINESS_OUTBOX_MAX_AGE_SECONDS = 600
    message = Message.objects.create(channel=Channel.SMS, recipient="+84912345678", event="x", body_text="x")
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    assert client.get("/readyz").status_code == 200
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=20))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["outbox"]["pending"] == 1
    assert response.json()["outbox"]["oldest_age_seconds"] >= 1200
    # A retry scheduled for later is not a backlog; a delivered row is not owed.
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=20))
    assert client.get("/readyz").status_code == 200
    Message.objects.filter(pk=message.pk).update(status=Status.DELIVERED)
    assert client.get("/readyz").status_code == 200


def test_readyz_stuck_sending_row_counts_from_its_claim(client, settings):
    settings.READINESS_OUTBOX_MAX_AGE_SECONDS = 600
    Message.objects.create(
        channel=Channel.EMAIL,
        recipient="an@example.vn",
        event="x",
        body_text="x",
        status=Status.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
    )
    assert client.get("/readyz").status_code == 503


# --- /metrics -------------------------------------------------------------------------------------


def test_metrics_from_loopback_show_latency_by_view_and_the_outbox(client):
    client.get("/procedures/")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'portal_http_request_duration_seconds_count{method="GET",status="2xx",view="procedures:list"}' in text
    )
    assert "portal_outbox_oldest_age_seconds 0.0" in text
    assert "portal_outbox_pending 0.0" in text


def test_metrics_refused_through_the_proxy_or_from_elsewhere(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus"
        ).status_code
        == 200
    )
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 404
    )


def test_apps_register_state_gauges(client):
    metrics.register_state_counts(
        "portal_test_messages", "Messages by status.", model="notifications.Message", field="status"
    )
    metrics.register_gauge("portal_test_broken", "A gauge that fails.", lambda: 1 / 0)
    try:
        Message.objects.create(channel=Channel.SMS, recipient="+84912345678", event="x", body_text="x")
        text = client.get("/metrics").content.decode()
        assert 'portal_test_messages{status="queued"} 1.0' in text
        assert "portal_test_broken" not in text.replace("# HELP portal_test_broken", "")  # skipped, logged
        assert "portal_outbox_pending 1.0" in text
    finally:
        metrics._gauges.pop("portal_test_messages", None)
        metrics._gauges.pop("portal_test_broken", None)


# --- request ids ----------------------------------------------------------------------------------


def test_request_id_is_returned_and_a_good_incoming_one_kept(client):
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-abc-12345")["X-Request-ID"] == "proxy-abc-12345"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x"}\n{"level":"CRITICAL')["X-Request-ID"]
    assert forged != 'x"}\n{"level":"CRITICAL' and len(forged) == 32


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("portal.test", logging.INFO, __file__, 1, "nộp hồ sơ %s", ("H24",), None)
    token = requestid.activate("req-0123456789")
    try:
        requestid.RequestIdFilter().filter(record)
    finally:
        requestid.deactivate(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["request_id"] == "req-0123456789"
    assert data["message"] == "nộp hồ sơ H24"
    assert data["level"] == "INFO" and data["time"].endswith("+00:00")


def test_task_headers_carry_the_request_id():
    headers: dict = {}
    token = requestid.activate("req-abcdef123456")
    try:
        requestid._before_publish(headers=headers)
    finally:
        requestid.deactivate(token)
    assert headers == {"request_id": "req-abcdef123456"}

    class Task:
        class request:  # noqa: N801
            request_id = "req-abcdef123456"

    requestid._prerun(task_id="t-1", task=Task)
    try:
        assert requestid.get() == "req-abcdef123456"
    finally:
        requestid._postrun(task_id="t-1")
    assert requestid.get() == ""


# --- the cache beside the broker ------------------------------------------------------------------


def _settings_in_subprocess(env: dict, code: str) -> subprocess.CompletedProcess:
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "dichvucong.example.vn",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
        "EMAIL_URL": "smtp://relay.example.vn:25",
        "SMS_PROVIDER": "http",
    }
    base.update(env)
    base = {k: v for k, v in base.items() if v is not None}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=base,
        capture_output=True,
        text=True,
        check=False,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )


def test_cache_and_queue_use_different_redis_databases():
    result = _settings_in_subprocess(
        {"REDIS_URL": "redis://redis:6379/0"},
        "from django.conf import settings as s; print(s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://redis:6379/0", "redis://redis:6379/1"]
    result = _settings_in_subprocess(
        {"REDIS_URL": "redis://redis:6379/0", "REDIS_CACHE_URL": "redis://cache:6379/3"},
        "from django.conf import settings as s; print(s.CACHES['default']['LOCATION'])",
    )
    assert result.stdout.strip() == "redis://cache:6379/3"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis server)")
def test_cache_clear_never_wipes_queued_tasks():
    import redis

    broker_url = os.environ["REDIS_URL"]
    from portal.settings.base import _redis_db_plus_one

    cache = ResilientRedisCache(_redis_db_plus_one(broker_url), {})
    broker = redis.Redis.from_url(broker_url)
    queue = f"test-queue-{os.getpid()}"
    broker.rpush(queue, "a task")
    try:
        cache.set("k", "v")
        cache.clear()
        assert cache.get("k") is None
        assert broker.llen(queue) == 1
    finally:
        broker.delete(queue)


def test_cache_degrades_to_a_miss_when_redis_is_down(settings):
    down = ResilientRedisCache(
        f"redis://127.0.0.1:{closed_port()}/1", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert down.get("k", "default") == "default"
    down.set("k", "v")
    assert down.add("k", 0) is True
    with pytest.raises(ValueError):
        down.incr("k")
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    # Rate limits fail open (documented) instead of a 500.
    assert ratelimit.hit("test", "key", limit=1, window_seconds=60) is True


# --- production refusals --------------------------------------------------------------------------


def test_production_requires_an_smtp_relay():
    result = _settings_in_subprocess({"EMAIL_URL": None}, "")
    assert result.returncode != 0
    assert "EMAIL_URL must be set in production" in result.stderr


def test_production_refuses_a_simulator_unless_staging():
    result = _settings_in_subprocess({"SMS_PROVIDER": "simulator"}, "")
    assert result.returncode != 0
    assert "refuses to start with a simulator: SMS_PROVIDER=simulator" in result.stderr
    allowed = _settings_in_subprocess(
        {"SMS_PROVIDER": "simulator", "ALLOW_SIMULATORS": "true"}, "print('up')"
    )
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.strip() == "up"


def test_simulator_check_covers_every_registry_in_settings(settings):
    from core.simulators import simulators_in_use

    settings.CARRIERS = {
        "simulator": f"{__name__}.CarrierSimulatorPlugin",
        "vnpost": f"{__name__}.CarrierRealPlugin",
    }
    settings.CARRIER = "simulator"
    settings.SMS_PROVIDER = "http"
    settings.BUSINESS_REGISTER = "manual"
    settings.PAYMENT_GATEWAY = "vnpay"
    assert simulators_in_use() == ["CARRIER=simulator"]
    settings.CARRIER = "vnpost"
    assert simulators_in_use() == []


class CarrierSimulatorPlugin:
    is_simulator = True


class CarrierRealPlugin:
    is_simulator = False


def test_production_trusts_no_forwarded_proto_itself():
    result = _settings_in_subprocess(
        {}, "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.LOG_FORMAT)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "json"]


def test_beat_health_reads_when_beat_last_sent_the_sweeper():
    from django.core.management import CommandError, call_command
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    with pytest.raises(CommandError, match="has not sent"):
        call_command("beat_health")
    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(
        name="notifications-sweep", task="notifications.sweep", interval=every, last_run_at=timezone.now()
    )
    call_command("beat_health")
    PeriodicTask.objects.filter(pk=task.pk).update(last_run_at=timezone.now() - timedelta(minutes=15))
    with pytest.raises(CommandError, match="limit 600 s"):
        call_command("beat_health")


def test_the_dev_sms_provider_counts_as_a_simulator(settings):
    from core.simulators import simulators_in_use

    settings.SMS_PROVIDER = "dev"
    settings.BUSINESS_REGISTER = "manual"
    settings.PAYMENT_GATEWAY = "vnpay"
    settings.CARRIER = "http"  # the carrier simulator is the development default too
    assert simulators_in_use() == ["SMS_PROVIDER=dev"]


def test_nul_never_reaches_postgresql(client):
    """PostgreSQL cannot store NUL: core.middleware.MalformedInputMiddleware keeps it out (the battery
    found /dossiers/%00/ giving a 500)."""
    assert client.get("/dossiers/%00/").status_code == 404
    search = client.get("/procedures/?q=khai%00%20sinh")
    assert search.status_code == 200 and search.wsgi_request.GET["q"] == "khai sinh"
    body = "code=000%00.21&phone_last4=1234"
    response = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert client.get("/procedures/", {"q": "giấy khai sinh"}).status_code == 200
