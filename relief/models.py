"""Disaster relief (救灾) and campaigns (专项行动) — docs/domain.md §13, ADR 0030.

- `DisasterEvent`: one disaster (type, start, the areas it hit), declared by the county.
- `ReportDeadline`: when each level must have reported each stage (初报/续报/核报), dated data.
- `LossReport`: a village's figures for one stage (and one day for 续报), checked and forwarded
  (核查上报) by the township, or returned with a reason.
- `ReliefAssessment`: a household assessed for house rebuilding, transitional living or
  winter/spring hardship, its amount from dated policy; approved → a one-off ledger grant that the
  programme's payment roll pays.
- `Store`, `StockItem`, `StockMovement`, `Receipt`: the stock of relief materials. `on_hand` never
  goes below zero (a CHECK constraint, and issues are conditional updates); every movement is an
  append-only row with the balance after it; goods leave only against a household's signed receipt.
- `Campaign`, `CampaignTarget`: a 专项行动, its target households (from rules or a selection), and
  the delivery at the door (who, when, signature or photo), or why a household was not reached.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class DisasterKind(models.TextChoices):
    FLOOD = "flood", _("洪涝")
    GEOLOGICAL = "geological", _("地质灾害")
    WIND_HAIL = "wind_hail", _("风雹")
    DROUGHT = "drought", _("干旱")
    FREEZE = "freeze", _("低温冷冻和雪灾")
    EARTHQUAKE = "earthquake", _("地震")
    FOREST_FIRE = "forest_fire", _("森林火灾")
    OTHER = "other", _("其他")


class Level(models.TextChoices):
    VILLAGE = "village", _("村（社区）报送")
    TOWNSHIP = "township", _("乡镇（街道）核查上报")


class Stage(models.TextChoices):
    INITIAL = "initial", _("初报")
    UPDATE = "update", _("续报")
    FINAL = "final", _("核报")


class Anchor(models.TextChoices):
    EVENT_START = "event_start", _("灾害发生后")
    NEXT_DAY = "next_day", _("次日（统计截至前一日24时）")
    STABLE = "stable", _("灾情稳定后")


class DisasterEvent(Audited, AreaOwned):
    """A disaster declared by the county (area_code = the county); `areas` lists the townships or
    villages it hit — every village in them is expected to report."""

    name = models.CharField(_("灾害名称"), max_length=100)
    kind = models.CharField(_("灾害种类"), max_length=20, choices=DisasterKind.choices)
    started_at = models.DateTimeField(_("发生时间"))
    areas = models.JSONField(_("受灾区域"), default=list)
    stable_on = models.DateField(_("灾情稳定日期"), null=True, blank=True)
    description = models.CharField(_("灾情简述"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("灾害事件")
        verbose_name_plural = _("灾害事件")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.name


class ReportDeadline(models.Model):
    """A reporting time limit (policy data, dated): `minutes` after the event start or after midnight
    of the day after the reported day; or `working_days` after the stable date (end of that day)."""

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    stage = models.CharField(_("报送阶段"), max_length=10, choices=Stage.choices)
    anchor = models.CharField(_("起算"), max_length=12, choices=Anchor.choices)
    minutes = models.PositiveIntegerField(_("分钟"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("工作日"), null=True, blank=True)
    effective_from = models.DateField(_("施行日期"))
    basis = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("灾情报送时限")
        verbose_name_plural = _("灾情报送时限")
        ordering = ["stage", "level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "stage", "effective_from"], name="relief_one_deadline_per_day"),
            models.CheckConstraint(
                condition=Q(minutes__isnull=False) | Q(working_days__isnull=False), name="relief_deadline_has_a_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_stage_display()}"

    def describe(self) -> str:
        if self.anchor == Anchor.EVENT_START:
            hours, minutes = divmod(self.minutes or 0, 60)
            return f"灾害发生后{hours}小时{f'{minutes}分钟' if minutes else ''}内"
        if self.anchor == Anchor.NEXT_DAY:
            hours, minutes = divmod(self.minutes or 0, 60)
            return f"次日{hours}时{f'{minutes}分' if minutes else ''}前"
        return f"灾情稳定后{self.working_days}个工作日内"


class LossReport(AreaOwned):
    """A village's losses for one stage (area_code = the village)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待乡镇核查")
        FORWARDED = "forwarded", _("已核查上报")
        RETURNED = "returned", _("已退回")

    event = models.ForeignKey(
        DisasterEvent, verbose_name=_("灾害事件"), on_delete=models.PROTECT, related_name="reports"
    )
    stage = models.CharField(_("报送阶段"), max_length=10, choices=Stage.choices)
    report_date = models.DateField(_("统计日期"))
    affected_people = models.PositiveIntegerField(_("受灾人口（人）"), default=0)
    relocated_people = models.PositiveIntegerField(_("紧急转移安置（人）"), default=0)
    needing_aid = models.PositiveIntegerField(_("需紧急生活救助（人）"), default=0)
    dead_missing = models.PositiveIntegerField(_("死亡失踪（人）"), default=0)
    houses_collapsed = models.PositiveIntegerField(_("倒塌房屋（间）"), default=0)
    houses_severely_damaged = models.PositiveIntegerField(_("严重损坏房屋（间）"), default=0)
    houses_damaged = models.PositiveIntegerField(_("一般损坏房屋（间）"), default=0)
    crops_affected_ha = models.DecimalField(_("农作物受灾面积（公顷）"), max_digits=10, decimal_places=2, default=0)
    crops_lost_ha = models.DecimalField(_("绝收面积（公顷）"), max_digits=10, decimal_places=2, default=0)
    direct_loss = models.DecimalField(_("直接经济损失（万元）"), max_digits=12, decimal_places=2, default=0)
    note = models.CharField(_("情况说明"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    due_at = models.DateTimeField(_("应报时间"))
    submitted_at = models.DateTimeField(_("报送时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报送人"), on_delete=models.PROTECT, related_name="+"
    )
    check_due_at = models.DateTimeField(_("乡镇应上报时间"))
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核查人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    check_note = models.CharField(_("核查意见"), max_length=200, blank=True)

    FIGURES = (
        "affected_people",
        "relocated_people",
        "needing_aid",
        "dead_missing",
        "houses_collapsed",
        "houses_severely_damaged",
        "houses_damaged",
        "crops_affected_ha",
        "crops_lost_ha",
        "direct_loss",
    )

    class Meta:
        verbose_name = _("灾情报告")
        verbose_name_plural = _("灾情报告")
        ordering = ["event", "area_code", "-submitted_at"]

    @property
    def late(self) -> bool:
        return self.submitted_at > self.due_at

    @property
    def check_late(self) -> bool:
        return (
            self.checked_at is not None and self.status == self.Status.FORWARDED and self.checked_at > self.check_due_at
        )


class ReliefCategory(models.TextChoices):
    REBUILD = "rebuild", _("倒房重建")
    TRANSITIONAL = "transitional", _("过渡期生活救助")
    WINTER_SPRING = "winter_spring", _("冬春救助")


class ReliefAssessment(Audited, AreaOwned):
    """A household assessed for relief in one category; the amount comes from dated policy."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已审批（随发放名册发放）")

    event = models.ForeignKey(DisasterEvent, verbose_name=_("灾害事件"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT)
    category = models.CharField(_("救助类别"), max_length=15, choices=ReliefCategory.choices)
    persons = models.PositiveSmallIntegerField(_("救助人数"), default=1)
    days = models.PositiveSmallIntegerField(_("救助天数"), default=0)
    amount = models.DecimalField(_("救助金额（元）"), max_digits=10, decimal_places=2)
    basis = models.CharField(_("计算依据"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评定人"), on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField(_("评定日期"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    enrolment = models.ForeignKey(
        "ledger.Enrolment", verbose_name=_("发放记录"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("受灾家庭救助评定")
        verbose_name_plural = _("受灾家庭救助评定")
        ordering = ["event", "area_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "household", "category"], name="relief_one_assessment_per_category"
            )
        ]


# --- stock of relief materials ---------------------------------------------------------------


class Material(models.TextChoices):
    TENT = "tent", _("帐篷")
    QUILT = "quilt", _("棉被")
    COAT = "coat", _("棉衣")
    BED = "bed", _("折叠床")
    RICE = "rice", _("大米")
    OIL = "oil", _("食用油")


UNITS = {
    Material.TENT: "顶",
    Material.QUILT: "床",
    Material.COAT: "件",
    Material.BED: "张",
    Material.RICE: "袋",
    Material.OIL: "桶",
}


class Store(AreaOwned):
    """A store of relief materials (县救灾物资储备库, a township's store)."""

    name = models.CharField(_("仓库名称"), max_length=60)

    class Meta:
        verbose_name = _("救灾物资仓库")
        verbose_name_plural = _("救灾物资仓库")
        ordering = ["area_code", "name"]
        constraints = [models.UniqueConstraint(fields=["area_code", "name"], name="relief_store_name_per_area")]

    def __str__(self) -> str:
        return self.name


class StockItem(AreaOwned):
    """How much of one material a store holds. Changed only by `relief.stock` (conditional UPDATE)."""

    store = models.ForeignKey(Store, verbose_name=_("仓库"), on_delete=models.PROTECT, related_name="items")
    material = models.CharField(_("物资"), max_length=10, choices=Material.choices)
    on_hand = models.IntegerField(_("库存数量"), default=0)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        ordering = ["store", "material"]
        constraints = [
            models.UniqueConstraint(fields=["store", "material"], name="relief_one_item_per_material"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="relief_stock_never_negative"),
        ]

    @property
    def unit(self) -> str:
        return UNITS.get(self.material, "")


class Receipt(AreaOwned):
    """A household's signed receipt for goods (and cash handed over at the door)."""

    household = models.ForeignKey("registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT)
    signer_name = models.CharField(_("签收人"), max_length=40)
    signature = models.FileField(_("签名"), upload_to="relief/signatures/%Y/%m/", blank=True)
    photo = models.FileField(_("现场照片"), upload_to="relief/photos/%Y/%m/", blank=True)
    cash = models.DecimalField(_("现金（元）"), max_digits=10, decimal_places=2, default=0)
    purpose = models.CharField(_("用途"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发放人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("发放时间"))
    idempotency_key = models.CharField(max_length=120, unique=True)

    class Meta:
        verbose_name = _("签收单")
        verbose_name_plural = _("签收单")
        ordering = ["-issued_at"]


class StockMovement(AreaOwned):
    """One movement of a stock item. Append-only (database trigger); the item's on_hand equals the
    sum of its movements, and `balance_after` is on_hand right after this one."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("入库")
        ISSUED = "issued", _("发放出库")
        WRITTEN_OFF = "written_off", _("报损")

    item = models.ForeignKey(StockItem, verbose_name=_("库存"), on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(_("数量（入库为正、出库为负）"))
    balance_after = models.IntegerField(_("结存"))
    document_reference = models.CharField(_("凭证/文件号"), max_length=100)
    receipt = models.ForeignKey(
        Receipt, verbose_name=_("签收单"), null=True, on_delete=models.PROTECT, related_name="movements"
    )
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("物资台账")
        verbose_name_plural = _("物资台账")
        ordering = ["item", "id"]


# --- campaigns ------------------------------------------------------------------------------


class Campaign(Audited, AreaOwned):
    """A 专项行动 of a county or township (area_code: whose households it reaches)."""

    class Kind(models.TextChoices):
        WINTER = "winter", _("寒冬送温暖")
        FESTIVAL = "festival", _("节日慰问（双拥慰问）")
        DOORSTEP = "doorstep", _("送钱送粮到家")
        OTHER = "other", _("其他专项行动")

    class Rule(models.TextChoices):
        TEKUN_DIBAO = "tekun_dibao", _("全部特困和低保家庭")
        TEKUN = "tekun", _("全部特困人员家庭")
        DIBAO = "dibao", _("全部低保家庭")
        SELECTION = "selection", _("逐户选定")

    class Status(models.TextChoices):
        DRAFT = "draft", _("准备中")
        UNDER_WAY = "under_way", _("发放中")
        CLOSED = "closed", _("已结束")

    name = models.CharField(_("行动名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    rule = models.CharField(_("对象范围"), max_length=12, choices=Rule.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    cash_per_household = models.DecimalField(_("每户慰问金（元）"), max_digits=10, decimal_places=2, default=0)
    material = models.CharField(_("每户物资"), max_length=10, choices=Material.choices, blank=True)
    quantity_per_household = models.PositiveSmallIntegerField(_("每户数量"), default=0)
    store = models.ForeignKey(Store, verbose_name=_("出库仓库"), null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(AreaOwned):
    """One household a campaign should reach (area_code = the household's)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("专项行动"), on_delete=models.PROTECT, related_name="targets")
    household = models.ForeignKey("registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT)
    reason = models.CharField(_("列入原因"), max_length=60)
    receipt = models.OneToOneField(
        Receipt, verbose_name=_("签收单"), null=True, on_delete=models.PROTECT, related_name="campaign_target"
    )
    delivered_at = models.DateTimeField(_("送达时间"), null=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("送达人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    not_reached = models.CharField(_("未送达原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("行动对象")
        verbose_name_plural = _("行动对象")
        ordering = ["campaign", "area_code", "household_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="relief_one_target_per_household")
        ]
