"""``make stack``: the production topology as local processes, no Docker (see the Procfile).

    python scripts/stack.py up            # fresh var/stack/, then honcho runs the Procfile (Ctrl-C stops all)
    python scripts/stack.py service NAME  # one data service: postgres | redis | s3 | smtp
    python scripts/stack.py migrate       # the one-shot: database, migrations, static files, bucket, demo data
    python scripts/stack.py wait          # until the database is migrated and the bucket exists

PostgreSQL and Redis are the machine's own binaries, started on their own ports with their data under
``var/stack/`` (never the machine's shared servers). When they are not installed, ``up`` prints the
command that installs them and stops: it never installs a service by itself.

moto's S3 server keeps objects in memory, so every ``up`` starts from an empty ``var/stack/``: a fresh
database, an empty bucket, the demo data loaded again. The battery (``tests/stack/``) uses the same
functions with its own ports and folder.
"""

from __future__ import annotations

import email
import email.policy
import glob
import html
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
ENV_TEMPLATE = ROOT / "scripts" / "stack.env"
DEFAULT_PORTS = {
    "STACK_WEB_PORT": 8170,
    "STACK_PG_PORT": 8172,
    "STACK_REDIS_PORT": 8173,
    "STACK_SMTP_PORT": 8180,
    "STACK_MAIL_PORT": 8181,
    "STACK_S3_PORT": 8185,
}
BUCKET_ENV = "AWS_STORAGE_BUCKET_NAME"
WAIT_SECONDS = 300


def log(message: str) -> None:
    print(f"[stack] {message}", flush=True)


# --- what is installed ----------------------------------------------------------------------------


def pg_binary(name: str) -> str | None:
    """A PostgreSQL server binary (Debian keeps them in /usr/lib/postgresql/<version>/bin)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else shutil.which(name)


def missing_packages() -> list[str]:
    missing = []
    if not (pg_binary("initdb") and pg_binary("postgres")):
        missing.append("postgresql")
    if not shutil.which("redis-server"):
        missing.append("redis-server")
    return missing


# --- environment ----------------------------------------------------------------------------------


def render_env(stack_dir: Path, ports: dict[str, int]) -> dict[str, str]:
    """scripts/stack.env with its ${STACK_*} placeholders filled in."""
    values = {**{k: str(v) for k, v in ports.items()}, "STACK_DIR": str(stack_dir)}
    env: dict[str, str] = {}
    for line in ENV_TEMPLATE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        env[key] = re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], value)
    return env


def write_env_file(path: Path, env: dict[str, str]) -> None:
    path.write_text("".join(f"{key}={value}\n" for key, value in env.items()), encoding="utf-8")


def ports_from_environment() -> dict[str, int]:
    return {name: int(os.environ.get(name, default)) for name, default in DEFAULT_PORTS.items()}


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- PostgreSQL -----------------------------------------------------------------------------------


def _postgres_user() -> dict:
    """PostgreSQL refuses to run as root: as root, run it as the ``postgres`` system user."""
    if os.geteuid() != 0:
        return {}
    import pwd

    entry = pwd.getpwnam("postgres")
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _chown_for_postgres(path: Path) -> None:
    account = _postgres_user()
    if account:
        for root, dirs, files in os.walk(path):
            for name in [
                root,
                *(os.path.join(root, d) for d in dirs),
                *(os.path.join(root, f) for f in files),
            ]:
                os.chown(name, account["user"], account["group"])


def init_postgres(stack_dir: Path) -> None:
    """A new cluster in ``stack_dir/pg`` (trust authentication on 127.0.0.1 only)."""
    data, run = stack_dir / "pg", stack_dir / "run"
    run.mkdir(parents=True, exist_ok=True)
    if (data / "PG_VERSION").exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    os.chmod(stack_dir, 0o755)
    _chown_for_postgres(data)
    _chown_for_postgres(run)
    command = [pg_binary("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    command += ["--locale=C.UTF-8", "--no-sync"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **_postgres_user())


def postgres_command(stack_dir: Path, port: int) -> list[str]:
    return [
        pg_binary("postgres"),
        "-D",
        str(stack_dir / "pg"),
        "-p",
        str(port),
        "-k",
        str(stack_dir / "run"),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "max_connections=200",
        "-c",
        "log_min_messages=warning",
    ]


def service_postgres() -> int:
    stack_dir = Path(os.environ["STACK_DIR"])
    init_postgres(stack_dir)
    process = subprocess.Popen(
        postgres_command(stack_dir, int(os.environ["STACK_PG_PORT"])), **_postgres_user()
    )

    def fast_shutdown(signum, frame):  # SIGTERM would wait for every client (a "smart" shutdown)
        process.send_signal(signal.SIGINT)

    signal.signal(signal.SIGTERM, fast_shutdown)
    signal.signal(signal.SIGINT, fast_shutdown)
    return process.wait()


# --- Redis, S3, SMTP ------------------------------------------------------------------------------


def redis_command(stack_dir: Path, port: int) -> list[str]:
    data = stack_dir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    # Append-only persistence, as in docker-compose.yml: queued tasks survive a restart.
    return [
        shutil.which("redis-server") or "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(data),
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
    ]


def _until_signal() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    stop.wait()


def service_s3() -> int:
    """moto's S3-compatible server (objects in memory; request lines not logged)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(os.environ["STACK_S3_PORT"]), verbose=False)
    server.start()
    log(f"S3-compatible server (moto) on 127.0.0.1:{os.environ['STACK_S3_PORT']}")
    _until_signal()
    server.stop()
    return 0


class MailPage(SimpleHTTPRequestHandler):
    """Read-only: a list of the emails received, each readable as decoded text or as the raw .eml."""

    server_version = "stack-mail"

    def do_GET(self) -> None:  # noqa: N802
        folder = Path(self.directory)
        name = self.path.lstrip("/").split("?")[0]
        if name == "":
            return self._send(self._index(folder), "text/html; charset=utf-8")
        path = folder / Path(name).name
        if path.suffix == ".txt" and path.with_suffix(".eml").exists():
            return self._send(self._text(path.with_suffix(".eml")), "text/plain; charset=utf-8")
        if path.suffix == ".eml" and path.exists():
            return self._send(path.read_text(errors="replace"), "text/plain; charset=utf-8")
        self.send_error(404)

    def do_HEAD(self) -> None:  # noqa: N802
        self.send_error(405)

    def _send(self, text: str, content_type: str) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @staticmethod
    def _parsed(path: Path):
        return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)

    def _index(self, folder: Path) -> str:
        rows = []
        for path in sorted(folder.glob("*.eml"), reverse=True)[:500]:
            message = self._parsed(path)
            rows.append(
                f"<tr><td>{html.escape(str(message['Date'] or ''))}</td><td>{html.escape(str(message['To'] or ''))}</td>"
                f'<td><a href="/{path.stem}.txt">{html.escape(str(message["Subject"] or "(không tiêu đề)"))}</a></td>'
                f'<td><a href="/{path.name}">.eml</a></td></tr>'
            )
        return (
            '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Thư đã gửi (make stack)</title>'
            f"<h1>Thư đã gửi ({len(rows)})</h1><p>Mỗi thư là một tệp .eml trong {html.escape(str(folder))}.</p>"
            "<table border=1 cellpadding=4><tr><th>Ngày</th><th>Người nhận</th><th>Tiêu đề</th><th></th></tr>"
            + "".join(rows)
            + "</table></html>"
        )

    def _text(self, path: Path) -> str:
        message = self._parsed(path)
        body = message.get_body(preferencelist=("plain", "html"))
        content = body.get_content() if body else ""
        return f"From: {message['From']}\nTo: {message['To']}\nSubject: {message['Subject']}\n\n{content}"

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def service_smtp() -> int:
    """aiosmtpd on STACK_SMTP_PORT writing every message to STACK_DIR/mail/*.eml, and the page."""
    from aiosmtpd.controller import Controller

    folder = Path(os.environ["STACK_DIR"]) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}
    lock = threading.Lock()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            with lock:
                counter["n"] += 1
                stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%f")
                path = folder / f"{stamp}-{os.getpid()}-{counter['n']:06d}.eml"
            path.write_bytes(envelope.original_content or envelope.content)
            return "250 Message accepted for delivery"

    controller = Controller(Handler(), hostname="127.0.0.1", port=int(os.environ["STACK_SMTP_PORT"]))
    controller.start()
    page = ThreadingHTTPServer(
        ("127.0.0.1", int(os.environ["STACK_MAIL_PORT"])),
        lambda *a, **k: MailPage(*a, directory=str(folder), **k),
    )
    threading.Thread(target=page.serve_forever, daemon=True).start()
    log(
        f"SMTP on 127.0.0.1:{os.environ['STACK_SMTP_PORT']}, mails in {folder}, page on :{os.environ['STACK_MAIL_PORT']}"
    )
    _until_signal()
    controller.stop()
    page.shutdown()
    return 0


def service(name: str) -> int:
    stack_dir = Path(os.environ["STACK_DIR"])
    if name == "postgres":
        return service_postgres()
    if name == "redis":
        command = redis_command(stack_dir, int(os.environ["STACK_REDIS_PORT"]))
    elif name == "s3":
        return service_s3()
    elif name == "smtp":
        return service_smtp()
    else:
        raise SystemExit(f"unknown service {name!r}")
    os.execv(command[0], command)
    return 1  # not reached


# --- the one-shot and the wait --------------------------------------------------------------------


def _poll(what: str, check, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001, S110 - not up yet
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"[stack] gave up after {timeout:.0f} s waiting for {what}")
        time.sleep(0.3)


def _database_parts() -> dict:
    import environ

    return environ.Env.db_url_config(os.environ["DATABASE_URL"])


def _connect(dbname: str):
    import psycopg2

    parts = _database_parts()
    return psycopg2.connect(
        host=parts["HOST"], port=parts["PORT"], user=parts["USER"], dbname=dbname, connect_timeout=2
    )


def _s3():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=os.environ["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
        region_name=os.environ.get("AWS_S3_REGION_NAME", "us-east-1"),
    )


def _redis_ok() -> bool:
    import redis

    return bool(redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=1).ping())


def ensure_database() -> None:
    name = _database_parts()["NAME"]
    _poll("PostgreSQL", lambda: _connect("postgres").close() is None)
    connection = _connect("postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def ensure_bucket() -> None:
    bucket = os.environ[BUCKET_ENV]
    _poll("the S3 server", lambda: _s3().list_buckets() is not None)
    client = _s3()
    if bucket not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=bucket)


def static_files_stale() -> bool:
    """collectstatic (about a minute: it compresses every file) only when static/ changed since."""
    manifest = ROOT / "var" / "staticfiles" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in (ROOT / "static").rglob("*") if path.is_file())


def load_reference_data() -> None:
    """STACK_DEMO=reference (the battery): roles, message templates, the demo province with its full
    procedures and online forms, and the demo accounts; no national catalogue, no demo dossiers."""
    from accounts.services import ensure_role_groups
    from demo.accounts import load_demo_users
    from demo.catalogue import load_catalogue_demo
    from demo.forms import load_online_forms
    from notifications.services import ensure_default_templates

    ensure_role_groups()
    ensure_default_templates()
    load_catalogue_demo()
    load_online_forms()
    load_demo_users()


def migrate(*, demo: bool = True, idle: bool = True) -> int:
    started = time.monotonic()
    ensure_database()
    ensure_bucket()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if static_files_stale():  # first: web waits for the migrations, and gunicorn for the manifest
        call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=1)
    if os.environ.get("STACK_DEMO", "full") == "reference":
        load_reference_data()
    elif demo:
        call_command("load_demo")
    from core.db import analyze_database

    analyze_database()  # VACUUM ANALYZE: statistics, and no dead rows left by the loads
    connection.close()
    log(
        f"database migrated, static files collected, bucket ready, demo data loaded ({time.monotonic() - started:.0f} s)"
    )
    if idle:
        log("the one-shot is done; it idles because honcho stops every process when one exits")
        _until_signal()
    return 0


def wait() -> int:
    """Until PostgreSQL, Redis and the bucket answer and no migration is left (what docker-compose's
    depends_on + service_completed_successfully give the app services)."""
    _poll("PostgreSQL", lambda: _connect(_database_parts()["NAME"]).close() is None)
    _poll("Redis", _redis_ok)
    _poll("the bucket", lambda: _s3().head_bucket(Bucket=os.environ[BUCKET_ENV]) is not None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from core.health import unapplied_migrations

    _poll("the migrations (the migrate process)", lambda: unapplied_migrations() == 0)
    manifest = ROOT / "var" / "staticfiles" / "staticfiles.json"
    _poll("the static files", manifest.exists)
    return 0


# --- up -------------------------------------------------------------------------------------------


def up() -> int:
    missing = missing_packages()
    if missing:
        print(
            "make stack needs PostgreSQL and Redis installed (they are started from var/stack/, not as\n"
            "system services). Install them, then run make stack again:\n\n"
            f"    sudo apt-get install {' '.join(missing)}\n",
            file=sys.stderr,
        )
        return 1
    ports = ports_from_environment()
    busy = [f"{name}={port}" for name, port in ports.items() if port_in_use(port)]
    if busy:
        print(
            f"Ports in use: {', '.join(busy)}. Choose others, e.g. STACK_WEB_PORT=8190 make stack",
            file=sys.stderr,
        )
        return 1
    stack_dir = Path(os.environ.get("STACK_DIR", ROOT / "var" / "stack")).resolve()
    if stack_dir.exists():
        shutil.rmtree(stack_dir)  # moto keeps objects in memory: database and bucket start together
    stack_dir.mkdir(parents=True)
    init_postgres(stack_dir)
    env = render_env(stack_dir, ports)
    env_path = stack_dir / "stack.env"
    write_env_file(env_path, env)
    web = f"http://127.0.0.1:{ports['STACK_WEB_PORT']}"
    print(
        f"""
==> Cổng Dịch vụ công, production topology (make stack). Ctrl-C stops every process.
    portal            {web}/            (demo accounts are printed by the migrate process)
    admin             {web}/admin/
    liveness          {web}/healthz
    readiness         {web}/readyz
    metrics           {web}/metrics          (from this machine only)
    emails sent       http://127.0.0.1:{ports["STACK_MAIL_PORT"]}/    (files in {stack_dir / "mail"})
    S3 (moto)         http://127.0.0.1:{ports["STACK_S3_PORT"]}/     bucket {env[BUCKET_ENV]}
    PostgreSQL        {env["DATABASE_URL"]}
    Redis             {env["REDIS_URL"]} (tasks), {env["REDIS_CACHE_URL"]} (cache)
    logs              JSON lines below, one per event, with the request id of the request that caused it
""",
        flush=True,
    )
    command = [str(VENV_BIN / "honcho"), "start", "-f", str(ROOT / "Procfile"), "-e", str(env_path)]
    command += ["-d", str(ROOT), "-c", "worker=2"]
    os.chdir(ROOT)
    os.execv(command[0], command)
    return 1  # not reached


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0
    action, rest = argv[0], argv[1:]
    if action == "up":
        return up()
    if action == "service" and rest:
        return service(rest[0])
    if action == "migrate":
        return migrate()
    if action == "wait":
        return wait()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
