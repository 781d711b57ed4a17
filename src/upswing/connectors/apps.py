from django.apps import AppConfig


class ConnectorsConfig(AppConfig):
    """No models (a connector's cursor is kept by the job queue, upswing.jobs.models): an app
    so that it registers its pulls with the queue when Django starts."""

    name = "upswing.connectors"
    label = "connectors"
    verbose_name = "Pull connectors"

    def ready(self) -> None:
        from upswing.connectors import tasks

        tasks.register()  # the pulls and their scheduled jobs, with upswing.jobs
