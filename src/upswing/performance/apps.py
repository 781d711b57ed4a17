from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "upswing.performance"
    label = "performance"
