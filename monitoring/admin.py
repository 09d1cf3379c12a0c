from django.contrib import admin

from monitoring.models import SignalRule


@admin.register(SignalRule)
class SignalRuleAdmin(admin.ModelAdmin):
    """Warning thresholds, risk levels and visit deadlines are data edited by administrators."""

    list_display = ("signal", "threshold", "risk", "high_multiple", "due_days", "window_days", "is_active")
    list_editable = ("threshold", "risk", "high_multiple", "due_days", "window_days", "is_active")
