from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "upswing.feedback"
    label = "feedback"
    verbose_name = "360 feedback"
