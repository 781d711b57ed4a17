from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "upswing.findings"
    label = "findings"
