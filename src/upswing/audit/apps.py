from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "upswing.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from upswing.audit.append_only import on_connection_created

        # Test settings only: lets the test runner's flush empty the append-only table.
        connection_created.connect(on_connection_created, dispatch_uid="upswing.audit.purge")
