"""Staff sessions: 30 idle minutes at most, and the admin only after a second factor."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "staff_last_seen"


def session_passed_mfa(request: HttpRequest, user) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def _login_url(next_path: str) -> str:
    return reverse("account_login") + "?" + urlencode({"next": next_path})


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

    def _check_staff(self, request: HttpRequest, user) -> HttpResponse | None:
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        timeout = settings.STAFF_IDLE_TIMEOUT_SECONDS
        if isinstance(last_seen, int) and now - last_seen > timeout:
            logout(request)
            messages.info(request, _("Bạn đã được đăng xuất vì không thao tác trong %(m)d phút. Vui lòng đăng nhập lại.") % {"m": timeout // 60})
            return HttpResponseRedirect(_login_url(request.get_full_path()))
        request.session[LAST_SEEN_KEY] = now
        request.session.set_expiry(timeout)
        if not request.path.startswith("/admin/"):
            return None
        if not is_mfa_enabled(user):
            messages.warning(request, _("Tài khoản cán bộ phải bật xác thực hai lớp trước khi vào trang quản trị. Hãy quét mã QR bằng ứng dụng xác thực rồi nhập mã 6 số."))
            return HttpResponseRedirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()}))
        if not session_passed_mfa(request, user):
            # Signed in some other way (e.g. an old session): sign in again, this time with the second factor.
            logout(request)
            messages.info(request, _("Vui lòng đăng nhập lại bằng mật khẩu và mã xác thực hai lớp."))
            return HttpResponseRedirect(_login_url(request.get_full_path()))
        return None
