"""Administration of the assistance reference data: close-relative relations (近亲属备案), local
practices (e.g. Xinshao four-in-one), policy documents."""

from django.contrib import admin

from areas.jurisdiction import system_scope
from assistance.casework import CloseRelative, LocalPractice


@admin.register(CloseRelative)
class CloseRelativeAdmin(admin.ModelAdmin):
    list_display = ["person", "position", "staff", "cadre_name", "relation", "recorded_on", "ended_on"]
    list_filter = ["position", "relation"]
    raw_id_fields = ["person", "staff"]
    exclude = ["area_code"]

    def get_queryset(self, request):
        return CloseRelative.unscoped.select_related("person", "staff")

    def save_model(self, request, obj, form, change):
        if not obj.area_code:
            obj.area_code = obj.person.area_code
        with system_scope():
            super().save_model(request, obj, form, change)


@admin.register(LocalPractice)
class LocalPracticeAdmin(admin.ModelAdmin):
    list_display = ["area_code", "programme", "variant", "effective_from"]
