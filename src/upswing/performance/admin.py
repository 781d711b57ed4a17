"""Performance records in the Django admin: targets and scorecards are read-only (a target
changes by a new version on the targets page, scorecards by a refresh); a program's diagnosis
policy is edited here, audited."""

from __future__ import annotations

from django.contrib import admin

from upswing.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from upswing.performance.models import DiagnosisPolicy, Finding, ScorecardSnapshot, Target


@admin.register(Target)
class TargetAdmin(ReadOnlyModelAdmin):
    list_display = ("program", "team", "metric", "sla_floor", "kpi_target", "source")
    list_display += ("effective_from", "created_by", "created_at")
    list_filter = ("program", "metric")
    list_select_related = ("program", "team", "created_by")


@admin.register(ScorecardSnapshot)
class ScorecardSnapshotAdmin(ReadOnlyModelAdmin):
    list_display = ("level", "entity_code", "program_code", "period_kind", "period_start")
    list_display += ("metric", "value", "n", "status")
    list_filter = ("level", "period_kind", "metric", "status")
    search_fields = ("entity_code", "team_code", "program_code")


@admin.register(Finding)
class FindingAdmin(ReadOnlyModelAdmin):
    list_display = ("as_of", "agent_code", "team_code", "metric", "kind", "cause")
    list_display += ("recommendation",)
    list_filter = ("cause", "recommendation", "kind")
    search_fields = ("agent_code", "team_code", "program_code")


@admin.register(DiagnosisPolicy)
class DiagnosisPolicyAdmin(AuditedModelAdmin):
    list_display = ("program", "periods_below", "window", "min_n", "systemic_share")
