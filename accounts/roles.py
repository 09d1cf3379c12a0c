"""Staff roles (docs/domain.md §1) and what each may do. Checks name a capability, never a role."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit import capabilities as audit_capabilities


class RoleCode(models.TextChoices):
    LIVELIHOOD_WORKER = "livelihood_worker", _("民生员")
    GRID_WORKER = "grid_worker", _("网格员")
    CLERK = "clerk", _("经办员")
    REVIEWER = "reviewer", _("审核员")
    APPROVER = "approver", _("审批员")
    AUDITOR = "auditor", _("稽查员")
    LEADER = "leader", _("局领导")
    REGISTRAR = "registrar", _("婚姻登记员")
    ADMIN = "admin", _("系统管理员")


class Capability(models.TextChoices):
    VIEW_AUDIT_LOG = audit_capabilities.VIEW_AUDIT_LOG, _("查看操作日志")
    MANAGE_STAFF = "manage_staff", _("管理单位与人员")
    VIEW_STAFF = "view_staff", _("查看人员名单")
    UNMASK_PERSONAL_DATA = "unmask_personal_data", _("查看完整个人信息")
    ACCEPT_APPLICATIONS = "accept_applications", _("受理申请")
    REVIEW = "review", _("审核")
    APPROVE = "approve", _("审批")
    VIEW_DASHBOARD = "view_dashboard", _("查看统计看板")
    MANAGE_POLICY = "manage_policy", _("录入政策参数")


ROLE_CAPABILITIES: dict[str, set[str]] = {
    RoleCode.LIVELIHOOD_WORKER: {Capability.ACCEPT_APPLICATIONS},
    RoleCode.GRID_WORKER: set(),
    RoleCode.CLERK: {Capability.ACCEPT_APPLICATIONS, Capability.UNMASK_PERSONAL_DATA, Capability.VIEW_STAFF},
    RoleCode.REVIEWER: {Capability.REVIEW, Capability.UNMASK_PERSONAL_DATA, Capability.VIEW_STAFF},
    RoleCode.APPROVER: {Capability.APPROVE, Capability.UNMASK_PERSONAL_DATA, Capability.VIEW_STAFF},
    RoleCode.AUDITOR: {Capability.VIEW_AUDIT_LOG, Capability.UNMASK_PERSONAL_DATA, Capability.VIEW_STAFF},
    RoleCode.LEADER: {Capability.VIEW_AUDIT_LOG, Capability.VIEW_DASHBOARD, Capability.VIEW_STAFF},
    RoleCode.REGISTRAR: {Capability.ACCEPT_APPLICATIONS},
    RoleCode.ADMIN: {
        Capability.MANAGE_STAFF,
        Capability.VIEW_STAFF,
        Capability.VIEW_AUDIT_LOG,
        Capability.MANAGE_POLICY,
    },
}


def roles_with(capability: str) -> list[str]:
    """The roles whose holders may do `capability` (for queries that pick a person who may act)."""
    return sorted(code for code, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities)
