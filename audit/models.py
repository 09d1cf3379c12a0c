"""The audit log (操作日志): append-only, each entry hash-chained to the one before."""

import hashlib
import hmac
import json
from datetime import UTC

from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned

GENESIS_HASH = "0" * 64


class AuditEntry(AreaOwned):
    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        VIEW_PERSONAL_DATA = "view_personal", _("查看个人信息")
        EXPORT = "export", _("导出")
        IMPORT = "import", _("导入")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出")

    created_at = models.DateTimeField(_("时间"), db_index=True)
    user_id_at_time = models.BigIntegerField(_("用户ID"), null=True, blank=True)
    username = models.CharField(_("用户"), max_length=150)
    unit_name = models.CharField(_("单位"), max_length=100, blank=True)
    ip = models.CharField(_("IP地址"), max_length=45, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    prev_hash = models.CharField(_("前序哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    # Keyed entries are chained with an HMAC whose key lives outside the database (audit.anchor), so
    # whoever controls the database cannot recompute the chain after rewriting it. Entries written
    # before the key was introduced keep their plain SHA-256; none may follow a keyed entry.
    keyed = models.BooleanField(_("密钥链"), default=False)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.object_repr}"

    def compute_hash(self) -> str:
        payload = {
            "prev": self.prev_hash,
            "at": self.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "user_id": self.user_id_at_time,
            "user": self.username,
            "unit": self.unit_name,
            "ip": self.ip,
            "action": self.action,
            "type": self.object_type,
            "id": self.object_id,
            "repr": self.object_repr,
            "area": self.area_code,
            "changes": self.changes,
        }
        canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        if self.keyed:
            from audit.anchor import chain_key

            return hmac.new(chain_key(), canonical, hashlib.sha256).hexdigest()
        return hashlib.sha256(canonical).hexdigest()
