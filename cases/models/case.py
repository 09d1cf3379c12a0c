"""Cases (办件): one application of one service item by one subject, its steps, pauses and timeline.

The subject (办件对象) is a household (and the applicant from it) for the assistance lines; a person,
a couple (two persons, e.g. the parties of a marriage registration), an organisation or an event for
the lines that do not start from a registered household (`Case.SubjectKind`, `cases.subjects`).
A household case is owned by the household's area, so the village, the township and the county all
see it by prefix; any other case by its subject's area when the accepting window's jurisdiction
covers it, else by the window's own area (`cases.subjects.case_area`). Steps are instantiated from the case's catalogue version at acceptance and move by
conditional updates on (state, row_version); the timeline (CaseEvent) is append-only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class Case(Audited, AreaOwned):
    class Status(models.TextChoices):
        MATERIALS = "materials", _("待补齐材料")
        IN_PROGRESS = "in_progress", _("办理中")
        CORRECTION = "correction", _("退回补正中")
        APPROVED = "approved", _("已办结（准予）")
        REJECTED = "rejected", _("已办结（不予）")

        WITHDRAWN = "withdrawn", _("已撤回")

    class SubjectKind(models.TextChoices):
        HOUSEHOLD = "household", _("家庭")
        PERSON = "person", _("个人")
        COUPLE = "couple", _("双方当事人")
        ORGANISATION = "organisation", _("机构")
        EVENT = "event", _("事件")

    OPEN = (Status.MATERIALS, Status.IN_PROGRESS, Status.CORRECTION)
    FINISHED = (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)

    receipt_no = models.CharField(_("受理编号"), max_length=30, unique=True)
    item = models.ForeignKey(
        "cases.ServiceItem", verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.ForeignKey(
        "cases.ServiceItemVersion", verbose_name=_("事项版本"), on_delete=models.PROTECT, related_name="cases"
    )
    subject_kind = models.CharField(
        _("办件对象类别"), max_length=12, choices=SubjectKind.choices, default=SubjectKind.HOUSEHOLD
    )
    # household: the applicant household and its member who applies (both required);
    # person: `applicant` is the person; couple: `applicant` and `partner` are the two parties;
    # organisation: `organisation`; event: `subject_label` says what happened.
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("申请家庭"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    applicant = models.ForeignKey(
        "registry.Person",
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    partner = models.ForeignKey(
        "registry.Person",
        verbose_name=_("另一方当事人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_cases",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    subject_label = models.CharField(_("事件"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    accepting_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("受理窗口"), on_delete=models.PROTECT, related_name="+"
    )
    # None: opened by the system on its own initiative (a review the sweep or the schedule opens,
    # 依职权启动), never in a clerk's name.
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("为空表示由系统依职权发起"),
    )
    proxy = models.BooleanField(_("代办"), default=False, help_text=_("民生员代群众申请"))
    accepted_on = models.DateField(_("受理日期"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, db_index=True)
    current_step = models.ForeignKey(
        "cases.CaseStep", verbose_name=_("当前环节"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clock_started_on = models.DateField(_("计时起算日"), null=True, blank=True)
    due_on = models.DateField(_("办结期限"), null=True, blank=True)
    paused_on = models.DateField(_("暂停计时日"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    outcome_reason = models.TextField(_("办理结果说明"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    sensitive_fields = ("phone",)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["accepting_unit", "status"], name="cases_case_window_status"),
            # the open cases (a county's few thousand among its million closed ones) by deadline: the
            # cockpit's lists of overdue / due-soon / running cases read a range of these only
            models.Index(
                fields=["due_on"],
                name="cases_case_open_due",
                condition=models.Q(status__in=["materials", "in_progress", "correction"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(subject_kind="household", household__isnull=False, applicant__isnull=False)
                    | models.Q(subject_kind="person", applicant__isnull=False)
                    | models.Q(subject_kind="couple", applicant__isnull=False, partner__isnull=False)
                    | models.Q(subject_kind="organisation", organisation__isnull=False)
                    | (models.Q(subject_kind="event") & ~models.Q(subject_label=""))
                ),
                name="cases_case_subject_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.item.name}"

    @property
    def subject_name(self) -> str:
        """Who or what the case is about, as lists and the timeline show it: the applicant (household
        cases, as before), the person, "张三、李四" for a couple, the organisation, the event."""
        kind = self.subject_kind
        return self.name_of_subject(
            kind,
            applicant=self.applicant.name if self.applicant_id else "",
            partner=self.partner.name if kind == self.SubjectKind.COUPLE else "",
            organisation=self.organisation.name if kind == self.SubjectKind.ORGANISATION else "",
            label=self.subject_label,
        )

    @classmethod
    def name_of_subject(cls, kind: str, *, applicant: str, partner: str, organisation: str, label: str) -> str:
        """`subject_name` from the names alone (an API row read with values_list)."""
        if kind == cls.SubjectKind.COUPLE:
            return f"{applicant}、{partner}"
        if kind == cls.SubjectKind.ORGANISATION:
            return organisation
        if kind == cls.SubjectKind.EVENT:
            return label
        return applicant

    @property
    def subject_title(self) -> str:
        """The subject with the item: "张三、李四（结婚登记）"."""
        return f"{self.subject_name}（{self.item.name}）"

    @property
    def is_household_case(self) -> bool:
        return self.subject_kind == self.SubjectKind.HOUSEHOLD

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CaseStep(AreaOwned):
    """One step of one case, at one responsible unit, with its own deadline."""

    class State(models.TextChoices):
        PENDING = "pending", _("未开始")
        ACTIVE = "active", _("办理中")
        CORRECTION = "correction", _("待补正")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("不予通过")
        CANCELLED = "cancelled", _("已终止")

    class Light(models.TextChoices):
        NONE = "", _("—")
        GREEN = "green", _("正常")
        YELLOW = "yellow", _("临期")
        RED = "red", _("超期")

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="steps")
    definition = models.ForeignKey(
        "cases.StepDefinition", verbose_name=_("环节定义"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=50)
    responsible_unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("责任单位"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    paused_on = models.DateField(_("暂停日期"), null=True, blank=True)
    finished_on = models.DateField(_("完成日期"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True, blank=True, on_delete=models.PROTECT
    )
    opinion = models.TextField(_("办理意见"), blank=True)
    light = models.CharField(_("时限状态"), max_length=6, choices=Light.choices, blank=True, default="")
    row_version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["case", "order"]
        indexes = [
            models.Index(fields=["responsible_unit", "state", "due_on"], name="cases_step_queue"),
            models.Index(fields=["state", "due_on"], name="cases_step_due"),
            models.Index(fields=["acted_by", "-finished_at"], name="cases_step_done"),
            # the records behind a unit's monthly step figures (supervision's drill-down), and the
            # nightly rebuild of the evaluation's day figures for the last days
            models.Index(fields=["responsible_unit", "finished_on"], name="cases_step_unit_finished"),
            models.Index(fields=["finished_on"], name="cases_step_finished_on"),
        ]
        constraints = [models.UniqueConstraint(fields=["case", "order"], name="cases_casestep_order")]

    def __str__(self) -> str:
        return f"{self.case.receipt_no} · {self.name}"


class PauseInterval(models.Model):
    """A stretch when a clock stood still: materials missing, 补正, public notice, a statutory period."""

    class Kind(models.TextChoices):
        MATERIALS = "materials", _("补齐材料")
        CORRECTION = "correction", _("退回补正")
        NOTICE = "notice", _("公示期")
        PERIOD = "period", _("法定等待期")

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="pauses")
    step = models.ForeignKey(
        CaseStep, verbose_name=_("环节"), null=True, blank=True, on_delete=models.PROTECT, related_name="pauses"
    )
    kind = models.CharField(_("原因"), max_length=12, choices=Kind.choices)
    started_on = models.DateField(_("开始"))
    ended_on = models.DateField(_("结束"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("顺延工作日"), default=0)

    class Meta:
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        ordering = ["case", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class CaseDocument(models.Model):
    """A required material of the case and the library document that supplies it."""

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="documents")
    doc_type = models.ForeignKey("registry.DocumentType", verbose_name=_("材料类型"), on_delete=models.PROTECT)
    document = models.ForeignKey(
        "registry.Document", verbose_name=_("材料"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    linked_on = models.DateField(_("关联日期"))

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case", "doc_type__sort_order", "id"]

    def __str__(self) -> str:
        return str(self.doc_type)


class CaseEvent(models.Model):
    """One thing that happened to a case. Append-only: written by cases.events, never changed."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("受理")
        MATERIALS_NOTICE = "materials_notice", _("一次性告知")
        MATERIALS_SUPPLIED = "materials_supplied", _("材料补齐")
        STEP_STARTED = "step_started", _("环节开始")
        STEP_APPROVED = "step_approved", _("审核通过")
        CORRECTION_REQUESTED = "correction_requested", _("退回补正")
        CORRECTION_SUPPLIED = "correction_supplied", _("补正完成")
        REJECTED = "rejected", _("不予通过")
        APPROVED = "approved", _("办结（准予）")
        TRANSFERRED = "transferred", _("转办")
        TRANSFER_REPLIED = "transfer_replied", _("转办答复")
        OPINION_REQUESTED = "opinion_requested", _("征求会办意见")
        OPINION_GIVEN = "opinion_given", _("会办意见")
        SUPERVISED = "supervised", _("督办")
        REPLIED = "replied", _("统一答复")
        WITHDRAWN = "withdrawn", _("撤回申请")
        NOTE = "note", _("备注")

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="events")
    step = models.ForeignKey(
        CaseStep, verbose_name=_("环节"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("事件"), max_length=24, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    on_date = models.DateField(_("业务日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=50, blank=True)
    unit_name = models.CharField(_("操作单位"), max_length=100, blank=True)
    text = models.TextField(_("内容"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    attachment = models.FileField(_("附件"), upload_to="cases/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("办件记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("办件记录只能追加，不能删除")


class ReceiptCounter(models.Model):
    """Sequence of receipt numbers per county and day (受理编号 = county + date + sequence)."""

    key = models.CharField(max_length=20, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("受理编号计数")
        verbose_name_plural = _("受理编号计数")

    def __str__(self) -> str:
        return f"{self.key}:{self.value}"
