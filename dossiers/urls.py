from django.urls import path

from . import stats_views, views

app_name = "dossiers"

urlpatterns = [
    path("dossiers/", views.dossier_list, name="list"),
    path("dossiers/new/<str:code>/", views.start, name="start"),
    path("dossiers/draft/<uuid:uuid>/upload/", views.draft_upload, name="draft_upload"),
    path("dossiers/draft/<uuid:uuid>/files/<int:file_id>/", views.draft_file, name="draft_file"),
    path(
        "dossiers/draft/<uuid:uuid>/files/<int:file_id>/delete/",
        views.draft_file_delete,
        name="draft_file_delete",
    ),
    path("dossiers/draft/<uuid:uuid>/submit/", views.draft_submit, name="draft_submit"),
    path("dossiers/draft/<uuid:uuid>/<slug:step>/", views.draft_step, name="draft_step"),
    path("dossiers/<str:code>/submitted/", views.submitted, name="submitted"),
    path("dossiers/<str:code>/receipt.pdf", views.dossier_receipt_pdf, name="receipt_pdf"),
    path("dossiers/<str:code>/withdraw/", views.dossier_withdraw, name="withdraw"),
    path("dossiers/<str:code>/files/<int:file_id>/", views.dossier_file, name="file"),
    path("dossiers/<str:code>/", views.dossier_detail, name="detail"),
    path("lookup/", views.lookup, name="lookup"),
    path("statistics/", stats_views.public_statistics, name="statistics"),
]
