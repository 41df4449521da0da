from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class LanguageCookieMiddleware:
    """Ignore a language cookie holding a value we do not offer (a tampered cookie must not 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if value is not None and value not in self.codes:
            del request.COOKIES[settings.LANGUAGE_COOKIE_NAME]
        return self.get_response(request)
