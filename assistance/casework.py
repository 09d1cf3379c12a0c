"""Assistance casework on top of the cases engine: the application file of one case (household
composition, surveys, public notices, objections, 民主评议, spot checks, review cases) and the
close-relative register (近亲属备案). The case engine owns steps and clocks; these rows own what
the regulation asks the staff to find out and decide."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited
from policy import rules
from policy.programmes import Programme


class CloseRelative(Audited, AreaOwned):
    """A resident who is a close relative of a 低保 case worker, civil-affairs staff or village cadre."""

    class Position(models.TextChoices):
        DIBAO_WORKER = "dibao_worker", _("低保经办人员")
        CIVIL_AFFAIRS = "civil_affairs", _("民政工作人员")
        VILLAGE_CADRE = "village_cadre", _("村(居)委会干部")

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("配偶")
        PARENT = "parent", _("父母")
        CHILD = "child", _("子女")
        SIBLING = "sibling", _("兄弟姐妹")
        GRANDPARENT = "grandparent", _("祖父母、外祖父母")
        GRANDCHILD = "grandchild", _("孙子女、外孙子女")
        IN_LAW = "in_law", _("其他近姻亲")

    person = models.ForeignKey(
        "registry.Person", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="staff_relations"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cadre_name = models.CharField(_("村(居)干部姓名"), max_length=50, blank=True)
    position = models.CharField(_("身份"), max_length=20, choices=Position.choices)
    relation = models.CharField(_("亲属关系"), max_length=20, choices=Relation.choices)
    recorded_on = models.DateField(_("登记日期"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("近亲属关系")
        verbose_name_plural = _("近亲属关系登记")
        ordering = ["area_code", "id"]

    def __str__(self) -> str:
        who = self.staff.full_name if self.staff_id else self.cadre_name
        return f"{self.person.name}是{self.get_position_display()}{who}的{self.get_relation_display()}"


class Application(Audited, AreaOwned):
    """The assistance file of one case: who counts, what was found, what was decided."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("审核中")
        CONFIRMED = "confirmed", _("审核确认")
        REFUSED = "refused", _("不予确认")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="assistance"
    )
    programme = models.CharField(_("救助项目"), max_length=30, choices=Programme.choices, db_index=True)
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    beneficiary = models.ForeignKey(
        "registry.Person", verbose_name=_("享受人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    urban = models.BooleanField(_("城市"), default=False)
    accepted_on = models.DateField(_("受理日期"))
    authorisation_signed_on = models.DateField(_("核对授权书签署日期"), null=True, blank=True)
    close_relative = models.BooleanField(_("近亲属备案"), default=False, db_index=True)
    close_relative_note = models.CharField(_("备案说明"), max_length=300, blank=True)
    composition = models.JSONField(_("共同生活家庭成员"), default=dict)
    covered_members = models.PositiveSmallIntegerField(_("保障人口"), default=1)
    variant = models.CharField(_("办理方式"), max_length=20, blank=True, help_text=_("xinshao = 四位一体"))
    facts = models.JSONField(_("认定事实"), default=dict, blank=True)
    monthly_per_capita = models.DecimalField(_("月人均收入"), max_digits=10, decimal_places=2, null=True, blank=True)
    proposed_amount = models.DecimalField(_("拟保障金额"), max_digits=10, decimal_places=2, null=True, blank=True)
    working = models.JSONField(_("计算过程"), default=dict, blank=True)
    advance_amount = models.DecimalField(_("先行救助金额"), max_digits=10, decimal_places=2, null=True, blank=True)
    advance_paid_on = models.DateField(_("先行救助日期"), null=True, blank=True)
    decision = models.CharField(_("审核结果"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True, on_delete=models.PROTECT
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    refusal_notice_due_on = models.DateField(_("不予确认通知期限"), null=True, blank=True)
    refusal_notice_issued_on = models.DateField(_("不予确认通知送达日期"), null=True, blank=True)
    enrolment = models.ForeignKey(
        "ledger.Enrolment", verbose_name=_("保障对象"), null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("救助申请")
        verbose_name_plural = _("救助申请")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_programme_display()} · {self.case.receipt_no}"


class TemporaryAidPayment(Audited, AreaOwned):
    """临时救助发放: one payment of an approved (or, 先行救助, a not yet approved) temporary grant — cash
    through the 临时救助 payment roll (a one-month enrolment in the ledger), or cash or goods handed
    over against a signed receipt (posted to the fund ledger at once)."""

    class Stage(models.TextChoices):
        ADVANCE = "advance", _("先行救助")
        APPROVED = "approved", _("审批后发放")

    class Method(models.TextChoices):
        ROLL = "roll", _("银行代发（列入临时救助发放名册）")
        ORDER = "order", _("银行即时支付（一次性支付单）")
        CASH = "cash", _("现金发放（领款人签收）")
        IN_KIND = "in_kind", _("实物救助（领取人签收）")

    application = models.ForeignKey(
        Application, verbose_name=_("救助申请"), on_delete=models.PROTECT, related_name="payments"
    )
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices)
    method = models.CharField(_("发放方式"), max_length=10, choices=Method.choices)
    amount = models.DecimalField(_("金额（实物折价，元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("发放日期"))
    enrolment = models.ForeignKey(
        "ledger.Enrolment", verbose_name=_("发放名册对象"), null=True, blank=True, on_delete=models.PROTECT
    )
    payment_order_id = models.PositiveIntegerField(_("一次性支付单"), null=True, blank=True)
    withdrawn = models.BooleanField(
        _("已作废"), default=False, help_text=_("银行支付失败、已改为现金发放的支付单，不计入已发放")
    )
    goods = models.CharField(_("实物清单"), max_length=300, blank=True)
    received_by = models.CharField(_("领取人"), max_length=50, blank=True)
    receipt_scan = models.FileField(_("签收单扫描件"), upload_to="assistance/receipts/%Y/%m/", blank=True)
    fund_note = models.CharField(_("资金记账"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("临时救助发放")
        verbose_name_plural = _("临时救助发放")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.get_method_display()} {self.amount}元"


class Survey(Audited, AreaOwned):
    """家庭经济状况调查: a home visit by at least two investigators, neighbours, income and assets."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("入户调查")
        RE_INVESTIGATION = "re_investigation", _("异议复查")
        COUNTY_VISIT = "county_visit", _("县级入户核查")

    application = models.ForeignKey(
        Application, verbose_name=_("救助申请"), on_delete=models.PROTECT, related_name="surveys"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.HOME_VISIT)
    visited_on = models.DateField(_("入户日期"))
    investigators = models.JSONField(_("调查人员"), default=list, help_text=_('[{"name": ..., "confirmed": true}]'))
    signature_scan = models.FileField(_("签字调查表扫描件"), upload_to="assistance/surveys/%Y/%m/", blank=True)
    neighbours = models.JSONField(_("邻里走访"), default=list, blank=True)
    income_items = models.JSONField(_("收入项目"), default=list, blank=True)
    deposits = models.DecimalField(_("金融资产"), max_digits=12, decimal_places=2, default=0)
    vehicles = models.PositiveSmallIntegerField(_("机动车辆"), default=0)
    houses = models.PositiveSmallIntegerField(_("住房套数"), default=1)
    finding = models.TextField(_("调查结论"), blank=True)
    monthly_per_capita = models.DecimalField(_("月人均收入"), max_digits=10, decimal_places=2, null=True)
    working = models.JSONField(_("计算过程"), default=dict, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("家庭经济状况调查")
        verbose_name_plural = _("家庭经济状况调查")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.visited_on}"


class PublicNotice(AreaOwned):
    """One round of 公示 of one application in its village or community."""

    class Status(models.TextChoices):
        RUNNING = "running", _("公示中")
        OBJECTED = "objected", _("有异议，待复查")
        SUPERSEDED = "superseded", _("已重新公示")
        COMPLETED = "completed", _("公示期满无异议")

    application = models.ForeignKey(
        Application, verbose_name=_("救助申请"), on_delete=models.PROTECT, related_name="notices"
    )
    round = models.PositiveSmallIntegerField(_("公示轮次"), default=1)
    token = models.UUIDField(_("公示编号"), default=uuid.uuid4, unique=True, editable=False)
    village_name = models.CharField(_("公示地点"), max_length=100)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    masked_name = models.CharField(_("户主姓名"), max_length=50)
    household_size = models.PositiveSmallIntegerField(_("保障人口"))
    amount = models.DecimalField(_("建议户月保障金"), max_digits=10, decimal_places=2)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_unit = models.CharField(_("反映单位"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "round"], name="one_notice_per_round")]

    def __str__(self) -> str:
        return f"{self.village_name}公示 第{self.round}轮 {self.starts_on}–{self.ends_on}"

    @property
    def period(self) -> rules.NoticePeriod:
        """The true dates: posted on `starts_on`, the days counted from the next day to `ends_on`."""
        return rules.public_notice_period(
            self.starts_on, self.application.case.version.notice_period_days(), self.ends_on
        )


class Objection(AreaOwned):
    """异议: lodged by anyone during the notice (named or anonymous), or by staff."""

    class Status(models.TextChoices):
        OPEN = "open", _("待复查")
        RESOLVED = "resolved", _("已处理")

    class Resolution(models.TextChoices):
        RE_INVESTIGATED = "re_investigated", _("重新调查核实")
        APPRAISED = "appraised", _("民主评议")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("异议成立")
        REJECTED = "rejected", _("异议不成立")

    notice = models.ForeignKey(
        PublicNotice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    lodged_on = models.DateField(_("提出日期"))
    anonymous = models.BooleanField(_("匿名"), default=False)
    name = models.CharField(_("反映人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    content = models.TextField(_("异议内容"))
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(_("处理方式"), max_length=20, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(_("处理结果"), blank=True)
    # whether the re-investigation or appraisal found the objection right (成立) or not (不成立):
    # blank before it is answered and for objections answered before the outcome was recorded
    outcome = models.CharField(_("异议是否成立"), max_length=10, choices=Outcome.choices, blank=True, default="")
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["notice", "id"]

    def __str__(self) -> str:
        return f"{self.lodged_on} {'匿名' if self.anonymous else self.name}"


class Appraisal(AreaOwned):
    """民主评议 (or the village representatives' appraisal of the Xinshao four-in-one practice)."""

    application = models.ForeignKey(
        Application, verbose_name=_("救助申请"), on_delete=models.PROTECT, related_name="appraisals"
    )
    held_on = models.DateField(_("评议日期"))
    participants = models.PositiveSmallIntegerField(_("参加人数"))
    agree = models.PositiveSmallIntegerField(_("同意"))
    disagree = models.PositiveSmallIntegerField(_("不同意"), default=0)
    conclusion = models.TextField(_("评议结论"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["application", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} 同意{self.agree}/不同意{self.disagree}"


class SpotCheck(AreaOwned):
    """县级抽查 of 特困 cases awaiting confirmation: drawn at random and recorded."""

    drawn_on = models.DateField(_("抽取日期"))
    share = models.DecimalField(_("抽查比例"), max_digits=4, decimal_places=2)
    population = models.PositiveIntegerField(_("待确认案件数"))
    seed = models.CharField(_("随机种子"), max_length=40)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("特困抽查")
        verbose_name_plural = _("特困抽查")
        ordering = ["-drawn_on", "-id"]

    def __str__(self) -> str:
        return f"{self.drawn_on} 抽查{self.items.count()}/{self.population}"


class SpotCheckItem(AreaOwned):
    class Result(models.TextChoices):
        PENDING = "pending", _("待核查")
        CONFIRMED = "confirmed", _("核查属实")
        PROBLEM = "problem", _("发现问题")

    spot_check = models.ForeignKey(SpotCheck, verbose_name=_("抽查"), on_delete=models.PROTECT, related_name="items")
    application = models.ForeignKey(
        Application, verbose_name=_("救助申请"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    result = models.CharField(_("核查结果"), max_length=10, choices=Result.choices, default=Result.PENDING)
    note = models.TextField(_("核查情况"), blank=True)
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽查案件")
        verbose_name_plural = _("抽查案件")
        ordering = ["spot_check", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.get_result_display()}"


class LocalPractice(models.Model):
    """A county's own way of running a programme, e.g. Xinshao's four-in-one temporary aid."""

    class Variant(models.TextChoices):
        STANDARD = "standard", _("标准流程")
        XINSHAO = "xinshao", _("四位一体（村民代表评议→民生员初审公示→乡镇审批→县级备案）")

    area_code = models.CharField(_("适用区划"), max_length=12, db_index=True)
    programme = models.CharField(_("救助项目"), max_length=30, choices=Programme.choices)
    variant = models.CharField(_("办理方式"), max_length=20, choices=Variant.choices)
    effective_from = models.DateField(_("生效日期"))

    class Meta:
        verbose_name = _("地方办理方式")
        verbose_name_plural = _("地方办理方式")
        ordering = ["area_code", "programme", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.area_code} {self.get_programme_display()} {self.get_variant_display()}"


class ReviewCase(AreaOwned):
    """A periodic review (复核) of an enrolment, run as a case in the township's queue."""

    class Outcome(models.TextChoices):
        OPEN = "", _("复核中")
        KEPT = "kept", _("维持")
        ADJUSTED = "adjusted", _("调整金额")
        GRADUAL_EXIT = "gradual_exit", _("渐退")
        STOPPED = "stopped", _("停保")
        FRAUD = "fraud", _("骗取救助，停保追回")

    enrolment = models.ForeignKey(
        "ledger.Enrolment", verbose_name=_("保障对象"), on_delete=models.PROTECT, related_name="review_cases"
    )
    case = models.OneToOneField("cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="review")
    opened_on = models.DateField(_("发起日期"))
    due_on = models.DateField(_("复核期限"))
    reason = models.CharField(_("复核原因"), max_length=100)
    outcome = models.CharField(_("复核结果"), max_length=15, choices=Outcome.choices, blank=True, default="")
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)
    outcome_note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("复核案件")
        verbose_name_plural = _("复核案件")
        ordering = ["-opened_on", "id"]

    def __str__(self) -> str:
        return f"复核 {self.enrolment} {self.opened_on}"
