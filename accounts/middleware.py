"""Staff sessions: nothing but signing in until the second factor, and a lock after 30 idle minutes.

A staff account reaches no page of the portal (admin, dossier pages, files, their own profile,
anything) until it has enrolled a second factor and this session has passed it. Only what signing in
needs is open: the sign-in and sign-out pages, the second-factor pages, password reset, static
files, the language switch and the health check.

The idle lock. After ``STAFF_IDLE_TIMEOUT_SECONDS`` (30 minutes) without a request the session is
*locked*, not ended, as long as it is otherwise valid: signed in with the password and the second
factor less than ``STAFF_REAUTH_WINDOW_SECONDS`` ago (10 hours) and on the same local day ("within the
working day"). A locked session reaches nothing but allauth's second-factor re-authentication
(``mfa_reauthenticate``: the authenticator app's 6-digit code alone, or a recovery code) and sign-out.
The code is verified by allauth (rate-limited, a used code refused), which records an "mfa"
authentication marked ``reauthenticated``; on the next request this middleware unlocks the session
only if that record is newer than the lock, rotates the session key, and logs the unlock. The
password re-authentication page does not unlock it. Outside the window the session ends and the
person signs in again with the password and the code, as before. Lock, unlock and end are logged
(``accounts.security``), never with a code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("accounts.security")

LAST_SEEN_KEY = "staff_last_seen"
LOCKED_AT_KEY = "staff_locked_at"
# How often a staff session's last-activity stamp (and with it the session row) is rewritten.
LAST_SEEN_RESOLUTION_SECONDS = 60
# Paths a staff session may reach before its second factor (prefixes).
MFA_EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/password/reset/",
    "/admin/login/",
    "/static/",
    "/i18n/",
    "/healthz",
    "/dev/outbox/",
)
# Paths a locked session may reach: the code, signing out, and what those pages load.
LOCKED_EXEMPT_PREFIXES = (
    "/accounts/2fa/reauthenticate/",
    "/accounts/logout/",
    "/static/",
    "/i18n/",
    "/healthz",
)


def session_passed_mfa(request: HttpRequest, user) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def _login_url(next_path: str) -> str:
    return reverse("account_login") + "?" + urlencode({"next": next_path})


def _reauth_url(next_path: str) -> str:
    return reverse("mfa_reauthenticate") + "?" + urlencode({"next": next_path})


def _signed_in_at(request: HttpRequest, user) -> float | None:
    """When this session signed in (its first authentication record: password, code or eID)."""
    records = get_authentication_records(request, user)
    moments = [r.get("at") for r in records if isinstance(r.get("at"), int | float)]
    return min(moments) if moments else None


def _window_end(signed_in: float) -> datetime:
    """The end of the working day this session may be unlocked in: the re-authentication window from
    the sign-in, and never past the local midnight after it."""
    start = datetime.fromtimestamp(signed_in, tz=timezone.get_current_timezone())
    midnight = (start + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return min(start + timedelta(seconds=settings.STAFF_REAUTH_WINDOW_SECONDS), midnight)


def _unlocked_since(request: HttpRequest, user, locked_at: int) -> bool:
    """A second factor verified by allauth's re-authentication after the lock."""
    return any(
        record.get("method") == "mfa"
        and record.get("reauthenticated")
        and isinstance(record.get("at"), int | float)
        and record["at"] >= locked_at
        for record in get_authentication_records(request, user)
    )


def _mfa_enabled(user) -> bool:
    """allauth's ``is_mfa_enabled``, read once per user object: the checks below asked it twice per
    staff request. The middleware loads the user afresh for every request, and an authenticator
    added or removed applies from the next one, as the enrolment's own redirect makes it."""
    cached = getattr(user, "_mfa_enabled", None)
    if cached is None:
        cached = user._mfa_enabled = is_mfa_enabled(user)
    return cached


class StaffSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            response = self._check_staff(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _end(self, request: HttpRequest, user, why: str) -> HttpResponse:
        timeout = settings.STAFF_IDLE_TIMEOUT_SECONDS
        logger.info("staff session ended (%s): user %s", why, user.pk)
        next_path = request.get_full_path()
        logout(request)
        messages.info(
            request,
            _("Bạn đã được đăng xuất vì không thao tác trong %(m)d phút. Vui lòng đăng nhập lại.")
            % {"m": timeout // 60},
        )
        return HttpResponseRedirect(_login_url(next_path))

    def _check_staff(self, request: HttpRequest, user) -> HttpResponse | None:
        now = int(time.time())
        timeout = settings.STAFF_IDLE_TIMEOUT_SECONDS
        signed_in = _signed_in_at(request, user)
        window_end = _window_end(signed_in) if signed_in is not None else None
        in_window = window_end is not None and timezone.now() < window_end
        can_lock = in_window and _mfa_enabled(user) and session_passed_mfa(request, user)

        locked_at = request.session.get(LOCKED_AT_KEY)
        if isinstance(locked_at, int):
            if not in_window:
                return self._end(request, user, "locked past the working day")
            if _unlocked_since(request, user, locked_at):
                # A second factor verified after the lock: a new session id, the lock lifted.
                request.session.cycle_key()
                request.session.pop(LOCKED_AT_KEY, None)
                request.session[LAST_SEEN_KEY] = now
                logger.info("staff session unlocked with the second factor: user %s", user.pk)
                return None
            if request.path.startswith(LOCKED_EXEMPT_PREFIXES):
                return None
            return HttpResponseRedirect(_reauth_url(request.get_full_path()))

        last_seen = request.session.get(LAST_SEEN_KEY)
        if isinstance(last_seen, int) and now - last_seen > timeout:
            if not can_lock:
                return self._end(request, user, "idle")
            request.session[LOCKED_AT_KEY] = now
            logger.info("staff session locked after %d idle seconds: user %s", now - last_seen, user.pk)
            messages.info(
                request,
                _(
                    "Phiên làm việc đã khóa sau %(m)d phút không thao tác. Nhập mã 6 số từ ứng dụng xác thực để tiếp tục."
                )
                % {"m": timeout // 60},
            )
            if request.path.startswith(LOCKED_EXEMPT_PREFIXES):
                return None
            return HttpResponseRedirect(_reauth_url(request.get_full_path()))
        # The stamp is written at most once a minute (the idle lock is exact to the minute): a session
        # that changes is a session row rewritten, and staff would otherwise rewrite theirs every request.
        if not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS:
            request.session[LAST_SEEN_KEY] = now
            # The cookie lives to the end of the working day; the lock, not the cookie, enforces the idle time.
            if window_end is not None and in_window:
                request.session.set_expiry(window_end)
            else:
                request.session.set_expiry(timeout)
        if request.path.startswith(MFA_EXEMPT_PREFIXES):
            return None
        if not _mfa_enabled(user):
            messages.warning(
                request,
                _(
                    "Tài khoản cán bộ phải bật xác thực hai lớp trước khi xem bất kỳ trang nào có dữ liệu. Hãy quét mã QR bằng ứng dụng xác thực rồi nhập mã 6 số."
                ),
            )
            return HttpResponseRedirect(
                reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()})
            )
        if not session_passed_mfa(request, user):
            # Signed in some other way (e.g. an old session): sign in again, this time with the second factor.
            logout(request)
            messages.info(request, _("Vui lòng đăng nhập lại bằng mật khẩu và mã xác thực hai lớp."))
            return HttpResponseRedirect(_login_url(request.get_full_path()))
        return None
