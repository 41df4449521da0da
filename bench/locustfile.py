"""Load harness: citizens and one-stop-shop officers as Locust users (``make load``, headless).

The mix follows issue 15: a citizen searches (everyday, broad, misspelled and 2-letter queries),
reads procedure pages, looks a dossier up, signs in with a password, submits a dossier with two
1 MB PDFs through the whole wizard, and opens it; an officer works the queue (tabs, the search by
name and phone). What the users need (the procedure to apply for, the accounts and the officer's
sessions) is made by ``bench/load_prepare.py`` into the plan file ``LOAD_PLAN``.

Each simulated person comes from their own address (``X-Forwarded-For``, the server run with
``TRUSTED_PROXY_COUNT=1`` as behind the production proxy), so the per-address rate limits apply
per person, as for real people, and not to the whole load at once.

Requests are named by route (``/procedures/[q]``, ``/dossiers/draft/[uuid]/upload/``) so the report
has one row per kind of page. A page that answers with an error or the wrong content is a failure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

from bench.search_bench import SPECIFIC  # the everyday queries of the search bench

PLAN = json.loads(Path(os.environ.get("LOAD_PLAN", "var/load-plan.json")).read_text(encoding="utf-8"))
# A valid PDF of about 1 MB (a comment pads it): the upload check reads the bytes, as for a scan.
PDF_1MB = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n%"
    + b"x" * (1024 * 1024 - 200)
    + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
_people = itertools.count(1)
_addresses = itertools.count(1)


def _address() -> str:
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', page
    )
    return match.group(1) if match else ""


class Visitor(HttpUser):
    """Someone who only reads: search, procedure pages, the public look-up."""

    weight = 6
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()

    @task(4)
    def search_specific(self) -> None:
        self.client.get("/procedures/", params={"q": random.choice(SPECIFIC)}, name="/procedures/?q=specific")

    @task(1)
    def search_broad(self) -> None:
        self.client.get("/procedures/", params={"q": "giay"}, name="/procedures/?q=giay")

    @task(1)
    def search_misspelled(self) -> None:
        self.client.get("/procedures/", params={"q": "kahi snh"}, name="/procedures/?q=kahi snh")

    @task(2)
    def suggestions(self) -> None:
        self.client.get("/procedures/suggest/", params={"q": "kh"}, name="/procedures/suggest/?q=kh")

    @task(3)
    def procedure_page(self) -> None:
        self.client.get(f"/procedures/{random.choice(PLAN['procedure_pages'])}/", name="/procedures/[code]/")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(1)
    def lookup(self) -> None:
        code, last4 = random.choice(PLAN["lookups"])
        with self.client.get(
            "/lookup/", params={"code": code, "phone_last4": last4}, name="/lookup/?code", catch_response=True
        ) as response:
            if response.status_code == 429:  # 5 look-ups of one code per 10 minutes: the limit at work
                response.success()


class Citizen(HttpUser):
    """Signs in, submits a dossier with two 1 MB files, reads it and their list."""

    weight = 3
    wait_time = between(2, 6)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()
        n = (next(_people) - 1) % PLAN["citizens"] + 1
        self.client.get("/accounts/login/", name="/accounts/login/")
        with self.client.post(
            "/accounts/login/",
            {"login": PLAN["citizen_email"].format(n=n), "password": PLAN["citizen_password"]},
            headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
            name="/accounts/login/ POST",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("not signed in")

    def _post(self, path: str, data: dict, name: str, **kwargs):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(path, data, headers=headers, name=name, **kwargs)

    @task(1)
    def submit_dossier(self) -> None:
        start = self.client.get(
            f"/dossiers/new/{PLAN['procedure']}/", name="/dossiers/new/[code]/", allow_redirects=False
        )
        if start.status_code != 302:
            return
        draft = start.headers["Location"].rstrip("/").split("/")[-2]
        base = f"/dossiers/draft/{draft}"
        self._post(
            f"{base}/agency/", {"agency": PLAN["agency"], "continue": "1"}, "/dossiers/draft/[uuid]/agency/"
        )
        for number, component in enumerate(PLAN["components"], start=1):
            self.client.post(
                f"{base}/upload/",
                {"component": component},
                files={"file": (f"giay-to-{number}.pdf", PDF_1MB, "application/pdf")},
                headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
                name="/dossiers/draft/[uuid]/upload/ (1 MB)",
            )
        self._post(f"{base}/files/", {"continue": "1"}, "/dossiers/draft/[uuid]/files/")
        self._post(
            f"{base}/delivery/", {"delivery": "online", "continue": "1"}, "/dossiers/draft/[uuid]/delivery/"
        )
        self._post(f"{base}/fees/", {"continue": "1"}, "/dossiers/draft/[uuid]/fees/")
        review = self.client.get(f"{base}/review/", name="/dossiers/draft/[uuid]/review/")
        key = _hidden(review.text, "submission_key")
        with self._post(
            f"{base}/submit/",
            {"submission_key": key, "declaration": "yes"},
            "/dossiers/draft/[uuid]/submit/",
            allow_redirects=False,
            catch_response=True,
        ) as done:
            if done.status_code != 302 or "/submitted/" not in done.headers.get("Location", ""):
                done.failure(f"not submitted ({done.status_code})")
                return
        code = done.headers["Location"].rstrip("/").split("/")[-2]
        self.client.get(f"/dossiers/{code}/submitted/", name="/dossiers/[code]/submitted/")
        self.client.get(f"/dossiers/{code}/", name="/dossiers/[code]/")

    @task(2)
    def my_dossiers(self) -> None:
        self.client.get("/dossiers/", name="/dossiers/")

    @task(2)
    def search(self) -> None:
        self.client.get("/procedures/", params={"q": random.choice(SPECIFIC)}, name="/procedures/?q=specific")


class Officer(HttpUser):
    """A one-stop-shop officer on the work queue (a session past MFA, made by load_prepare)."""

    weight = 1
    wait_time = between(2, 8)

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-For"] = _address()
        name, value = random.choice(PLAN["officer_cookies"]).split("=", 1)
        self.client.cookies.set(name, value)

    @task(3)
    def queue(self) -> None:
        self.client.get("/admin/dossiers/dossier/", params={"queue": "mine"}, name="/admin/… queue=mine")

    @task(2)
    def queue_new(self) -> None:
        self.client.get("/admin/dossiers/dossier/", params={"queue": "new"}, name="/admin/… queue=new")

    @task(1)
    def queue_search_name(self) -> None:
        self.client.get("/admin/dossiers/dossier/", params={"q": PLAN["queue_name"]}, name="/admin/… q=name")

    @task(1)
    def queue_search_phone(self) -> None:
        self.client.get(
            "/admin/dossiers/dossier/", params={"q": PLAN["queue_phone"]}, name="/admin/… q=phone"
        )
