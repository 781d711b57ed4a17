from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "upswing.coaching"
    label = "coaching"

    def ready(self) -> None:
        from upswing.coaching.actions import do_import_coaching
        from upswing.coaching.finding_panel import coaching_panel
        from upswing.coaching.queries import coaching_records
        from upswing.findings.registry import register_coaching_history, register_finding_panel
        from upswing.ingest.kinds import register_writer

        register_writer("coaching", do_import_coaching)  # the coaching import's rows
        # Coaching reads findings; findings read coaching only through what it registers: the
        # sessions the diagnosis's ladder reads, and its panel on a finding's page.
        register_coaching_history(coaching_records)
        register_finding_panel(coaching_panel)
