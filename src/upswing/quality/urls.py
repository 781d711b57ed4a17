from django.urls import path

import upswing.converters  # noqa: F401 - registers the <code:…> converter
from upswing.quality import calibration_views as cv
from upswing.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.home_page, name="home"),
    path("queue/", views.queue_page, name="queue"),
    path("queue/<int:pk>/", views.score_page, name="score"),
    path("evaluations/<int:pk>/", views.evaluation_page, name="evaluation"),
    path("evaluations/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("evaluations/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("disputes/", views.disputes_page, name="disputes"),
    path("disputes/<int:pk>/decide/", views.decide, name="decide"),
    path("agents/<code:code>/", views.agent_page, name="agent"),
    path("programs/<code:code>/", views.program_page, name="program"),
    path("programs/<code:code>/draw/", views.draw_sample, name="draw"),
    path("programs/<code:code>/leniency/", views.leniency_page, name="leniency"),
    path("programs/<code:code>/signals/check/", views.check_signals, name="check_signals"),
    path("programs/<code:code>/templates/", cv.templates_page, name="templates"),
    path("templates/<int:pk>/", cv.template_page, name="template"),
    path("programs/<code:code>/calibrations/", cv.calibrations_page, name="calibrations"),
    path("calibrations/<int:pk>/", cv.calibration_page, name="calibration"),
    path("calibrations/<int:pk>/submit/", cv.calibration_submit, name="calibration_submit"),
    path("calibrations/<int:pk>/reveal/", cv.calibration_reveal, name="calibration_reveal"),
    path(
        "calibrations/<int:pk>/reference/", cv.calibration_reference, name="calibration_reference"
    ),
]
