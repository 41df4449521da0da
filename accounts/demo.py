"""Demo accounts printed by ``make run``. Development passwords only: never used in production."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from procedures.models import Agency

from .constants import ROLE_GROUPS, StaffRole
from .models import StaffAssignment, User

# username, full name, password, role (None = citizen / superuser), agency code
DEMO_USERS = [
    ("congdan", "Nguyễn Văn An", "demo-congdan-2026", None, None, "+84912345678"),
    ("motcua", "Trần Thị Bình", "demo-motcua-2026", StaffRole.ONE_STOP_OFFICER, "000.21.01.H24", "+84912000001"),
    ("chuyenvien", "Lê Văn Cường", "demo-chuyenvien-2026", StaffRole.SPECIALIST, "000.21.01.H24", "+84912000002"),
    ("lanhdao", "Phạm Thị Dung", "demo-lanhdao-2026", StaffRole.LEADER, "000.21.01.H24", "+84912000003"),
    ("congbo", "Hoàng Văn Em", "demo-congbo-2026", StaffRole.PUBLISHER, "000.21.01.H24", "+84912000004"),
    ("congbo2", "Đỗ Thị Giang", "demo-congbo2-2026", StaffRole.PUBLISHER, "000.21.02.H24", "+84912000005"),
    ("admin", "Quản trị hệ thống", "demo-admin-2026", "superuser", None, "+84912000009"),
]


def load_demo_users() -> list[tuple[str, str, str, str, str]]:
    """Create the demo accounts once. Returns (email, password, role label, agency name, phone)."""
    printed = []
    for username, full_name, password, role, agency_code, phone in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name, "phone": phone})
        if created:  # existing accounts keep whatever the developer changed (and Argon2 is slow on purpose)
            user.email = f"{username}@demo.dichvucong.local"
            user.phone_verified = bool(phone)
            user.is_staff = role is not None
            user.is_superuser = role == "superuser"
            user.set_password(password)
            user.save()
            EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
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
    return printed
