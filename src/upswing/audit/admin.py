"""Admin helpers: changes made in the Django admin are audited like any other; the audit
trail itself is read-only there."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction

from upswing.audit.actions import diff_fields, field_values, hide_values, record_event
from upswing.audit.models import AuditEvent

# Never the values of these in the trail (personal data, secrets); that they changed is kept.
HIDDEN_FIELDS = ("password", "email", "first_name", "last_name", "lead_email", "notes")
# A person's name (a program's or team's name is not personal).
PERSON_MODELS = frozenset({"org.agent"})
# Bookkeeping the admin's user does not change.
SKIPPED_FIELDS = frozenset({"last_login", "version"})


def _fields(obj) -> list[str]:
    return [
        f.name
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in SKIPPED_FIELDS
    ]


def _diff(before: dict, after: dict, obj) -> dict:
    hidden = HIDDEN_FIELDS + (("name",) if obj._meta.label_lower in PERSON_MODELS else ())
    return hide_values(diff_fields(before, after), hidden)


# The role the Django admin acts in: only administrators reach it. The value of
# org.models.Role.ADMIN, written here so the log imports no feature (a test checks they agree).
ADMIN_ROLE = "admin"


class AuditedModelAdmin(admin.ModelAdmin):
    """Every add, change and delete through the admin writes an audit event with the diff,
    and so does every row added, changed or deleted in its inlines."""

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = field_values(stored, _fields(obj)) if stored is not None else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_event(
                actor=request.user,
                role=ADMIN_ROLE,
                action=f"admin.{'change' if change else 'add'}",
                obj=obj,
                changes=_diff(before, field_values(obj, _fields(obj)), obj),
            )

    def save_formset(self, request, form, formset, change):
        model = formset.model
        names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
        pks = [f.instance.pk for f in formset.forms if f.instance.pk is not None]
        before = {
            obj.pk: field_values(obj, names) for obj in model._default_manager.filter(pk__in=pks)
        }
        pk_of = {id(f.instance): f.instance.pk for f in formset.forms}
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                self._record_inline(request, obj, "add", {}, field_values(obj, names))
            for obj, _ in formset.changed_objects:
                after = field_values(obj, names)
                self._record_inline(request, obj, "change", before.get(obj.pk, {}), after)
            for obj in formset.deleted_objects:
                pk = pk_of.get(id(obj))
                self._record_inline(request, obj, "delete", before.get(pk, {}), {}, pk)

    def _record_inline(self, request, obj, verb, before, after, pk=None) -> None:
        record_event(
            actor=request.user,
            role=ADMIN_ROLE,
            action=f"admin.{verb}",
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk if pk is None else pk),
            changes=_diff(before, after, obj),
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
            role=ADMIN_ROLE,
            action="admin.delete",
            obj=obj,
            changes=_diff(field_values(obj, _fields(obj)), {}, obj),
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
