"""Social organisations, charity and open village affairs (issue 23 §2–3).

The organisation itself is the shared register's row (`registry.Organisation`); this app keeps what
the bureau's registration work records about it:

- `OrganisationProfile` (业务范围, 业务主管单位), `OrganisationContact`, `ServiceArea`, and the
  append-only history of registration changes (`OrganisationChange`);
- `AnnualReport` with its check, the deadline of each year as data (`AnnualReportDeadline`);
  `Rating` (等级评估 1A–5A) with its validity as dated data (`RatingValidity`);
- the three lists: `Need` (with the resident's consent), `Resource`, `Project`; a `Referral` (转介)
  of a need to an organisation, accepted and reported by the organisation's staff
  (`OrganisationStaff`); `NeedCoverage` says which public programmes already cover a kind of need;
- `ServiceRecord`: a township social-work station's service-type assistance for a household;
- open village affairs: the catalogue (`DisclosureItem`), `Publication` + attachments, and the
  self-governance check (`GovernanceCriterion`, `GovernanceCheck`, `GovernanceScore`).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited
from policy.programmes import Programme

ORG = "registry.Organisation"
USER = settings.AUTH_USER_MODEL


# ------------------------------------------------------------------ organisations


class OrganisationProfile(Audited, AreaOwned):
    """What the registration records beyond the shared register's row."""

    organisation = models.OneToOneField(ORG, on_delete=models.PROTECT, related_name="society_profile")
    scope = models.TextField(_("业务范围"), blank=True)
    supervisor = models.CharField(_("业务主管单位"), max_length=100, blank=True)
    registered_capital = models.DecimalField(
        _("注册资金（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deregistered_on = models.DateField(_("注销日期"), null=True, blank=True)
    deregistration_reason = models.CharField(_("注销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("社会组织登记信息")
        verbose_name_plural = _("社会组织登记信息")

    def __str__(self) -> str:
        return f"{self.organisation_id} 登记信息"


class OrganisationChange(models.Model):
    """One registration change (变更登记) or status change, kept for ever: the old and new value."""

    class Field(models.TextChoices):
        REGISTRATION = "registration", _("成立登记")
        NAME = "name", _("名称")
        REPRESENTATIVE = "legal_representative", _("法定代表人")
        ADDRESS = "address", _("住所")
        SCOPE = "scope", _("业务范围")
        STATUS = "status", _("状态")

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("变更事项"), max_length=25, choices=Field.choices)
    old_value = models.TextField(_("变更前"), blank=True)
    new_value = models.TextField(_("变更后"), blank=True)
    changed_on = models.DateField(_("核准日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    changed_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("登记事项变更")
        verbose_name_plural = _("登记事项变更")
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.changed_on}"


class OrganisationContact(models.Model):
    organisation = models.ForeignKey(ORG, on_delete=models.CASCADE, related_name="society_contacts")
    name = models.CharField(_("姓名"), max_length=50)
    duty = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("机构联系人")
        verbose_name_plural = _("机构联系人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """An area an organisation serves (this area and below)."""

    organisation = models.ForeignKey(ORG, on_delete=models.CASCADE, related_name="society_service_areas")
    area_code = models.CharField(_("服务区域"), max_length=15)

    class Meta:
        verbose_name = _("服务区域")
        verbose_name_plural = _("服务区域")
        constraints = [models.UniqueConstraint(fields=["organisation", "area_code"], name="society_one_service_area")]

    def __str__(self) -> str:
        return self.area_code


class AnnualReportDeadline(models.Model):
    """When the annual report of a year is due (data: 社会组织年度检查/年度报告 each year's notice)."""

    year = models.PositiveSmallIntegerField(_("报告年度"), unique=True)
    due_on = models.DateField(_("报送截止日期"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("年报截止日期")
        verbose_name_plural = _("年报截止日期")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年度报告截止{self.due_on}"


class AnnualReport(Audited, AreaOwned):
    class Result(models.TextChoices):
        PENDING = "pending", _("待检查")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basic", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("报告年度"))
    submitted_on = models.DateField(_("报送日期"))
    summary = models.TextField(_("业务活动情况"), blank=True)
    income = models.DecimalField(_("年度收入（元）"), max_digits=14, decimal_places=2, default=0)
    expense = models.DecimalField(_("年度支出（元）"), max_digits=14, decimal_places=2, default=0)
    result = models.CharField(_("检查结论"), max_length=12, choices=Result.choices, default=Result.PENDING)
    opinion = models.CharField(_("检查意见"), max_length=300, blank=True)
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)
    checked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="society_one_report_a_year")]

    def __str__(self) -> str:
        return f"{self.year}年度报告"


class RatingValidity(models.Model):
    """How long a rating (等级评估) stands, dated (社会组织评估管理办法: 5 years)."""

    years = models.PositiveSmallIntegerField(_("有效期（年）"))
    effective_from = models.DateField(_("生效日期"))
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评估等级有效期")
        verbose_name_plural = _("评估等级有效期")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.years}年"


class Rating(Audited, AreaOwned):
    class Grade(models.IntegerChoices):
        A1 = 1, "1A"
        A2 = 2, "2A"
        A3 = 3, "3A"
        A4 = 4, "4A"
        A5 = 5, "5A"

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    grade = models.PositiveSmallIntegerField(_("评估等级"), choices=Grade.choices)
    rated_on = models.DateField(_("评定日期"))
    valid_until = models.DateField(_("有效期至"))
    note = models.CharField(_("评估说明"), max_length=200, blank=True)
    rated_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("等级评估")
        verbose_name_plural = _("等级评估")
        ordering = ["-rated_on", "-id"]

    def __str__(self) -> str:
        return self.get_grade_display()


class OrganisationStaff(models.Model):
    """A staff account of an organisation (服务机构人员, 社工站社工): what they accept and report."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="society_staff")
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("机构工作人员")
        verbose_name_plural = _("机构工作人员")

    # ------------------------------------------------------------------ three lists

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}"


class NeedKind(models.TextChoices):
    LIVING = "living", _("基本生活")
    MEDICAL = "medical", _("医疗")
    EDUCATION = "education", _("教育助学")
    HOUSING = "housing", _("住房")
    CARE = "care", _("照料护理")
    PSYCH = "psych", _("心理疏导")
    EMPLOYMENT = "employment", _("就业帮扶")
    OTHER = "other", _("其他")


class NeedCoverage(models.Model):
    """Which public programme already meets a kind of need (data): a charity help of that kind in a
    month the household is paid by that programme is flagged as possibly paid twice."""

    kind = models.CharField(_("需求类别"), max_length=15, choices=NeedKind.choices)
    programme = models.CharField(_("救助项目"), max_length=30, choices=Programme.choices)

    class Meta:
        verbose_name = _("需求与救助项目对应")
        verbose_name_plural = _("需求与救助项目对应")
        constraints = [models.UniqueConstraint(fields=["kind", "programme"], name="society_one_coverage")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}←{self.get_programme_display()}"


class Resource(Audited, AreaOwned):
    """What an organisation offers: funds, goods, volunteers, services; area_code is where it applies
    (its prefix: that area and below)."""

    class Form(models.TextChoices):
        FUNDS = "funds", _("资金")
        GOODS = "goods", _("物资")
        VOLUNTEERS = "volunteers", _("志愿者")
        SERVICES = "services", _("服务")

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    form = models.CharField(_("资源类型"), max_length=12, choices=Form.choices)
    kind = models.CharField(_("适用需求"), max_length=15, choices=NeedKind.choices)
    name = models.CharField(_("资源名称"), max_length=100)
    quantity = models.DecimalField(_("总量"), max_digits=12, decimal_places=2)
    remaining = models.DecimalField(_("余量"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=10, default="元")
    area_prefix = models.CharField(_("适用区域前缀"), max_length=15, db_index=True)
    available_until = models.DateField(_("截止日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源清单")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class Project(Audited, AreaOwned):
    """What an organisation runs, with its capacity (households it can take at once)."""

    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("项目名称"), max_length=100)
    kind = models.CharField(_("服务需求"), max_length=15, choices=NeedKind.choices)
    capacity = models.PositiveIntegerField(_("服务容量（户）"))
    area_prefix = models.CharField(_("服务区域前缀"), max_length=15, db_index=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    description = models.CharField(_("项目简介"), max_length=300, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目清单")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class Need(Audited, AreaOwned):
    """A household's need public aid cannot fully meet, recorded with the resident's consent."""

    class Source(models.TextChoices):
        WARNING = "warning", _("监测预警")
        VISIT = "visit", _("入户走访")
        CASE = "case", _("救助个案")
        OTHER = "other", _("其他发现")

    class Status(models.TextChoices):
        OPEN = "open", _("待转介")
        REFERRED = "referred", _("已转介")
        ACCEPTED = "accepted", _("机构已接收")
        HELPED = "helped", _("已帮扶待确认")
        CLOSED = "closed", _("已办结")
        CANCELLED = "cancelled", _("已撤销")

    OPEN_STATUSES = (Status.OPEN, Status.REFERRED, Status.ACCEPTED, Status.HELPED)

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("需求人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("需求类别"), max_length=15, choices=NeedKind.choices)
    description = models.CharField(_("需求说明"), max_length=300)
    quantity = models.DecimalField(_("需求数量"), max_digits=12, decimal_places=2, default=0)
    unit = models.CharField(_("计量单位"), max_length=10, default="元")
    source = models.CharField(_("需求来源"), max_length=10, choices=Source.choices)
    warning = models.ForeignKey("monitoring.Warning", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey("grid.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    consent_on = models.DateField(_("居民同意日期"))
    consent_note = models.CharField(_("同意方式"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    confirmation = models.CharField(_("居民确认"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description[:20]}"


class Referral(AreaOwned):
    """A need referred (转介) to an organisation, optionally to one of its resources or projects;
    the organisation accepts or declines, then reports the help it gave. area_code is the need's."""

    class State(models.TextChoices):
        REFERRED = "referred", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        DECLINED = "declined", _("已退回")
        REPORTED = "reported", _("已反馈帮扶")

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="referrals")
    organisation = models.ForeignKey(ORG, verbose_name=_("承接机构"), on_delete=models.PROTECT, related_name="+")
    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="referral_rows")
    score = models.PositiveSmallIntegerField(_("匹配得分"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.REFERRED)
    referred_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(_("转介时间"), auto_now_add=True)
    note = models.CharField(_("转介说明"), max_length=200, blank=True)
    handled_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    decline_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    report = models.TextField(_("帮扶情况"), blank=True)
    help_value = models.DecimalField(_("帮扶折合金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    helped_on = models.DateField(_("帮扶日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        ordering = ["-id"]

    # ------------------------------------------------------------------ social-work stations

    def __str__(self) -> str:
        return f"转介{self.need_id}→{self.organisation_id}"


class ServiceType(models.TextChoices):
    CARE = "care", _("生活照料")
    COMPANY = "company", _("陪伴探访")
    PSYCH = "psych", _("心理疏导")
    REHAB = "rehab", _("康复训练")
    LINKING = "linking", _("资源链接")
    CASEWORK = "casework", _("个案服务")
    GROUP = "group", _("小组活动")


class ServiceRecord(AreaOwned):
    """One service a social worker gave a household (area_code: the household's)."""

    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("服务对象"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(ORG, verbose_name=_("社工站"), on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(USER, verbose_name=_("社工"), on_delete=models.PROTECT, related_name="+")
    service_type = models.CharField(_("服务类型"), max_length=10, choices=ServiceType.choices)
    served_on = models.DateField(_("服务日期"))
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"))
    note = models.CharField(_("服务内容"), max_length=300)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("社工服务记录")
        verbose_name_plural = _("社工服务记录")
        ordering = ["-served_on", "-id"]

    # ------------------------------------------------------------------ open village affairs

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} {self.served_on}"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("每年")
    OCCURRENCE = "occurrence", _("随时（发生即公开）")


class DisclosureItem(models.Model):
    """One entry of the open-village-affairs catalogue (村(居)务公开目录): what, how often, and how
    many days after the period ends it must be up."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("公开事项"), max_length=60)
    frequency = models.CharField(_("公开频次"), max_length=12, choices=Frequency.choices)
    grace_days = models.PositiveSmallIntegerField(_("期末后公开期限（天）"), default=10)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("村务公开事项")
        verbose_name_plural = _("村务公开目录")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Publication(AreaOwned):
    """A village's publication of one catalogue item for one period (area_code: the village)."""

    item = models.ForeignKey(DisclosureItem, verbose_name=_("公开事项"), on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("所属期间"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("公开内容"))
    published_on = models.DateField(_("公开日期"))
    published_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("村务公开")
        verbose_name_plural = _("村务公开")
        ordering = ["-published_on", "-id"]


def attachment_path(instance: "PublicationAttachment", filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"affairs/{uuid.uuid4().hex}.{suffix}"

    def __str__(self) -> str:
        return self.title


class PublicationAttachment(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("附件"), upload_to=attachment_path)
    name = models.CharField(_("附件名称"), max_length=100)

    def __str__(self) -> str:
        return self.name


class GovernanceCriterion(models.Model):
    """One criterion of the village self-governance check (村(居)民自治达标监测), with its weight.
    `source`: entered by the township (0–100 with evidence) or computed (the village's on-time
    disclosure rate of the year)."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("人工评分")
        DISCLOSURE = "disclosure", _("村务公开按期率（自动计算）")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("监测内容"), max_length=80)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    source = models.CharField(_("评分方式"), max_length=12, choices=Source.choices, default=Source.ENTERED)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("自治达标监测内容")
        verbose_name_plural = _("自治达标监测内容")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class GovernanceCheck(Audited, AreaOwned):
    """One village's self-governance check of one year (area_code: the village)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("乡镇内名次"), null=True, blank=True)
    scored_at = models.DateTimeField(_("计分时间"), null=True, blank=True)
    checked_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("自治达标监测")
        verbose_name_plural = _("自治达标监测")
        ordering = ["-year", "area_code"]
        constraints = [models.UniqueConstraint(fields=["area_code", "year"], name="society_one_check_a_year")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year}"


class GovernanceScore(models.Model):
    check_row = models.ForeignKey(GovernanceCheck, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(GovernanceCriterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("得分（百分制）"), max_digits=5, decimal_places=1, null=True, blank=True)
    evidence = models.CharField(_("依据"), max_length=300, blank=True)
    score = models.DecimalField(_("折算得分"), max_digits=6, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("监测得分")
        verbose_name_plural = _("监测得分")
        constraints = [models.UniqueConstraint(fields=["check_row", "criterion"], name="society_one_score_a_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion_id}：{self.score}"
