from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "upswing.today"
    label = "today"
    verbose_name = "Start pages"
