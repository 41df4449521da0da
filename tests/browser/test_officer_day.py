"""An officer's day in a real browser, at 1280 px and at 768 px: four people (one-stop-shop officer,
specialist, leader, citizen), each signed in once with their password and second factor.

Dossier A goes the long way: the officer unticks a component on the checklist and adds a free-text item,
the citizen answers with one file per item asked for, the officer receives and prints form 01, the
specialist appraises and submits in one press with the result draft, the leader approves, the result
goes back online as the citizen chose. Dossier B has nothing missing: it is counted, click by click and
page load by page load, across all roles, and must take at most 12 clicks; the result goes by post,
as its applicant chose. The counts are printed (pytest -s shows them)."""

from __future__ import annotations

import re
import subprocess
import tempfile
import unicodedata
import uuid
from dataclasses import dataclass, field

import pytest

from .conftest import ARTIFACTS, assert_accessible, assert_no_horizontal_scroll, screenshot
from .helpers import CITIZEN_PASSWORD, PASSWORD, totp_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SIZES = {"1280": {"width": 1280, "height": 900}, "768": {"width": 768, "height": 1024}}
CLICK_BUDGET = 12


@dataclass
class Tally:
    """Clicks and page loads spent on one dossier, by role."""

    clicks: dict[str, int] = field(default_factory=dict)
    loads: dict[str, int] = field(default_factory=dict)

    def total(self, what: str) -> int:
        return sum(getattr(self, what).values())

    def line(self) -> str:
        roles = sorted(set(self.clicks) | set(self.loads))
        per_role = ", ".join(
            f"{r}: {self.clicks.get(r, 0)} clicks / {self.loads.get(r, 0)} loads" for r in roles
        )
        return f"{self.total('clicks')} clicks, {self.total('loads')} page loads ({per_role})"


class Person:
    """One person's browser tab; every click and page load on a dossier is counted in ``tally``."""

    def __init__(self, browser, base_url: str, size: dict, role: str):
        self.context = browser.new_context(
            viewport=size, locale="vi-VN", bypass_csp=True, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.page.base_url = base_url
        self.page.viewport_name = f"{role}-{size['width']}"
        self.base_url, self.role = base_url, role
        self.tally: Tally | None = None
        self.page.on("load", lambda _page: self._count("loads"))

    def _count(self, what: str) -> None:
        if self.tally is not None:
            counts = getattr(self.tally, what)
            counts[self.role] = counts.get(self.role, 0) + 1

    def click(self, locator) -> None:
        self._count("clicks")
        locator.click()
        self.page.wait_for_load_state()

    def choose_file(self, locator, path: str) -> None:
        self._count("clicks")  # opening the file chooser is a click
        locator.set_input_files(path)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def sign_in(self, email: str, password: str, secret: str | None = None) -> None:
        page = self.page
        self.goto("/accounts/login/")
        page.locator('input[name="login"]').fill(email)
        page.locator('input[name="password"]').fill(password)
        page.locator("main form button[type=submit]").first.click()
        if secret:
            try:
                page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"), timeout=15000)
            except Exception as exc:  # say where we were and what the page said
                raise AssertionError(
                    f"sign-in stopped at {page.url}: {page.locator('main').inner_text()[:600]}"
                ) from exc
            page.locator('input[name="code"]').fill(totp_now(secret))
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_url(re.compile(r"/admin/"), timeout=15000)

    def open_from_queue(self, queue: str, code: str) -> None:
        """The person's queue is their home page; opening the dossier from it is one click."""
        self.goto(f"/admin/dossiers/dossier/?queue={queue}")
        self.click(self.page.locator("#result_list a", has_text=code).first)
        assert re.search(r"/admin/dossiers/dossier/\d+/change/", self.page.url), self.page.url

    def press(self, label: str) -> None:
        self.click(self.page.locator(f'input[type="submit"][value="{label}"]').first)

    def close(self) -> None:
        self.context.close()


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"], capture_output=True, check=True
        )
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())


def print_form01(person: Person) -> bytes:
    """Form 01 in one click: the link opens the PDF the portal issued, inline, in a new tab."""
    link = person.page.locator("a.desk-print")
    assert link.count() == 1, "no 'In giấy tiếp nhận (mẫu 01)' after receipt"
    href = link.get_attribute("href")
    with person.context.expect_event("response", lambda r: r.url.endswith(href)) as response_info:
        person._count("clicks")
        link.click()
    response = response_info.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    data = person.page.request.get(person.base_url + href).body()
    for page in person.context.pages[1:]:
        page.close()
    return data


@pytest.fixture(params=list(SIZES))
def size(request):
    return request.param


@pytest.fixture
def cast(browser_instance, live_server, reference_data, size):
    """The people of the day and their tabs, at the size under test."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.departments import Department
    from accounts.models import User
    from procedures.models import Agency
    from tests.factories import make_staff

    agency = Agency.objects.get(code="000.21.01.H24")
    people = {}
    for role, name in (
        ("officer", "Trần Thị Bình"),
        ("specialist", "Lê Văn Cường"),
        ("leader", "Phạm Thị Dung"),
    ):
        user = make_staff(
            agency,
            role,
            full_name=name,
            email=f"{role}@example.vn",
            phone=f"+8491200{len(people) + 70:04d}",
            phone_verified=True,
        )
        user.set_password(PASSWORD)
        user.save()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        people[role] = (user, secret)
    department = Department.objects.create(agency=agency, name="Văn phòng HĐND và UBND")
    department.specialists.add(people["specialist"][0])
    department.leaders.add(people["leader"][0])
    User.objects.create_user(
        "dan",
        email="dan@example.vn",
        password=CITIZEN_PASSWORD,
        full_name="Nguyễn Văn Dân",
        phone="+84912345640",
        phone_verified=True,
    )
    tabs = {}
    for role in ("officer", "specialist", "leader"):
        tabs[role] = Person(browser_instance, live_server.url, SIZES[size], role)
        tabs[role].sign_in(f"{role}@example.vn", PASSWORD, people[role][1])
    tabs["citizen"] = Person(browser_instance, live_server.url, SIZES[size], "citizen")
    tabs["citizen"].sign_in("dan@example.vn", CITIZEN_PASSWORD)
    yield tabs
    for tab in tabs.values():
        tab.close()


def submit_dossier(delivery: str, address: dict | None = None):
    """The citizen's submission (the citizen's own journey is tested elsewhere)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from dossiers import services
    from procedures.models import Agency, Procedure

    citizen = User.objects.get(username="dan")
    procedure = Procedure.objects.get(code="1.004859")
    draft = services.dossier_start(user=citizen, procedure=procedure)
    services.draft_save_agency(dossier=draft, agency=Agency.objects.get(code="000.21.01.H24"))
    for component in procedure.components.filter(required=True, case_group=""):
        services.draft_add_file(
            dossier=draft, component=component, upload=SimpleUploadedFile("giay-to.pdf", PDF)
        )
    services.draft_save_delivery(dossier=draft, delivery=delivery, address=address or {})
    return services.dossier_submit(
        dossier=draft, user=citizen, submission_key=uuid.uuid4(), declaration_accepted=True
    )


def a_pdf(name: str) -> str:
    path = ARTIFACTS / f"{name}.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    path.write_bytes(PDF)
    return str(path)


def test_officer_day(cast, size):
    from dossiers.constants import Status
    from dossiers.models import Dossier

    officer, specialist, leader, citizen = (
        cast["officer"],
        cast["specialist"],
        cast["leader"],
        cast["citizen"],
    )

    # --- Dossier A: a checklist-driven supplement request and the citizen's answer, item by item ---------
    a = submit_dossier("online")
    tally_a = Tally()
    for person in cast.values():
        person.tally = tally_a
    officer.goto("/admin/dossiers/dossier/?queue=new")
    assert_no_horizontal_scroll(officer.page)
    assert_accessible(officer.page, "the queue")
    screenshot(officer.page, "officer-queue")
    officer.click(officer.page.locator("#result_list a", has_text=a.code).first)
    desk = officer.page
    assert_no_horizontal_scroll(desk)
    assert_accessible(desk, "the desk with the checklist")
    screenshot(desk, "officer-desk-checklist")
    rows = desk.locator("table.desk-checklist tbody tr")
    first_component = rows.first.locator("label").first.inner_text()
    officer.click(rows.first.locator('input[name="ok"]'))  # not in order: untick it
    desk.locator("details.desk-supplement").evaluate("d => d.open = true")
    desk.locator("#missing").fill("Ảnh 3x4")
    desk.locator("#supplement-reason").fill("Bản chụp bị mờ; thiếu ảnh 3x4.")
    officer.press("Yêu cầu bổ sung")
    a.refresh_from_db()
    assert a.status == Status.SUPPLEMENT_REQUESTED
    assert "change" not in desk.url  # nothing more for the officer now: back to the queue, filter kept
    assert "queue=new" in desk.url

    citizen.goto(f"/dossiers/{a.code}/")
    slots = citizen.page.locator('#supplement-form input[type="file"]')
    assert slots.count() == 2, "one upload slot per item asked for"
    assert first_component in citizen.page.content() and "Ảnh 3x4" in citizen.page.content()
    citizen.choose_file(slots.nth(0), a_pdf("ban-chup-lai"))
    citizen.choose_file(slots.nth(1), a_pdf("anh-3x4"))
    citizen.page.locator('textarea[name="note"]').fill("Đã gửi lại bản chụp và ảnh")
    citizen.click(citizen.page.get_by_role("button", name="Gửi giấy tờ bổ sung"))
    assert "Mới đăng ký" in citizen.page.content()

    officer.open_from_queue("new", a.code)  # the answered dossier is back among the new ones
    assert "Đã gửi lại bản chụp và ảnh" in desk.content()  # the answer on the desk
    officer.press("Tiếp nhận")
    assert "Được tiếp nhận" in desk.content()
    text = pdf_text(print_form01(officer))
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        a.code,
        "Ảnh 3x4",
        "Số lượng hồ sơ: 01 bộ",
        "quyển số",
    ):
        assert expected in text, expected
    assert "Mẫu số 02:" not in text  # what the portal issued is not "received"
    officer.press("Chuyển xử lý, phân công")
    assert "/admin/dossiers/dossier/" in desk.url and "change" not in desk.url  # back to the queue

    specialist.open_from_queue("mine", a.code)
    assert_accessible(specialist.page, "the specialist's desk")
    screenshot(specialist.page, "specialist-desk")
    specialist.choose_file(specialist.page.locator('input[name="result_draft"]'), a_pdf("du-thao-a"))
    specialist.page.locator('textarea[name="internal_note"]').fill("Đủ điều kiện giải quyết.")
    specialist.press("Thẩm định và trình lãnh đạo duyệt")
    leader.open_from_queue("mine", a.code)
    assert "du-thao-a.pdf" in leader.page.content()  # the leader sees the draft before approving
    leader.press("Duyệt")
    officer.open_from_queue("mine", a.code)
    officer.choose_file(officer.page.locator('input[name="result_file"]'), a_pdf("ket-qua-a"))
    officer.press("Có kết quả")
    assert officer.page.locator('select[name="method"] option[selected]').get_attribute("value") == "online"
    officer.press("Trả kết quả")
    a.refresh_from_db()
    assert a.status == Status.RETURNED and a.return_method == "online"
    print(f"\n[{size} px] dossier A (supplement, online return): {tally_a.line()}")

    # --- Dossier B: nothing missing; counted across all roles ---------------------------------------------
    address = {
        "name": "Nguyễn Văn Dân",
        "phone": "+84912345640",
        "street": "Số 5 ngõ 2 phố Huyền Quang",
        "commune_code": "09187",
        "commune_name": "Phường Kinh Bắc",
        "province_code": "24",
        "province_name": "Tỉnh Bắc Ninh",
    }
    b = submit_dossier("post", address)
    tally_b = Tally()
    for person in cast.values():
        person.tally = tally_b
    officer.open_from_queue("new", b.code)  # 1
    assert "Số 5 ngõ 2 phố Huyền Quang" in officer.page.content()  # the postal address on the desk
    officer.press("Tiếp nhận")  # 2
    assert "quyển số" in pdf_text(print_form01(officer))  # 3
    officer.press("Chuyển xử lý, phân công")  # 4
    specialist.open_from_queue("mine", b.code)  # 5
    specialist.choose_file(specialist.page.locator('input[name="result_draft"]'), a_pdf("du-thao-b"))  # 6
    specialist.press("Thẩm định và trình lãnh đạo duyệt")  # 7
    leader.open_from_queue("mine", b.code)  # 8
    leader.press("Duyệt")  # 9
    officer.open_from_queue("mine", b.code)  # 10
    officer.press("Có kết quả")  # 11
    assert officer.page.locator('select[name="method"] option[selected]').get_attribute("value") == "post"
    officer.press("Trả kết quả")  # 12
    b = Dossier.objects.get(pk=b.pk)
    assert b.status == Status.RETURNED and b.return_method == "post"
    print(f"[{size} px] dossier B (nothing missing, returned by post): {tally_b.line()}")
    assert tally_b.total("clicks") <= CLICK_BUDGET, tally_b.line()
    actions = list(b.events.exclude(action="").values_list("action", flat=True))
    assert actions == [
        "submit",
        "receive",
        "assign",
        "appraise_and_submit",
        "approve",
        "result_ready",
        "return_result",
    ]
