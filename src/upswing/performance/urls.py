from django.urls import path

from upswing.performance import views

app_name = "performance"

urlpatterns = [
    path("programs/<str:code>/", views.program_page, name="program"),
    path("teams/<str:code>/", views.team_page, name="team"),
    path("agents/<str:code>/", views.agent_page, name="agent"),
]
