"""Background jobs (后台任务): one row per job, so a user can watch progress and read its log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class Job(AreaOwned):
    """area_code is the jurisdiction the job runs in: the starter's, never wider."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("任务类型"), max_length=50, db_index=True)
    title = models.CharField(_("任务名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("当前说明"), max_length=500, blank=True)
    log = models.JSONField(_("日志"), default=list, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    result_file = models.FileField(_("结果文件"), upload_to="jobs/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class PeriodicRun(models.Model):
    """One run of a registered periodic work (jobs.periodic) for one period.

    A scheduled run is unique per (key, period): the row is the claim, so however many schedulers
    tick at once, one of them inserts it and the others see it and go on. A run an administrator
    starts by hand (立即运行) is its own row and never blocks the scheduled one."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("按时")
        MANUAL = "manual", _("手动")

    key = models.CharField(_("定时任务"), max_length=80, db_index=True)
    period = models.DateField(_("周期"), help_text=_("每天的任务为当天，每月的任务为当月运行日"))
    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    queued_at = models.DateTimeField(_("排队时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "period"], condition=Q(trigger="schedule"), name="one_scheduled_run_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.period}"
