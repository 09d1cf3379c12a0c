"""Administrators edit the catalogue here. A version used by a case is read-only: publish a new one."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Case,
    CaseEvent,
    ServiceItem,
    ServiceItemVersion,
    StepDefinition,
    SupervisionPolicy,
    WorkdayOverride,
)


class VersionInline(admin.TabularInline):
    model = ServiceItemVersion
    fields = ("number", "effective_from", "is_published", "total_limit_wd", "notice_days")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "accept_levels", "community_level", "is_active")
    list_filter = ("category", "is_active", "community_level")
    search_fields = ("code", "name")
    inlines = [VersionInline]


class StepInline(admin.TabularInline):
    model = StepDefinition
    extra = 0
    fields = (
        "order",
        "code",
        "name",
        "kind",
        "level",
        "unit_kind",
        "role",
        "limit_wd",
        "calendar_days",
        "rolls_to_workday",
        "pauses_case_clock",
        "joint_departments",
        "transfer_limit_wd",
    )


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(admin.ModelAdmin):
    list_display = ("item", "number", "effective_from", "is_published", "total_limit_wd", "notice_days")
    list_filter = ("item__category", "is_published")
    search_fields = ("item__name", "item__code")
    filter_horizontal = ("required_documents",)
    inlines = [StepInline]
    actions = ["copy_as_new_version"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.in_use:
            return False  # cases in flight finish on this version; publish a new one instead
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.in_use:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("复制为新版本（未发布，生效日期为明天）"))
    @transaction.atomic
    def copy_as_new_version(self, request, queryset):
        for version in queryset.select_related("item"):
            last = version.item.versions.order_by("-number").first()
            steps = list(version.steps.all())
            documents = list(version.required_documents.all())
            version.pk = None
            version.number = last.number + 1
            version.effective_from = max(timezone.localdate() + timedelta(days=1), last.effective_from)
            version.is_published = False
            version.save()
            version.required_documents.set(documents)
            for step in steps:
                step.pk = None
                step.version = version
                step.save()
            messages.success(request, _("已复制为 %(v)s，请修改后发布") % {"v": version})


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(admin.ModelAdmin):
    list_display = ("effective_from", "warn_working_days", "escalate_after_wd", "max_level")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Cases change only through the services (conditional updates, timeline); the admin just looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("receipt_no", "item", "status", "accepting_unit", "accepted_on", "due_on", "area_code")
    list_filter = ("status", "item")
    search_fields = ("receipt_no",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "at", "actor_name", "unit_name")
    list_filter = ("kind",)
