from django.urls import path

from upswing.today import views

app_name = "today"

# The start page is also the site's root (`home`, in site/urls.py); this name reaches it too.
urlpatterns = [
    path("today/", views.start_page, name="start"),
    path("today/badge/", views.badge, name="badge"),
]
