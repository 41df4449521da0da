#!/usr/bin/env python
"""Catalogue search at national size, against floors measured in the same run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/search_bench.py

For each catalogue size (BENCH_SIZES, default 2400 and 25000: the real 2,395 procedures, then
synthetic variants with their sectors, agencies, methods and components, made by
bench/catalogue_data.py and followed by ANALYZE) and each results-cache mode (BENCH_MODES: "warm"
with the results and suggestions cache as configured, "cold" with SEARCH_CACHE_SECONDS=0 so every
search and every suggestion longer than 3 letters reaches the database; the per-version
vocabulary, synonyms and the prefix index of suggestions up to 3 letters stay cached in both), it
starts gunicorn (2 workers,
DEBUG off, bench.settings) on a free loopback port and measures, interleaved round by round in a
random order, one client at a time:

  F0           /healthz
  F1           a procedure page, /procedures/<code>/ (about 8 queries)
  specific     /procedures/?q=… rotating through everyday queries
  broad        /procedures/?q=giay (about 40% of the catalogue matches)
  misspelled   /procedures/?q=kahi snh
  suggestions  /procedures/suggest/?q=kh

Each row is printed as p50 / p95 (client) and server p50 (Server-Timing), and as a ratio to F1's
p50, with PASS/MISS against the goals at 25,000 procedures: specific ≤ 1×, broad ≤ 1.5×,
misspelled ≤ 2×, suggestions ≤ 1× F1. These servers run with the anonymous page cache off
(CATALOGUE_PAGE_CACHE_SECONDS=0): F1 is the procedure page as issue 15 defines it, and the searches
reach the search engine (through its own results cache in the warm mode).

At the largest size, one more server runs with the page cache on, as production does, and measures
the anonymous catalogue pages (home, a procedure, the agencies, an agency, statistics, a search)
interleaved with F0: the goal is that each is served at ≥ 0.5× F0's rate (p50 ≤ 2× F0's p50).
Results go to bench/results/search-<timestamp>.json.
SQLite works too (BENCH_DATABASE_URL unset: var/bench.sqlite3), but the goals are for PostgreSQL.
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
from bench.sampling import interleaved  # noqa: E402
from scripts.processes import free_port  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_SIZES", "2400,25000").split(",") if x.strip()]
MODES = [m.strip() for m in os.environ.get("BENCH_MODES", "warm,cold").split(",") if m.strip()]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
WARMUP_ROUNDS = 3
F1_CODE = os.environ.get("BENCH_F1_CODE", "1.000894")
SPECIFIC = [
    "đăng ký khai sinh",
    "dang ky ket hon",
    "cấp lại giấy phép lái xe",
    "đăng ký tạm trú",
    "ho chieu",
    "CCCD",
    "thành lập hộ kinh doanh",
    "trợ cấp thất nghiệp",
    "lý lịch tư pháp",
    "sổ đỏ",
]
ROWS = [
    # key, label, goal as a multiple of F1 p50 (None: a floor)
    ("F0", "F0 /healthz", None),
    ("F1", "F1 procedure page", None),
    ("specific", "specific searches", 1.0),
    ("broad", "broad one-word “giay”", 1.5),
    ("misspelled", "misspelled “kahi snh”", 2.0),
    ("suggest", "suggestions “kh”", 1.0),
]
GOAL_SIZE = 25000


def fetch(url: str) -> tuple[float, float]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback only
        response.read()
        timing = response.headers.get("Server-Timing", "app;dur=0")
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, float(timing.split("dur=")[1])


def start_server(mode: str, *, extra_env: dict | None = None, log=None) -> tuple[subprocess.Popen, str]:
    """gunicorn (2 workers, bench.settings) on a free loopback port, once /healthz answers. Also used
    by bench/queue_bench.py (``extra_env``, and ``log``: a file for the servers' own lines)."""
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **(extra_env or {})}
    if mode == "cold":
        env["SEARCH_CACHE_SECONDS"] = "0"
    if log is None:  # the access log of every request: to a file, not in the middle of the table
        (ROOT / "var").mkdir(exist_ok=True)
        log = (ROOT / "var" / "bench-servers.log").open("ab")
    output = {"stdout": log, "stderr": subprocess.STDOUT}
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback only
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        **output,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            fetch(base + "/healthz")
            return server, base
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def measure(base: str) -> dict[str, dict]:
    def url(key: str, round_no: int) -> str:
        if key == "F0":
            return f"{base}/healthz"
        if key == "F1":
            return f"{base}/procedures/{F1_CODE}/"
        if key == "specific":
            return f"{base}/procedures/?{urllib.parse.urlencode({'q': SPECIFIC[round_no % len(SPECIFIC)]})}"
        if key == "broad":
            return f"{base}/procedures/?q=giay"
        if key == "misspelled":
            return f"{base}/procedures/?{urllib.parse.urlencode({'q': 'kahi snh'})}"
        return f"{base}/procedures/suggest/?q=kh"

    return interleaved(
        [key for key, _label, _goal in ROWS],
        lambda key, r: fetch(url(key, r)),
        rounds=ROUNDS,
        warmup=WARMUP_ROUNDS,
    )


CACHED = [
    ("F0", "F0 /healthz", "/healthz"),
    ("home", "home page", "/"),
    ("procedure", "a procedure page", "/procedures/{code}/"),
    ("agencies", "agencies", "/agencies/"),
    ("agency", "an agency", "/agencies/{agency}/"),
    ("statistics", "statistics", "/statistics/"),
    ("search", "a search", "/procedures/?q=%C4%91%C4%83ng+k%C3%BD+khai+sinh"),
]


def measure_cached(base: str) -> dict[str, dict]:
    """The anonymous pages through the page cache, interleaved with F0, one client."""
    from procedures.models import Agency

    agency = (
        Agency.objects.filter(procedures__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    paths = {key: path.format(code=F1_CODE, agency=agency) for key, _label, path in CACHED}
    return interleaved(
        list(paths), lambda key, _r: fetch(base + paths[key]), rounds=ROUNDS, warmup=WARMUP_ROUNDS, seed=13
    )


def report_cached(size: int, vendor: str, results: dict[str, dict]) -> list[dict]:
    f0 = results["F0"]["p50_ms"]
    print(f"\n{size:,} procedures — {vendor}, gunicorn 2 workers, anonymous page cache on, {ROUNDS} rounds")
    print(f"  {'':28} {'p50 ms':>8} {'p95 ms':>8} {'server p50':>11} {'× F0 p50':>9}  goal (rate ≥ 0.5× F0)")
    lines = []
    for key, label, _path in CACHED:
        r = results[key]
        ratio = r["p50_ms"] / f0 if f0 else 0.0
        verdict = "" if key == "F0" else "≤ 2×  " + ("PASS" if ratio <= 2.0 else "MISS")
        print(
            f"  {label:28} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['server_p50_ms']:>11} {ratio:>8.2f}×  {verdict}"
        )
        goal = None if key == "F0" else 2.0
        lines.append(
            {"size": size, "mode": "page-cache", "row": key, **r, "ratio_f0": round(ratio, 2), "goal": goal}
        )
    return lines


def report(size: int, mode: str, vendor: str, results: dict[str, dict]) -> list[dict]:
    f1 = results["F1"]["p50_ms"]
    lines = []
    print(f"\n{size:,} procedures — {vendor}, gunicorn 2 workers, results cache {mode}, {ROUNDS} rounds")
    print(f"  {'':28} {'p50 ms':>8} {'p95 ms':>8} {'server p50':>11} {'× F1 p50':>9}  goal")
    for key, label, goal in ROWS:
        r = results[key]
        ratio = r["p50_ms"] / f1 if f1 else 0.0
        verdict = ""
        if goal is not None:
            verdict = f"≤ {goal:g}×  " + (
                ("PASS" if ratio <= goal else "MISS") if size >= GOAL_SIZE else "(info)"
            )
        print(
            f"  {label:28} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['server_p50_ms']:>11} {ratio:>8.2f}×  {verdict}"
        )
        lines.append({"size": size, "mode": mode, "row": key, **r, "ratio_f1": round(ratio, 2), "goal": goal})
    return lines


def main() -> int:
    import django

    from bench.database import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.catalogue_data import resize

    call_command("migrate", verbosity=0)
    vendor = f"{connection.vendor} {connection.Database.__name__}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            vendor = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        print("Note: the goals are for PostgreSQL (set BENCH_DATABASE_URL).", file=sys.stderr)
    lines: list[dict] = []
    for size in SIZES:
        started = time.monotonic()
        count = resize(size)
        print(
            f"\nCatalogue resized to {count:,} procedures, ANALYZE done ({time.monotonic() - started:.0f} s)"
        )
        connection.close()
        for mode in MODES:
            server, base = start_server(mode, extra_env={"CATALOGUE_PAGE_CACHE_SECONDS": "0"})
            try:
                results = measure(base)
            finally:
                server.terminate()
                server.wait(timeout=20)
            lines += report(count, mode, vendor, results)
        if size == max(SIZES):
            server, base = start_server("warm", extra_env={"CATALOGUE_PAGE_CACHE_SECONDS": "300"})
            try:
                cached = measure_cached(base)
            finally:
                server.terminate()
                server.wait(timeout=20)
            lines += report_cached(count, vendor, cached)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out / f"search-{stamp}.json"
    path.write_text(
        json.dumps({"vendor": vendor, "rounds": ROUNDS, "rows": lines}, indent=2, ensure_ascii=False)
    )
    print(f"\nWritten to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
