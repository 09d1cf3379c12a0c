"""The resident's own portal (群众网上办事): an identity apart from staff accounts, one-time sign-in
codes, online applications waiting for the window, complaints with their deadline, objections a
resident lodged, service points and bookings, and the township's conduct supervisors (行风监督员).

A resident is never a `accounts.User`: `ResidentAccount` is their identity, held in the session
under its own key (portal.identity), so staff pages (which ask for `request.user`) refuse them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.jurisdiction import AreaOwned
from audit.tracking import Audited


class ResidentAccount(Audited, AreaOwned):
    """A resident known by their mobile number, bound to one registry person after a check.

    `area_code` is the bound person's household area (the township whose clerk confirms a binding
    sees the request by it); empty until a binding is asked for."""

    class Binding(models.TextChoices):
        NONE = "none", _("未绑定")
        PENDING = "pending", _("待乡镇确认")
        BOUND = "bound", _("已绑定")
        REFUSED = "refused", _("乡镇未确认")

    class Method(models.TextChoices):
        REGISTRY_PHONE = "registry_phone", _("身份证号、姓名与登记手机号一致")
        TOWNSHIP = "township", _("乡镇民政办确认")

    sensitive_fields = ("phone", "claimed_id_number")

    phone = models.CharField(_("手机号"), max_length=11, unique=True)
    person = models.ForeignKey(
        "registry.Person", verbose_name=_("本人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    binding = models.CharField(_("绑定状态"), max_length=10, choices=Binding.choices, default=Binding.NONE)
    bound_by = models.CharField(_("核验方式"), max_length=20, choices=Method.choices, blank=True)
    claimed_name = models.CharField(_("申报姓名"), max_length=50, blank=True)
    claimed_id_number = models.CharField(_("申报身份证号"), max_length=18, blank=True)
    binding_note = models.CharField(_("确认说明"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bound_at = models.DateTimeField(_("绑定时间"), null=True, blank=True)
    failed_codes = models.PositiveSmallIntegerField(_("连续输错验证码次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("最近登录"), null=True, blank=True)
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("群众账号")
        verbose_name_plural = _("群众账号")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"群众账号{self.pk}"

    @property
    def is_bound(self) -> bool:
        return self.binding == self.Binding.BOUND and self.person_id is not None


class SignInCode(models.Model):
    """A one-time code texted to a phone: only its keyed hash is stored; short-lived, single use."""

    phone = models.CharField(_("手机号"), max_length=11, db_index=True)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    sent_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(_("输错次数"), default=0)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"验证码{self.pk}"


class OnlineApplication(Audited, AreaOwned):
    """网上申请: what a resident asked for, waiting (预受理) at the window of the household's township
    until a clerk accepts it there (the legal clock starts at that acceptance) or sends it back."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待窗口受理")
        ACCEPTED = "accepted", _("已受理")
        RETURNED = "returned", _("已退回")

    account = models.ForeignKey(ResidentAccount, verbose_name=_("申请账号"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("申请家庭"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        "registry.Person", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "cases.ServiceItem", verbose_name=_("服务事项"), on_delete=models.PROTECT, related_name="+"
    )
    window = models.ForeignKey("accounts.Unit", verbose_name=_("受理窗口"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申请事由"))
    requested_amount = models.DecimalField(_("申请金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20)
    documents = models.ManyToManyField("registry.Document", verbose_name=_("提交材料"), blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="online"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)

    sensitive_fields = ("phone",)

    class Meta:
        verbose_name = _("网上申请")
        verbose_name_plural = _("网上申请")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"网上申请{self.pk}"


class ComplaintLimit(models.Model):
    """How many working days the township has to answer a complaint, dated (policy data, never a
    literal): the row in force on the day the complaint is filed applies."""

    working_days = models.PositiveSmallIntegerField(_("办理期限（工作日）"))
    effective_from = models.DateField(_("生效日期"), unique=True)
    basis = models.CharField(_("依据"), max_length=200)

    class Meta:
        verbose_name = _("投诉办理期限")
        verbose_name_plural = _("投诉办理期限")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from}起 {self.working_days}个工作日"


class Complaint(Audited, AreaOwned):
    """投诉: a resident's complaint, answered by the township office by a working-day deadline and
    supervised (督办) once overdue, like a case step."""

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        ANSWERED = "answered", _("已答复")

    class Kind(models.TextChoices):
        DELAY = "delay", _("办理拖延")
        CONDUCT = "conduct", _("工作作风")
        FAIRNESS = "fairness", _("对象认定不公")
        OTHER = "other", _("其他")

    number = models.CharField(_("投诉编号"), max_length=30, unique=True)
    account = models.ForeignKey(ResidentAccount, verbose_name=_("投诉账号"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("投诉家庭"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("涉及办件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    content = models.TextField(_("投诉内容"))
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("投诉日期"))
    due_on = models.DateField(_("答复期限"))
    limit_basis = models.CharField(_("期限依据"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    supervised_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    supervised_on = models.DateField(_("督办日期"), null=True, blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("群众投诉")
        verbose_name_plural = _("群众投诉")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_on"], name="portal_complaint_due")]

    def __str__(self) -> str:
        return self.number


class ResidentObjection(models.Model):
    """Which 公示异议 (assistance.Objection) a signed-in resident lodged, so they see its answer."""

    account = models.ForeignKey(ResidentAccount, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="+")
    objection = models.OneToOneField(
        "assistance.Objection", verbose_name=_("公示异议"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("群众提出的公示异议")
        verbose_name_plural = _("群众提出的公示异议")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"异议{self.objection_id}"


class ConductSupervisor(AreaOwned):
    """行风监督员 of a township: named on every notice board and on the recipients' 明白卡."""

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20)
    title = models.CharField(_("身份"), max_length=100, blank=True, help_text=_("如：县人大代表、村民代表"))
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("行风监督员")
        verbose_name_plural = _("行风监督员")
        ordering = ["area_code", "id"]

    def __str__(self) -> str:
        return self.name


class ServicePoint(AreaOwned):
    """便民服务中心 or 社区服务站: where residents are served, when, and which items it handles."""

    class Kind(models.TextChoices):
        CENTRE = "centre", _("便民服务中心")
        STATION = "station", _("社区服务站")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("办公时间"), max_length=200)
    off_hours = models.CharField(_("错时服务时间"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    items = models.ManyToManyField("cases.ServiceItem", verbose_name=_("可办事项"), blank=True, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")
        ordering = ["area_code", "kind", "id"]

    def __str__(self) -> str:
        return self.name


class Booking(Audited, AreaOwned):
    """上门服务 or 错时服务: a resident's appointment, which becomes work with a time — for the household's
    contact worker (上门) or for the window of the service point (错时) — and is recorded as done."""

    class Kind(models.TextChoices):
        HOME = "home", _("上门服务")
        OFF_HOURS = "off_hours", _("错时服务")

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        DONE = "done", _("已办结")
        CANCELLED = "cancelled", _("已取消")

    account = models.ForeignKey(ResidentAccount, verbose_name=_("预约账号"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("服务方式"), max_length=10, choices=Kind.choices)
    item = models.ForeignKey(
        "cases.ServiceItem",
        verbose_name=_("办理事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    point = models.ForeignKey(
        ServicePoint, verbose_name=_("服务网点"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    need = models.CharField(_("需求说明"), max_length=300)
    starts_at = models.DateTimeField(_("预约时间"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上门人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.BOOKED, db_index=True)
    result = models.CharField(_("服务结果"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务预约")
        verbose_name_plural = _("服务预约")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="home", worker__isnull=False) | Q(kind="off_hours"), name="portal_home_has_worker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"
