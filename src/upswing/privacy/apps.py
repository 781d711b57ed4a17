from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "upswing.privacy"
    label = "privacy"
    verbose_name = "Privacy: retention, legal holds, erasure"
