"""The cockpit's pre-aggregated figures (驾驶舱汇总表): counts and sums per village and indicator,
rebuilt set-based by `cockpit.figures.refresh_figures` (daily, and on the leader's request), so a
chart at county size reads a few thousand small rows instead of millions of records."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class Figure(AreaOwned):
    """One number behind a chart: `indicator` × `key` (a status, a kind, a programme) × village."""

    indicator = models.CharField(_("指标"), max_length=30)
    key = models.CharField(_("分类"), max_length=40)
    month = models.DateField(_("月份"), null=True, blank=True)
    rural = models.BooleanField(_("农村"), null=True, blank=True, help_text=_("按村委会/居委会区分城乡"))
    count = models.BigIntegerField(_("数量"), default=0)
    amount_fen = models.BigIntegerField(_("金额（分）"), default=0)

    class Meta:
        verbose_name = _("驾驶舱汇总数")
        verbose_name_plural = _("驾驶舱汇总数")
        indexes = [models.Index(fields=["indicator", "area_code"], name="cockpit_figure_ind_area")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.key} {self.area_code}: {self.count}"


class Refresh(models.Model):
    """When the figures were last rebuilt, for the page's "数据截至" line."""

    finished_at = models.DateTimeField(_("完成时间"))
    as_of = models.DateField(_("统计日期"))
    rows = models.PositiveIntegerField(_("汇总行数"))
    seconds = models.FloatField(_("用时（秒）"))

    class Meta:
        verbose_name = _("汇总刷新")
        verbose_name_plural = _("汇总刷新")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"汇总于{self.finished_at:%Y-%m-%d %H:%M}"
