"""Governance records in the Django admin: every add, change and delete (the SLA lines and
versions in their inlines too) writes an audit event with the diff, like the pages' actions.
Corrective action plans and partnership reviews change only on their pages."""

from django.contrib import admin

from upswing.audit.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from upswing.governance.models import (
    Contract,
    ContractVersion,
    CorrectiveActionPlan,
    EventNotice,
    Excuse,
    PartnershipReview,
    SlaLine,
    Vendor,
)


class SlaLineInline(admin.TabularInline):
    model = SlaLine
    extra = 0


@admin.register(ContractVersion)
class ContractVersionAdmin(AuditedModelAdmin):
    list_display = ("contract", "version", "effective_from", "corrective_after", "review_after")
    inlines = [SlaLineInline]


class ContractVersionInline(admin.TabularInline):
    model = ContractVersion
    extra = 0
    show_change_link = True


@admin.register(Contract)
class ContractAdmin(AuditedModelAdmin):
    list_display = ("program", "vendor", "service_line")
    inlines = [ContractVersionInline]


@admin.register(Vendor)
class VendorAdmin(AuditedModelAdmin):
    list_display = ("name", "code")


@admin.register(Excuse)
class ExcuseAdmin(AuditedModelAdmin):
    list_display = ("program", "event_id", "metric", "accepted_at", "accepted_by")


@admin.register(EventNotice)
class EventNoticeAdmin(AuditedModelAdmin):
    list_display = ("program", "event_id", "flagged_at", "flagged_by")


@admin.register(CorrectiveActionPlan)
class CorrectiveActionPlanAdmin(ReadOnlyModelAdmin):
    list_display = ("program", "status", "opened_on", "due_on", "outcome")


@admin.register(PartnershipReview)
class PartnershipReviewAdmin(ReadOnlyModelAdmin):
    list_display = ("program", "opened_on", "decision", "decided_at")
