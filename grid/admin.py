from django.contrib import admin

from grid.models import EventCategory, TriageLimit, VisitPlan


@admin.register(EventCategory)
class EventCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "default_urgency", "order", "is_active")


@admin.register(TriageLimit)
class TriageLimitAdmin(admin.ModelAdmin):
    list_display = ("level", "urgency", "working_days", "hours", "effective_from")
    list_filter = ("level", "urgency")


@admin.register(VisitPlan)
class VisitPlanAdmin(admin.ModelAdmin):
    list_display = ("label", "category", "every_days", "effective_from")
