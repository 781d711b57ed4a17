"""Target pages, in the `performance` URL namespace (gathered by `site/performance_urls.py`)."""

from django.urls import path

import upswing.converters  # noqa: F401 - registers the <code:…> converter
from upswing.targets import views

urlpatterns = [
    path("targets/", views.targets_index, name="targets_index"),
    path("programs/<code:code>/targets/", views.program_targets, name="targets"),
]
