"""Production refuses the payment gateway simulator unless a staging site says so."""

import subprocess
import sys

import pytest

BASE = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.production",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "example.vn",
    "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
    "EMAIL_URL": "smtp+tls://relay.example.vn:587",
    "SMS_PROVIDER": "http",
    "PATH": "/usr/bin:/bin",
}
SHOW = "import django; django.setup(); from django.conf import settings; print(settings.PAYMENT_GATEWAY, settings.PAYMENT_SIMULATOR, repr(settings.VNPAY_HASH_SECRET))"


def run(**extra):
    return subprocess.run(
        [sys.executable, "-c", SHOW], env={**BASE, **extra}, capture_output=True, text=True, check=False
    )


def test_production_defaults_to_the_real_gateway_without_development_secrets():
    result = run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["vnpay", "False", "''"]


@pytest.mark.parametrize("extra", [{"PAYMENT_SIMULATOR": "true"}, {"PAYMENT_GATEWAY": "vnpay_simulator"}])
def test_production_refuses_the_simulator(extra):
    result = run(**extra)
    assert result.returncode != 0
    assert "simulator is refused in production" in result.stderr
    # A staging site says so with the one switch for every simulator.
    assert run(**extra, ALLOW_SIMULATORS="true").returncode == 0
