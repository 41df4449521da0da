"""docker-compose.yml, its override, the Procfile of ``make stack`` and scripts/stack.env describe one
topology: this test keeps them honest. No Docker engine runs on the project's machines, so the compose
files are checked by parsing them (PyYAML), not by running them."""

import re
from pathlib import Path

import pytest
import yaml
from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
# Services of compose that the stack does not run as a process, and why.
COMPOSE_ONLY = {
    "proxy": "make stack serves gunicorn directly without TLS (DJANGO_SECURE_SSL_REDIRECT=false)",
    "minio-init": "the stack's migrate process creates the bucket",
}


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compose() -> dict:
    return load("docker-compose.yml")


@pytest.fixture(scope="module")
def override() -> dict:
    return load("docker-compose.override.yml")


@pytest.fixture(scope="module")
def procfile() -> dict:
    return parse_procfile((ROOT / "Procfile").read_text(encoding="utf-8")).processes


def stack_env_keys() -> set[str]:
    keys = set()
    for line in (ROOT / "scripts" / "stack.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            keys.add(line.split("=", 1)[0])
    return {key for key in keys if not key.startswith("STACK_")}


def test_same_services_in_the_stack_and_in_compose(compose, override, procfile):
    services = set(compose["services"]) | set(override["services"])
    assert set(procfile) == services - set(COMPOSE_ONLY), (sorted(procfile), sorted(services))


def test_same_settings_in_the_stack_and_in_compose(compose):
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        assert set(environment) == stack_env_keys(), name


def test_every_setting_given_is_read_by_someone():
    read = "".join(p.read_text() for p in (ROOT / "portal" / "settings").glob("*.py"))
    read += (ROOT / "gunicorn.conf.py").read_text()
    unread = {key for key in stack_env_keys() if f'"{key}"' not in read}
    # DJANGO_SETTINGS_MODULE is read by Django itself; TRUSTED_PROXY_COUNT by the client-address
    # setting (django-ipware) of the security work, set here for when it lands.
    assert unread <= {"DJANGO_SETTINGS_MODULE", "TRUSTED_PROXY_COUNT"}, unread


def test_production_publishes_only_the_proxy(compose):
    published = {name: svc.get("ports") for name, svc in compose["services"].items() if svc.get("ports")}
    assert published == {"proxy": ["80:80", "443:443", "443:443/udp"]}
    assert "mailpit" not in compose["services"]
    assert "--console-address" not in compose["services"]["minio"]["command"]


def test_development_conveniences_are_in_the_override_on_loopback(override):
    assert set(override["services"]["mailpit"]) >= {"image", "ports"}
    for name, service in override["services"].items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), (name, port)


def test_one_image_built_once_and_every_image_pinned(compose, override):
    apps = [compose["services"][name] for name in APP_SERVICES]
    assert len({service["image"] for service in apps}) == 1
    assert [name for name in APP_SERVICES if "build" in compose["services"][name]] == ["migrate"]
    for name, service in {**compose["services"], **override["services"]}.items():
        image = service.get("image")
        if image is None:
            continue
        assert ":" in image and not image.endswith(":latest"), (name, image)
        tag = image.rsplit(":", 1)[1]
        assert re.search(r"\d+\.\d+|RELEASE\.", tag), f"{name}: {image} is not pinned to a release"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11\.\d+-slim-bookworm$", dockerfile, re.M)
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py"' in dockerfile


def test_app_services_read_env_file_and_wait_for_the_one_shots(compose):
    for name in APP_SERVICES:
        assert compose["services"][name]["env_file"] == [".env"], name
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["minio-init"] == {"condition": "service_completed_successfully"}, name
        assert depends["postgres"] == {"condition": "service_healthy"}, name
    assert compose["services"]["migrate"]["restart"] == "no"
    assert compose["services"]["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    assert compose["services"]["minio-init"]["depends_on"]["minio"] == {"condition": "service_healthy"}


def test_healthchecks(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat", "minio", "postgres", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), name
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    assert "beat_health" in services["beat"]["healthcheck"]["test"]
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_cache_and_queue_on_different_redis_databases(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["REDIS_URL"].rsplit("/", 1)[1] != environment["REDIS_CACHE_URL"].rsplit("/", 1)[1]


def test_production_needs_a_relay_a_base_url_and_no_simulator(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["EMAIL_URL"].startswith("${EMAIL_URL:?")
    assert environment["PORTAL_BASE_URL"].startswith("${PORTAL_BASE_URL:?")
    assert environment["SMS_PROVIDER"] == "${SMS_PROVIDER:-http}"
    assert environment["ALLOW_SIMULATORS"] == "${ALLOW_SIMULATORS:-false}"
    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "${DJANGO_SECURE_SSL_REDIRECT:-true}"


def test_only_the_proxy_is_trusted_with_forwarded_headers(compose):
    services = compose["services"]
    proxy_address = services["proxy"]["networks"]["edge"]["ipv4_address"]
    assert services["web"]["environment"]["FORWARDED_ALLOW_IPS"] == proxy_address
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == 1
    assert set(services["web"]["networks"]) == {"backend", "edge"}
    on_edge = [name for name, svc in services.items() if "edge" in (svc.get("networks") or [])]
    assert sorted(on_edge) == ["proxy", "web"]
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert re.search(r"@internal path /metrics.*\n\s*respond @internal 404", caddyfile)
    assert "health_uri /readyz" in caddyfile


def test_stack_and_compose_run_the_same_commands(compose, procfile):
    assert "gunicorn -c gunicorn.conf.py" in procfile["web"]
    assert compose["services"]["web"]["command"][:3] == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert "celery -A portal worker" in procfile["worker"]
    assert "celery -A portal beat" in procfile["beat"]
    for name in ("web", "worker", "beat"):
        assert procfile[name].startswith(".venv/bin/python scripts/stack.py wait && exec "), name


def test_pages_come_before_tasks_where_they_share_the_cores(compose, procfile):
    # compose: a CPU weight below web's default of 1024; the stack: a lower priority.
    assert compose["services"]["worker"]["cpu_shares"] < compose["services"]["web"].get("cpu_shares", 1024)
    assert " exec nice -n 10 .venv/bin/celery -A portal worker" in procfile["worker"]
