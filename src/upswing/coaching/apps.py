from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "upswing.coaching"
    label = "coaching"

    def ready(self) -> None:
        from upswing.coaching.actions import do_import_coaching
        from upswing.ingest.kinds import register_writer

        register_writer(
            "coaching", do_import_coaching
        )  # the coaching import's rows are stored here
