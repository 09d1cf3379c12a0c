"""The marriage register (婚姻登记簿): marriages and divorces registered at the county's office,
the certificates issued, divorce applications in their cooling-off, and the log of agencies'
marital-status queries.

Records are owned by the registering office's area (the county bureau): under 全国通办 the parties
may live anywhere in the country, so a record is the office's, not the parties' village's. Each
record keeps the parties' names and ID numbers as registered (a snapshot: the register is a legal
record), and links to the registry's person (`registry.Person`), created for a party from outside
the county when first registered.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class MarriageRecord(Audited, AreaOwned):
    """One entry of the register: a marriage, or the divorce that dissolved one."""

    class Kind(models.TextChoices):
        MARRIAGE = "marriage", _("结婚登记")
        DIVORCE = "divorce", _("离婚登记")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("有效")
        DISSOLVED = "dissolved", _("已离婚")
        REVOKED = "revoked", _("已撤销")

    sensitive_fields = ("man_id_number", "woman_id_number")

    kind = models.CharField(_("登记类别"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    man = models.ForeignKey(
        "registry.Person", verbose_name=_("男方"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    woman = models.ForeignKey(
        "registry.Person", verbose_name=_("女方"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    man_name = models.CharField(_("男方姓名"), max_length=50)
    man_id_number = models.CharField(_("男方身份证号"), max_length=18)
    woman_name = models.CharField(_("女方姓名"), max_length=50)
    woman_id_number = models.CharField(_("女方身份证号"), max_length=18)
    registered_on = models.DateField(_("登记日期"))
    number = models.CharField(_("登记字号"), max_length=30, unique=True)
    office_name = models.CharField(_("登记机关"), max_length=100)
    office = models.ForeignKey(
        "accounts.Unit", verbose_name=_("登记机关（本平台）"), null=True, blank=True, on_delete=models.PROTECT
    )
    registered_elsewhere = models.BooleanField(
        _("外地登记"), default=False, help_text=_("在其他登记机关登记、凭结婚证录入，供办理离婚")
    )
    registrar = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记员"), null=True, blank=True, on_delete=models.PROTECT
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marriage = models.ForeignKey(
        "self",
        verbose_name=_("所解除的婚姻"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="divorces",
    )
    # The parties' marital status before this marriage (registry codes), restored if it is revoked.
    man_status_before = models.CharField(_("男方登记前婚姻状况"), max_length=2, blank=True)
    woman_status_before = models.CharField(_("女方登记前婚姻状况"), max_length=2, blank=True)
    declarations = models.JSONField(_("当事人声明"), default=dict, blank=True)
    ended_on = models.DateField(_("解除日期"), null=True, blank=True)
    end_reason = models.CharField(_("解除原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("婚姻登记记录")
        verbose_name_plural = _("婚姻登记记录")
        ordering = ["-registered_on", "-id"]
        indexes = [
            # "Is this person married per our records": one index-only probe per side. The index holds
            # every column the answer reads (kind, status) and the jurisdiction filter (area_code), so
            # the probe never visits the table (marriage.services.marital_answer, bench/registrations.py).
            models.Index(fields=["man_id_number", "status", "kind", "area_code"], name="marriage_man_answer_idx"),
            models.Index(fields=["woman_id_number", "status", "kind", "area_code"], name="marriage_woman_answer_idx"),
            models.Index(fields=["area_code", "registered_on"], name="marriage_area_date_idx"),
            models.Index(fields=["man_name"], name="marriage_man_name_idx"),
            models.Index(fields=["woman_name"], name="marriage_woman_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.man_name}、{self.woman_name}（{self.get_kind_display()} {self.number}）"

    @property
    def parties(self) -> str:
        return f"{self.man_name}、{self.woman_name}"


class Certificate(AreaOwned):
    """A certificate issued to one party (结婚证 / 离婚证), the original or a reissue (补领)."""

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("首次发证")
        REISSUE = "reissue", _("补领")

    record = models.ForeignKey(
        MarriageRecord, verbose_name=_("登记记录"), on_delete=models.PROTECT, related_name="certificates"
    )
    holder = models.ForeignKey(
        "registry.Person", verbose_name=_("持证人"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    number = models.CharField(_("证件字号"), max_length=30, unique=True)
    kind = models.CharField(_("发证类别"), max_length=10, choices=Kind.choices, default=Kind.ORIGINAL)
    issued_on = models.DateField(_("发证日期"))
    is_current = models.BooleanField(_("现行有效"), default=True, help_text=_("补领后原证作废"))
    reason = models.CharField(_("补领原因"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("婚姻登记证")
        verbose_name_plural = _("婚姻登记证")
        ordering = ["record", "holder", "-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number


class DivorceApplication(AreaOwned):
    """A divorce by agreement (协议离婚) from the day the office received it: the cooling-off, the 30
    days in which both must appear, and how it ended."""

    class Status(models.TextChoices):
        COOLING_OFF = "cooling_off", _("冷静期")
        AWAITING = "awaiting", _("待双方到场")
        REGISTERED = "registered", _("已登记离婚")
        WITHDRAWN = "withdrawn", _("已撤回")
        DEEMED_WITHDRAWN = "deemed_withdrawn", _("视为撤回")

    OPEN = (Status.COOLING_OFF, Status.AWAITING)

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="divorce_application"
    )
    marriage = models.ForeignKey(
        MarriageRecord, verbose_name=_("婚姻登记"), on_delete=models.PROTECT, related_name="divorce_applications"
    )
    received_on = models.DateField(_("收到申请日期"))
    cooling_off_ends_on = models.DateField(_("冷静期届满日"))
    appear_by = models.DateField(_("双方到场截止日"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.COOLING_OFF)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    withdrawn_by = models.CharField(_("撤回方"), max_length=10, blank=True)
    divorce = models.ForeignKey(
        MarriageRecord, verbose_name=_("离婚登记"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.TextField(_("离婚协议要点"), blank=True)

    class Meta:
        verbose_name = _("离婚登记申请")
        verbose_name_plural = _("离婚登记申请")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "appear_by"], name="divorce_open_due_idx")]

    def __str__(self) -> str:
        return f"{self.marriage.parties}（{self.get_status_display()}）"


class MaritalStatusQuery(AreaOwned):
    """One query of an authorised agency: who asked, why, when, about which ID number, and the
    answer (是/否/无记录). Append-only in the database; owned by the asker's area."""

    class Answer(models.TextChoices):
        YES = "yes", _("是（已婚）")
        NO = "no", _("否")
        UNKNOWN = "unknown", _("本平台无记录")

    at = models.DateTimeField(_("查询时间"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查询人"), on_delete=models.PROTECT)
    agency = models.CharField(_("查询机关"), max_length=100)
    purpose = models.CharField(_("查询事由"), max_length=200)
    id_number = models.CharField(_("被查询人身份证号"), max_length=18)
    answer = models.CharField(_("答复"), max_length=8, choices=Answer.choices)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("婚姻状况查询记录")
        verbose_name_plural = _("婚姻状况查询记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.agency} {self.at:%Y-%m-%d %H:%M}"


class AuthorisedAgency(models.Model):
    """An account of an agency allowed to ask whether a person is married (a court, a bank with a
    mandate), with its legal basis and term; the query capability for accounts outside the bureau."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="marriage_agency"
    )
    agency = models.CharField(_("机关名称"), max_length=100)
    basis = models.CharField(_("授权依据"), max_length=200)
    valid_until = models.DateField(_("有效期至"))
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("授权查询机关")
        verbose_name_plural = _("授权查询机关")

    def __str__(self) -> str:
        return self.agency
