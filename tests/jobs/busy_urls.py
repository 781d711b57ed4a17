"""A page and an API-like path that open the warehouse for writing, for the 503 tests."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

from upswing.site.urls import urlpatterns as site_urlpatterns
from upswing.warehouse.connection import open_warehouse


def writes_the_warehouse(request):
    with open_warehouse(settings.UPSWING_WAREHOUSE_URL):
        return HttpResponse("written")


urlpatterns = [
    path("page/", writes_the_warehouse),
    path("api/thing", writes_the_warehouse),
    *site_urlpatterns,
]
