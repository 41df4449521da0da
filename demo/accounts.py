"""Demo accounts printed by ``make run``. Development passwords only: never used in production."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts import units
from accounts.constants import ROLE_GROUPS, StaffRole
from accounts.departments import Department
from accounts.models import CitizenProfile, Organisation, StaffAssignment, User
from procedures.models import Agency

# username, full name, password, role (None = citizen / superuser), agency code
DEMO_USERS = [
    ("congdan", "Nguyễn Văn An", "demo-congdan-2026", None, None, "+84912345678"),
    (
        "motcua",
        "Trần Thị Bình",
        "demo-motcua-2026",
        StaffRole.ONE_STOP_OFFICER,
        "000.21.01.H24",
        "+84912000001",
    ),
    (
        "chuyenvien",
        "Lê Văn Cường",
        "demo-chuyenvien-2026",
        StaffRole.SPECIALIST,
        "000.21.01.H24",
        "+84912000002",
    ),
    ("lanhdao", "Phạm Thị Dung", "demo-lanhdao-2026", StaffRole.LEADER, "000.21.01.H24", "+84912000003"),
    ("congbo", "Hoàng Văn Em", "demo-congbo-2026", StaffRole.PUBLISHER, "000.21.01.H24", "+84912000004"),
    ("congbo2", "Đỗ Thị Giang", "demo-congbo2-2026", StaffRole.PUBLISHER, "000.21.02.H24", "+84912000005"),
    ("admin", "Quản trị hệ thống", "demo-admin-2026", "superuser", None, "+84912000009"),
]


def load_demo_users() -> list[tuple[str, str, str, str, str]]:
    """Create the demo accounts once. Returns (email, password, role label, agency name, phone)."""
    printed = []
    for username, full_name, password, role, agency_code, phone in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name, "phone": phone}
        )
        if created:  # existing accounts keep whatever the developer changed (and Argon2 is slow on purpose)
            user.email = f"{username}@demo.dichvucong.local"
            user.phone_verified = bool(phone)
            user.is_staff = role is not None
            user.is_superuser = role == "superuser"
            user.set_password(password)
            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
        agency_name = ""
        label = "Công dân"
        if role == "superuser":
            label = "Quản trị hệ thống"
        elif role is not None:
            agency = Agency.objects.get(code=agency_code)
            StaffAssignment.objects.get_or_create(user=user, agency=agency, role=role)
            user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
            label = str(StaffRole(role).label)
            agency_name = agency.name
        printed.append((user.email or username, password, label, agency_name, user.phone))
    load_demo_organisations()
    _demo_departments()
    return printed


# The demo citizen's company, as the business register simulator knows it (simulator_data.json).
DEMO_ORGANISATION = {
    "tax_code": "2301234566",
    "name": "Công ty TNHH Thương mại Kinh Bắc",
    "hq_province_code": "24",
    "hq_commune_code": "09187",
    "hq_street": "Số 12 đường Lý Thái Tổ",
}
# As if ``congdan`` had signed in once with the national eID (the eID simulator's kind of answer).
DEMO_EID = {"username": "congdan", "full_name": "Nguyễn Văn An", "personal_id": "027085001234"}


def load_demo_organisations() -> int:
    """The demo citizen represents a company, verified through the business register simulator (always
    the simulator, whatever BUSINESS_REGISTER says: the demo data is fictional). Returns how many were
    created (0 when already there). As for the demo dossiers, nothing is sent: the "verified" message is
    deleted before the transaction commits."""
    from django.db import transaction

    from accounts.services import organisation_register
    from notifications.models import Message

    user = User.objects.filter(username=DEMO_EID["username"]).first()
    if user is None or Organisation.objects.filter(tax_code=DEMO_ORGANISATION["tax_code"]).exists():
        return 0
    province, commune = DEMO_ORGANISATION["hq_province_code"], DEMO_ORGANISATION["hq_commune_code"]
    with transaction.atomic():
        profile, _created = CitizenProfile.objects.get_or_create(user=user)
        profile.eid_verified = True
        profile.eid_full_name = DEMO_EID["full_name"]
        profile.eid_personal_id = DEMO_EID["personal_id"]
        profile.personal_id = profile.personal_id or DEMO_EID["personal_id"]
        profile.save()
        organisation_register(
            user=user,
            name=DEMO_ORGANISATION["name"],
            tax_code=DEMO_ORGANISATION["tax_code"],
            register_name="simulator",
            hq_province_code=province,
            hq_province_name=units.province_name(province) or "",
            hq_commune_code=commune,
            hq_commune_name=units.commune_name(province, commune) or "",
            hq_street=DEMO_ORGANISATION["hq_street"],
        )
        Message.objects.filter(
            event__startswith="organisation_", related_label=DEMO_ORGANISATION["tax_code"]
        ).delete()
    return 1


def _demo_departments() -> None:
    """The demo agency's departments, with the demo specialist and leader in each."""
    agency = Agency.objects.filter(code="000.21.01.H24").first()
    people = {u.username: u for u in User.objects.filter(username__in=["chuyenvien", "lanhdao"])}
    if agency is not None and len(people) == 2:
        ensure_demo_departments(agency, specialists=[people["chuyenvien"]], leaders=[people["lanhdao"]])


def demo_department_names(agency) -> list[str]:
    """The departments of a commune-level People's Committee since July 2025 (wards have "Kinh tế, Hạ
    tầng và Đô thị" where communes have "Kinh tế")."""
    ward = (agency.unit_name or "").casefold().startswith("phường")
    return [
        "Văn phòng HĐND và UBND",
        "Phòng Kinh tế, Hạ tầng và Đô thị" if ward else "Phòng Kinh tế",
        "Phòng Văn hóa - Xã hội",
    ]


def ensure_demo_departments(agency, *, specialists, leaders) -> list[Department]:
    """The agency's departments, each with these specialists and leaders (idempotent)."""
    out = []
    for order, name in enumerate(demo_department_names(agency), start=1):
        department, _created = Department.objects.get_or_create(
            agency=agency, name=name, defaults={"order": order}
        )
        department.specialists.add(*specialists)
        department.leaders.add(*leaders)
        out.append(department)
    return out
