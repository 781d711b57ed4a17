"""Finding pages, included under the `performance` URL namespace by `upswing.site.performance_urls`."""

from django.urls import path

from upswing.findings import views

urlpatterns = [
    path("findings/<int:pk>/", views.finding_page, name="finding"),
    path("systemic/", views.systemic_page, name="systemic"),
]
