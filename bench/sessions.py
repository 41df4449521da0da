"""Signed-in sessions for the benches, made as the real sign-in leaves them (no password hashing timed)."""

from __future__ import annotations

import time


def session_cookie(username: str, *, mfa: bool) -> str:
    """A signed-in session as the real flow leaves it (staff: TOTP enrolled and passed)."""
    from importlib import import_module

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    user = User.objects.get(username=username)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    now = time.time()
    methods = [{"method": "password", "at": now}]
    if mfa:
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        methods.append({"method": "mfa", "type": "totp", "at": now})
    store[AUTHENTICATION_METHODS_SESSION_KEY] = methods
    store["account_authentication_methods_user"] = str(user.pk)
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
