from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "upswing.imports"
    label = "imports"
    verbose_name = "Imports"

    def ready(self) -> None:
        from upswing.imports import tasks

        tasks.register()  # the uploads' task and the worker's sweep, with upswing.jobs
