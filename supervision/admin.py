from django.contrib import admin

from supervision.indicators import choices
from supervision.models import Indicator, OpinionRule, RectificationPolicy


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["subject_type", "name", "source", "computation", "better", "weight", "is_active"]
    list_filter = ["subject_type", "source", "is_active"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "computation":
            from django import forms

            return forms.ChoiceField(label="计算方法", choices=[("", "（人工录入）"), *choices()], required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(OpinionRule)
class OpinionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "item_code",
        "step_code",
        "threshold",
        "area_code",
        "effective_from",
        "effective_to",
    ]


@admin.register(RectificationPolicy)
class RectificationPolicyAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "limit_working_days", "escalate_every_wd", "max_level"]
