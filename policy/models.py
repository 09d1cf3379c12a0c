"""Policy as data (政策参数): standards, caps and periods with effective dates, per area.

A parameter set for a province applies to every county below it unless the city or county sets
its own; a new value is a new row with a later effective date, so a case decided in March reads
the March value forever. Code reads parameters through `policy.parameters.Policy`, never literals.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.tracking import Audited
from policy.programmes import ParameterKey


class PolicyDocument(Audited, models.Model):
    """The document (文件) a standard came from."""

    title = models.CharField(_("文件名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=100, blank=True)
    issued_by = models.CharField(_("发文机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="policy/", blank=True)

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-issued_on", "title"]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else self.title


class PolicyParameter(Audited, models.Model):
    """One value of one parameter for one area from a date. Public reference data: not scoped
    by jurisdiction (a county must read its province's standards); edits are by capability."""

    area_code = models.CharField(
        _("适用区划"), max_length=12, blank=True, db_index=True, help_text=_("留空表示全国默认值")
    )
    key = models.CharField(_("参数"), max_length=40, choices=ParameterKey.choices)
    value = models.JSONField(_("取值"), help_text=_('金额写成字符串，如 "550.00"；分档等写成列表'))
    effective_from = models.DateField(_("生效日期"))
    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("依据文件"), null=True, blank=True, on_delete=models.PROTECT
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["key", "area_code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["area_code", "key", "effective_from"], name="one_value_per_area_key_date")
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.area_code or '全国'} {self.effective_from}: {self.value}"
