from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def portal(request: HttpRequest) -> dict:
    english = (get_language() or "vi").startswith("en")
    return {
        "PORTAL_NAME": settings.PORTAL_NAME_EN if english else settings.PORTAL_NAME,
        "DEBUG": settings.DEBUG,
        "PORTAL_HOTLINE": settings.PORTAL_HOTLINE,
    }
