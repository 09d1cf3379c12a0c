"""Administrator overrides of the working-day calendar, for years chinese-calendar does not know yet."""

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
