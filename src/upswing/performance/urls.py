from django.urls import path

from upswing.performance import (
    directory_views,
    drilldown_views,
    findings_views,
    targets_views,
    views,
)

app_name = "performance"

urlpatterns = [
    path("programs/", directory_views.directory, name="directory"),
    path("programs/<str:code>/", views.program_page, name="program"),
    path("teams/<str:code>/", views.team_page, name="team"),
    path("agents/<str:code>/", views.agent_page, name="agent"),
    path("targets/", targets_views.targets_index, name="targets_index"),
    path("findings/<int:pk>/", findings_views.finding_page, name="finding"),
    path("systemic/", findings_views.systemic_page, name="systemic"),
    path("programs/<str:code>/targets/", targets_views.program_targets, name="targets"),
    path(
        "programs/<str:code>/evidence/<str:period>/<str:metric>/",
        drilldown_views.program_evidence,
        name="evidence_program",
    ),
    path(
        "teams/<str:code>/evidence/<str:period>/<str:metric>/",
        drilldown_views.team_evidence,
        name="evidence_team",
    ),
    path(
        "agents/<str:code>/evidence/<str:period>/<str:metric>/",
        drilldown_views.agent_evidence,
        name="evidence_agent",
    ),
    path(
        "agents/<str:code>/evaluations/<str:period>/",
        drilldown_views.agent_evaluations,
        name="agent_evaluations",
    ),
]
