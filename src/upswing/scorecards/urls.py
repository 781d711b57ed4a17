"""Scorecard pages: dashboards, the directory and the drill-down to the evidence.

Included under the `performance` URL namespace by `upswing.site.performance_urls`, so URL names
(`performance:program`, …) did not change when the feature got its own folder.
"""

from django.urls import path

import upswing.converters  # noqa: F401 - registers the <code:…> converter
from upswing.scorecards import directory_views, drilldown_views, views

urlpatterns = [
    path("programs/", directory_views.directory, name="directory"),
    path("programs/<code:code>/", views.program_page, name="program"),
    path("teams/<code:code>/", views.team_page, name="team"),
    path("agents/<code:code>/", views.agent_page, name="agent"),
    path(
        "programs/<code:code>/evidence/<str:period>/<str:metric>/",
        drilldown_views.program_evidence,
        name="evidence_program",
    ),
    path(
        "teams/<code:code>/evidence/<str:period>/<str:metric>/",
        drilldown_views.team_evidence,
        name="evidence_team",
    ),
    path(
        "agents/<code:code>/evidence/<str:period>/<str:metric>/",
        drilldown_views.agent_evidence,
        name="evidence_agent",
    ),
    path(
        "agents/<code:code>/evaluations/<str:period>/",
        drilldown_views.agent_evaluations,
        name="agent_evaluations",
    ),
]
