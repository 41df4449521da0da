from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/edit/", views.profile_edit, name="profile_edit"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/data.json", views.data_export, name="data_export"),
    path("accounts/delete/", views.account_delete, name="delete"),
    path("accounts/units/communes/", views.commune_options, name="commune_options"),
    path("accounts/organisations/new/", views.organisation_new, name="organisation_new"),
    path("accounts/organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("accounts/acting-as/", views.acting_as, name="acting_as"),
]
