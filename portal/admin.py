from django.contrib import admin

from portal.models import ComplaintLimit, ConductSupervisor, ServicePoint


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area_code", "hours", "is_active")
    list_filter = ("kind", "is_active")
    filter_horizontal = ("items",)

    def get_queryset(self, request):
        return ServicePoint.unscoped.all()


@admin.register(ConductSupervisor)
class ConductSupervisorAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "area_code", "is_active")

    def get_queryset(self, request):
        return ConductSupervisor.unscoped.all()


@admin.register(ComplaintLimit)
class ComplaintLimitAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "working_days", "basis")
