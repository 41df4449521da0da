from django.conf import settings
from django.contrib import admin
from django.urls import include, path

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
    # The language form needs no CSRF token (the cached anonymous catalogue pages carry none); a post
    # from another site is refused by the browser's Origin / Sec-Fetch-Site (core.views.set_language).
    path("i18n/setlang/", views.set_language, name="set_language"),
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
