from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The web shell: base templates, static files, sign-in and the landing redirect."""

    name = "upswing.site"
    label = "upswing_site"
