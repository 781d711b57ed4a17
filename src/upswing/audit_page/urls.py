from django.urls import path

from upswing.audit_page import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_events_page, name="events"),
]
