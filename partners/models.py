"""The partners' API: who may call it, what they are told, and what they exchange in batches.

- `PartnerClient`: one department or system (人社、卫健、公安、省级平台 …) with its client credentials:
  a public client id and a secret shown once and stored as its SHA-256; its scopes, its area (it
  never sees beyond it), its rate limit; revoked at once by an administrator.
- `WebhookSubscription`: where a client wants to be told of events (one URL, the events it chose).
- `WebhookDelivery`: the outbox, one row per event per subscription, written in the transaction of
  the event; sent by a background task, retried with exponential back-off, kept as the delivery log.
- `ExchangeBatch`: a batch file in the versioned exchange format (docs/exchange/v1), received from
  a department or sent up to the province, stored once per (client, batch id) with its SHA-256.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class PartnerClient(Audited, AreaOwned):
    name = models.CharField(_("系统名称"), max_length=100)
    department = models.CharField(_("所属部门"), max_length=100)
    client_id = models.CharField(_("客户端编号"), max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    webhook_salt = models.CharField(max_length=32, editable=False)
    scopes = models.JSONField(_("授权范围"), default=list)
    rate_limit_per_minute = models.PositiveIntegerField(_("每分钟请求上限"), default=120)
    contact = models.CharField(_("联系人及电话"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近调用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("吊销原因"), max_length=200, blank=True)

    sensitive_fields = ("secret_hash", "webhook_salt")
    audit_exclude = ("last_used_at",)

    class Meta:
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.client_id}）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class WebhookSubscription(Audited, AreaOwned):
    client = models.ForeignKey(
        PartnerClient, verbose_name=_("客户端"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    url = models.URLField(_("接收地址"), max_length=300)
    events = models.JSONField(_("订阅的事件"), default=list)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事件订阅")
        verbose_name_plural = _("事件订阅")
        ordering = ["client", "id"]

    def __str__(self) -> str:
        return f"{self.client.name} → {self.url}"


class WebhookDelivery(AreaOwned):
    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        RETRYING = "retrying", _("失败待重试")
        DELIVERED = "delivered", _("已送达")
        GAVE_UP = "gave_up", _("多次失败已停止")

    subscription = models.ForeignKey(
        WebhookSubscription, verbose_name=_("订阅"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(_("事件编号"), default=uuid.uuid4)
    event_type = models.CharField(_("事件"), max_length=40)
    body = models.TextField(_("通知内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_try_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_status_code = models.PositiveSmallIntegerField(_("对方响应码"), null=True, blank=True)
    last_error = models.CharField(_("失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事件通知")
        verbose_name_plural = _("事件通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event_id"], name="partners_one_delivery_per_event")
        ]
        indexes = [models.Index(fields=["status", "next_try_at"], name="partners_delivery_due_idx")]


class ExchangeBatch(AreaOwned):
    class Direction(models.TextChoices):
        INBOUND = "in", _("部门报送")
        OUTBOUND = "out", _("向上报送")

    class Status(models.TextChoices):
        APPLIED = "applied", _("已处理")
        STORED = "stored", _("已接收")

    client = models.ForeignKey(
        PartnerClient, verbose_name=_("客户端"), on_delete=models.PROTECT, related_name="batches"
    )
    batch_id = models.CharField(_("批次编号"), max_length=64)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("数据类别"), max_length=30)
    format_version = models.CharField(_("格式版本"), max_length=8, default="1")
    sha256 = models.CharField(_("SHA-256校验值"), max_length=64)
    records = models.PositiveIntegerField(_("记录条数"), default=0)
    size_bytes = models.PositiveIntegerField(_("文件大小（字节）"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.STORED)
    result = models.JSONField(_("处理结果"), default=dict, blank=True)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("交换批次")
        verbose_name_plural = _("交换批次")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "batch_id", "direction"], name="partners_one_batch_per_id")
        ]
