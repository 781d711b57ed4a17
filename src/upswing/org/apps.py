from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "upswing.org"
    label = "org"
    verbose_name = "Organisation"
