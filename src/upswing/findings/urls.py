"""Finding pages, in the `performance` URL namespace (gathered by `site/performance_urls.py`)."""

from django.urls import path

from upswing.findings import views

urlpatterns = [
    path("findings/<int:pk>/", views.finding_page, name="finding"),
    path("systemic/", views.systemic_page, name="systemic"),
]
