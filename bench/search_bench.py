#!/usr/bin/env python
"""Catalogue search over 10,000 procedures, against floors measured in the same run.

    make bench                      # SQLite (var/bench.sqlite3)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench make bench

It prepares the bench database (the real 2,395 procedures plus synthetic ones up to 10,000),
starts gunicorn on a free loopback port with DEBUG off, and measures with a bounded number of
requests:
  F0  a trivial view through the full middleware stack
  F1  a view doing one primary-key lookup
  search  /procedures/?q=… with a mix of real queries (with and without diacritics, synonyms)
  suggest /procedures/suggest/?q=… (what htmx calls while the person types)
Reported: requests/s (2 client threads), p50/p95 of the client latency and of the server time
(Server-Timing header). Targets from docs: search throughput ≥ F1/2, p95 ≤ 3×F1, server p95 well
under 50 ms. Results are written to bench/results/search-<timestamp>.json.
"""

from __future__ import annotations

import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
TARGET = int(os.environ.get("BENCH_PROCEDURES", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
QUERIES = [
    "dang ky ket hon", "đăng ký khai sinh", "bằng lái", "CCCD", "tạm trú", "ho chieu", "sổ đỏ",
    "cap giay phep xay dung", "ly lich tu phap", "BHYT", "thành lập hộ kinh doanh", "ket ho",
    "chứng thực bản sao", "đăng kí thường trú", "tro cap that nghiep", "giấy phép lái xe",
]


def prepare() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from procedures.demo import load_catalogue_demo
    from procedures.models import Procedure, search_text_for

    call_command("migrate", verbosity=0)
    if not Procedure.objects.filter(code="1.000894").exists():
        call_command("import_catalogue", verbosity=0)
        load_catalogue_demo()
    missing = TARGET - Procedure.objects.count()
    if missing > 0:
        rng = random.Random(42)
        names = list(Procedure.objects.values_list("name", flat=True))
        qualifiers = ["(cấp tỉnh)", "(cấp xã)", "lưu động", "có yếu tố nước ngoài", "trực tuyến", "tại khu vực biên giới"]
        batch = []
        for i in range(missing):
            name = f"{rng.choice(names)} {rng.choice(qualifiers)}"[:900]
            code = f"8.{i:06d}"
            batch.append(Procedure(code=code, name=name, status="published", popularity=rng.randint(0, 500), search_text=search_text_for(name, code)))
        Procedure.objects.bulk_create(batch, batch_size=1000)
    return Procedure.objects.count()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[float, float]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        response.read()
        timing = response.headers.get("Server-Timing", "app;dur=0")
    elapsed = (time.perf_counter() - start) * 1000
    return elapsed, float(timing.split("dur=")[1])


def measure(name: str, urls: list[str]) -> dict:
    for url in urls[:10]:
        fetch(url)  # warm up
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        samples = list(pool.map(fetch, urls))
    wall = time.perf_counter() - started
    client = sorted(s[0] for s in samples)
    server = sorted(s[1] for s in samples)

    def pct(values, p):
        return values[min(len(values) - 1, int(len(values) * p))]

    return {
        "name": name,
        "requests": len(urls),
        "rps": round(len(urls) / wall, 1),
        "client_p50_ms": round(statistics.median(client), 2),
        "client_p95_ms": round(pct(client, 0.95), 2),
        "server_p50_ms": round(statistics.median(server), 2),
        "server_p95_ms": round(pct(server, 0.95), 2),
    }


def main() -> int:
    count = prepare()
    from procedures.models import Procedure

    pks = list(Procedure.objects.values_list("pk", flat=True)[:500])
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning", "--env", "DJANGO_SETTINGS_MODULE=bench.settings"],
        cwd=ROOT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/bench/trivial")
                break
            except OSError:
                time.sleep(0.1)
        rng = random.Random(7)
        results = [
            measure("F0 trivial view", [base + "/bench/trivial"] * REQUESTS),
            measure("F1 one pk lookup", [f"{base}/bench/pk/{rng.choice(pks)}" for _ in range(REQUESTS)]),
            measure("search /procedures/?q=", [f"{base}/procedures/?{urllib.parse.urlencode({'q': rng.choice(QUERIES)})}" for _ in range(REQUESTS)]),
            measure("suggest /procedures/suggest/?q=", [f"{base}/procedures/suggest/?{urllib.parse.urlencode({'q': rng.choice(QUERIES)})}" for _ in range(REQUESTS)]),
        ]
    finally:
        server.terminate()
        server.wait(timeout=10)

    from django.db import connection

    print(f"\nCatalogue search benchmark — {count} procedures, {connection.vendor}, gunicorn 2 workers, 2 client threads\n")
    print(f"{'':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'server p50':>11} {'server p95':>11}")
    for r in results:
        print(f"{r['name']:34} {r['rps']:>8} {r['client_p50_ms']:>8} {r['client_p95_ms']:>8} {r['server_p50_ms']:>11} {r['server_p95_ms']:>11}")
    f1, search = results[1], results[2]
    verdicts = {
        "search rps ≥ F1/2": search["rps"] >= f1["rps"] / 2,
        "search p95 ≤ 3×F1 p95": search["client_p95_ms"] <= 3 * f1["client_p95_ms"],
        "search server p95 < 50 ms": search["server_p95_ms"] < 50,
    }
    print()
    for label, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'MISS'}  {label}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"search-{stamp}.json").write_text(json.dumps({"procedures": count, "vendor": connection.vendor, "results": results, "verdicts": verdicts}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
