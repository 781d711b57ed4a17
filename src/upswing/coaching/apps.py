from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "upswing.coaching"
    label = "coaching"
