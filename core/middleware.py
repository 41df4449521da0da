from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.utils.translation import gettext as _

from .admin import clean_id


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


class MalformedInputMiddleware:
    """Input no person types and no view should have to expect.

    * A NUL byte: PostgreSQL refuses it in any text, so it would surface as a database error deep in
      a view. In the address: no page has one (404). In the query string (links, the search box):
      removed, the page answers as if it were not there. In a posted form: the 400 page.
    * A forged admin selection: ``_selected_action`` values that cannot be ids of the list's model
      (Django's admin puts them straight into ``pk__in``). Answered with the list again and a message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            from .views import page_not_found

            return page_not_found(request)
        if _has_nul(request.GET):
            query = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                query.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            query._mutable = False
            request.GET = query
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        # Form fields are read where CSRF protection reads them anyway; a CSRF-exempt view (a signed
        # webhook) may need the raw body, which reading the form first would consume.
        if (
            request.method == "POST"
            and not getattr(view_func, "csrf_exempt", False)
            and _has_nul(request.POST)
        ):
            return _bad_request(request)
        model_admin = getattr(view_func, "model_admin", None)
        if (
            model_admin is None
            or getattr(view_func, "__name__", "") != "changelist_view"  # where the admin runs actions
            or request.method != "POST"
            or ACTION_CHECKBOX_NAME not in request.POST
        ):
            return None
        pk = model_admin.model._meta.pk
        try:
            for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
                clean_id(pk, value)
        except ValidationError:
            messages.error(
                request,
                _(
                    "Các dòng đã chọn không hợp lệ (có thể trang đã cũ). Không có gì thay đổi: hãy chọn lại trong danh sách rồi thực hiện thao tác."
                ),
            )
            return HttpResponseRedirect(request.get_full_path())
        return None


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def _bad_request(request: HttpRequest) -> HttpResponse:
    from .views import bad_request

    return bad_request(request)
