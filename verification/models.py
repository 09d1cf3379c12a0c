"""Department datasets, sweeps, findings and verification reports (核对).

- `Batch`: one delivered file of one source, versioned per source, with its provenance (who
  delivered it, when, the file's SHA-256). Validated as a whole: one bad row rejects the batch and
  nothing is loaded; a clean batch is loaded in one transaction.
- `DatasetRow`: every row of every loaded batch in one narrow generic table indexed on
  (id_number, source). Department data is not area-owned: it is read only through the registry
  (a finding or a report line is owned by the household's area).
- `Finding`: what a sweep found, with a stable kind code and a natural key so a second sweep adds
  nothing; its status moves open → work opened → resolved, and it links the case or task opened.
- `VerificationReport` / `ReportLine`: the economic verification of one application's household.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited
from verification.sources import SOURCE_CHOICES


class Batch(AreaOwned):
    """A delivered file (数据批次). area_code: the bureau that received it (county level)."""

    class Status(models.TextChoices):
        VALIDATING = "validating", _("校验中")
        REJECTED = "rejected", _("校验未通过（未入库）")
        LOADED = "loaded", _("已入库")
        FAILED = "failed", _("处理失败")

    source = models.CharField(_("数据源"), max_length=20, choices=SOURCE_CHOICES, db_index=True)
    version = models.PositiveIntegerField(_("批次版本"))
    file = models.FileField(_("原始文件"), upload_to="verification/batches/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200)
    file_format = models.CharField(_("格式"), max_length=10)
    sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    provider = models.CharField(_("提供单位"), max_length=100, help_text=_("交付数据的部门及经办人"))
    data_as_of = models.DateField(_("数据截止日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.VALIDATING)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    error_count = models.PositiveIntegerField(_("错误行数"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True, help_text=_("最多保留前500条"))
    loaded_at = models.DateTimeField(_("入库时间"), null=True, blank=True)
    job = models.ForeignKey("jobs.Job", verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("数据批次")
        verbose_name_plural = _("数据批次")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "version"], name="verification_batch_version"),
            models.UniqueConstraint(
                fields=["source", "sha256"], condition=models.Q(status="loaded"), name="verification_batch_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} 第{self.version}批"


class DatasetRow(models.Model):
    """One row of a loaded batch. Written only by `verification.loading` (set-based)."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="rows")
    source = models.CharField(max_length=20)
    id_number = models.CharField(max_length=18)
    name = models.CharField(max_length=50, blank=True)
    kind = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    event_date = models.DateField(null=True, blank=True)
    ref = models.CharField(max_length=60, blank=True)
    attrs = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("部门数据")
        verbose_name_plural = _("部门数据")
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["id_number", "source"], name="verification_row_id_source"),
            models.Index(fields=["source", "batch"], name="verification_row_source_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.id_number[:6]}…"


class Sweep(AreaOwned):
    """One run of the sweeps (比对) over everyone enrolled in its area."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度全面比对")
        BATCH = "batch", _("新批次比对")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    batch = models.ForeignKey(Batch, verbose_name=_("触发批次"), null=True, blank=True, on_delete=models.PROTECT)
    on_date = models.DateField(_("比对基准日"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    counts = models.JSONField(_("新增发现"), default=dict, blank=True)
    work_opened = models.PositiveIntegerField(_("转办数"), default=0)

    class Meta:
        verbose_name = _("比对")
        verbose_name_plural = _("比对")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on_date}"


class Finding(AreaOwned):
    """A finding (比对发现). Owned by the household's area, never silently acted on: it opens work."""

    class Kind(models.TextChoices):
        DEATH = "death", _("保障对象家庭成员死亡")
        PAID_AFTER_DEATH = "paid_after_death", _("死亡后仍在发放（需追回）")
        VEHICLE = "vehicle", _("新增机动车超过上限")
        BUSINESS = "business", _("新增市场主体登记")
        PROPERTY = "property", _("房产超过上限")
        INCOME = "income", _("工资养老金收入超过标准")
        DEPOSIT = "deposit", _("金融资产超过上限")
        INCOMPATIBLE = "incompatible", _("同一人享受不得同时享受的项目")
        TWO_HOUSEHOLDS = "two_households", _("同一身份证号在两个保障家庭")
        SAME_NEED = "same_need", _("两项保障重复保障同一需求")
        SHARED_ACCOUNT = "shared_account", _("同一银行账户为无关家庭收款")
        MISSED_CARE = "missed_care", _("重度残疾未享受护理补贴")
        MISSED_LIVING = "missed_living", _("低保家庭残疾人未享受生活补贴")
        MISSED_TEKUN = "missed_tekun", _("独居无收入老人未纳入特困")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        WORK_OPENED = "work_opened", _("已转办")
        RESOLVED = "resolved", _("已办结")

    # The sweep writes up to ~10^5 findings at once, so every index here costs write time: each one
    # serves a query named beside it. The references the sweep writes carry no foreign-key triggers
    # (one look-up per row per key was a third of a 1M-resident sweep): the sweep's SQL takes them
    # from the rows it joins, in one transaction, and the ORM protects them (PROTECT, no deletes).
    area_code = models.CharField(_("区划代码"), max_length=15)  # indexed for prefix scoping (Meta)
    kind = models.CharField(_("发现类型"), max_length=20, choices=Kind.choices)
    natural_key = models.CharField(_("识别键"), max_length=120)  # unique (Meta): ON CONFLICT target
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("家庭户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    enrolment = models.ForeignKey(
        "ledger.Enrolment",
        verbose_name=_("保障对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    source = models.CharField(_("数据源"), max_length=20, blank=True)
    # indexed: the batch page counts its findings
    batch = models.ForeignKey(
        Batch, verbose_name=_("数据批次"), null=True, blank=True, on_delete=models.PROTECT, db_constraint=False
    )
    event_date = models.DateField(_("事件日期"), null=True, blank=True)
    amount = models.DecimalField(_("金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    ref = models.CharField(_("部门记录号"), max_length=60, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    due_on = models.DateField(_("处理期限"), null=True, blank=True)
    # indexed: a sweep prices its recovery flags and opens work for its own findings
    sweep = models.ForeignKey(
        Sweep, verbose_name=_("比对"), null=True, blank=True, on_delete=models.PROTECT, db_constraint=False
    )
    found_at = models.DateTimeField(_("发现时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("已发起办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    work_note = models.CharField(_("转办说明"), max_length=200, blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    resolution = models.CharField(_("办结说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("比对发现")
        verbose_name_plural = _("比对发现")
        ordering = ["-id"]
        # The codes are compared, never sorted for people: byte-wise operator classes, cheaper to
        # maintain than the database collation's (and the area code's prefix LIKE can use them).
        constraints = [
            # the sweep's ON CONFLICT target: a second run adds nothing
            models.UniqueConstraint(
                fields=["natural_key"], name="verification_finding_natural_key", opclasses=["varchar_pattern_ops"]
            )
        ]
        indexes = [
            # open_work: the open findings, newest first (an integer key: a text index over
            # status, kind and area cost the sweep ~0.4 s per 60,000 findings written)
            models.Index(fields=["-id"], name="verification_finding_open", condition=models.Q(status="open")),
            # jurisdiction scoping of the list, its status/kind filters and its export: area_code LIKE 'prefix%'
            models.Index(fields=["area_code"], name="verification_finding_area", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.natural_key}"


class VerificationReport(Audited, AreaOwned):
    """核对报告 for one application: every member against every source, on the recorded authorisation."""

    number = models.CharField(_("报告编号"), max_length=30, unique=True)
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("申请家庭"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    programme = models.CharField(_("申请项目"), max_length=60)
    applicant = models.ForeignKey(
        "registry.Person", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    authorisation = models.ForeignKey(
        "registry.Document", verbose_name=_("核对授权书"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.JSONField(_("家庭成员"), default=list)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("核对人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("核对时间"))
    summary = models.JSONField(_("结论"), default=dict)

    class Meta:
        verbose_name = _("核对报告")
        verbose_name_plural = _("核对报告")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number


class ReportLine(AreaOwned):
    """One finding of a report: a member, a source, the batch it came from and the limit it breaks."""

    class Recheck(models.TextChoices):
        NONE = "", _("—")
        REQUESTED = "requested", _("已申请复查")
        CONFIRMED = "confirmed", _("复查维持")
        CORRECTED = "corrected", _("复查更正")

    report = models.ForeignKey(VerificationReport, on_delete=models.PROTECT, related_name="lines")
    person = models.ForeignKey("registry.Person", verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("数据源"), max_length=20, choices=SOURCE_CHOICES)
    batch = models.ForeignKey(Batch, verbose_name=_("数据批次"), null=True, blank=True, on_delete=models.PROTECT)
    row = models.ForeignKey(DatasetRow, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("核对结果"), max_length=300)
    threshold = models.CharField(_("对照标准"), max_length=200, blank=True)
    breach = models.BooleanField(_("超过标准"), default=False)
    recheck = models.CharField(_("复查"), max_length=10, choices=Recheck.choices, blank=True, default="")
    recheck_reason = models.CharField(_("异议理由"), max_length=300, blank=True)
    recheck_outcome = models.CharField(_("复查结果"), max_length=300, blank=True)
    rechecked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    rechecked_at = models.DateTimeField(_("复查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("核对结果")
        verbose_name_plural = _("核对结果")
        ordering = ["report", "source", "id"]

    def __str__(self) -> str:
        return self.text
