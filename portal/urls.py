from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from core import views
from dossiers import stats_views
from procedures import views as procedure_views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", procedure_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    # The language form needs no CSRF token: it only sets the visitor's language cookie, and the
    # cached anonymous catalogue pages (procedures.page_cache) carry no per-visitor token.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff sign in through the same allauth login (with MFA), never the admin's own form.
    path("admin/login/", views.admin_login_redirect),
    # Before admin/: the admin's catch-all would swallow it. Under /admin/ so the staff MFA check applies.
    path("admin/statistics/", admin.site.admin_view(stats_views.leader_dashboard), name="leader_dashboard"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("", include("notifications.urls")),
    path("", include("payments.urls")),
    path("", include("delivery.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
