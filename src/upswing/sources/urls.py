from django.urls import path

from upswing.sources import views

app_name = "sources"

urlpatterns = [
    path("", views.sources_page, name="index"),
]
