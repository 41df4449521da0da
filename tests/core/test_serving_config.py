"""gunicorn's keep-alive against the proxy's: the side that closes an idle connection first must be
the proxy, or a request it sends on that connection meets a reset."""

import re
import runpy
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gunicorn(monkeypatch, **env) -> dict:
    for name in ("GUNICORN_KEEPALIVE", "GUNICORN_MAX_REQUESTS"):
        monkeypatch.delenv(name, raising=False)
    # Set, so that reading the file makes no temporary metrics folder (restored after the test).
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(ROOT / "var"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def _seconds(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(s|m)", value).groups()
    return int(number) * (60 if unit == "m" else 1)


def test_gunicorn_keeps_idle_connections_longer_than_the_proxy(monkeypatch):
    config = _gunicorn(monkeypatch)
    caddy = re.search(r"transport http \{[^}]*keepalive (\w+)", (ROOT / "Caddyfile").read_text())
    assert caddy, "the Caddyfile names its idle timeout to gunicorn"
    assert config["keepalive"] > _seconds(caddy.group(1))
    assert _gunicorn(monkeypatch, GUNICORN_KEEPALIVE="90")["keepalive"] == 90


def test_workers_are_not_recycled_unless_asked(monkeypatch):
    config = _gunicorn(monkeypatch)
    assert config["max_requests"] == 0 and config["max_requests_jitter"] == 0
    asked = _gunicorn(monkeypatch, GUNICORN_MAX_REQUESTS="2000")
    assert asked["max_requests"] == 2000 and asked["max_requests_jitter"] == 200


def test_each_worker_loads_the_holiday_calendar_before_its_first_request(monkeypatch):
    """The calendar costs half a second the first time in a process: gunicorn loads it in
    ``post_worker_init``, not the first submission of a rush."""
    from dossiers import holidays

    monkeypatch.setattr(holidays, "_years", {})
    _gunicorn(monkeypatch)["post_worker_init"](worker=None)
    this_year = date.today().year
    assert set(holidays._years) == {this_year, this_year + 1}
