import pytest

from notifications.services import ensure_default_templates
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _templates(db):
    ensure_default_templates()


@pytest.fixture
def citizen():
    return UserFactory(full_name="Nguyễn Văn An", phone="+84912345678", email="an@example.vn")
