"""The API's URLs, included at /api/ by upswing.site.urls (namespace "api")."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.decorators.cache import never_cache
from ninja.openapi.views import openapi_view

from upswing.api.main import api

_patterns, _app, app_name = api.urls

urlpatterns = [
    # Interactive docs for signed-in users only (they can try calls with their session).
    path("docs", login_required(never_cache(partial(openapi_view, api=api))), name="docs"),
    *_patterns,
]
