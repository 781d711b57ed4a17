from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "upswing.findings"
    label = "findings"

    def ready(self) -> None:
        from upswing.findings import tasks

        tasks.register()  # the refresh and the diagnosis, and their schedule, with upswing.jobs
