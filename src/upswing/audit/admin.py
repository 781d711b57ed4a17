"""Admin helpers: changes made in the Django admin are audited like any other; the audit
trail itself is read-only there."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from upswing.audit.actions import diff_fields, field_values, record_event
from upswing.audit.models import AuditEvent
from upswing.org.models import Role


def _fields(obj) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if not f.primary_key]


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change and delete through the admin writes an audit event with the diff."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = field_values(stored, _fields(obj)) if stored is not None else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                actor=request.user,
                role=Role.ADMIN,
                action=f"admin.{'change' if change else 'add'}",
                obj=obj,
                changes=diff_fields(before, field_values(obj, _fields(obj))),
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_delete(request, obj)
            super().delete_queryset(request, queryset)

    def _record_delete(self, request, obj) -> None:
        record_event(
            actor=request.user,
            role=Role.ADMIN,
            action="admin.delete",
            obj=obj,
            changes=diff_fields(field_values(obj, _fields(obj)), {}),
        )


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records that change only through their actions (or never): viewable, not editable."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("at", "actor_label", "role", "action", "object_type", "object_id")
    list_filter = ("action", "object_type", "role")
    search_fields = ("actor_label", "action", "object_type", "object_id", "request_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)
