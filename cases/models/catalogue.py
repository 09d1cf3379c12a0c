"""The service catalogue (服务事项清单): items, their versioned workflows, and supervision settings.

Workflows are data. A case points at the ServiceItemVersion it was accepted under and carries on
with it to the end; a changed workflow is a new version with a later `effective_from`. A version
that a case already uses is frozen (`ServiceItemVersion.in_use`): the admin and the services
refuse to edit it.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from accounts.roles import RoleCode
from cases.errors import CaseCode
from core.errors import DomainError


class Level(models.TextChoices):
    VILLAGE = "village", _("村(社区)")
    TOWNSHIP = "township", _("乡镇(街道)")
    COUNTY = "county", _("县(区)")


# Which unit kind answers for each level unless the step names another.
LEVEL_UNIT_KIND = {
    Level.VILLAGE: Unit.Kind.VILLAGE_COMMITTEE,
    Level.TOWNSHIP: Unit.Kind.TOWNSHIP_OFFICE,
    Level.COUNTY: Unit.Kind.BUREAU,
}


class ServiceItem(models.Model):
    """One service item of the catalogue, e.g. 最低生活保障申请. Its workflow lives in versions."""

    class Category(models.TextChoices):
        ASSISTANCE = "assistance", _("社会救助")
        CHILDREN = "children", _("儿童福利")
        DISABILITY = "disability", _("残疾人福利")
        ELDERLY = "elderly", _("养老服务")
        FUNERAL = "funeral", _("殡葬服务")
        MARRIAGE = "marriage", _("婚姻登记")
        RELIEF = "relief", _("救灾与流浪救助")
        VETERANS = "veterans", _("双拥优抚")
        ORGANISATIONS = "organisations", _("社会组织与慈善")

    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    accept_levels = models.JSONField(
        _("可受理层级"), default=list, help_text=_("village / township / county 中的一个或多个")
    )
    community_level = models.BooleanField(_("可在村(社区)办理"), default=False)
    area_prefix = models.CharField(
        _("适用区划"), max_length=12, blank=True, help_text=_("留空为全国通用；填区划代码前缀则仅该地区适用")
    )
    description = models.TextField(_("事项说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项清单")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        bad = [level for level in self.accept_levels or [] if level not in Level.values]
        if bad or not self.accept_levels:
            raise ValidationError({"accept_levels": _("可受理层级须为 village、township、county 中的一个或多个")})

    def version_on(self, day: date) -> "ServiceItemVersion | None":
        """The workflow in force on `day`: the latest published version that had started by then."""
        version = (
            self.versions.filter(is_published=True, effective_from__lte=day)
            .order_by("-effective_from", "-number")
            .first()
        )
        if version is not None:
            version.item = self
        return version

    def applies_to(self, area_code: str) -> bool:
        return not self.area_prefix or area_code.startswith(self.area_prefix)


class ServiceItemVersion(models.Model):
    """The rules of one item from a date on: materials, limits, public notice, steps."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    effective_from = models.DateField(_("生效日期"))
    is_published = models.BooleanField(_("已发布"), default=True, help_text=_("未发布的版本不用于新案件"))
    required_documents = models.ManyToManyField(
        "registry.DocumentType", verbose_name=_("申请材料"), blank=True, related_name="+"
    )
    total_limit_wd = models.PositiveSmallIntegerField(_("总办理时限(工作日)"))
    extended_limit_wd = models.PositiveSmallIntegerField(
        _("特殊情况可延长至(工作日)"), null=True, blank=True, help_text=_("如低保特殊情况45个工作日")
    )
    notice_required = models.BooleanField(_("须公示"), default=False)
    notice_days = models.PositiveSmallIntegerField(_("公示期(自然日)"), default=0)
    notice_pauses_clock = models.BooleanField(_("公示期不计入办理时限"), default=False)
    refusal_notice_wd = models.PositiveSmallIntegerField(
        _("不予确认通知书送达时限(工作日)"),
        null=True,
        blank=True,
        help_text=_("作出不予确认决定后书面告知申请人的期限，如低保3个工作日；社会救助事项必填"),
    )
    basis = models.CharField(_("办理依据"), max_length=200, blank=True)
    note = models.CharField(_("版本说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "-effective_from", "-number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="cases_item_version_number")]

    def __str__(self) -> str:
        return f"{self.item.name} 第{self.number}版（{self.effective_from}起）"

    def save(self, *args, **kwargs):
        if self.in_use and not kwargs.pop("allow_in_use", False):
            raise ValidationError(_("已有案件使用此版本，不能修改；请复制为新版本后修改"))
        super().save(*args, **kwargs)

    @property
    def in_use(self) -> bool:
        """Cases were accepted under this version: it can no longer change."""
        cases = getattr(self, "cases", None)  # the reverse relation of Case.version
        return self.pk is not None and cases is not None and cases.exists()

    def clean(self) -> None:
        if self.notice_required and not self.notice_days:
            raise ValidationError({"notice_days": _("须公示的事项须设定公示期天数")})

    def notice_period_days(self) -> int:
        """公示期 in calendar days, as the catalogue sets it for this version. The engine's notice
        step, its restart after an objection and every page that names the period read it here; a
        workflow with a notice step and no period is a configuration error, never a default."""
        if not self.notice_days:
            raise DomainError(
                CaseCode.NOTICE_PERIOD_MISSING,
                f"服务事项“{self.item.name}”第{self.number}版设有公示环节，但未设定公示期天数，请在服务事项清单中补充",
            )
        return self.notice_days

    def refusal_notice_working_days(self) -> int:
        """Within how many working days a refusal (不予确认) is notified in writing, as the catalogue
        sets it for this version; missing is a configuration error, never a default."""
        if not self.refusal_notice_wd:
            raise DomainError(
                CaseCode.REFUSAL_NOTICE_PERIOD_MISSING,
                f"服务事项“{self.item.name}”第{self.number}版未设定不予确认通知书送达时限，请在服务事项清单中补充",
            )
        return self.refusal_notice_wd

    def required_codes(self) -> list[str]:
        return [code for (code,) in self.required_documents.order_by("sort_order").values_list("code")]


class StepDefinition(models.Model):
    """One step of a version's workflow: who answers for it and how long it may take."""

    class Kind(models.TextChoices):
        HANDLE = "handle", _("办理")
        NOTICE = "notice", _("公示")
        WAITING = "waiting", _("法定等待期")

    ACCEPTING = "accepting"
    LEVEL_CHOICES = [(ACCEPTING, _("受理窗口")), *Level.choices]

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("环节编码"), max_length=40)
    name = models.CharField(_("环节名称"), max_length=50)
    kind = models.CharField(_("环节类型"), max_length=10, choices=Kind.choices, default=Kind.HANDLE)
    level = models.CharField(_("责任层级"), max_length=10, choices=LEVEL_CHOICES)
    unit_kind = models.CharField(
        _("责任单位类型"), max_length=20, choices=Unit.Kind.choices, blank=True, help_text=_("留空按层级默认")
    )
    role = models.CharField(
        _("办理角色"), max_length=30, choices=RoleCode.choices, blank=True, help_text=_("留空则本单位经办人员均可办理")
    )
    limit_wd = models.PositiveSmallIntegerField(_("时限(工作日)"), null=True, blank=True)
    calendar_days = models.PositiveSmallIntegerField(
        _("期间(自然日)"),
        null=True,
        blank=True,
        help_text=_("冷静期等按自然日计算的法定等待期；公示期在事项版本中设定"),
    )
    rolls_to_workday = models.BooleanField(_("期满日遇节假日顺延"), default=True)
    pauses_case_clock = models.BooleanField(_("期间不计入总时限"), default=False)
    joint_departments = models.JSONField(
        _("会办部门"), default=list, blank=True, help_text=_('须出具意见的部门代码，如 ["disabled_federation"]')
    )
    transfer_limit_wd = models.PositiveSmallIntegerField(_("转办答复时限(工作日)"), default=5)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="cases_step_order")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def save(self, *args, **kwargs):
        if self.version.in_use:
            raise ValidationError(_("已有案件使用此版本，不能修改环节；请复制为新版本后修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.version.in_use:
            raise ValidationError(_("已有案件使用此版本，不能删除环节"))
        return super().delete(*args, **kwargs)

    @property
    def responsible_kind(self) -> str:
        return self.unit_kind or LEVEL_UNIT_KIND.get(self.level, "")

    def clean(self) -> None:
        if self.kind == self.Kind.HANDLE and not self.limit_wd:
            raise ValidationError({"limit_wd": _("办理环节须设定工作日时限")})
        if self.kind == self.Kind.WAITING and not self.calendar_days:
            raise ValidationError({"calendar_days": _("法定等待期须设定自然日天数")})
        if self.kind == self.Kind.NOTICE and not self.version.notice_days:
            raise ValidationError({"kind": _("公示环节的期间为事项版本的公示期，请先在事项版本中设定公示期天数")})
        bad = [d for d in self.joint_departments or [] if d not in Unit.Department.values]
        if bad:
            raise ValidationError({"joint_departments": _("未知部门代码：%(codes)s") % {"codes": ", ".join(bad)}})


class SupervisionPolicy(models.Model):
    """Thresholds of the deadline lights and of automatic 督办, versioned by effective date."""

    effective_from = models.DateField(_("生效日期"), unique=True)
    warn_working_days = models.PositiveSmallIntegerField(_("黄灯预警(剩余工作日≤)"), default=2)
    escalate_after_wd = models.PositiveSmallIntegerField(_("督办后仍未办结再次升级(工作日)"), default=3)
    max_level = models.PositiveSmallIntegerField(_("最高督办级别"), default=3)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from}起：黄灯≤{self.warn_working_days}日，升级间隔{self.escalate_after_wd}日"

    @classmethod
    def on(cls, day: date) -> "SupervisionPolicy":
        return cls.objects.filter(effective_from__lte=day).order_by("-effective_from").first() or cls(
            effective_from=day
        )
