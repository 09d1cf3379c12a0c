"""养老服务: what the bureau records about elderly institutions and home-care providers (their
registry.Organisation row is shared with every line), their beds and residents, and the purchased
home-care services (居家养老): orders, service records checked in by the carer and confirmed by the
elderly person, and the monthly settlement to each provider."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class CareLevel(models.TextChoices):
    """Beds and residents by the care they need (the 特困 self-care scale, policy.rules.SELF_CARE_LABELS)."""

    SELF_CARE = "self_care", _("自理")
    PARTLY_DISABLED = "partly_disabled", _("半失能")
    FULLY_DISABLED = "fully_disabled", _("失能（护理型）")


class InstitutionProfile(Audited, AreaOwned):
    """养老机构 or 居家养老服务组织 as the elderly-care line knows it: ownership, licence or filing, staff."""

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("公办")
        PRIVATE = "private", _("民办")
        TEKUN_HOME = "tekun_home", _("特困人员供养服务机构（敬老院）")

    class Licence(models.TextChoices):
        FILING = "filing", _("备案")
        LICENCE = "licence", _("设立许可（2019年前）")
        NONE = "none", _("未备案")

    organisation = models.OneToOneField(
        "registry.Organisation", verbose_name=_("机构"), on_delete=models.PROTECT, related_name="eldercare_profile"
    )
    ownership = models.CharField(_("性质"), max_length=12, choices=Ownership.choices, default=Ownership.PUBLIC)
    licence = models.CharField(_("备案/许可"), max_length=10, choices=Licence.choices, default=Licence.FILING)
    licence_number = models.CharField(_("备案/许可编号"), max_length=40, blank=True)
    licence_date = models.DateField(_("备案/许可日期"), null=True, blank=True)
    staff = models.PositiveIntegerField(_("工作人员数"), default=0)
    carers = models.PositiveIntegerField(_("其中护理员数"), default=0)
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    bank_account_name = models.CharField(_("账户名称"), max_length=100, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)

    sensitive_fields = ("bank_account",)

    class Meta:
        verbose_name = _("养老服务机构")
        verbose_name_plural = _("养老服务机构")
        ordering = ["area_code", "id"]

    def __str__(self) -> str:
        return str(self.organisation)


class Beds(AreaOwned):
    """Beds of an institution at one care level."""

    institution = models.ForeignKey(
        InstitutionProfile, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="beds"
    )
    care_level = models.CharField(_("护理等级"), max_length=16, choices=CareLevel.choices)
    count = models.PositiveIntegerField(_("床位数"))

    class Meta:
        verbose_name = _("床位")
        verbose_name_plural = _("床位")
        constraints = [models.UniqueConstraint(fields=["institution", "care_level"], name="one_bed_count_per_level")]

    def __str__(self) -> str:
        return f"{self.get_care_level_display()}{self.count}张"


class Residence(Audited, AreaOwned):
    """A resident's stay in an institution, from admission to discharge (入住/离院); a 特困 person
    in centralised support (集中供养) names the 特困 enrolment it is linked to."""

    institution = models.ForeignKey(
        InstitutionProfile, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="residences"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("入住老人"), on_delete=models.PROTECT, related_name="+"
    )
    care_level = models.CharField(_("护理等级"), max_length=16, choices=CareLevel.choices)
    admitted_on = models.DateField(_("入住日期"))
    discharged_on = models.DateField(_("离院日期"), null=True, blank=True)
    discharge_reason = models.CharField(_("离院原因"), max_length=100, blank=True)
    tekun_enrolment = models.ForeignKey(
        "ledger.Enrolment",
        verbose_name=_("特困供养"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("特困人员集中供养时关联其特困保障"),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("入住记录")
        verbose_name_plural = _("入住记录")
        ordering = ["-admitted_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(discharged_on__isnull=True), name="one_open_residence_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.admitted_on}"


class HomeCareItem(AreaOwned):
    """A service a provider is paid for (助餐、助洁、助浴、助医 …) at a price per hour."""

    provider = models.ForeignKey(
        InstitutionProfile, verbose_name=_("服务组织"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("服务项目"), max_length=50)
    hourly_price = models.DecimalField(_("单价（元/小时）"), max_digits=8, decimal_places=2)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("居家养老服务项目")
        verbose_name_plural = _("居家养老服务项目")
        ordering = ["provider", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.hourly_price}元/小时）"


class Carer(AreaOwned):
    """A provider's carer (护理员), with the platform account they check in with."""

    provider = models.ForeignKey(
        InstitutionProfile, verbose_name=_("服务组织"), on_delete=models.PROTECT, related_name="carer_rows"
    )
    name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("护理员")
        verbose_name_plural = _("护理员")
        ordering = ["provider", "name"]

    def __str__(self) -> str:
        return self.name


class HomeCareOrder(Audited, AreaOwned):
    """派单: an eligible elderly person's monthly hours of purchased service from one provider."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("服务中")
        ENDED = "ended", _("已终止")

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        InstitutionProfile, verbose_name=_("服务组织"), on_delete=models.PROTECT, related_name="orders"
    )
    items = models.ManyToManyField(HomeCareItem, verbose_name=_("服务项目"), related_name="orders")
    hours_per_month = models.PositiveSmallIntegerField(_("每月服务时长（小时）"))
    basis = models.CharField(_("依据"), max_length=200)
    start_month = models.DateField(_("起始月"))
    end_month = models.DateField(_("终止月"), null=True, blank=True, help_text=_("该月起不再服务"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("派单时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居家养老服务工单")
        verbose_name_plural = _("居家养老服务工单")
        ordering = ["area_code", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="one_active_home_care_order_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.hours_per_month}小时/月"


class ServiceRecord(AreaOwned):
    """One visit of a carer: what, from when to when, checked in on the spot, confirmed by the
    elderly person; flagged when outside the order or overlapping another visit of the same carer."""

    class Flag(models.TextChoices):
        NONE = "", _("正常")
        OUTSIDE_ORDER = "outside_order", _("超出工单（项目、月份或时长）")
        OVERLAP = "overlap", _("同一护理员同一时间有两条服务记录")
        UNCONFIRMED = "unconfirmed", _("老人未确认")

    order = models.ForeignKey(HomeCareOrder, verbose_name=_("工单"), on_delete=models.PROTECT, related_name="records")
    item = models.ForeignKey(HomeCareItem, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="+")
    carer = models.ForeignKey(Carer, verbose_name=_("护理员"), on_delete=models.PROTECT, related_name="records")
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    checked_in_at = models.DateTimeField(_("签到时间"), auto_now_add=True)
    confirmed = models.BooleanField(_("老人已确认"), default=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    flag = models.CharField(_("核查结果"), max_length=16, choices=Flag.choices, blank=True, default="")
    month = models.DateField(_("服务月份"))
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"))
    settlement = models.ForeignKey(
        "eldercare.Settlement",
        verbose_name=_("结算单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )

    class Meta:
        verbose_name = _("居家养老服务记录")
        verbose_name_plural = _("居家养老服务记录")
        ordering = ["-started_at", "id"]
        indexes = [models.Index(fields=["carer", "started_at"], name="service_record_carer_idx")]

    def __str__(self) -> str:
        return f"{self.item.name} {self.started_at:%Y-%m-%d %H:%M}"


class Settlement(AreaOwned):
    """月度结算: what a provider is paid for a month — confirmed, unflagged records at the item's
    price, maker-checker approved, then posted to the fund ledger as HOME_CARE spending."""

    class Status(models.TextChoices):
        GENERATED = "generated", _("待审批")
        APPROVED = "approved", _("已审批")

    provider = models.ForeignKey(
        InstitutionProfile, verbose_name=_("服务组织"), on_delete=models.PROTECT, related_name="settlements"
    )
    month = models.DateField(_("结算月份"))
    record_count = models.PositiveIntegerField(_("服务记录数"), default=0)
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), default=0)
    amount_fen = models.BigIntegerField(_("结算金额（分）"), default=0)
    flagged_count = models.PositiveIntegerField(_("未结算的问题记录数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.GENERATED)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    generated_at = models.DateTimeField(_("生成时间"), null=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("居家养老服务结算单")
        verbose_name_plural = _("居家养老服务结算单")
        ordering = ["-month", "provider"]
        constraints = [models.UniqueConstraint(fields=["provider", "month"], name="one_settlement_per_provider_month")]

    def __str__(self) -> str:
        return f"{self.provider} {self.month:%Y年%m月}"

    @property
    def amount(self):
        from decimal import Decimal

        return Decimal(self.amount_fen) / 100


class CareSubsidyApplication(Audited, AreaOwned):
    """经济困难失能老年人护理补贴: applied for (by the 民生员 from 政策找人, or at the window), assessed
    (the care level, the 特困 self-care scale), approved by another person — then paid monthly through
    the rolls from the month after the assessment (a ledger enrolment), until it stops (a death
    through the death service stops it, as any personal programme)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待评估")
        ASSESSED = "assessed", _("已评估待审批")
        NOT_ELIGIBLE = "not_eligible", _("评估为自理，不予补贴")
        APPROVED = "approved", _("已审批发放")
        REFUSED = "refused", _("不予批准")

    OPEN_STATUSES = (Status.APPLIED, Status.ASSESSED)

    person = models.ForeignKey("registry.Person", verbose_name=_("老人"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    finding_id = models.BigIntegerField(_("政策找人线索"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=15, choices=Status.choices, default=Status.APPLIED)
    basis = models.CharField(_("经济困难情形"), max_length=100)
    applied_on = models.DateField(_("申请日期"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代办人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    care_level = models.CharField(_("评估失能等级"), max_length=20, choices=CareLevel.choices, blank=True)
    assessed_on = models.DateField(_("评估日期"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assessment_note = models.CharField(_("评估情况"), max_length=300, blank=True)
    monthly_amount = models.DecimalField(_("补贴金额（元/月）"), max_digits=10, decimal_places=2, null=True, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refusal_reason = models.CharField(_("不予批准理由"), max_length=300, blank=True)
    enrolment = models.ForeignKey(
        "ledger.Enrolment",
        verbose_name=_("保障记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("护理补贴申请")
        verbose_name_plural = _("护理补贴申请")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["applied", "assessed"]),
                name="eldercare_one_open_care_application",
            )
        ]

    def __str__(self) -> str:
        return f"护理补贴申请 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
