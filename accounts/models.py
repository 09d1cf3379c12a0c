"""Units (单位) and staff accounts (工作人员)."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import RoleCode, roles_can
from areas.jurisdiction import AreaOwned, ScopedManager
from audit.tracking import Audited


class Unit(Audited, AreaOwned):
    """A unit in one area: the bureau, a township office, a village committee, another department."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("县民政局")
        TOWNSHIP_OFFICE = "township_office", _("乡镇/街道民政办")
        VILLAGE_COMMITTEE = "village_committee", _("村(居)委会")
        DEPARTMENT = "department", _("其他部门")

    class Department(models.TextChoices):
        CIVIL_AFFAIRS = "civil_affairs", _("民政")
        HUMAN_RESOURCES = "hrss", _("人社")
        HEALTH = "health", _("卫健")
        MEDICAL_INSURANCE = "medical_insurance", _("医保")
        DISABLED_FEDERATION = "disabled_federation", _("残联")
        HOUSING = "housing", _("住建")
        PUBLIC_SECURITY = "public_security", _("公安")
        EMERGENCY = "emergency", _("应急")
        EDUCATION = "education", _("教育")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    department = models.CharField(
        _("所属部门"), max_length=30, choices=Department.choices, default=Department.CIVIL_AFFAIRS
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["area_code", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A staff role (docs/domain.md §1); the rows are created by migration from RoleCode."""

    code = models.CharField(_("代码"), max_length=30, primary_key=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class User(Audited, AbstractUser):
    """A staff account. It belongs to one unit and sees that unit's area and what lies below.

    The default manager is deliberately unscoped (authentication must find any account);
    staff lists use `User.in_jurisdiction`, which is scoped like every area-owned model.
    """

    area_field = "area_code"
    audit_exclude = ("password", "last_login")
    sensitive_fields = ("phone",)

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # Copied from the unit on save so staff rows scope like every area-owned row.
    area_code = models.CharField(_("区划代码"), max_length=15, blank=True, db_index=True, editable=False)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="staff")
    must_change_password = models.BooleanField(_("须修改初始密码"), default=True, help_text=_("首次登录时强制修改密码"))

    objects = UserManager()
    in_jurisdiction = ScopedManager()

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["area_code", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        self.area_code = self.unit.area_code if self.unit_id else ""
        super().save(*args, **kwargs)

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(role.code for role in self.roles.all())

    @property
    def role_labels(self) -> list[str]:
        return [str(RoleCode(code).label) for code in sorted(self.role_codes)]

    def can(self, capability: str) -> bool:
        if self.is_superuser:
            return True
        return roles_can(self.role_codes, capability)


class APIToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    user = models.ForeignKey(User, verbose_name=_("工作人员"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"


class StaffSession(AbstractBaseSession):
    """A login session (会话). The user's id sits in a column beside the signed data so that the
    session, the user, the unit and the roles are read in one statement on every request."""

    # A relation without a database constraint: the column is a shortcut to the user, never trusted on
    # its own (accounts.sessions), and a deleted user leaves it pointing nowhere, which reads as no user.
    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
