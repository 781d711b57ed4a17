from django.contrib import admin

from upswing.governance.models import (
    Contract,
    ContractVersion,
    EventNotice,
    Excuse,
    SlaLine,
    Vendor,
)


class SlaLineInline(admin.TabularInline):
    model = SlaLine
    extra = 0


@admin.register(ContractVersion)
class ContractVersionAdmin(admin.ModelAdmin):
    list_display = ("contract", "version", "effective_from", "corrective_after", "review_after")
    inlines = [SlaLineInline]


class ContractVersionInline(admin.TabularInline):
    model = ContractVersion
    extra = 0
    show_change_link = True


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("program", "vendor", "service_line")
    inlines = [ContractVersionInline]


admin.site.register(Vendor)
admin.site.register(Excuse)
admin.site.register(EventNotice)
