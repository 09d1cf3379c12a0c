"""The rescue station (流浪乞讨人员救助管理站): each stay from intake to its end — return home with the
destination's hand-over, long-term placement, or leaving — with the statutory limit and its extension."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class Stay(Audited, AreaOwned):
    """一次救助 (one stay). The person is a registry resident (`person`), someone identified but not a
    resident here (`id_number` and `stated_name` only), or not yet identified (`unidentified`, merged
    into `person` when identified: registry.unidentified.identify)."""

    class Status(models.TextChoices):
        IN_STATION = "in_station", _("在站救助")
        RETURNED = "returned", _("已护送返乡")
        PLACED = "placed", _("已长期安置")
        LEFT = "left", _("自行离站")

    class Referral(models.TextChoices):
        SELF = "self", _("主动求助")
        POLICE = "police", _("公安机关护送")
        CITY = "city", _("城管等部门引导")
        PUBLIC = "public", _("群众发现报告")
        STREET = "street", _("街面巡查发现")

    sensitive_fields = ("id_number",)

    number = models.CharField(_("救助编号"), max_length=30, unique=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("居民档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unidentified = models.ForeignKey(
        "registry.UnidentifiedPerson",
        verbose_name=_("身份不明人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stated_name = models.CharField(_("姓名（自述）"), max_length=50, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, blank=True)
    hometown = models.CharField(_("自述户籍地或家庭住址"), max_length=200, blank=True)
    found_place = models.CharField(_("发现地点"), max_length=200)
    referral = models.CharField(_("来站方式"), max_length=10, choices=Referral.choices)
    found_by = models.CharField(_("护送或报告人、单位"), max_length=100, blank=True)
    arrived_on = models.DateField(_("入站日期"))
    health = models.CharField(_("健康状况"), max_length=200, blank=True)
    needs = models.CharField(_("救助需求"), max_length=200, blank=True)
    stay_days = models.PositiveSmallIntegerField(_("救助期限（天）"))
    extension_days = models.PositiveSmallIntegerField(_("延长天数"), default=0)
    extension_reason = models.CharField(_("延长理由"), max_length=200, blank=True)
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("延长批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("救助期满日"), db_index=True)
    overdue_warned_on = models.DateField(_("超期预警日期"), null=True, blank=True)
    previous_stays = models.PositiveSmallIntegerField(_("此前受助次数"), default=0)
    notice_published_on = models.DateField(_("寻亲公告日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.IN_STATION)
    left_on = models.DateField(_("离站日期"), null=True, blank=True)
    destination = models.CharField(_("返乡目的地或安置去向"), max_length=200, blank=True)
    escort = models.CharField(_("护送方式"), max_length=100, blank=True)
    handed_to = models.CharField(_("交接单位或接收人"), max_length=100, blank=True)
    handover_note = models.CharField(_("交接情况"), max_length=200, blank=True)
    placement = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("安置机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("救助记录")
        verbose_name_plural = _("救助记录")
        ordering = ["-arrived_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="stay_status_due_idx"),
            models.Index(fields=["arrived_on"], name="stay_arrived_idx"),
            models.Index(fields=["person"], name="stay_person_idx"),
            models.Index(fields=["unidentified"], name="stay_unidentified_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.name
        if self.stated_name:
            return self.stated_name
        if self.unidentified_id:
            return self.unidentified.label
        return "姓名不详"
