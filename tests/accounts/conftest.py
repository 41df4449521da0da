import re

import pytest

from notifications.models import DevOutboxEntry
from notifications.services import ensure_default_templates


@pytest.fixture(autouse=True)
def _templates(db, django_capture_on_commit_callbacks):
    ensure_default_templates()


def latest_code(recipient: str) -> str:
    entry = DevOutboxEntry.objects.filter(recipient=recipient).order_by("-created_at", "-id").first()
    assert entry is not None, f"nothing was sent to {recipient}"
    match = re.search(r"\b(\d{6})\b", entry.body)
    assert match, entry.body
    return match.group(1)
