#!/usr/bin/env python
"""The officer's work queue and "Hồ sơ của tôi" as the country grows, against floors measured in the
same run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/queue_bench.py

Loads the demo (once) into the bench database, then for each size (BENCH_QUEUE_SIZES, default
1000,100000,1000000 dossiers in the whole table; a size below what the demo already holds means
"as loaded") grows the table with bench/dossier_data.py (the demo agency keeps 1,000 dossiers and
the demo citizen 27, so only the national totals grow), starts gunicorn (2 workers, DEBUG off,
bench.settings, the anonymous page cache off so F1 is rendered), and measures, interleaved round
by round in a random order, one client at a time:

  F0           /healthz
  F1           a procedure page (anonymous, rendered)
  queue        the officer's work queue, /admin/dossiers/dossier/?queue=mine (motcua, past MFA)
  queue_all    every dossier of the agency, ?q=
  queue_new    the "Mới nộp" tab, ?queue=new
  queue_name   the queue's search by a name typed without diacritics
  queue_phone  the queue's search by a phone typed with spaces
  mine         "Hồ sơ của tôi", /dossiers/ (congdan, 27 dossiers)

Each row is printed as p50 / p95 (client), server p50 (Server-Timing) and × F1 p50, and at the
last size its growth against the first size: PASS when at most 2× (the goal of issue 15 at 1M
dossiers against 1k). The growth is measured in units of the floor of each size's own run (the
row's p95 ÷ F1's p50 at the last size, over the same at the first): the sizes are measured minutes
apart, and this machine's speed drifts by more than the goal's margin in that time (the same page
at the same size took 47 and 67 ms at p50 in two runs five minutes apart). The raw growth (p95 over
p95) is printed beside it. Results go to bench/results/queue-<timestamp>.json. PostgreSQL only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.sessions import session_cookie  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench import search_bench  # noqa: E402
from bench.sampling import interleaved  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_QUEUE_SIZES", "1000,100000,1000000").split(",") if x.strip()]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "40"))
WARMUP_ROUNDS = 3
GOAL = 2.0  # p95 at the last size ≤ 2× p95 at the first
LOG = ROOT / "var" / "queue-bench-gunicorn.log"  # the servers' own log lines, out of the table's way
ROWS = [
    ("F0", "F0 /healthz", False),
    ("F1", "F1 procedure page", False),
    ("queue", "work queue: Cần tôi xử lý", True),
    ("queue_all", "queue: whole agency", True),
    ("queue_new", "queue: Mới nộp", True),
    ("queue_name", "queue search: name", True),
    ("queue_phone", "queue search: phone", True),
    ("mine", "Hồ sơ của tôi (27)", True),
]


def fetch(url: str, cookie: str = "") -> tuple[float, float]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
        response.read()
        status = response.status
        timing = response.headers.get("Server-Timing", "app;dur=0")
    elapsed = (time.perf_counter() - start) * 1000
    if status != 200:
        raise RuntimeError(f"{url}: HTTP {status}")
    return elapsed, float(timing.split("dur=")[1])


def targets() -> dict[str, tuple[str, str]]:
    """Per row: (path and query, cookie)."""
    from core.people import format_vn_phone
    from core.text import fold
    from demo.dossiers import HOME_AGENCY
    from dossiers.models import Dossier
    from procedures.models import Procedure

    officer = session_cookie("motcua", mfa=True)
    citizen = session_cookie("congdan", mfa=False)
    procedure = Procedure.objects.published().filter(is_detailed=True).order_by("code").first()
    sample = (
        Dossier.objects.filter(agency__code=HOME_AGENCY, applicant__username__startswith="bench-")
        .exclude(status=0)
        .select_related("applicant")
        .order_by("pk")
        .first()
    )
    name = fold(sample.applicant.full_name)
    phone = format_vn_phone(sample.applicant.phone)  # "0970 000 123": with spaces, as typed
    queue = "/admin/dossiers/dossier/"
    return {
        "F0": ("/healthz", ""),
        "F1": (f"/procedures/{procedure.code}/", ""),
        "queue": (queue + "?queue=mine", officer),  # where a bare /admin/dossiers/dossier/ sends an officer
        "queue_all": (queue + "?q=", officer),
        "queue_new": (queue + "?queue=new", officer),
        "queue_name": (queue + "?" + urllib.parse.urlencode({"q": name}), officer),
        "queue_phone": (queue + "?" + urllib.parse.urlencode({"q": phone}), officer),
        "mine": ("/dossiers/", citizen),
    }


def start_server() -> tuple[subprocess.Popen, str]:
    """As the search bench serves, with the anonymous page cache off (F1 rendered every time)."""
    LOG.parent.mkdir(exist_ok=True)
    return search_bench.start_server(
        "warm", extra_env={"CATALOGUE_PAGE_CACHE_SECONDS": "0"}, log=LOG.open("ab")
    )


def measure(base: str, paths: dict[str, tuple[str, str]]) -> dict[str, dict]:
    def get(key: str, _round: int) -> tuple[float, float]:
        path, cookie = paths[key]
        return fetch(base + path, cookie)

    return interleaved([key for key, _label, _goal in ROWS], get, rounds=ROUNDS, warmup=WARMUP_ROUNDS)


def _in_floors(row: dict, results: dict[str, dict]) -> float:
    """A row's p95 in units of its run's floor (F1's p50): what stays when the machine drifts."""
    return row["p95_ms"] / results["F1"]["p50_ms"] if results["F1"]["p50_ms"] else 0.0


def report(size: int, results: dict[str, dict], first: dict[str, dict] | None) -> list[dict]:
    f1 = results["F1"]["p50_ms"]
    print(f"\n{size:,} dossiers — PostgreSQL, gunicorn 2 workers, {ROUNDS} rounds")
    print(f"  {'':24} {'p50 ms':>8} {'p95 ms':>8} {'server p50':>11} {'× F1 p50':>9}  {'growth (raw)':>17}")
    lines = []
    for key, label, goal in ROWS:
        r = results[key]
        ratio = r["p50_ms"] / f1 if f1 else 0.0
        growth = ""
        verdict = ""
        raw = ""
        if first is not None and goal:
            grown = (
                _in_floors(r, results) / _in_floors(first[key], first)
                if _in_floors(first[key], first)
                else 0.0
            )
            raw = f"{r['p95_ms'] / first[key]['p95_ms']:.2f}×" if first[key]["p95_ms"] else ""
            growth = f"{grown:.2f}×"
            verdict = f"≤ {GOAL:g}×  " + ("PASS" if grown <= GOAL else "MISS")
        print(
            f"  {label:24} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['server_p50_ms']:>11} {ratio:>8.2f}×"
            f"  {(growth + ' (' + raw + ')') if growth else '':>17}  {verdict}"
        )
        lines.append(
            {"size": size, "row": key, **r, "ratio_f1": round(ratio, 2), "growth": growth, "growth_raw": raw}
        )
    return lines


def main() -> int:
    import django

    from bench.database import ensure_database, load_demo

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.dossier_data import grow
    from dossiers.models import Dossier

    if connection.vendor != "postgresql":
        print("bench/queue_bench.py needs PostgreSQL: set BENCH_DATABASE_URL.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    if not Dossier.objects.exists():
        print("Loading the demo into the bench database (once)…")
        load_demo()
    lines: list[dict] = []
    first = None
    for size in SIZES:
        count = grow(size)
        paths = targets()
        connection.close()
        server, base = start_server()
        try:
            results = measure(base, paths)
        finally:
            server.terminate()
            server.wait(timeout=20)
        lines += report(count, results, first)
        first = first or results
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / f"queue-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"rounds": ROUNDS, "rows": lines}, indent=2, ensure_ascii=False))
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
