"""Coaching records in the Django admin, read-only: they change through their actions (which
check versions and write the audit trail), never by a raw edit."""

from __future__ import annotations

from django.contrib import admin

from upswing.audit.admin import ReadOnlyModelAdmin
from upswing.coaching.models import ActionItem, CoachingSession


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CoachingSession)
class CoachingSessionAdmin(ReadOnlyModelAdmin):
    list_display = ("agent", "coached_at", "kind", "metric", "coach_email", "acknowledged_at")
    list_filter = ("kind", "metric")
    search_fields = ("agent__code", "agent__name", "coach_email", "topic")
    list_select_related = ("agent",)
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyModelAdmin):
    list_display = ("session", "description", "owner_email", "due_on", "done_at")
