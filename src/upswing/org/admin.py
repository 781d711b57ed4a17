"""The Django admin is for the admin role only, and changes made in it are audited.

`admin.site.has_permission` is narrowed here: besides Django's own is_active + is_staff
check, the user needs the admin role (an admin grant, or a superuser). Staff flags follow
admin grants (`upswing.org.grants.sync_staff_flags`), also when a grant is added or removed
in the admin itself.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from upswing.audit.admin import AuditedModelAdmin
from upswing.org.access import reach_of
from upswing.org.grants import record_grant_change, sync_staff_flags
from upswing.org.models import Agent, Client, Membership, Program, RoleGrant, Team


def _admin_role_only(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and reach_of(user).is_admin)


admin.site.has_permission = _admin_role_only
admin.site.site_header = "Upswing administration"
admin.site.site_title = "Upswing admin"


@admin.register(Client)
class ClientAdmin(AuditedModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Program)
class ProgramAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "client", "time_zone", "service_level_seconds")
    list_filter = ("client",)
    search_fields = ("code", "name")


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "program", "lead_email")
    list_filter = ("program",)
    search_fields = ("code", "name", "lead_email")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Agent)
class AgentAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "email", "user", "start_date", "end_date")
    search_fields = ("code", "name", "email")
    raw_id_fields = ("user",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ("agent", "team", "start_date", "end_date")
    list_filter = ("team__program",)
    search_fields = ("agent__code", "agent__name", "team__code")
    raw_id_fields = ("agent",)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are made and removed here; each is audited and keeps the staff flags in step."""

    list_display = ("user", "role", "client", "program", "team", "granted_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)

    def has_change_permission(self, request, obj=None):
        return False  # a different grant is a new grant: revoke and grant

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_grant_change(obj, actor=request.user, granted=True)

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_grant_change(obj, actor=request.user, granted=False)
            super().delete_model(request, obj)
            sync_staff_flags(obj.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            grants = list(queryset.select_related("user"))
            for grant in grants:
                record_grant_change(grant, actor=request.user, granted=False)
            super().delete_queryset(request, queryset)
            for user in {g.user_id: g.user for g in grants}.values():
                sync_staff_flags(user)


class AuditedUserAdmin(AuditedModelAdmin, UserAdmin):
    """Users: adding, deactivating, any change (the password's value never recorded)."""


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), AuditedUserAdmin)
