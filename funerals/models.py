"""Deaths and funerals (殡葬): one death per person whatever the number of sources, the death files the
bureau receives (公安, 医疗机构, 殡仪馆火化名单) line by line, and the funeral services a funeral home or a
cemetery performed (its monthly service list), with the fee waiver and the eco-burial reward they earn.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited
from registry.hooks import DeathSource


class Death(AreaOwned):
    """死亡信息: the one death of a person. Made by the first source that reports it (and goes through
    the single death service, `registry.services.register_death`); every later source adds a
    confirmation (`DeathReport.death`), never a second stop."""

    person = models.OneToOneField("registry.Person", verbose_name=_("死者"), on_delete=models.PROTECT, related_name="+")
    died_on = models.DateField(_("死亡日期"))
    first_source = models.CharField(_("首次来源"), max_length=10, choices=DeathSource.choices)
    confirmations = models.PositiveSmallIntegerField(_("其他来源确认次数"), default=0)
    outcome = models.CharField(_("停发及复核情况"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("死亡信息")
        verbose_name_plural = _("死亡信息")
        ordering = ["-died_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.died_on}"


class DeathFile(AreaOwned):
    """An imported death file: all its lines were checked before any was written (all or nothing)."""

    class Kind(models.TextChoices):
        POLICE = DeathSource.POLICE.value, _("公安死亡人员信息")
        HOSPITAL = DeathSource.HOSPITAL.value, _("医疗机构死亡医学证明")
        FUNERAL = DeathSource.FUNERAL.value, _("殡仪馆火化名单")

    kind = models.CharField(_("来源"), max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("殡仪馆"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("所属月份"), help_text=_("当月1日"))
    filename = models.CharField(_("文件名"), max_length=200)
    mapping = models.JSONField(_("列对应关系"), default=dict)
    line_count = models.PositiveIntegerField(_("行数"), default=0)
    matched_count = models.PositiveIntegerField(_("按身份证号匹配"), default=0)
    suggested_count = models.PositiveIntegerField(_("待确认匹配"), default=0)
    unmatched_count = models.PositiveIntegerField(_("未匹配"), default=0)
    new_deaths = models.PositiveIntegerField(_("新登记死亡"), default=0)
    confirmations = models.PositiveIntegerField(_("确认已登记死亡"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("死亡信息文件")
        verbose_name_plural = _("死亡信息文件")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.month:%Y-%m} {self.filename}"


class DeathReport(AreaOwned):
    """One line of a death file, matched to a resident: by ID number (matched), by name and birth
    date only (suggested, for a clerk to confirm or reject), or not at all (unmatched)."""

    class Match(models.TextChoices):
        MATCHED = "matched", _("身份证号匹配")
        SUGGESTED = "suggested", _("姓名及出生日期相符，待确认")
        CONFIRMED = "confirmed", _("经办人确认匹配")
        REJECTED = "rejected", _("经办人确认不是同一人")
        UNMATCHED = "unmatched", _("户籍库中未找到")

    # written set-based (funerals.services.write_and_match): few indexes, references unchecked (ADR 0014)
    file = models.ForeignKey(
        DeathFile, on_delete=models.CASCADE, related_name="reports", db_index=False, db_constraint=False
    )
    row_no = models.PositiveIntegerField(_("行号"))
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    died_on = models.DateField(_("死亡日期"))
    place = models.CharField(_("死亡地点或原因"), max_length=100, blank=True)
    cremated_on = models.DateField(_("火化日期"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    match = models.CharField(_("匹配"), max_length=10, choices=Match.choices, default=Match.UNMATCHED)
    death = models.ForeignKey(
        Death,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        db_index=False,
        db_constraint=False,
    )
    first_report = models.BooleanField(_("首次报告该死亡"), default=False)

    class Meta:
        verbose_name = _("死亡信息明细")
        verbose_name_plural = _("死亡信息明细")
        ordering = ["file", "row_no"]
        indexes = [models.Index(fields=["file", "match"], name="deathreport_file_match_idx")]

    def __str__(self) -> str:
        return f"{self.file_id}-{self.row_no} {self.name}"


class SettlementAccount(Audited, AreaOwned):
    """The account a funeral home's monthly waiver settlement is paid into (结算账户)."""

    sensitive_fields = ("bank_account",)

    organisation = models.OneToOneField(
        "registry.Organisation", verbose_name=_("殡葬服务机构"), on_delete=models.PROTECT, related_name="+"
    )
    bank_name = models.CharField(_("开户银行"), max_length=50)
    bank_account = models.CharField(_("银行账号"), max_length=32)

    class Meta:
        verbose_name = _("结算账户")
        verbose_name_plural = _("结算账户")

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.bank_name}"


class ServiceList(AreaOwned):
    """A funeral home's or a cemetery's monthly service list (殡葬服务机构每月服务名单), imported whole:
    its deaths go through the death file it makes (`death_file`, source 殡仪馆火化名单), its lines
    become the month's `FuneralService` rows (a cremation with its waiver, a burial with its reward)."""

    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("殡葬服务机构"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("所属月份"), help_text=_("当月1日"))
    filename = models.CharField(_("文件名"), max_length=200)
    mapping = models.JSONField(_("列对应关系"), default=dict)
    death_file = models.OneToOneField(
        DeathFile, verbose_name=_("死亡信息文件"), on_delete=models.PROTECT, related_name="service_list"
    )
    line_count = models.PositiveIntegerField(_("行数"), default=0)
    new_deaths = models.PositiveIntegerField(_("新登记死亡"), default=0)
    confirmations = models.PositiveIntegerField(_("确认已登记死亡"), default=0)
    services = models.PositiveIntegerField(_("登记殡葬服务"), default=0)
    burials = models.PositiveIntegerField(_("登记生态安葬"), default=0)
    waiver_fen = models.BigIntegerField(_("减免合计（分）"), default=0)
    reward_fen = models.BigIntegerField(_("奖补合计（分）"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("殡葬服务名单")
        verbose_name_plural = _("殡葬服务名单")
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}服务名单"


class FuneralService(Audited, AreaOwned):
    """A funeral performed for a deceased resident (one line of a funeral home's or a cemetery's monthly
    service list): the basic-service waiver the funeral home is settled (基本殡葬服务费用减免) and the
    eco-burial reward the family is paid (生态安葬奖补), both computed by `funerals.rules` from the
    policy in force on the service date."""

    class Burial(models.TextChoices):
        NONE = "", _("未生态安葬")
        TREE = "tree", _("树葬")
        FLOWER = "flower", _("花坛葬")
        LAWN = "lawn", _("草坪葬")
        SCATTER = "scatter", _("骨灰撒散")
        WALL = "wall", _("骨灰格位存放")

    sensitive_fields = ("family_id_number", "family_bank_account")

    number = models.CharField(_("服务单号"), max_length=30, unique=True)
    death = models.OneToOneField(Death, verbose_name=_("死亡信息"), on_delete=models.PROTECT, related_name="service")
    funeral_home = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("殡仪馆"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    served_on = models.DateField(_("服务日期"))
    charges = models.JSONField(_("收费项目（元）"), default=dict)
    waiver = models.JSONField(_("减免项目（元）"), default=dict)
    waiver_fen = models.BigIntegerField(_("减免金额（分）"), default=0)
    waiver_note = models.CharField(_("减免说明"), max_length=200, blank=True)
    burial = models.CharField(_("生态安葬方式"), max_length=10, choices=Burial.choices, blank=True)
    cemetery = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("安葬公墓"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    buried_on = models.DateField(_("安葬日期"), null=True, blank=True)
    reward_fen = models.BigIntegerField(_("奖补金额（分）"), default=0)
    reward_note = models.CharField(_("奖补说明"), max_length=200, blank=True)
    family_name = models.CharField(_("领取人（家属）"), max_length=50, blank=True)
    family_id_number = models.CharField(_("领取人身份证号"), max_length=18, blank=True)
    family_bank_name = models.CharField(_("领取人开户银行"), max_length=50, blank=True)
    family_bank_account = models.CharField(_("领取人银行账号"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    service_list = models.ForeignKey(
        ServiceList,
        verbose_name=_("来自服务名单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    burial_list = models.ForeignKey(
        ServiceList,
        verbose_name=_("安葬来自服务名单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="burial_lines",
    )

    class Meta:
        verbose_name = _("殡葬服务")
        verbose_name_plural = _("殡葬服务")
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["served_on"], name="funeralservice_served_idx"),
            models.Index(fields=["buried_on"], name="funeralservice_buried_idx"),
        ]

    def __str__(self) -> str:
        return self.number
