from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "upswing.api"
    label = "api"
    verbose_name = "REST API"
