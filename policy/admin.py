"""Administration of policy documents (政策文件); parameter values are entered on the policy page."""

from django.contrib import admin

from policy.models import PolicyDocument


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "issued_by", "issued_on"]
