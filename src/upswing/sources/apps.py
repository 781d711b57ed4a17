from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "upswing.sources"
    label = "sources"
    verbose_name = "Warehouse sources"

    def ready(self) -> None:
        from upswing.sources import tasks

        tasks.register()  # the sources' read and its scheduled job, with upswing.jobs
