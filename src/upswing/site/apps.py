from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The web shell: base templates, static files, sign-in and the landing redirect."""

    name = "upswing.site"
    label = "upswing_site"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from upswing.site.limits import check_text_fields

        # Every model's text fields, whatever the channel (upswing.site.limits).
        pre_save.connect(check_text_fields, dispatch_uid="upswing.site.limits")
