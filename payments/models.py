"""Payments: fund accounts and their ledger, monthly payment rolls and their lines, bank layouts,
bank files and bank returns (docs/domain.md §8–9; ADR 0008).

Money is integer fen (分) everywhere in this app: exact on SQLite and PostgreSQL, summed exactly.
A roll line copies everything it pays (payee name, ID number, bank, account, amount) at
generation; once the roll is approved those columns are never written again — corrections are
recorded beside them and paid as a reissue line in a later roll.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited
from policy.programmes import Programme


def yuan_number(fen: int | None) -> Decimal:
    """Fen → an exact Decimal of yuan, for Excel cells that must stay numbers (SUM works)."""
    return Decimal(fen or 0) / 100


def yuan(fen: int | None) -> str:
    """Fen → '1234.50' (never through float)."""
    fen = fen or 0
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


# --- funds (专户管理、封闭运行) ------------------------------------------------------------------


class FundAccount(Audited, AreaOwned):
    """A special account for one programme, one level and one budget year."""

    class Level(models.TextChoices):
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡镇")

    programme = models.CharField(_("救助项目"), max_length=30, choices=Programme.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("账户名称"), max_length=100)
    created_at = models.DateTimeField(_("开设时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金专户")
        verbose_name_plural = _("资金专户")
        ordering = ["year", "programme", "area_code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "area_code"], name="one_fund_account_per_area_year")
        ]

    def __str__(self) -> str:
        return self.name


class FundEntry(AreaOwned):
    """One movement on a fund account. Append-only (database trigger); balance = SUM(amount_fen)."""

    class Kind(models.TextChoices):
        BUDGET_RECEIVED = "budget_received", _("上级下达资金")
        LOCAL_MATCHING = "local_matching", _("本级配套资金")
        ALLOCATION_IN = "allocation_in", _("上级拨入")
        ALLOCATION_OUT = "allocation_out", _("拨付下级")
        SPENDING = "spending", _("发放支出")
        REFUND = "refund", _("退回/追回入账")

    account = models.ForeignKey(FundAccount, verbose_name=_("专户"), on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    amount_fen = models.BigIntegerField(_("金额（分，收入为正、支出为负）"))
    document_reference = models.CharField(_("凭证/文件号"), max_length=100)
    counterpart = models.ForeignKey(
        FundAccount, verbose_name=_("对方专户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    roll = models.ForeignKey(
        "PaymentRoll", verbose_name=_("发放名册"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    balance_after_fen = models.BigIntegerField(_("记账后余额（分）"))
    override_reason = models.CharField(_("透支授权理由"), max_length=200, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("透支授权人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=120, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记账人"), null=True, blank=True, on_delete=models.PROTECT
    )
    recorded_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金流水")
        verbose_name_plural = _("资金流水")
        ordering = ["account", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {yuan(self.amount_fen)}"


# --- bank layouts ---------------------------------------------------------------------------


class BankLayout(Audited, models.Model):
    """A bank file layout as data. `columns`: [{"field": ..., "title": ..., "width": n, "align": "l|r",
    "fill": " "}]; fields are those of payments.bankfile.FIELDS. Presets come from a data migration."""

    class Format(models.TextChoices):
        DELIMITED = "delimited", _("分隔符文本")
        FIXED = "fixed", _("定长文本")
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel（.xlsx）")

    class Encoding(models.TextChoices):
        GBK = "gbk", "GBK"
        GB18030 = "gb18030", "GB18030"
        UTF8 = "utf-8", "UTF-8"

    class Summary(models.TextChoices):
        NONE = "none", _("无汇总行")
        FIRST = "first", _("首行汇总")
        LAST = "last", _("末行汇总")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    format = models.CharField(_("格式"), max_length=10, choices=Format.choices)
    encoding = models.CharField(_("编码"), max_length=10, choices=Encoding.choices, default=Encoding.GBK)
    allow_gb18030 = models.BooleanField(
        _("允许GB18030"), default=False, help_text=_("GBK无法编码的生僻字按GB18030写入（银行支持时勾选）")
    )
    delimiter = models.CharField(_("分隔符"), max_length=4, blank=True, default="|")
    trailing_delimiter = models.BooleanField(_("行尾带分隔符"), default=False)
    line_ending = models.CharField(_("换行"), max_length=4, default="\r\n")
    header_row = models.BooleanField(_("输出列标题行"), default=False)
    summary = models.CharField(_("汇总行"), max_length=6, choices=Summary.choices, default=Summary.NONE)
    summary_template = models.CharField(
        _("汇总行模板"), max_length=300, blank=True, help_text=_("可用 {count} {total} {total_fen} {date} {unit}")
    )
    unit_name = models.CharField(_("代发单位名称"), max_length=100, blank=True)
    unit_code = models.CharField(_("单位代码"), max_length=40, blank=True, help_text=_("银行分配给代发单位的代码"))
    reference_format = models.CharField(
        _("业务流水号格式"),
        max_length=100,
        default="{roll_id:06d}{seq:07d}",
        help_text=_("可用 {roll_id} 名册号、{seq} 行号、{unit_code} 单位代码、{date} 发放日期；须含 {seq}"),
    )
    bank_keywords = models.JSONField(
        _("适用开户银行"),
        default=list,
        blank=True,
        help_text=_("开户银行名称含其中任一词的明细写入本版式的文件；留空为全部银行（如一卡通花名册）"),
    )
    columns = models.JSONField(_("列"), default=list)
    return_columns = models.JSONField(
        _("银行回盘文件列"),
        default=list,
        help_text=_("银行自己的回盘文件各列含义，如 ref,name,amount,account,result,message"),
    )
    return_header_rows = models.PositiveSmallIntegerField(_("银行回盘标题行数"), default=0)
    return_success_codes = models.JSONField(_("回盘成功代码"), default=list)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("银行文件版式")
        verbose_name_plural = _("银行文件版式")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return {"csv": "csv", "xlsx": "xlsx"}.get(self.format, "txt")


# --- payment rolls (发放名册) ---------------------------------------------------------------


class PaymentRoll(Audited, AreaOwned):
    """One programme, one month, one area (the area code of the unit the roll covers) — or a
    one-off payment order (一次性支付单): one line paid by the bank the day it is issued (临时救助
    急难型 that cannot wait for the month's roll), through the same lines, bank file and return."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度发放名册")
        ORDER = "order", _("一次性支付单")

    class Status(models.TextChoices):
        GENERATED = "generated", _("待审批")
        APPROVED = "approved", _("已审批（冻结）")
        REJECTED = "rejected", _("已退回")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    programme = models.CharField(_("救助项目"), max_length=30, choices=Programme.choices)
    month = models.DateField(_("发放月份"), help_text=_("当月1日"))
    area_prefix = models.CharField(_("覆盖区划前缀"), max_length=15, editable=False)
    number = models.CharField(_("名册编号"), max_length=40, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.GENERATED)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True)
    rejected_reason = models.CharField(_("退回理由"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("行数"), default=0)
    payable_count = models.PositiveIntegerField(_("应发笔数"), default=0)
    payable_fen = models.BigIntegerField(_("应发金额（分）"), default=0)
    held_count = models.PositiveIntegerField(_("暂缓笔数"), default=0)
    held_fen = models.BigIntegerField(_("暂缓金额（分）"), default=0)
    recovery_fen = models.BigIntegerField(_("追回金额（分）"), default=0)
    issue_count = models.PositiveIntegerField(_("问题数"), default=0)

    class Meta:
        verbose_name = _("发放名册")
        verbose_name_plural = _("发放名册")
        ordering = ["-month", "programme", "area_code"]
        constraints = [
            # payment orders are many per month and area: one per grant (and per re-issue)
            models.UniqueConstraint(
                fields=["programme", "month", "area_prefix"],
                name="one_roll_per_month_area",
                condition=Q(kind="monthly"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_programme_display()} {self.month:%Y-%m}"


class RollLine(AreaOwned):
    """One payment (or recovery) of a roll, with everything it pays copied in at generation."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("当月")
        ARREARS = "arrears", _("补发")
        REISSUE = "reissue", _("更正重发")
        RECOVERY = "recovery", _("追回")

    class Status(models.TextChoices):
        PENDING = "pending", _("待回盘")
        PAID = "paid", _("已发放")
        FAILED = "failed", _("发放失败待更正")
        HELD = "held", _("暂缓发放")
        RECOVERY = "recovery", _("应追回")

    class Hold(models.TextChoices):
        SUSPENDED = "suspended", _("暂停发放")
        NO_ACCOUNT = "no_account", _("无银行账号")
        MANUAL_NAME = "manual_name", _("生僻字需人工处理")
        CORRECTED = "corrected", _("已更正，转下期重发")
        DECEASED = "deceased", _("死亡停发")
        SWITCHED = "switched", _("支付失败，已改为现金发放")
        REISSUED = "reissued", _("支付失败，已重新开具支付单")

    # Lines are snapshots written set-based, 300,000 at a time: the references below are copied,
    # not enforced by foreign-key triggers (each one costs a lookup per inserted row), and indexed
    # only where read. Only generate_roll writes roll, source_line and released_to; lines are read
    # through their roll, so area_code (scoping only) needs no index of its own.
    area_code = models.CharField(_("区划代码"), max_length=15)
    roll = models.ForeignKey(
        PaymentRoll, on_delete=models.CASCADE, related_name="lines", db_index=False, db_constraint=False
    )
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # NULL for a line a business line writes that is no monthly enrolment (payments.hooks.register_roll_lines)
    enrolment = models.ForeignKey(
        "ledger.Enrolment",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    pay_month = models.DateField(_("所属月份"))
    household = models.ForeignKey(
        "registry.Household",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    head = models.ForeignKey(
        "registry.Person", null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    beneficiary = models.ForeignKey(
        "registry.Person", null=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    household_number = models.CharField(_("户编号"), max_length=30)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    head_id_number = models.CharField(_("户主身份证号"), max_length=18)
    beneficiary_name = models.CharField(_("享受人"), max_length=50, blank=True)
    beneficiary_id_number = models.CharField(_("享受人身份证号"), max_length=18, blank=True)
    covered_members = models.PositiveSmallIntegerField(_("保障人口"))
    payee_name = models.CharField(_("收款人"), max_length=50)
    payee_id_number = models.CharField(_("收款人身份证号"), max_length=18)
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32, blank=True)
    standard_fen = models.BigIntegerField(_("月标准（分）"), default=0)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    in_bank_file = models.BooleanField(_("进入银行文件"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    hold_reason = models.CharField(_("暂缓原因"), max_length=12, choices=Hold.choices, blank=True)
    source_line = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("补发/重发所依据的行"),
        db_index=False,
        db_constraint=False,
    )
    source_event = models.ForeignKey(
        "ledger.EnrolmentEvent",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
    )
    released_to = models.ForeignKey(
        PaymentRoll,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("转入名册"),
        db_index=False,
        db_constraint=False,
    )
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    corrected_payee_name = models.CharField(_("更正后收款人"), max_length=50, blank=True)
    corrected_bank_name = models.CharField(_("更正后开户银行"), max_length=50, blank=True)
    corrected_bank_account = models.CharField(_("更正后账号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("名册明细")
        verbose_name_plural = _("名册明细")
        ordering = ["roll", "seq"]
        constraints = [models.UniqueConstraint(fields=["roll", "seq"], name="one_seq_per_roll")]
        indexes = [
            models.Index(fields=["enrolment", "pay_month"], name="rollline_enrolment_month_idx"),
            # failed and held lines are few and looked up across rolls (release, overdue lists)
            models.Index(fields=["roll"], name="rollline_open_idx", condition=Q(status__in=["failed", "held"])),
            models.Index(
                fields=["source_event"], name="rollline_source_event_idx", condition=Q(source_event__isnull=False)
            ),
            models.Index(
                fields=["source_line"], name="rollline_source_line_idx", condition=Q(source_line__isnull=False)
            ),
            models.Index(
                fields=["released_to"], name="rollline_released_to_idx", condition=Q(released_to__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.roll_id}-{self.seq} {self.payee_name} {yuan(self.amount_fen)}"

    @property
    def amount(self) -> str:
        return yuan(self.amount_fen)


class RollIssue(models.Model):
    """Why a roll cannot be approved (rewritten by each check of a generated roll)."""

    class Code(models.TextChoices):
        DECEASED = "deceased", _("死亡后仍在发放")
        DOUBLE_PAYMENT = "double_payment", _("同一对象同一月份重复发放")
        PAYEE_RULE = "payee_rule", _("收款人不是享受人或户主且未登记代领理由")

    roll = models.ForeignKey(PaymentRoll, on_delete=models.CASCADE, related_name="issues")
    line = models.ForeignKey(RollLine, on_delete=models.CASCADE, related_name="issues")
    code = models.CharField(_("问题"), max_length=20, choices=Code.choices)
    other_roll = models.ForeignKey(PaymentRoll, null=True, on_delete=models.CASCADE, related_name="+")
    death_date = models.DateField(null=True)

    class Meta:
        verbose_name = _("名册问题")
        verbose_name_plural = _("名册问题")
        ordering = ["roll", "line__seq"]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        line = self.line
        if self.code == self.Code.DECEASED:
            return f"第{line.seq}行 {line.beneficiary_name or line.head_name}已于{self.death_date}死亡，不得发放{line.pay_month:%Y年%m月}"
        if self.code == self.Code.PAYEE_RULE:
            return (
                f"第{line.seq}行 收款人{line.payee_name}既不是享受人也不是户主（一卡通规则），"
                "请在收款人页面登记代领理由或更正收款人后重新生成"
            )
        other = self.other_roll.number if self.other_roll_id else ""
        return f"第{line.seq}行 {line.payee_name} {line.pay_month:%Y年%m月}已在名册{other}中发放，不得重复发放"


class LineCorrection(models.Model):
    """A correction of a failed line's payee (append-only): the next roll pays it as a reissue."""

    line = models.ForeignKey(RollLine, on_delete=models.PROTECT, related_name="corrections")
    payee_name = models.CharField(_("收款人"), max_length=50)
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=32)
    reason = models.CharField(_("更正说明"), max_length=200)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("失败更正")
        verbose_name_plural = _("失败更正")

    def __str__(self) -> str:
        return f"更正 {self.line_id}"


class CounterPayment(models.Model):
    """A rare-name line left out of the bank file and paid at the counter (柜台发放): who paid it,
    on which day, against which voucher (append-only)."""

    line = models.OneToOneField(RollLine, on_delete=models.PROTECT, related_name="counter_payment")
    voucher_number = models.CharField(_("发放凭证号"), max_length=40)
    paid_on = models.DateField(_("发放日期"))
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("柜台发放")
        verbose_name_plural = _("柜台发放")

    def __str__(self) -> str:
        return f"柜台发放 {self.line_id} {self.voucher_number}"


class BankFile(models.Model):
    """A bank file produced for a roll: the layout as it was, the digest, count and total.
    Producing the file again must give the same bytes; a mismatch is refused."""

    roll = models.ForeignKey(PaymentRoll, on_delete=models.PROTECT, related_name="bank_files")
    layout = models.ForeignKey(BankLayout, on_delete=models.PROTECT, related_name="+")
    layout_snapshot = models.JSONField(_("导出时的版式"))
    pay_date = models.DateField(_("发放日期"), null=True)
    # the banks (开户银行 as the lines name them) whose lines this file pays: claimed at its first
    # export, so no other file of the roll holds them (payments.bankfile.lines_of)
    banks = models.JSONField(_("开户银行"), default=list)
    sha256 = models.CharField(max_length=64)
    line_count = models.PositiveIntegerField(_("笔数"))
    total_fen = models.BigIntegerField(_("总金额（分）"))
    manual_count = models.PositiveIntegerField(_("人工处理笔数"), default=0)
    size = models.BigIntegerField(_("字节数"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    download_count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("银行文件")
        verbose_name_plural = _("银行文件")
        constraints = [models.UniqueConstraint(fields=["roll", "layout"], name="one_bank_file_per_roll_layout")]

    def __str__(self) -> str:
        return f"{self.roll_id} {self.layout_id} {self.sha256[:12]}"

    @property
    def total_yuan(self) -> str:
        return yuan(self.total_fen)


class BankReturn(models.Model):
    """An imported bank return (回盘) file; the same file imported twice changes nothing."""

    roll = models.ForeignKey(PaymentRoll, on_delete=models.PROTECT, related_name="returns")
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    paid_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    bank_file = models.ForeignKey(BankFile, null=True, on_delete=models.PROTECT, related_name="returns")
    reading = models.CharField(_("读法"), max_length=10, blank=True)
    rejected_rows = models.JSONField(_("无法匹配的行"), default=list)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("银行回盘")
        verbose_name_plural = _("银行回盘")
        constraints = [models.UniqueConstraint(fields=["roll", "sha256"], name="one_import_per_return_file")]

    def __str__(self) -> str:
        return self.filename


Q_PAYABLE = Q(kind__in=[RollLine.Kind.REGULAR, RollLine.Kind.ARREARS, RollLine.Kind.REISSUE])
