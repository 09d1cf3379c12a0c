"""Administrator overrides of the working-day calendar, for years chinese-calendar does not know yet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    """One day declared a working day (调休上班) or a day off (法定节假日), overriding the library."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"), help_text=_("勾选：调休上班日；不勾选：放假日"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如：2027年春节调休"))

    class Meta:
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'}"


class HolidayNotice(models.Model):
    """The State Council's holiday notice (国务院办公厅关于某年部分节假日安排的通知) for a year the
    chinese-calendar package does not know yet, as an administrator entered it: the year's days off
    and adjusted working days are its WorkdayOverride rows. Until a year has one (or the package
    knows the year), every deadline falling in it is provisional (暂定)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("通知名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    text = models.TextField(_("放假与调休安排"), help_text=_("按录入原样保存"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"
