"""Feedback pages, included at the site root (namespace "feedback")."""

from django.urls import path

import upswing.converters  # noqa: F401 - registers the <code:…> converter
from upswing.feedback import views

app_name = "feedback"

urlpatterns = [
    path("feedback/", views.index, name="index"),
    path("feedback/give/", views.give, name="give"),
    path("feedback/cycles/new/", views.new_cycle, name="new_cycle"),
    path("feedback/cycles/<int:pk>/", views.cycle_page, name="cycle"),
    path("feedback/cycles/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("feedback/cycles/<int:pk>/state/", views.change_state, name="change_state"),
    path("feedback/nominations/<int:pk>/decide/", views.decide, name="decide"),
    path("feedback/requests/<int:pk>/", views.answer, name="answer"),
    path("feedback/cycles/<int:pk>/results/<code:code>/", views.results, name="results"),
    path(
        "feedback/cycles/<int:pk>/results/<code:code>/csv/",
        views.results_csv,
        name="results_csv",
    ),
    path(
        "feedback/cycles/<int:pk>/results/<code:code>/pdf/",
        views.results_pdf,
        name="results_pdf",
    ),
    path("agents/<code:code>/feedback/", views.agent_feedback, name="agent"),
]
