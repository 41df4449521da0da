import pytest

from notifications.services import ensure_default_templates
from procedures.models import Agency


@pytest.fixture(autouse=True)
def _carrier_settings(settings):
    """The simulator on a compressed clock, calling the webhook handler in-process, well behaved.
    Tests that need the HTTP path (live_server) or misbehaviour change these."""
    settings.CARRIER = "simulator"
    settings.CARRIER_SIMULATOR_HOUR_SECONDS = 0
    settings.CARRIER_SIMULATOR_CALLBACK = "direct"
    settings.CARRIER_SIMULATOR_CHAOS = "off"
    settings.CARRIER_WEBHOOK_SECRET = "test-carrier-secret"


@pytest.fixture
def templates(db):
    ensure_default_templates()


@pytest.fixture
def agency(db):
    """A demo commune's one-stop shop (UBND Phường Kinh Bắc, Bắc Ninh) with its official unit."""
    return (
        Agency.objects.filter(kind="commune", short_name__startswith="UBND", unit_code__regex=r"^\d{5}$")
        .order_by("name")
        .first()
    )


@pytest.fixture
def address(agency):
    from accounts import units

    code, name = units.communes("24")[0]
    return {
        "province_code": "24",
        "province_name": units.province_name("24"),
        "commune_code": code,
        "commune_name": name,
        "street": "Số 12 đường Nguyễn Trãi",
    }
