"""稽查 inside the work: samples and their check forms, findings, rectifications (整改),
accountability (责任追究), special campaigns (专项整治) and 稽查 opinions on approvals."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class Campaign(Audited, AreaOwned):
    """专项整治: a named batch of samples with its own report (owned by the area it covers)."""

    name = models.CharField(_("专项名称"), max_length=100)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    description = models.TextField(_("整治内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Sample(Audited, AreaOwned):
    """One reproducible random draw: the same seed, target, strata and size draw the same items."""

    class Target(models.TextChoices):
        ENROLMENT = "enrolment", _("保障对象")
        CASE = "case", _("办件")
        ROLL_LINE = "roll_line", _("发放名册明细")
        FUND_ENTRY = "fund_entry", _("资金收支")

    name = models.CharField(_("抽查名称"), max_length=100)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("专项整治"), null=True, blank=True, on_delete=models.PROTECT, related_name="samples"
    )
    target = models.CharField(_("抽查对象"), max_length=12, choices=Target.choices)
    seed = models.PositiveIntegerField(_("随机种子"))
    share = models.DecimalField(_("抽查比例"), max_digits=5, decimal_places=4, null=True, blank=True)
    count = models.PositiveIntegerField(_("抽查数量"), null=True, blank=True)
    townships = models.JSONField(_("抽查乡镇"), default=list, blank=True)
    programmes = models.JSONField(_("救助项目"), default=list, blank=True)
    population = models.PositiveIntegerField(_("总体数量"), default=0)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_on = models.DateField(_("抽取日期"))

    class Meta:
        verbose_name = _("抽查")
        verbose_name_plural = _("抽查")
        ordering = ["-drawn_on", "-id"]

    def __str__(self) -> str:
        return self.name


class SampleItem(AreaOwned):
    """One sampled record and its check form (核查表). Owned by the record's area, so the township
    sees the items drawn from it."""

    class Result(models.TextChoices):
        PENDING = "pending", _("待核查")
        PASSED = "passed", _("无问题")
        PROBLEM = "problem", _("发现问题")

    sample = models.ForeignKey(Sample, verbose_name=_("抽查"), on_delete=models.PROTECT, related_name="items")
    object_id = models.BigIntegerField(_("记录编号"))
    label = models.CharField(_("抽中记录"), max_length=200)
    township_code = models.CharField(_("乡镇"), max_length=15)
    stratum = models.CharField(_("项目"), max_length=40, blank=True)
    documents_complete = models.BooleanField(_("材料齐全"), null=True, blank=True)
    survey_real = models.BooleanField(_("调查真实"), null=True, blank=True)
    amount_right = models.BooleanField(_("金额准确"), null=True, blank=True)
    right_account = models.BooleanField(_("发放到本人账户"), null=True, blank=True)
    notice_held = models.BooleanField(_("按规定公示"), null=True, blank=True)
    note = models.TextField(_("核查说明"), blank=True)
    result = models.CharField(_("核查结果"), max_length=10, choices=Result.choices, default=Result.PENDING)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)

    CHECKS = ("documents_complete", "survey_real", "amount_right", "right_account", "notice_held")

    class Meta:
        verbose_name = _("抽查记录")
        verbose_name_plural = _("抽查记录")
        ordering = ["sample", "township_code", "stratum", "object_id"]
        constraints = [models.UniqueConstraint(fields=["sample", "object_id"], name="supervision_one_item_per_record")]

    def __str__(self) -> str:
        return self.label


class Finding(Audited, AreaOwned):
    """稽查发现: a problem found by a check (or reported directly), owned by the record's area."""

    class Kind(models.TextChoices):
        DOCUMENTS = "documents_complete", _("材料不齐全")
        SURVEY = "survey_real", _("调查不真实")
        AMOUNT = "amount_right", _("金额不准确")
        ACCOUNT = "right_account", _("未发放到本人账户")
        NOTICE = "notice_held", _("未按规定公示")
        OTHER = "other", _("其他问题")

    item = models.ForeignKey(
        SampleItem, verbose_name=_("抽查记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    kind = models.CharField(_("问题类型"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("问题描述"))
    responsible_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    found_on = models.DateField(_("发现日期"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("稽查人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("稽查发现")
        verbose_name_plural = _("稽查发现")
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description[:40]}"


class RectificationPolicy(models.Model):
    """How long a unit has to rectify a finding and when an overdue one escalates (dated data, like
    the cases' 督办 policy)."""

    effective_from = models.DateField(_("生效日期"), unique=True)
    limit_working_days = models.PositiveSmallIntegerField(_("整改期限(工作日)"), default=15)
    escalate_every_wd = models.PositiveSmallIntegerField(_("逾期后每隔几个工作日升级督办"), default=3)
    max_level = models.PositiveSmallIntegerField(_("最高督办级别"), default=3)

    class Meta:
        verbose_name = _("整改时限设置")
        verbose_name_plural = _("整改时限设置")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from} 起 {self.limit_working_days} 个工作日"


class Rectification(Audited, AreaOwned):
    """整改: each finding opens one, for its responsible unit, due on the working-day calendar."""

    class State(models.TextChoices):
        OPEN = "open", _("整改中")
        SUBMITTED = "submitted", _("待稽查销号")
        SIGNED_OFF = "signed_off", _("已销号")

    finding = models.OneToOneField(
        Finding, verbose_name=_("稽查发现"), on_delete=models.PROTECT, related_name="rectification"
    )
    responsible_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("下发日期"))
    due_on = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    evidence = models.TextField(_("整改情况"), blank=True)
    evidence_file = models.FileField(_("整改佐证材料"), upload_to="supervision/%Y/%m/", blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_on = models.DateField(_("销号日期"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(_("稽查意见"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    escalated_on = models.DateField(_("最近督办日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"整改：{self.finding}"


class Accountability(Audited, AreaOwned):
    """责任追究: a measure against a person or unit, linked to the findings that caused it."""

    class Measure(models.TextChoices):
        TALK = "talk", _("谈话提醒")
        CIRCULATE = "circulate", _("通报批评")
        ADMONISH = "admonish", _("诫勉")
        DISCIPLINE = "discipline", _("移交纪检监察机关")

    measure = models.CharField(_("追责方式"), max_length=12, choices=Measure.choices)
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(_("责任人姓名"), max_length=50, blank=True)
    findings = models.ManyToManyField(Finding, verbose_name=_("相关问题"), related_name="accountabilities")
    decided_on = models.DateField(_("决定日期"))
    reason = models.TextField(_("追责事由"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("责任追究")
        verbose_name_plural = _("责任追究")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_measure_display()}：{self.person_name or self.unit}"


class OpinionRule(Audited, models.Model):
    """Which approvals wait for a 稽查 opinion (data, dated): the county decides, not the code."""

    class Kind(models.TextChoices):
        ENROLMENT_ABOVE = "enrolment_above", _("拟保障金额超过限额的申请")
        CLOSE_RELATIVE = "close_relative", _("工作人员近亲属的申请")
        ADVANCE_ABOVE = "advance_above", _("先行救助金额超过限额")
        ITEM = "item", _("指定事项的全部申请")
        ROLL_ABOVE = "roll_above", _("应发总额超过限额的发放名册")

    name = models.CharField(_("规则名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    item_code = models.CharField(_("事项编码"), max_length=40, blank=True, help_text=_("留空表示所有事项"))
    step_code = models.CharField(
        _("须等待稽查意见的环节编码"), max_length=40, blank=True, help_text=_("留空表示该事项的每个审批环节")
    )
    threshold = models.DecimalField(_("限额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    area_code = models.CharField(_("适用区划"), max_length=12, blank=True, help_text=_("留空表示全部区划"))
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("稽查意见规则")
        verbose_name_plural = _("稽查意见规则")
        ordering = ["effective_from", "id"]

    def __str__(self) -> str:
        return self.name


class Opinion(Audited, AreaOwned):
    """稽查意见 on a case step or a payment roll; the newest one for a step is the one that counts."""

    class Verdict(models.TextChoices):
        AGREE = "agree", _("同意")
        AGREE_WITH_NOTES = "agree_notes", _("原则同意，提出意见")
        DISAGREE = "disagree", _("不同意")

    step = models.ForeignKey(
        "cases.CaseStep", verbose_name=_("办件环节"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    roll = models.ForeignKey(
        "payments.PaymentRoll",
        verbose_name=_("发放名册"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(_("稽查结论"), max_length=12, choices=Verdict.choices)
    text = models.TextField(_("稽查意见"))
    given_on = models.DateField(_("出具日期"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("稽查人"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("稽查意见")
        verbose_name_plural = _("稽查意见")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(step__isnull=False) | models.Q(roll__isnull=False),
                name="supervision_opinion_on_something",
            )
        ]

    def __str__(self) -> str:
        return f"稽查意见（{self.get_verdict_display()}）"
