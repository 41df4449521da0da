"""Views broken on purpose, to show the fuzz test catches each kind of failure (test_fuzz_catches.py)."""

import logging
import traceback

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET, require_POST


def int_from_path(request, code):
    return HttpResponse(str(int(code)))  # "abc" → ValueError → 500


def int_from_query(request):
    return HttpResponse(str(int(request.GET.get("page") or 1)))


@require_POST
def int_from_post(request):
    return HttpResponse(str(int(request.POST.get("expected_status") or 1)))


def swallowed(request):
    try:
        int(request.GET.get("o") or 1)
    except ValueError:
        logging.getLogger("django.request").error("swallowed", exc_info=True)
    return HttpResponse("ok")


def traceback_in_body(request):
    try:
        int(request.GET.get("o") or 1)
    except ValueError:
        return HttpResponse(traceback.format_exc())
    return HttpResponse("ok")


@require_GET
def get_only(request):
    return HttpResponse("ok")


urlpatterns = [
    path("broken/path/<str:code>/", int_from_path, name="broken_path"),
    path("broken/query/", int_from_query, name="broken_query"),
    path("broken/post/", int_from_post, name="broken_post"),
    path("broken/swallowed/", swallowed, name="broken_swallowed"),
    path("broken/traceback/", traceback_in_body, name="broken_traceback"),
    path("broken/get-only/", get_only, name="broken_get_only"),
    path("fine/", lambda request: HttpResponse("ok"), name="fine"),
    path("", include("portal.urls")),  # the pages the error pages link to
]
BROKEN = {
    "broken_path",
    "broken_query",
    "broken_post",
    "broken_swallowed",
    "broken_traceback",
    "broken_get_only",
    "fine",
}
