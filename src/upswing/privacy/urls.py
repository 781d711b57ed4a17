from django.urls import path

import upswing.converters  # noqa: F401 - registers the <code:…> converter
from upswing.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/agents/<code:code>/", views.person_page, name="person"),
    path("privacy/agents/<code:code>/export.json", views.export_json, name="export_json"),
    path("privacy/agents/<code:code>/export.pdf", views.export_pdf, name="export_pdf"),
    path("privacy/agents/<code:code>/erase/", views.erase, name="erase"),
    path("privacy/agents/<code:code>/hold/", views.hold, name="hold"),
]
