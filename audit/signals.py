from collections import Counter

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from areas.signals import areas_loaded
from audit import services
from audit.context import acting_as, actor_for_user, client_ip
from audit.models import AuditEntry
from audit.tracking import Audited


@receiver(post_save)
def log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, Audited):
        return
    services.record_saved(instance, created)


@receiver(post_delete)
def log_delete(sender, instance, **kwargs):
    if not isinstance(instance, Audited):
        return
    old = getattr(instance, "_audit_snapshot", None) or instance.audit_values()
    services.record(AuditEntry.Action.DELETE, obj=instance, changes=services.field_changes(sender, old, {}))


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    with acting_as(actor_for_user(user, client_ip(request))):
        services.record(AuditEntry.Action.LOGIN, obj=user, area_code=user.area_code)


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    services.record(AuditEntry.Action.LOGIN_FAILED, object_type="accounts.user", object_repr=username)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        services.record(AuditEntry.Action.LOGOUT, obj=user, area_code=user.area_code)


@receiver(areas_loaded)
def log_area_load(sender, report, **kwargs):
    """Bulk writes bypass the per-row audit signals: one summary entry for the whole load."""
    totals = Counter()
    for counts in report.levels.values():
        totals.update(vars(counts))
    labels = {"created": "新增", "updated": "更新", "renamed": "更名", "closed": "撤销", "reopened": "恢复"}
    services.record(
        AuditEntry.Action.IMPORT,
        object_type="areas.area",
        object_repr=f"行政区划：{'、'.join(report.provinces)}"[:200],
        changes={
            "来源": report.source,
            **{label: totals[key] for key, label in labels.items()},
            "历史变更": report.history_added,
        },
    )
