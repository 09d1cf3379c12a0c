"""The ledger core: enrolments (保障对象) and their append-only events.

Every change of a recipient's status or amount is an EnrolmentEvent naming the case or decision
that caused it; the Enrolment row is the current projection of its events, updated in the same
transaction by a conditional update so two workers cannot both apply a change.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited
from policy.programmes import Programme, ReviewReason


class Enrolment(Audited, AreaOwned):
    class Status(models.TextChoices):
        IN_PAYMENT = "in_payment", _("正常发放")
        SUSPENDED = "suspended", _("暂停发放")
        GRADUAL_EXIT = "gradual_exit", _("渐退期")
        STOPPED = "stopped", _("已停保")

    class CareArrangement(models.TextChoices):
        DISPERSED = "dispersed", _("分散供养")
        CENTRALISED = "centralised", _("集中供养")

    class ReviewBasis(models.TextChoices):
        STABLE = "stable", _("收入稳定")
        UNSTABLE = "unstable", _("收入不稳定或有劳动能力成员")

    programme = models.CharField(_("救助项目"), max_length=30, choices=Programme.choices)
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="enrolments"
    )
    beneficiary = models.ForeignKey(
        "registry.Person",
        verbose_name=_("享受人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        help_text=_("按人享受的项目（特困、残疾人补贴、儿童）填写；按户享受的低保留空"),
    )
    certificate_number = models.CharField(_("证号"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=15, choices=Status.choices, default=Status.IN_PAYMENT)
    covered_members = models.PositiveSmallIntegerField(_("保障人口"), default=1)
    monthly_amount = models.DecimalField(_("月保障金额（元）"), max_digits=10, decimal_places=2)
    classified_extra = models.DecimalField(
        _("其中分类施保（元/月）"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("月保障金额中按类别增发的部分，已含在月保障金额内"),
    )
    care_arrangement = models.CharField(
        _("供养方式"), max_length=12, choices=CareArrangement.choices, blank=True, help_text=_("特困人员填写")
    )
    start_month = models.DateField(_("起始发放月"), help_text=_("决定次月起发放；存当月1日"))
    end_month = models.DateField(_("停发月"), null=True, blank=True)
    review_basis = models.CharField(
        _("复核类别"), max_length=10, choices=ReviewBasis.choices, default=ReviewBasis.STABLE
    )
    last_reviewed_on = models.DateField(_("上次审核/复核日期"))
    # the bank account's holder when it is not the head (子女代领): bank files, 一卡通 rosters and
    # returns name the payee; blank = the household's account holder, the head (ledger.payees)
    # (db_default: bulk loaders that write enrolments in SQL need not name these columns)
    payee_name = models.CharField(_("收款人（账户持有人）"), max_length=50, blank=True, default="", db_default="")
    payee_id_number = models.CharField(_("收款人身份证号"), max_length=18, blank=True, default="", db_default="")
    payee_relation = models.CharField(_("收款人与享受人关系"), max_length=20, blank=True, default="", db_default="")
    payee_exception_reason = models.CharField(
        _("代领理由"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("收款人既不是享受人也不是户主时必须填写（一卡通规则的例外）"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("保障对象")
        verbose_name_plural = _("保障对象")
        ordering = ["area_code", "programme", "id"]
        indexes = [models.Index(fields=["programme", "status", "area_code"], name="enrolment_roll_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "household"],
                condition=Q(beneficiary__isnull=True) & ~Q(status="stopped"),
                name="one_open_household_enrolment_per_programme",
            ),
            models.UniqueConstraint(
                fields=["programme", "beneficiary"],
                condition=Q(beneficiary__isnull=False) & ~Q(status="stopped"),
                name="one_open_personal_enrolment_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.household}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.STOPPED


class ReviewSchedule(AreaOwned):
    """When an open enrolment is next due for review, and why (动态管理); no row once it is
    stopped or in gradual exit.

    A narrow table of its own because the schedule job recomputes it for every enrolment: on the
    wide enrolment row each change would be a new row version plus an entry in each of its seven
    indexes (19 s for 300,000). For the same reason the only index is the primary key (a county's
    "due soon" is a scan of a few MB), and the enrolment is not a database foreign key: rows are
    written by the statement that reads them from ledger_enrolment, and the deferred check per row
    would cost as much as the insert itself.
    """

    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("保障对象"),
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="review_schedule",
    )
    area_code = models.CharField(_("区划代码"), max_length=15)
    due_on = models.DateField(_("下次复核期限"))
    reason = models.CharField(_("复核原因"), max_length=10, choices=ReviewReason.choices)

    class Meta:
        verbose_name = _("复核计划")
        verbose_name_plural = _("复核计划")
        ordering = ["due_on", "enrolment"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.get_reason_display()}"


class EnrolmentEvent(AreaOwned):
    """Something that happened to an enrolment. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("纳入保障")
        ADJUSTED = "adjusted", _("调整金额")
        SUSPENDED = "suspended", _("暂停发放")
        RESUMED = "resumed", _("恢复发放")
        GRADUAL_EXIT = "gradual_exit", _("进入渐退")
        STOPPED = "stopped", _("停止保障")
        REVIEWED = "reviewed", _("复核维持")
        REVIEW_SCHEDULED = "review_scheduled", _("安排复核")
        RECOVERY = "recovery", _("追回款项")
        FINE = "fine", _("罚款决定")

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("保障对象"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=20, choices=Kind.choices)
    effective_month = models.DateField(_("生效月份"))
    status_after = models.CharField(_("变更后状态"), max_length=15, choices=Enrolment.Status.choices)
    amount_before = models.DecimalField(_("变更前金额"), max_digits=10, decimal_places=2, null=True, blank=True)
    amount_after = models.DecimalField(_("变更后金额"), max_digits=10, decimal_places=2, null=True, blank=True)
    money = models.DecimalField(
        _("涉及金额"), max_digits=12, decimal_places=2, null=True, blank=True, help_text=_("追回或罚款金额")
    )
    reason = models.CharField(_("原因"), max_length=300)
    details = models.JSONField(_("明细"), default=dict, blank=True, help_text=_("计算过程、渐退计划等"))
    case_reference = models.CharField(_("依据案件/决定"), max_length=60, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保障变动记录")
        verbose_name_plural = _("保障变动记录")
        ordering = ["enrolment", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_month:%Y-%m}"


class GradualExitStep(AreaOwned):
    """One month of a 渐退 plan: what the enrolment pays that month (read by payment rolls)."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("保障对象"), on_delete=models.PROTECT, related_name="exit_steps"
    )
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("渐退计划")
        verbose_name_plural = _("渐退计划")
        ordering = ["enrolment", "month"]
        constraints = [models.UniqueConstraint(fields=["enrolment", "month"], name="one_exit_step_per_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.amount}"
