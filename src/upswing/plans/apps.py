from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "upswing.plans"
    label = "plans"
    verbose_name = "Performance improvement plans"

    def ready(self) -> None:
        from upswing.plans import tasks

        tasks.register()  # checkpoint reminders and their schedule, with upswing.jobs
