from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # allauth's code pages, wrapped to explain an expired code (before allauth's own URLs in portal.urls).
    path("accounts/login/code/confirm/", views.confirm_login_code, name="confirm_login_code"),
    path("accounts/phone/verify/", views.verify_phone, name="verify_phone"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/edit/", views.profile_edit, name="profile_edit"),
    path("accounts/preferences/", views.preferences, name="preferences"),
    path("accounts/data.json", views.data_export, name="data_export"),
    path("accounts/delete/", views.account_delete, name="delete"),
    path("accounts/units/communes/", views.commune_options, name="commune_options"),
    path("accounts/organisations/new/", views.organisation_new, name="organisation_new"),
    path("accounts/organisations/claim/", views.organisation_claim, name="organisation_claim"),
    path("accounts/organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path(
        "accounts/organisations/<int:pk>/documents/",
        views.organisation_documents,
        name="organisation_documents",
    ),
    path("accounts/organisations/<int:pk>/check/", views.organisation_check, name="organisation_check"),
    path("accounts/organisations/<int:pk>/leave/", views.organisation_leave, name="organisation_leave"),
    path(
        "accounts/organisations/<int:pk>/members/<int:membership_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "accounts/organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("accounts/invitations/<int:pk>/respond/", views.invitation_respond, name="invitation_respond"),
    path("accounts/invitations/<str:token>/", views.invitation, name="invitation"),
    path("accounts/acting-as/", views.acting_as, name="acting_as"),
]
