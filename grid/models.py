"""Grid work (网格化+12345+110): events a grid worker finds, their hand-offs up the levels with
deadlines, hotline work orders both ways, household contacts (分片包村), visit plans and visits.

- `EventCategory`: the catalogue of what a grid worker reports (reference data).
- `TriageLimit`: how long each level has for a hand-off, by urgency, dated (policy data).
- `GridEvent`: one reported problem; `client_id` is made by the phone, so a resent report is
  stored once. Its level only moves up (grid → village → township → county/department, or the
  12345 platform, or 110) and every move is an append-only `EventStep` with its deadline.
- `HotlineOrder`: a 12345 work order received (API or Excel) and the answer sent back, retried.
- `HouseholdContact`: the worker who answers for a household.
- `VisitPlan`: how often each category of household is visited (policy data); `Visit`: one home
  visit, structured, with what it started.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("危急（立即转110）")


class Level(models.TextChoices):
    GRID = "grid", _("网格")
    VILLAGE = "village", _("村（社区）")
    TOWNSHIP = "township", _("乡镇（街道）")
    COUNTY = "county", _("县级部门")
    HOTLINE = "hotline", _("12345热线")
    POLICE = "police", _("110")


# The order a hand-off may climb (an event never moves down).
LEVEL_RANK = {
    Level.GRID: 0,
    Level.VILLAGE: 1,
    Level.TOWNSHIP: 2,
    Level.COUNTY: 3,
    Level.HOTLINE: 3,
    Level.POLICE: 4,
}


class EventCategory(models.Model):
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    default_urgency = models.CharField(_("默认紧急程度"), max_length=10, choices=Urgency.choices)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("网格事件类别")
        verbose_name_plural = _("网格事件类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class TriageLimit(models.Model):
    """The time a level has to handle a hand-off: working days for ordinary events, clock hours
    for urgent ones (本地规定；dated, the row in force on the day of the hand-off applies)."""

    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    working_days = models.PositiveSmallIntegerField(_("期限（工作日）"), null=True, blank=True)
    hours = models.PositiveSmallIntegerField(_("期限（小时）"), null=True, blank=True)
    effective_from = models.DateField(_("生效日期"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分级处置时限")
        verbose_name_plural = _("分级处置时限")
        ordering = ["level", "urgency", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["level", "urgency", "effective_from"], name="grid_one_limit_per_day"),
            models.CheckConstraint(
                condition=Q(working_days__isnull=False) | Q(hours__isnull=False), name="grid_limit_has_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_urgency_display()}"


class GridEvent(AreaOwned):
    class Status(models.TextChoices):
        OPEN = "open", _("处置中")
        RESOLVED = "resolved", _("已办结")
        CLOSED = "closed", _("已结案")

    class Source(models.TextChoices):
        GRID = "grid", _("网格员上报")
        HOTLINE = "hotline", _("12345工单")
        VISIT = "visit", _("走访发现")

    class Outcome(models.TextChoices):
        NONE = "", _("无")
        APPLICATION = "application", _("已发起申请")
        WARNING = "warning", _("已纳入监测预警")
        DEPARTMENT = "department", _("已转部门办理")
        SOLVED = "solved", _("就地解决")

    client_id = models.UUIDField(_("上报编号"), default=uuid.uuid4, unique=True, editable=False)
    category = models.ForeignKey(EventCategory, verbose_name=_("类别"), on_delete=models.PROTECT)
    description = models.TextField(_("情况描述"))
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.GRID)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("涉及家庭"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    persons = models.ManyToManyField("registry.Person", verbose_name=_("涉及人员"), blank=True, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("上报时间"))
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    level = models.CharField(_("当前层级"), max_length=10, choices=Level.choices, default=Level.GRID)
    handler_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("办理期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    supervised_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    outcome = models.CharField(_("处置结果"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_ref = models.CharField(_("结果编号"), max_length=60, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    satisfaction = models.CharField(_("群众满意度"), max_length=12, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    row_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("网格事件")
        verbose_name_plural = _("网格事件")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["due_at"], name="grid_event_open_due", condition=Q(status="open")),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}（{self.reported_at:%m-%d}）"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def photo_path(instance, filename: str) -> str:
    return f"grid/photos/{instance.area_code[:6]}/{uuid.uuid4().hex}.jpg"


class EventPhoto(AreaOwned):
    event = models.ForeignKey(GridEvent, on_delete=models.PROTECT, related_name="photos", null=True, blank=True)
    visit = models.ForeignKey("Visit", on_delete=models.PROTECT, related_name="photos", null=True, blank=True)
    image = models.FileField(_("照片"), upload_to=photo_path)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")


class EventStep(models.Model):
    """One thing that happened to an event: reported, handed off (with its deadline), supervised,
    resolved, closed. Append-only."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("上报")
        HANDOFF = "handoff", _("流转")
        SUPERVISED = "supervised", _("超期督办")
        RESOLVED = "resolved", _("办结")
        ANSWERED = "answered", _("回复热线")
        CLOSED = "closed", _("结案")
        OUTCOME = "outcome", _("转化处置")

    event = models.ForeignKey(GridEvent, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("环节"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, blank=True)
    to_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(_("期限"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    text = models.CharField(_("内容"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("网格事件记录")
        verbose_name_plural = _("网格事件记录")
        ordering = ["event", "id"]
        constraints = [
            # one automatic supervision per event and level (the text names the level) (the periodic run is idempotent)
            models.UniqueConstraint(
                fields=["event", "kind", "text"], condition=Q(kind="supervised"), name="grid_one_supervision_per_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class HotlineOrder(AreaOwned):
    """A 12345 work order (工单) and the answer that goes back to the hotline platform; or, the other way, an
    event the grid hands up to 12345 (转12345), pushed to the platform as a referral of ours."""

    class Direction(models.TextChoices):
        INBOUND = "in", _("12345来单")
        OUTBOUND = "out", _("转12345")

    class Delivery(models.TextChoices):
        NOT_YET = "", _("未回复")
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("发送失败，等待重试")

    order_no = models.CharField(_("工单编号"), max_length=40, unique=True)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices, default=Direction.INBOUND)
    via = models.CharField(_("接收方式"), max_length=10, default="api")
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    caller_phone = models.CharField(_("来电号码"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    limit_at = models.DateTimeField(_("办理时限"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    event = models.OneToOneField(GridEvent, on_delete=models.PROTECT, related_name="hotline_order")
    answer = models.TextField(_("答复内容"), blank=True)
    delivery = models.CharField(_("答复状态"), max_length=10, choices=Delivery.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近一次失败原因"), max_length=300, blank=True)
    next_try_at = models.DateTimeField(_("下次重试"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("12345工单")
        verbose_name_plural = _("12345工单")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.order_no


class HouseholdContact(AreaOwned):
    """分片包村: the worker who answers for a household (one current contact per household)."""

    household = models.OneToOneField(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("联系人"), on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("联系起始日"))

    class Meta:
        verbose_name = _("包户联系人")
        verbose_name_plural = _("包户联系人")
        ordering = ["area_code", "household_id"]


class VisitPlan(models.Model):
    """How often a category of household is visited (本地规定, dated policy data)."""

    category = models.CharField(_("走访对象类别"), max_length=20)
    label = models.CharField(_("名称"), max_length=40)
    every_days = models.PositiveSmallIntegerField(_("走访周期（天）"))
    effective_from = models.DateField(_("生效日期"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("走访计划")
        verbose_name_plural = _("走访计划")
        ordering = ["category", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["category", "effective_from"], name="grid_one_plan_per_day")]

    def __str__(self) -> str:
        return self.label


class Visit(AreaOwned):
    """One structured home visit (入户走访), written on the phone, maybe offline."""

    client_id = models.UUIDField(_("记录编号"), default=uuid.uuid4, unique=True, editable=False)
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("走访日期"))
    received_at = models.DateTimeField(_("收到时间"), auto_now_add=True)
    seen = models.CharField(_("见到的人"), max_length=200)
    members_changed = models.CharField(_("家庭成员变化"), max_length=300, blank=True)
    income_changed = models.BooleanField(_("收入有变化"), default=False)
    monthly_income = models.DecimalField(_("家庭月收入（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    income_note = models.CharField(_("收入情况"), max_length=300, blank=True)
    health = models.CharField(_("健康状况"), max_length=300, blank=True)
    housing = models.CharField(_("住房状况"), max_length=300, blank=True)
    needs = models.CharField(_("困难和需求"), max_length=300, blank=True)
    signature = models.TextField(_("居民签名"), blank=True)  # a PNG data URL drawn on the screen
    warning_id = models.PositiveBigIntegerField(_("关联预警"), null=True, blank=True)
    warning_outcome = models.CharField(_("预警处置"), max_length=10, blank=True)  # close / escalate
    started = models.CharField(_("启动的后续程序"), max_length=300, blank=True)
    base_stamp = models.CharField(_("填写时户信息的更新时间"), max_length=40, blank=True)
    conflict = models.CharField(_("冲突说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
