from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "upswing.plans"
    label = "plans"
    verbose_name = "Performance improvement plans"
