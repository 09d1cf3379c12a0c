from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import APIToken, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "area_code", "parent", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["name", "area_code"]
    raw_id_fields = ["parent"]

    def get_queryset(self, request):
        return Unit.objects.all()  # scoped to the administrator's jurisdiction


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "unit", "area_code", "is_active", "must_change_password"]
    list_filter = ["is_active", "roles", "must_change_password"]
    search_fields = ["username", "full_name", "unit__name"]
    filter_horizontal = ["roles"]
    raw_id_fields = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("人员信息", {"fields": ("full_name", "phone", "unit", "roles", "must_change_password")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("时间", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "unit", "roles", "password1", "password2")}),
    )

    def get_queryset(self, request):
        return User.in_jurisdiction.all()


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "created_at", "expires_at"]
    readonly_fields = ["key_hash"]
