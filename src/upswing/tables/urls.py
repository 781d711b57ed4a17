from django.urls import path

from upswing.tables import views

app_name = "tables"

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
