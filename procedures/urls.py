from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("procedures/", views.procedure_list, name="list"),
    path("procedures/suggest/", views.suggest, name="suggest"),
    path("procedures/<str:code>/", views.procedure_detail, name="detail"),
    path(
        "procedures/<str:code>/forms/<int:component_id>/", views.template_download, name="template_download"
    ),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
]
