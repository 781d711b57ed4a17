from django.urls import path

from upswing.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.imports_page, name="index"),
    path("<int:run_id>/", views.run_page, name="run"),
    path("mapping/", views.mapping_page, name="mapping"),
]
