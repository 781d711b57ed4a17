from django.apps import AppConfig


def _write_contracts(*args, **kwargs):
    """The contracts import's writer, imported when an import runs: loading it at start-up
    would load DuckDB into every process, each task's included (and past its memory cap)."""
    from upswing.governance.imports import do_import_contracts

    return do_import_contracts(*args, **kwargs)


class GovernanceConfig(AppConfig):
    name = "upswing.governance"
    label = "governance"
    verbose_name = "Client governance: contracts, breaches, corrective actions, reports"

    def ready(self) -> None:
        from upswing.governance import tasks
        from upswing.governance.access import contracts_import_role
        from upswing.imports.access import register_scoped_import
        from upswing.ingest.kinds import register_writer

        register_writer("contracts", _write_contracts)  # the contracts import's rows
        # The client's governance lead uploads its own client's contracts (governance page).
        register_scoped_import("contracts", contracts_import_role)
        tasks.register()  # the monthly plans and reports, and their schedule, with upswing.jobs
