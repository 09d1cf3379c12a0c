"""The evaluation's pre-aggregated step figures (环节日汇总): what the month's step indicators count,
per day, responsible unit and handler, rebuilt set-based by `supervision.aggregates` (nightly for the
last days, monthly in full), so a month's computation reads a few thousand small rows instead of a
county's millions of steps."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class StepDay(AreaOwned):
    """Steps of one day, one responsible unit and one handler, in one township (`area_code`: the
    township's code, 9 digits and 000).

    `finished`: steps done that day (`total`) and how many by their deadline or without one (`on_time`).
    `missed`: steps due that day and not done by it (finished late, or still open): `total`."""

    class Kind(models.TextChoices):
        FINISHED = "finished", _("当日办结环节")
        MISSED = "missed", _("当日到期未按时办结环节")

    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    day = models.DateField(_("日期"))
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("责任单位"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("环节数"))
    on_time = models.PositiveIntegerField(_("按时数"), default=0)

    class Meta:
        verbose_name = _("环节日汇总")
        verbose_name_plural = _("环节日汇总")
        indexes = [models.Index(fields=["kind", "day"], name="supervision_stepday_kind_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day} {self.total}"


class AggregateRefresh(models.Model):
    """One rebuild of the step figures: from which day (none: everything) and when it finished."""

    finished_at = models.DateTimeField(_("完成时间"))
    since = models.DateField(_("重算起始日"), null=True, blank=True, help_text=_("空：全部重建"))
    rows = models.PositiveIntegerField(_("汇总行数"))
    seconds = models.FloatField(_("用时（秒）"))

    class Meta:
        verbose_name = _("环节汇总刷新")
        verbose_name_plural = _("环节汇总刷新")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"环节汇总于{self.finished_at:%Y-%m-%d %H:%M}"
