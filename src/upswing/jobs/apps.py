from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "upswing.jobs"
    label = "jobs"
    verbose_name = "Jobs"
