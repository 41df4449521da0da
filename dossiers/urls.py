from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("dossiers/new/<str:code>/", views.start, name="start"),
]
