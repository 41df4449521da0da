"""Database sessions encrypted at rest.

allauth keeps a pending sign-in or verification code in the session (it must be able to re-send
it), so a one-way hash is not possible; instead every session is encrypted (Fernet: AES-128-CBC +
HMAC) with a key derived from DJANGO_SECRET_KEY before it reaches the database. A copy of the
``django_session`` table alone reveals no code, no CSRF secret, no authentication record.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


def _fernet() -> Fernet:
    key = hashlib.sha256(b"core.sessions:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


class SessionStore(DatabaseSessionStore):
    def encode(self, session_dict) -> str:
        return _fernet().encrypt(super().encode(session_dict).encode()).decode()

    def decode(self, session_data: str) -> dict:
        try:
            plain = _fernet().decrypt(session_data.encode()).decode()
        except (InvalidToken, ValueError):
            return {}  # tampered, or written with another key: start a fresh session
        return super().decode(plain)
