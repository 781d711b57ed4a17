from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "upswing.governance"
    label = "governance"
    verbose_name = "Client governance: contracts, breaches, corrective actions, reports"

    def ready(self) -> None:
        from upswing.governance.imports import do_import_contracts
        from upswing.ingest.kinds import register_writer

        register_writer("contracts", do_import_contracts)  # the contracts import's rows
