from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "upswing.quality"
    label = "quality"
    verbose_name = "Quality (QA scorecards, evaluations, calibration)"
