"""The portal's URLs plus the two floors the benchmarks compare against."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path

from procedures.models import Procedure


def trivial(request):  # F0: the full middleware stack, no database
    return HttpResponse("ok")


def one_lookup(request, pk: int):  # F1: one primary-key lookup
    return HttpResponse(get_object_or_404(Procedure.objects.only("name"), pk=pk).name)


urlpatterns = [
    path("bench/trivial", trivial),
    path("bench/pk/<int:pk>", one_lookup),
    path("", include("portal.urls")),
]
