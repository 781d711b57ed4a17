from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "upswing.imports"
    label = "imports"
    verbose_name = "Imports"
