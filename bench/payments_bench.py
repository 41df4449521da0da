#!/usr/bin/env python
"""The payment notice (IPN) handler against F1, the public procedure page, in the same run.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/payments_bench.py

It prepares the bench database (the catalogue if missing, then BENCH_NOTICES dossiers, each with a
fee request and a started payment attempt), starts gunicorn on a free loopback port with DEBUG off
(tasks published to an in-memory broker: the receipt PDF and the messages are a worker's job, not
the request's), and measures with 2 client threads:
  F1          /procedures/<code>/ for real codes (the floor every goal is stated against)
  IPN new     one signed success notice per attempt: verify, lock, apply, receipt, outbox rows
  IPN repeat  the same notices again (the gateway's retries): answered 02, nothing changes
Reported: requests/s and p50/p95 (client) and server time (Server-Timing). Goal: IPN new ≥ F1/2.
Every notice must be answered 00 (then 02).

Then the e-receipt (issue 15: "never rendered in a request: served from storage, ≤ 1.5× F1"): 20 of
the receipts just issued are rendered as the worker does, and the payer's session downloads them,
measured one client at a time, interleaved round by round in a random order with F0 (/healthz) and
F1. The receipt view must answer 200 with the PDF (a 202 "being made" page fails the bench).
Results go to bench/results/payments-<timestamp>.json. F1 is the procedure page itself, with the
anonymous page cache off (CATALOGUE_PAGE_CACHE_SECONDS=0), as issue 15 defines it.
"""

from __future__ import annotations

import json
import os
import random
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
from bench.sampling import interleaved  # noqa: E402
from scripts.processes import free_port  # noqa: E402

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
N = int(os.environ.get("BENCH_NOTICES", "400"))


def prepare() -> tuple[list[str], list[str]]:
    """Procedure codes for F1 and the signed notices (query strings) for N fresh attempts."""
    import django

    from bench.database import ensure_database

    ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from demo.catalogue import load_catalogue_demo
    from dossiers.models import Dossier
    from payments import services, vnpay
    from payments.constants import FeeMoment, LegalKind
    from procedures.models import Agency, Procedure

    call_command("migrate", verbosity=0)
    if not Procedure.objects.filter(code="1.000894").exists():
        call_command("import_catalogue", verbosity=0)
        load_catalogue_demo()
    from accounts.models import User

    agency = Agency.objects.filter(code="000.21.01.H24").first() or Agency.objects.first()
    procedure = Procedure.objects.filter(service_level=4).first()
    citizen, _ = User.objects.get_or_create(
        username="bench-payer", defaults={"full_name": "Người Nộp Thử", "phone": "+84999000001"}
    )
    notices = []
    stamp = timezone.now().strftime("%H%M%S")
    for i in range(N):
        dossier = Dossier.objects.create(
            procedure=procedure,
            applicant=citizen,
            agency=agency,
            code=f"BENCH-{stamp}-{i:05d}",
            status=4,
            charge_vnd=108000,
            procedure_snapshot={"service_level": 4, "name": procedure.name, "code": procedure.code},
        )
        fee_request = services.fee_request_create(
            dossier=dossier,
            items=[services.ItemInput(label="Lệ phí", kind=LegalKind.CHARGE, unit_amount=108000)],
            moment=FeeMoment.SUBMISSION,
        )
        attempt = services.payment_start(
            fee_request_id=fee_request.pk,
            user=citizen,
            return_url="http://127.0.0.1/r/",
            ip_address="127.0.0.1",
        ).attempt
        params = vnpay.signed(
            settings.VNPAY_HASH_SECRET,
            {
                "vnp_Amount": vnpay.amount_to_gateway(attempt.amount),
                "vnp_BankCode": "NCB",
                "vnp_BankTranNo": f"VNP{i:08d}",
                "vnp_CardType": "ATM",
                "vnp_OrderInfo": "Nop phi le phi",
                "vnp_PayDate": vnpay.format_date(timezone.now()),
                "vnp_ResponseCode": "00",
                "vnp_TmnCode": settings.VNPAY_TMN_CODE,
                "vnp_TransactionNo": f"{stamp}{i:06d}",
                "vnp_TransactionStatus": "00",
                "vnp_TxnRef": attempt.reference,
            },
        )
        notices.append(urllib.parse.urlencode(params))
    codes = list(Procedure.objects.filter(status="published").values_list("code", flat=True)[:300])
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return codes, notices


def fetch(url: str) -> tuple[float, float, bytes]:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback only
        body = response.read()
        timing = response.headers.get("Server-Timing", "app;dur=0")
    return (time.perf_counter() - start) * 1000, float(timing.split("dur=")[1]), body


def measure(name: str, urls: list[str], expect: str | None = None) -> dict:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        samples = list(pool.map(fetch, urls))
    wall = time.perf_counter() - started
    if expect is not None:
        answers = [json.loads(s[2])["RspCode"] for s in samples]
        assert all(a == expect for a in answers), f"{name}: answers {sorted(set(answers))}"
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


RECEIPT_ROUNDS = int(os.environ.get("BENCH_RECEIPT_ROUNDS", "80"))


def measure_receipts(base: str, codes: list[str]) -> dict[str, dict]:
    """F0, F1 and the payer's receipt download, interleaved, one client (p50/p95, server time)."""
    from bench.sessions import session_cookie
    from payments import services
    from payments.models import Receipt

    receipts = list(
        Receipt.objects.filter(fee_request__dossier__applicant__username="bench-payer").order_by("-pk")[:20]
    )
    if not receipts:
        raise RuntimeError("no receipt was issued by the IPN phase")
    for receipt in receipts:
        services.receipt_render(receipt_id=receipt.pk)  # what the worker does after the payment commits
    cookie = session_cookie("bench-payer", mfa=False)

    def get(key: str, round_no: int) -> tuple[float, float]:
        if key == "F0":
            url, headers = f"{base}/healthz", {}
        elif key == "F1":
            url, headers = f"{base}/procedures/{codes[round_no % len(codes)]}/", {}
        else:
            url, headers = (
                f"{base}/payments/receipts/{receipts[round_no % len(receipts)].token}.pdf",
                {"Cookie": cookie},
            )
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            body = response.read()
            if response.status != 200 or (key == "receipt" and not body.startswith(b"%PDF")):
                raise RuntimeError(f"{url}: HTTP {response.status}, not the PDF")
            timing = response.headers.get("Server-Timing", "app;dur=0")
        return (time.perf_counter() - start) * 1000, float(timing.split("dur=")[1])

    return interleaved(["F0", "F1", "receipt"], get, rounds=RECEIPT_ROUNDS, seed=11)


def main() -> int:
    codes, notices = prepare()
    (ROOT / "var").mkdir(exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": "memory://",
        "CATALOGUE_PAGE_CACHE_SECONDS": "0",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--env",
            "DJANGO_SETTINGS_MODULE=bench.settings",
        ],
        cwd=ROOT,
        env=env,
        stdout=(ROOT / "var" / "bench-servers.log").open("ab"),  # the access log, not in the table
        stderr=subprocess.STDOUT,
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
        for code in codes[:10]:
            fetch(f"{base}/procedures/{code}/")  # warm up
        ipn = f"{base}/payments/ipn/vnpay_simulator/?"
        results = [
            measure("F1 /procedures/<code>/", [f"{base}/procedures/{rng.choice(codes)}/" for _ in range(N)]),
            measure("IPN new success notice", [ipn + q for q in notices], expect="00"),
            measure("IPN repeated notice (02)", [ipn + q for q in notices], expect="02"),
        ]
        receipt_rows = measure_receipts(base, codes)
    finally:
        server.terminate()
        server.wait(timeout=10)

    from django.db import connection

    print(
        f"\nPayment notice benchmark — {N} notices, {connection.vendor}, gunicorn 2 workers, 2 client threads\n"
    )
    print(f"{'':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'server p50':>11} {'server p95':>11}")
    for r in results:
        print(
            f"{r['name']:28} {r['rps']:>8} {r['client_p50_ms']:>8} {r['client_p95_ms']:>8} "
            f"{r['server_p50_ms']:>11} {r['server_p95_ms']:>11}"
        )
    f1, new = results[0], results[1]
    receipt_ratio = receipt_rows["receipt"]["p50_ms"] / receipt_rows["F1"]["p50_ms"]
    verdicts = {
        "IPN new rps ≥ F1/2": new["rps"] >= f1["rps"] / 2,
        "receipt PDF p50 ≤ 1.5× F1 p50": receipt_ratio <= 1.5,
    }
    print(f"\nE-receipt from storage, one client, {RECEIPT_ROUNDS} interleaved rounds")
    print(f"  {'':28} {'p50 ms':>8} {'p95 ms':>8} {'server p50':>11} {'× F0':>6} {'× F1':>6}")
    for key, label in (
        ("F0", "F0 /healthz"),
        ("F1", "F1 procedure page"),
        ("receipt", "receipt PDF (payer)"),
    ):
        r = receipt_rows[key]
        print(
            f"  {label:28} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['server_p50_ms']:>11} "
            f"{r['p50_ms'] / receipt_rows['F0']['p50_ms']:>5.1f}× {r['p50_ms'] / receipt_rows['F1']['p50_ms']:>5.2f}×"
        )
    print()
    ratios = {"IPN new rps ≥ F1/2": new["rps"] / f1["rps"], "receipt PDF p50 ≤ 1.5× F1 p50": receipt_ratio}
    for label, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'MISS'}  {label}  (ratio {ratios[label]:.2f})")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"payments-{stamp}.json").write_text(
        json.dumps(
            {"vendor": connection.vendor, "results": results, "receipt": receipt_rows, "verdicts": verdicts},
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
