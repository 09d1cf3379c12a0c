from django.contrib import admin

from verification.models import Batch, Finding


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("source", "version", "file_name", "provider", "status", "row_count", "error_count", "uploaded_at")
    list_filter = ("source", "status")
    readonly_fields = [f.name for f in Batch._meta.fields]

    def get_queryset(self, request):
        return Batch.unscoped.all()

    def has_add_permission(self, request):
        return False  # uploads go through the validated path


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ("kind", "natural_key", "status", "area_code", "found_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in Finding._meta.fields]

    def get_queryset(self, request):
        return Finding.unscoped.all()

    def has_add_permission(self, request):
        return False
