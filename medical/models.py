"""Medical assistance (医疗救助) exchange with the medical-insurance bureau (医保局), docs/domain.md §4.9.

- `ExchangeFile`: one file sent to the bureau — the full monthly list or a delta since the last file —
  written in the background as xlsx and csv in the documented layout (medical.exchange.COLUMNS).
- `SentPerson`: the state the bureau was last told, per person: what a delta compares against.
- `PaidImport` / `MedicalPayment`: the bureau's file of assistance paid, imported all or nothing; each
  settlement shows in the household's history and counts as medical spending (刚性支出, monitoring).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned


class AidClass(models.TextChoices):
    """资助参保类别 as the bureau's file names them (priority: the first that applies)."""

    TEKUN = "01", _("特困人员")
    ORPHAN = "02", _("孤儿")
    UNSUPPORTED = "03", _("事实无人抚养儿童")
    DIBAO = "04", _("最低生活保障对象")
    LOW_INCOME = "05", _("低收入人口（防止返贫监测对象）")


class ExchangeFile(AreaOwned):
    class Kind(models.TextChoices):
        FULL = "full", _("月度全量")
        DELTA = "delta", _("变动增量")

    kind = models.CharField(_("文件类型"), max_length=5, choices=Kind.choices)
    as_of = models.DateField(_("数据截止日期"))
    rows = models.PositiveIntegerField(_("人数"), default=0)
    added = models.PositiveIntegerField(_("新增"), default=0)
    changed = models.PositiveIntegerField(_("变更"), default=0)
    stopped = models.PositiveIntegerField(_("终止"), default=0)
    xlsx = models.FileField(_("Excel文件"), upload_to="medical/%Y/%m/", blank=True)
    csv = models.FileField(_("CSV文件"), upload_to="medical/%Y/%m/", blank=True)
    job = models.ForeignKey("jobs.Job", verbose_name=_("后台任务"), null=True, blank=True, on_delete=models.SET_NULL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("医疗救助对象交换文件")
        verbose_name_plural = _("医疗救助对象交换文件")
        ordering = ["-created_at", "-id"]


class SentPerson(AreaOwned):
    """What the bureau was last told about a person (replaced set-based after each file)."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    id_number = models.CharField(_("身份证号"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50)
    aid_class = models.CharField(_("资助参保类别"), max_length=2, choices=AidClass.choices)
    valid_from = models.DateField(_("资格起始日期"))
    valid_to = models.DateField(_("资格终止日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("已报送对象")
        verbose_name_plural = _("已报送对象")
        constraints = [models.UniqueConstraint(fields=["person"], name="medical_sent_once")]


class PaidImport(AreaOwned):
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件摘要"), max_length=64, unique=True)
    mapping = models.JSONField(_("列对应关系"), default=dict)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    total_aid = models.DecimalField(_("医疗救助合计（元）"), max_digits=14, decimal_places=2, default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    batch_id = models.BigIntegerField(_("部门数据批次"), null=True, blank=True)

    class Meta:
        verbose_name = _("医疗救助支付导入")
        verbose_name_plural = _("医疗救助支付导入")
        ordering = ["-imported_at", "-id"]


class MedicalPayment(AreaOwned):
    """One settlement the bureau paid medical assistance on (一站式结算)."""

    source = models.ForeignKey(
        PaidImport, verbose_name=_("导入批次"), on_delete=models.PROTECT, related_name="payments"
    )
    person = models.ForeignKey("registry.Person", verbose_name=_("就医人"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭户"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    settlement_no = models.CharField(_("结算单号"), max_length=60, unique=True)
    settled_on = models.DateField(_("结算日期"), db_index=True)
    hospital = models.CharField(_("医疗机构"), max_length=100, blank=True)
    total_cost = models.DecimalField(_("医疗总费用"), max_digits=12, decimal_places=2)
    insurance_paid = models.DecimalField(_("基本医保和大病保险支付"), max_digits=12, decimal_places=2, default=0)
    aid_paid = models.DecimalField(_("医疗救助支付"), max_digits=12, decimal_places=2)
    self_paid = models.DecimalField(_("个人自付"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("医疗救助支付记录")
        verbose_name_plural = _("医疗救助支付记录")
        ordering = ["-settled_on", "-id"]
