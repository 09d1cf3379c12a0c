"""Children's welfare (儿童福利): the record of a child in difficulty or left behind, the guardians and
their situation, the visits of the village 儿童主任, and the mandatory reports (强制报告) of abuse or
abandonment with their clock-hour deadline (docs/domain.md §4.8).

Children's data is sensitive: lists mask names and ID numbers, scoping is by the child's area, and a
full view is audit-logged (audit.services.record_personal_data_view)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from children import rules


class ChildRecord(AreaOwned):
    """One child's file (儿童档案), open until closed (grown up, situation resolved, moved away)."""

    class Category(models.TextChoices):
        ORPHAN = rules.Category.ORPHAN, rules.CATEGORY_LABELS[rules.Category.ORPHAN]
        UNSUPPORTED = rules.Category.UNSUPPORTED, rules.CATEGORY_LABELS[rules.Category.UNSUPPORTED]
        POVERTY = rules.Category.POVERTY, rules.CATEGORY_LABELS[rules.Category.POVERTY]
        DISABILITY = rules.Category.DISABILITY, rules.CATEGORY_LABELS[rules.Category.DISABILITY]
        GUARDIANSHIP = rules.Category.GUARDIANSHIP, rules.CATEGORY_LABELS[rules.Category.GUARDIANSHIP]
        LEFT_BEHIND = rules.Category.LEFT_BEHIND, rules.CATEGORY_LABELS[rules.Category.LEFT_BEHIND]

    class Risk(models.TextChoices):
        HIGH = rules.Risk.HIGH, rules.RISK_LABELS[rules.Risk.HIGH]
        MEDIUM = rules.Risk.MEDIUM, rules.RISK_LABELS[rules.Risk.MEDIUM]
        LOW = rules.Risk.LOW, rules.RISK_LABELS[rules.Risk.LOW]

    person = models.ForeignKey("registry.Person", verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("儿童类别"), max_length=15, choices=Category.choices)
    risk = models.CharField(_("风险等级"), max_length=6, choices=Risk.choices)
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("儿童主任"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carer = models.CharField(_("实际照料人"), max_length=50, blank=True)
    school = models.CharField(_("就学情况"), max_length=100, blank=True)
    note = models.CharField(_("情况说明"), max_length=300, blank=True)
    recorded_on = models.DateField(_("建档日期"))
    last_visited_on = models.DateField(_("最近走访日期"), null=True, blank=True)
    next_visit_due = models.DateField(_("下次应走访日期"), null=True, blank=True, db_index=True)
    closed_on = models.DateField(_("销档日期"), null=True, blank=True)
    close_reason = models.CharField(_("销档原因"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("建档人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("儿童档案")
        verbose_name_plural = _("儿童档案")
        ordering = ["next_visit_due", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(closed_on__isnull=True), name="children_one_open")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.person_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Guardian(AreaOwned):
    """A guardian (监护人) or parent and their situation; a changed situation is a new row (the old ends)."""

    class Situation(models.TextChoices):
        NORMAL = rules.Situation.NORMAL, rules.SITUATION_LABELS[rules.Situation.NORMAL]
        DEAD = rules.Situation.DEAD, rules.SITUATION_LABELS[rules.Situation.DEAD]
        MISSING = rules.Situation.MISSING, rules.SITUATION_LABELS[rules.Situation.MISSING]
        PRISON = rules.Situation.PRISON, rules.SITUATION_LABELS[rules.Situation.PRISON]
        DETOX = rules.Situation.DETOX, rules.SITUATION_LABELS[rules.Situation.DETOX]
        REVOKED = rules.Situation.REVOKED, rules.SITUATION_LABELS[rules.Situation.REVOKED]
        SEVERE_DISABILITY = rules.Situation.SEVERE_DISABILITY, rules.SITUATION_LABELS[rules.Situation.SEVERE_DISABILITY]
        SERIOUS_ILLNESS = rules.Situation.SERIOUS_ILLNESS, rules.SITUATION_LABELS[rules.Situation.SERIOUS_ILLNESS]
        MIGRANT = rules.Situation.MIGRANT, rules.SITUATION_LABELS[rules.Situation.MIGRANT]

    class Relation(models.TextChoices):
        FATHER = "father", _("父亲")
        MOTHER = "mother", _("母亲")
        GRANDPARENT = "grandparent", _("祖父母")
        MATERNAL_GRANDPARENT = "maternal", _("外祖父母")
        RELATIVE = "relative", _("其他亲属")
        ENTRUSTED = "entrusted", _("委托照护人")
        ORGANISATION = "organisation", _("民政部门（国家监护）")

    child = models.ForeignKey(ChildRecord, verbose_name=_("儿童"), on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("姓名"), max_length=50)
    relation = models.CharField(_("与儿童关系"), max_length=15, choices=Relation.choices)
    situation = models.CharField(_("监护情况"), max_length=20, choices=Situation.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    since = models.DateField(_("情况发生日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")
        ordering = ["child_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_relation_display()} {self.name}"


class ChildVisit(AreaOwned):
    """One visit of the 儿童主任 (走访), written on the phone."""

    child = models.ForeignKey(ChildRecord, verbose_name=_("儿童"), on_delete=models.PROTECT, related_name="visits")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="+"
    )
    visited_on = models.DateField(_("走访日期"))
    saw_child = models.BooleanField(_("见到儿童本人"), default=True)
    carer_present = models.BooleanField(_("照料人在家"), default=True)
    living = models.CharField(_("生活状况"), max_length=200, blank=True)
    schooling = models.CharField(_("就学状况"), max_length=200, blank=True)
    health = models.CharField(_("健康状况"), max_length=200, blank=True)
    needs = models.CharField(_("困难和需求"), max_length=300, blank=True)
    safety_concern = models.BooleanField(_("发现安全隐患或侵害迹象"), default=False)
    risk_after = models.CharField(_("走访后风险等级"), max_length=6, choices=ChildRecord.Risk.choices)
    received_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("儿童走访")
        verbose_name_plural = _("儿童走访")
        ordering = ["-visited_on", "-id"]


class MandatoryReport(AreaOwned):
    """强制报告: suspected abuse, abandonment or neglect of a child, to the police and the township
    within the clock hours policy sets; missed deadlines go to the county (escalated)."""

    class Kind(models.TextChoices):
        ABUSE = "abuse", _("遭受或疑似遭受侵害、虐待")
        ABANDONMENT = "abandonment", _("遗弃")
        NEGLECT = "neglect", _("监护人严重失职、无人照料")
        OTHER = "other", _("其他危及人身安全的情形")

    child = models.ForeignKey(
        ChildRecord,
        verbose_name=_("儿童档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    child_name = models.CharField(_("儿童姓名"), max_length=50)
    kind = models.CharField(_("报告情形"), max_length=15, choices=Kind.choices)
    discovered_at = models.DateTimeField(_("发现时间"))
    place = models.CharField(_("发现地点"), max_length=200)
    description = models.TextField(_("情况描述"))
    measures = models.CharField(_("已采取的临时保护措施"), max_length=300, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    due_at = models.DateTimeField(_("报告时限"))
    police_reported_at = models.DateTimeField(_("报告公安机关时间"), null=True, blank=True)
    police_unit = models.CharField(_("接报公安机关"), max_length=100, blank=True)
    police_receipt = models.CharField(_("接警回执号"), max_length=60, blank=True)
    township_received_at = models.DateTimeField(_("乡镇接报时间"), null=True, blank=True)
    township_received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("乡镇接报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    township_action = models.CharField(_("乡镇处置意见"), max_length=300, blank=True)
    escalated_at = models.DateTimeField(_("超时升级时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("强制报告")
        verbose_name_plural = _("强制报告")
        ordering = ["due_at", "id"]

    def state(self, now) -> str:
        return rules.report_state(self.due_at, self.police_reported_at, self.township_received_at, now)
