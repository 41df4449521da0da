from django.urls import path

from . import counter, views

app_name = "delivery"

urlpatterns = [
    path("delivery/webhooks/<slug:carrier>/", views.carrier_webhook, name="carrier_webhook"),
    path("delivery/quote/<uuid:uuid>/", views.quote, name="quote"),
    path("delivery/pickup/new/<str:code>/", views.pickup_new, name="pickup_new"),
    path("delivery/pickup/<str:reference>/", views.pickup_detail, name="pickup_detail"),
    path("delivery/counter/claim/", counter.claim_view, name="counter_claim"),
    path("delivery/track/", views.track, name="track_lookup"),
    path("delivery/track/<str:item_number>/", views.track, name="track"),
]
