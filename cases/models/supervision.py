"""Supervision (督办), in-app notifications, and the one reply to the applicant (统一答复)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class Supervision(AreaOwned):
    """A 督办 addressed to the unit responsible for a step and to its superior unit.

    Automatic ones are raised by the daily job when a step is overdue, one per (step, level), and
    when a department has not answered a transfer (转办/会办) by its deadline, one per (transfer,
    level): running the job twice changes nothing. Owned by the case's area."""

    class Kind(models.TextChoices):
        AUTO = "auto", _("超期自动督办")
        TRANSFER = "transfer", _("转办超期督办")
        MANUAL = "manual", _("领导督办")

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="supervisions"
    )
    step = models.ForeignKey(
        "cases.CaseStep", verbose_name=_("环节"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.ForeignKey(
        "cases.Transfer",
        verbose_name=_("转办事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("督办级别"), default=1)
    target_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("被督办单位"), on_delete=models.PROTECT, related_name="+"
    )
    superior_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("抄送上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("督办事由"))
    issued_on = models.DateField(_("督办日期"))
    due_on = models.DateField(_("限办日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "level"], condition=Q(kind="auto"), name="cases_one_auto_supervision_per_level"
            ),
            models.UniqueConstraint(
                fields=["transfer", "level"],
                condition=Q(kind="transfer"),
                name="cases_one_transfer_supervision_per_level",
            ),
        ]
        indexes = [models.Index(fields=["target_unit", "closed_on"], name="cases_supervision_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.level}级）{self.target_unit}"


class Notification(models.Model):
    """An in-app message to a unit (its staff see it on their queue page)."""

    unit = models.ForeignKey("accounts.Unit", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    supervision = models.ForeignKey(
        Supervision,
        verbose_name=_("督办"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    text = models.CharField(_("内容"), max_length=300)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "read_at"], name="cases_notification_unread")]

    def __str__(self) -> str:
        return self.text


class CaseReply(models.Model):
    """The one reply (统一答复) the accepting window gives the applicant when the case ends."""

    case = models.OneToOneField("cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="reply")
    text = models.TextField(_("答复内容"))
    sms_text = models.CharField(_("短信内容"), max_length=500, blank=True)
    issued_on = models.DateField(_("答复日期"))
    issued_at = models.DateTimeField(_("答复时间"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT)
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("答复窗口"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("统一答复")
        verbose_name_plural = _("统一答复")

    def __str__(self) -> str:
        return f"{self.case_id} {self.issued_on}"


class SmsOutbox(models.Model):
    """Texts to applicants written by the default sender; a gateway sender may deliver them later."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    phone = models.CharField(_("手机号"), max_length=20)
    text = models.CharField(_("内容"), max_length=500)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("短信发件箱")
        verbose_name_plural = _("短信发件箱")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.phone} {self.text[:20]}"
