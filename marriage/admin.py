from django.contrib import admin

from marriage.models import AuthorisedAgency


@admin.register(AuthorisedAgency)
class AuthorisedAgencyAdmin(admin.ModelAdmin):
    list_display = ("agency", "user", "basis", "valid_until", "is_active")
    raw_id_fields = ("user",)
