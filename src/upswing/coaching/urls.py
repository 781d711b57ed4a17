from django.urls import path

import upswing.converters  # noqa: F401 - registers the <code:…> converter
from upswing.coaching import views

app_name = "coaching"

urlpatterns = [
    path("coaching/", views.queue_page, name="queue"),
    path("coaching/reports/", views.reports_page, name="reports"),
    path("coaching/sessions/<int:pk>/", views.session_page, name="session"),
    path("coaching/sessions/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("coaching/actions/<int:pk>/done/", views.complete_action, name="action_done"),
    path("agents/<code:code>/coaching/", views.agent_sessions_page, name="agent_sessions"),
    path("agents/<code:code>/coaching/new/", views.record_for_agent, name="record_for_agent"),
    path("findings/<int:pk>/coaching/new/", views.record_for_finding, name="record_for_finding"),
]
