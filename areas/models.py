"""The area tree (行政区划): province → city → county → township → village/community → grid."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from areas import codes


class AreaQuerySet(models.QuerySet):
    def current(self) -> "AreaQuerySet":
        return self.filter(valid_to__isnull=True)

    def below(self, code: str) -> "AreaQuerySet":
        """The area and everything under it."""
        return self.filter(code__startswith=codes.prefix_of(code))


class Area(models.Model):
    """One administrative area. Codes change yearly: an area that disappears is closed
    (valid_to), never deleted, and what happened to it is kept in AreaChange."""

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    full_name = models.CharField(_("全称"), max_length=300, blank=True)
    level = models.CharField(
        _("层级"), max_length=10, choices=[(level, codes.LEVEL_LABELS[level]) for level in codes.LEVELS]
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    valid_from = models.DateField(_("启用日期"), null=True, blank=True)
    valid_to = models.DateField(_("停用日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False, help_text=_("生成的村/社区和网格，非真实区划"))
    source = models.CharField(_("数据来源"), max_length=200, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return codes.prefix_of(self.code)

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class AreaChange(models.Model):
    """Something that happened to an area code: renamed, merged, abolished, recoded, created."""

    class Kind(models.TextChoices):
        CREATED = "created", _("新设")
        RENAMED = "renamed", _("更名")
        RECODED = "recoded", _("改码")
        MERGED = "merged", _("合并")
        ABOLISHED = "abolished", _("撤销")
        MOVED = "moved", _("划转")

    code = models.CharField(_("区划代码"), max_length=15, db_index=True)
    kind = models.CharField(_("变更类型"), max_length=10, choices=Kind.choices)
    old_name = models.CharField(_("原名称"), max_length=100, blank=True)
    new_name = models.CharField(_("新名称"), max_length=100, blank=True)
    successor_code = models.CharField(_("承继区划代码"), max_length=15, blank=True)
    effective_on = models.DateField(_("生效日期"))
    source = models.CharField(_("依据/来源"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("区划变更")
        verbose_name_plural = _("区划变更")
        ordering = ["code", "effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_kind_display()} {self.effective_on}"
