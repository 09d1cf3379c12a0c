"""Low-income population monitoring (低收入人口动态监测) and early warnings (预警).

- `MonitoredHousehold`: who is watched — 低保, 特困, 边缘, 刚性支出 (refreshed from open
  enrolments) and others added by hand — with the period they were watched.
- `SignalRule`: each warning signal's threshold, risk level and visit deadline, as data.
- `Warning`: one signal for one household, assigned to the village 民生员 with a due date. Its
  stage only moves forward (raised → visited → application opened | closed with a reason) and
  every move is an append-only `WarningEvent`: nothing disappears between discovery and help.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class Category(models.TextChoices):
    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困")
    EDGE = "edge", _("低保边缘")
    RIGID = "rigid", _("刚性支出困难")
    OTHER = "other", _("其他低收入")


class MonitoredHousehold(AreaOwned):
    class Basis(models.TextChoices):
        ENROLMENT = "enrolment", _("在保对象")
        MANUAL = "manual", _("人工纳入")

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("监测类别"), max_length=10, choices=Category.choices)
    basis = models.CharField(_("纳入依据"), max_length=10, choices=Basis.choices, default=Basis.ENROLMENT)
    since = models.DateField(_("纳入监测日期"))
    until = models.DateField(_("退出监测日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("监测对象")
        verbose_name_plural = _("监测对象")
        ordering = ["area_code", "household_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "category"], condition=Q(until__isnull=True), name="monitoring_one_open_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.household_id}"


class Signal(models.TextChoices):
    ILLNESS = "illness", _("大额医疗费用")
    DISABILITY = "disability", _("新增残疾")
    SCHOOLING = "schooling", _("教育支出")
    UNEMPLOYMENT = "unemployment", _("失业")
    DISASTER = "disaster", _("灾害损失")
    EARNER_DEATH = "earner_death", _("主要劳动力死亡")
    MISSED_AID = "missed_aid", _("疑似遗漏救助")
    FIELD_REPORT = "field_report", _("主动发现")


class Risk(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


class SignalRule(models.Model):
    """Thresholds and deadlines of a signal (reference data, edited by administrators)."""

    signal = models.CharField(_("预警信号"), max_length=20, choices=Signal.choices, unique=True)
    threshold = models.DecimalField(_("金额阈值（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    risk = models.CharField(_("风险等级"), max_length=6, choices=Risk.choices)
    high_multiple = models.DecimalField(
        _("升为高风险的倍数"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("金额≥阈值×该倍数时为高风险"),
    )
    due_days = models.PositiveSmallIntegerField(_("走访期限（天）"))
    window_days = models.PositiveSmallIntegerField(_("信号有效期（天）"), default=180)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["signal"]

    def __str__(self) -> str:
        return self.get_signal_display()


class Warning(AreaOwned):
    class Stage(models.TextChoices):
        UNASSIGNED = "unassigned", _("待分派")
        ASSIGNED = "assigned", _("待走访")
        VISITED = "visited", _("已走访")
        APPLIED = "applied", _("已转申请")
        CLOSED = "closed", _("已结案")

    OPEN_STAGES = (Stage.UNASSIGNED, Stage.ASSIGNED, Stage.VISITED)

    # raise_signals writes tens of thousands at once (verification/models.py Finding: the same
    # reasoning): each index serves a query named beside it, and the references the signal SQL takes
    # from the rows it joins carry no foreign-key triggers (the ORM protects them, nothing deletes).
    area_code = models.CharField(_("区划代码"), max_length=15)  # indexed for prefix scoping (Meta)
    natural_key = models.CharField(_("识别键"), max_length=120)  # unique (Meta): ON CONFLICT target
    signal = models.CharField(_("预警信号"), max_length=20, choices=Signal.choices)
    risk = models.CharField(_("风险等级"), max_length=6, choices=Risk.choices)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("相关人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(_("数据源"), max_length=20, blank=True)
    batch = models.ForeignKey(
        "verification.Batch",
        verbose_name=_("数据批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
    )
    finding = models.ForeignKey(
        "verification.Finding",
        verbose_name=_("比对发现"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warnings",
    )
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    event_date = models.DateField(_("事件日期"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    raised_on = models.DateField(_("预警日期"))
    due_on = models.DateField(_("走访期限"), db_index=True)  # the lists' order (due_on, id)
    stage = models.CharField(_("环节"), max_length=12, choices=Stage.choices, default=Stage.UNASSIGNED)
    assigned_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任民生员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    visited_on = models.DateField(_("走访日期"), null=True, blank=True)
    visit_note = models.TextField(_("走访情况"), blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("已发起申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    closure_reason = models.CharField(_("结案理由"), max_length=300, blank=True)
    row_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["due_on", "id"]
        indexes = [
            # the overdue list, the supervision rows and the village assignment: open warnings by
            # due date (OPEN_STAGES; a date key: a text index over stage, due date and area cost more to write)
            models.Index(
                fields=["due_on"],
                name="monitoring_warning_open_due",
                condition=Q(stage__in=["unassigned", "assigned", "visited"]),
            ),
            # jurisdiction scoping (area_code LIKE 'prefix%') and assignment per village
            models.Index(fields=["area_code"], name="monitoring_warning_area", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            # raise_signals' ON CONFLICT target (byte-wise: a key is compared, never sorted)
            models.UniqueConstraint(
                fields=["natural_key"], name="monitoring_warning_natural_key", opclasses=["varchar_pattern_ops"]
            ),
            models.CheckConstraint(
                condition=~Q(stage="closed") | ~Q(closure_reason=""), name="monitoring_closed_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(stage="applied") | Q(case__isnull=False), name="monitoring_applied_has_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_signal_display()}（{self.get_risk_display()}风险）"

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES


class WarningEvent(models.Model):
    """One step of a warning's life. Append-only (database trigger)."""

    warning = models.ForeignKey(Warning, on_delete=models.PROTECT, related_name="events")
    stage = models.CharField(_("环节"), max_length=12, choices=Warning.Stage.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on_date = models.DateField(_("业务日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    text = models.CharField(_("内容"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("预警处置记录")
        verbose_name_plural = _("预警处置记录")
        ordering = ["warning", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.on_date}"
