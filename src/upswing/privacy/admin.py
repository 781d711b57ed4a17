"""Retention rules and legal holds in the admin (audited like every admin change)."""

from __future__ import annotations

from django.contrib import admin

from upswing.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from upswing.privacy.models import Erasure, LegalHold, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(AuditedModelAdmin):
    list_display = ("record_class", "keep_days", "basis")


@admin.register(LegalHold)
class LegalHoldAdmin(AuditedModelAdmin):
    list_display = ("agent", "reason", "placed_at", "lifted_at")
    raw_id_fields = ("agent",)
    readonly_fields = ("placed_by",)


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyModelAdmin):
    list_display = ("agent", "erased_at", "reason")
