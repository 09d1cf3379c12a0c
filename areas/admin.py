from django.contrib import admin

from areas.models import Area, AreaChange


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_to", "is_demo"]
    list_filter = ["level", "is_demo"]
    search_fields = ["code", "name", "full_name"]
    raw_id_fields = ["parent"]


@admin.register(AreaChange)
class AreaChangeAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "old_name", "new_name", "successor_code", "effective_on"]
    list_filter = ["kind"]
    search_fields = ["code", "old_name", "new_name"]
