"""A web request that meets a warehouse busy with an import or a refresh answers 503 with
Retry-After (a page for people, JSON under /api/), never a lock traceback. Each request waits
only UPSWING_WEB_WAREHOUSE_WAIT seconds for the warehouse's writer."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from upswing.warehouse.lock import WarehouseBusy, patience

RETRY_AFTER_SECONDS = 30
MESSAGE = "The warehouse is busy with an import or a refresh; try again in a minute."


class WarehouseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with patience(float(settings.UPSWING_WEB_WAREHOUSE_WAIT)):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, WarehouseBusy):
            return busy_response(request)
        return None


def busy_response(request):
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        response = render(request, "jobs/busy.html", {"message": MESSAGE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
