from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "upswing.targets"
    label = "targets"

    def ready(self) -> None:
        from upswing.ingest.kinds import register_writer
        from upswing.targets.imports import do_import_targets

        register_writer("targets", do_import_targets)  # the targets import's rows are stored here
