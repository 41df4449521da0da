from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from dossiers import stats_views
from procedures import views as procedure_views

from . import views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", procedure_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
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
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
