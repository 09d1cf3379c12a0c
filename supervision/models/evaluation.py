"""Monthly evaluation and ranking (一月一公布、一月一讲评): indicators as data, entered scores with
evidence, and each month's snapshot, frozen when it is published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class SubjectType(models.TextChoices):
    TOWNSHIP_OFFICE = "township_office", _("乡镇（街道）民政办")
    COUNTY_SECTION = "county_section", _("县局股室")
    LIVELIHOOD_WORKER = "livelihood_worker", _("村（社区）民生员")
    STAFF = "staff", _("工作人员")


class Indicator(Audited, models.Model):
    """One indicator for one subject type, with its weight. Computed ones name a computation of
    `supervision.indicators`; entered ones are typed in each month with their evidence."""

    class Source(models.TextChoices):
        COMPUTED = "computed", _("系统自动计算")
        ENTERED = "entered", _("人工录入")

    class Better(models.TextChoices):
        HIGHER = "higher", _("越高越好")
        LOWER = "lower", _("越低越好")

    subject_type = models.CharField(_("考核对象类型"), max_length=20, choices=SubjectType.choices)
    name = models.CharField(_("指标名称"), max_length=60)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices)
    computation = models.CharField(
        _("计算方法"), max_length=40, blank=True, help_text=_("系统自动计算的指标：计算方法的编码")
    )
    better = models.CharField(_("方向"), max_length=6, choices=Better.choices, default=Better.HIGHER)
    weight = models.DecimalField(_("权重（分）"), max_digits=6, decimal_places=2)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["subject_type", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.get_subject_type_display()} · {self.name}"


class Evaluation(Audited, AreaOwned):
    """One county's evaluation of one month. Draft: recomputed at will; published: frozen."""

    class State(models.TextChoices):
        DRAFT = "draft", _("待审核")
        PUBLISHED = "published", _("已公布")

    month = models.DateField(_("考核月份"), help_text=_("当月1日"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("公布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    public = models.BooleanField(_("向社会公开"), default=False)

    class Meta:
        verbose_name = _("月度考核")
        verbose_name_plural = _("月度考核")
        ordering = ["-month", "area_code"]
        constraints = [models.UniqueConstraint(fields=["area_code", "month"], name="supervision_one_evaluation_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}考核"


class EnteredScore(Audited, AreaOwned):
    """An entered indicator's score (0–100) for one subject and month, with its evidence."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("考核月份"))
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("考核单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考核人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("得分（百分制）"), max_digits=5, decimal_places=1)
    evidence = models.TextField(_("依据"))
    evidence_file = models.FileField(_("佐证材料"), upload_to="supervision/evidence/%Y/%m/", blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("录入得分")
        verbose_name_plural = _("录入得分")
        ordering = ["-month", "indicator", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "month", "unit", "person"], name="supervision_one_entered_score"
            )
        ]


class SubjectResult(AreaOwned):
    """One subject's total and rank in a month's snapshot, and its 讲评."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("月度考核"), on_delete=models.CASCADE, related_name="results"
    )
    subject_type = models.CharField(_("考核对象类型"), max_length=20, choices=SubjectType.choices)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("考核单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考核人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("考核对象"), max_length=100)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    comment = models.TextField(_("讲评"), blank=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["evaluation", "subject_type", "rank", "name"]

    def __str__(self) -> str:
        return f"{self.name} 第{self.rank}名 {self.total}分"


class ScoreLine(models.Model):
    """One indicator of one subject in the snapshot: the figure as it was when computed."""

    result = models.ForeignKey(
        SubjectResult, verbose_name=_("考核结果"), on_delete=models.CASCADE, related_name="lines"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    numerator = models.IntegerField(_("分子/次数"), null=True, blank=True)
    denominator = models.IntegerField(_("分母"), null=True, blank=True)
    value = models.DecimalField(_("指标值"), max_digits=10, decimal_places=2, null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["result", "indicator__sort_order", "indicator_id"]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.score}分"
