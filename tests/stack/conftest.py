"""The running stack for the battery (``make battery``; reliability.md R1-R9, S1-S6).

A session fixture starts the processes of the Procfile (the same command lines ``make stack`` runs with
honcho) on free ports, with their own PostgreSQL cluster, Redis and S3 in a temporary folder, two
gunicorn instances (web A and web B) sharing them, two Celery workers and beat. Each process is in its
own process group, so a scenario can SIGKILL a worker or stop PostgreSQL or Redis and start it again.

This test process reads and writes the stack's database through the ORM (the default connection is
pointed at it), signs people in by writing sessions with the stack's secret key, publishes tasks to the
stack's Redis and stores files in the stack's bucket, exactly as a web process would. Every request of
a scenario goes over HTTP through gunicorn.

The battery runs only with ``STACK_BATTERY=1`` (``make battery`` sets it) and when PostgreSQL's and
Redis's server binaries are installed. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import functools
import html.parser
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts import processes
from scripts.processes import free_port  # noqa: F401 - the battery takes it from here

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("stack_script", ROOT / "scripts" / "stack.py")
stack_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stack_script)

WAIT = 120.0


def battery_skip_reason() -> str | None:
    if os.environ.get("STACK_BATTERY") != "1":
        return "the battery runs with STACK_BATTERY=1 (make battery)"
    missing = stack_script.missing_packages()
    if missing:
        return f"the battery needs {', '.join(missing)} installed"
    return None


# Shared with the real-worker tests and the benches (scripts/processes.py); a stack still starting
# answers with errors, which count as "not yet".
wait_for = functools.partial(processes.wait_for, timeout=WAIT, until_no_error=True)


# --- processes ------------------------------------------------------------------------------------


class Process:
    """One Procfile line, run by the shell as honcho does, in its own process group."""

    def __init__(self, name: str, command: str, env: dict, log_dir: Path) -> None:
        self.name, self.command, self.env, self.log_dir = name, command, env, log_dir
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        assert self.popen is None or self.popen.poll() is not None, f"{self.name} is running"
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n--- start {self.starts} ---\n".encode())
            self.popen = subprocess.Popen(
                ["/bin/sh", "-c", self.command],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signum)

    def kill(self) -> None:
        """SIGKILL the whole group (the process and its children) and reap it."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=15)
        wait_for(lambda: not processes.group_alive(self.popen.pid), f"{self.name} to die", timeout=20)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM (what honcho sends on Ctrl-C), then SIGKILL after ``timeout``."""
        if not self.running():
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(AssertionError):
            wait_for(lambda: not processes.group_alive(self.popen.pid), f"{self.name} to stop", timeout=15)

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class Stack:
    folder: Path
    env: dict
    ports: dict
    processes: dict = field(default_factory=dict)

    @property
    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.ports['web_a']}", f"http://127.0.0.1:{self.ports['web_b']}"]

    @property
    def mail_dir(self) -> Path:
        return self.folder / "mail"

    def __getitem__(self, name: str) -> Process:
        return self.processes[name]

    def logs(self, *names: str, chars: int = 2500) -> str:
        names = names or tuple(self.processes)
        return "\n".join(f"--- {n} ---\n{self.processes[n].log_tail(chars)}" for n in names)

    def stop_all(self) -> None:
        for name in (
            "beat",
            "worker.1",
            "worker.2",
            "web.a",
            "web.b",
            "migrate",
            "mailpit",
            "minio",
            "redis",
        ):
            if name in self.processes:
                self.processes[name].stop(timeout=20)
        if "postgres" in self.processes:
            self.processes["postgres"].stop(timeout=30)


def _env_for(base: dict, **extra) -> dict:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {**keep, **base, **{k: str(v) for k, v in extra.items()}, "PYTHONUNBUFFERED": "1"}


# A staging site (ALLOW_SIMULATORS=true in scripts/stack.env): the VNPAY-protocol gateway simulator
# and the carrier simulator, with secrets of their own. This process signs IPNs and carrier webhooks
# with the same values (_point_this_process_at), as the gateway and the carrier would.
CALLBACKS = {
    "PAYMENT_GATEWAY": "vnpay_simulator",
    "PAYMENT_SIMULATOR": "true",
    "VNPAY_TMN_CODE": "STACKDVC",
    "VNPAY_HASH_SECRET": "stack-only-vnpay-hash-secret-5e1f0a9b8c7d6e5f",
    "CARRIER": "simulator",
    "CARRIER_WEBHOOK_SECRET": "stack-only-carrier-webhook-secret-3c2b1a0f",
}


def start_stack() -> Stack:
    from honcho.environ import parse_procfile

    folder = Path(tempfile.mkdtemp(prefix="portal-battery-"))
    os.chmod(folder, 0o755)  # noqa: S103 - the postgres user must reach its data folder
    ports = {name: free_port() for name in ("web_a", "web_b", "pg", "redis", "smtp", "mail", "s3")}
    rendered = stack_script.render_env(
        folder,
        {
            "STACK_WEB_PORT": ports["web_a"],
            "STACK_PG_PORT": ports["pg"],
            "STACK_REDIS_PORT": ports["redis"],
            "STACK_SMTP_PORT": ports["smtp"],
            "STACK_MAIL_PORT": ports["mail"],
            "STACK_S3_PORT": ports["s3"],
        },
    )
    rendered.update(
        DJANGO_CSRF_TRUSTED_ORIGINS=",".join(f"http://127.0.0.1:{ports[w]}" for w in ("web_a", "web_b")),
        STACK_DEMO="reference",
        # Faster recovery than production's defaults, still far above the time a send takes.
        NOTIFICATIONS_SWEEP_EVERY_SECONDS="5",
        NOTIFICATIONS_SWEEP_AFTER_SECONDS="45",
        NOTIFICATIONS_STALE_SENDING_SECONDS="30",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="4",
        **CALLBACKS,
    )
    stack_script.init_postgres(folder)
    procfile = parse_procfile((ROOT / "Procfile").read_text()).processes
    stack = Stack(folder=folder, env=rendered, ports=ports)
    logs = folder / "logs"
    logs.mkdir()
    plan = [
        ("postgres", "postgres", {}),
        ("redis", "redis", {}),
        ("minio", "minio", {}),
        ("mailpit", "mailpit", {}),
        ("migrate", "migrate", {}),
        ("web.a", "web", {"STACK_WEB_PORT": ports["web_a"]}),
        ("web.b", "web", {"STACK_WEB_PORT": ports["web_b"]}),
        ("worker.1", "worker", {"PORT": 1}),
        ("worker.2", "worker", {"PORT": 2}),
        ("beat", "beat", {}),
    ]
    for name, entry, extra in plan:
        process = Process(name, procfile[entry], _env_for(rendered, **extra), logs)
        stack.processes[name] = process
        process.start()
    try:
        wait_for(
            lambda: "the one-shot is done" in stack["migrate"].log_text(),
            "the migrate one-shot",
            timeout=600,
            interval=1,
            diagnostics=lambda: stack.logs("migrate", "postgres"),
        )
        for url in stack.web_urls:
            wait_for(
                lambda url=url: _ready(url), f"{url}/readyz", diagnostics=lambda: stack.logs("web.a", "web.b")
            )
        for name in ("worker.1", "worker.2"):
            wait_for(lambda name=name: " ready." in stack[name].log_text(), f"{name} ready")
    except BaseException:
        print(stack.logs())
        stack.stop_all()
        raise
    return stack


def _ready(url: str) -> bool:
    import requests

    return requests.get(f"{url}/readyz", timeout=5).status_code == 200


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stack(django_db_blocker):
    reason = battery_skip_reason()
    if reason:
        pytest.skip(reason)
    started = start_stack()
    blocker = django_db_blocker.unblock()
    blocker.__enter__()
    restore = _point_this_process_at(started)
    try:
        yield started
    finally:
        restore()
        blocker.__exit__(None, None, None)
        started.stop_all()
        if os.environ.get("STACK_KEEP_LOGS"):
            print(f"\nbattery folder kept: {started.folder}")
        else:
            shutil.rmtree(started.folder, ignore_errors=True)


def _point_this_process_at(stack: Stack):
    """The ORM, sessions, the task broker and the file storage of this process become the stack's."""
    import environ
    from django.db import connections
    from django.test.utils import override_settings

    from portal.celery import app

    config = environ.Env.db_url_config(stack.env["DATABASE_URL"])
    config.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=True)
    connections["default"].close()
    connections.settings["default"] = connections.configure_settings({"default": config})["default"]
    del connections["default"]
    storages = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": stack.env["AWS_STORAGE_BUCKET_NAME"],
                "endpoint_url": stack.env["AWS_S3_ENDPOINT_URL"],
                "access_key": stack.env["AWS_ACCESS_KEY_ID"],
                "secret_key": stack.env["AWS_SECRET_ACCESS_KEY"],
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override = override_settings(
        SECRET_KEY=stack.env["DJANGO_SECRET_KEY"],
        STORAGES=storages,
        CELERY_TASK_ALWAYS_EAGER=False,
        CELERY_BROKER_URL=stack.env["REDIS_URL"],
        PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"],
        PORTAL_BASE_URL=stack.env["PORTAL_BASE_URL"],
        PAYMENT_GATEWAY=stack.env["PAYMENT_GATEWAY"],
        PAYMENT_SIMULATOR=True,
        VNPAY_TMN_CODE=stack.env["VNPAY_TMN_CODE"],
        VNPAY_HASH_SECRET=stack.env["VNPAY_HASH_SECRET"],
        CARRIER=stack.env["CARRIER"],
        CARRIER_WEBHOOK_SECRET=stack.env["CARRIER_WEBHOOK_SECRET"],
    )
    override.enable()
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.broker_url = stack.env["REDIS_URL"]
    app.conf.task_always_eager = False
    _reset_producer_pool(app)

    def restore():
        _reset_producer_pool(app)
        app.conf.broker_url, app.conf.task_always_eager = saved["broker_url"], saved["task_always_eager"]
        override.disable()
        connections["default"].close()

    return restore


def _reset_producer_pool(app) -> None:
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


# --- the report -----------------------------------------------------------------------------------

RESULTS: list[tuple[str, str, str]] = []


@pytest.fixture
def report(request):
    """``report(scenario, what_it_did, what_held)``: one row of the battery's table."""
    rows: list[tuple[str, str, str]] = []

    def add(scenario: str, did: str, held: str) -> None:
        rows.append((scenario, did, held))

    yield add
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for scenario, did, held in rows:
        RESULTS.append((scenario, did, f"**FAILED**: {held}" if failed else held))
    if failed and not rows:
        RESULTS.append((request.node.name, "", "**FAILED**"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    result = outcome.get_result()
    setattr(item, f"rep_{result.when}", result)


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    order = {
        name: i
        for i, name in enumerate(
            ["scale-out", *[f"R{i}" for i in range(1, 10)], *[f"S{i}" for i in range(1, 7)]]
        )
    }
    rows = sorted(RESULTS, key=lambda row: order.get(row[0], 99))
    terminalreporter.write_line("")
    terminalreporter.write_line("| scenario | what it did | what held |")
    terminalreporter.write_line("|---|---|---|")
    for scenario, did, held in rows:
        terminalreporter.write_line(f"| {scenario} | {did} | {held} |")


# --- HTTP helpers ---------------------------------------------------------------------------------


class Forms(html.parser.HTMLParser):
    """Every <form> of a page: its action, method and the fields a browser would send by default."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {
                "action": attrs.get("action", ""),
                "method": attrs.get("method", "get"),
                "fields": {},
            }
            self.forms.append(self._current)
        elif self._current is not None and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("hidden", "text") or (kind in ("checkbox", "radio") and "checked" in attrs):
                self._current["fields"][attrs["name"]] = attrs.get("value", "")
        elif self._current is not None and tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._current["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._current is not None:
            self._current["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._current = None


def forms_of(page: str) -> list[dict]:
    parser = Forms()
    parser.feed(page)
    return parser.forms


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    assert match, f"no field {name} in the page"
    return match.group(1)


class Browser:
    """A person's browser: one cookie jar, requests sent to the web servers in turn (round-robin) or
    to one of them, redirects followed through the same rotation. Records which server answered."""

    def __init__(self, bases: list[str], *, rotate: bool = True, start: int = 0) -> None:
        import requests

        self.session = requests.Session()
        self.bases = bases
        self.rotate = rotate
        self.turn = start
        self.served_by: list[str] = []
        self.request_ids: list[tuple[str, str, str]] = []  # (method, path, X-Request-ID)

    def _base(self) -> str:
        base = self.bases[self.turn % len(self.bases)]
        if self.rotate:
            self.turn += 1
        self.served_by.append(base)
        return base

    def csrf(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def request(self, method: str, path: str, *, follow: bool = True, **kwargs):
        headers = kwargs.pop("headers", {}) or {}
        if method == "POST":
            headers.setdefault("X-CSRFToken", self.csrf())
        response = self.session.request(
            method, self._base() + path, allow_redirects=False, timeout=60, headers=headers, **kwargs
        )
        self.request_ids.append((method, path, response.headers.get("X-Request-ID", "")))
        hops = 0
        while follow and response.status_code in (301, 302, 303) and hops < 10:
            location = response.headers["Location"]
            location = re.sub(r"^https?://[^/]+", "", location)
            response = self.session.get(self._base() + location, allow_redirects=False, timeout=60)
            self.served_by.append(self.served_by[-1])
            hops += 1
        return response

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        return self.request("POST", path, data=data, **kwargs)


def signed_in(stack: Stack, user, *, staff: bool = False, rotate: bool = True, start: int = 0) -> Browser:
    """A browser already signed in as ``user`` (staff: past the second factor, as after a real TOTP
    sign-in), by writing the session the stack would have written."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    browser = Browser(stack.web_urls, rotate=rotate, start=start)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if staff:
        from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        now = time.time()
        store[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": now},
            {"method": "mfa", "type": "totp", "at": now},
        ]
        store["account_authentication_methods_user"] = str(user.pk)
    store.save()
    host = "127.0.0.1"
    browser.session.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key, domain=host)
    browser.get("/")  # the CSRF cookie, as a first page view sets it
    if not browser.csrf():
        browser.get("/lookup/")
    return browser
