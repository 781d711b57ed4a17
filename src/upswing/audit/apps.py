from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "upswing.audit"
    label = "audit"
    verbose_name = "Audit trail"
