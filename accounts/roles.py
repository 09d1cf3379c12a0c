"""Staff roles (docs/domain.md §1) and what each may do. Checks name a capability, never a role."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from audit import capabilities as audit_capabilities
from jobs import capabilities as jobs_capabilities


class RoleCode(models.TextChoices):
    LIVELIHOOD_WORKER = "livelihood_worker", _("民生员")
    GRID_WORKER = "grid_worker", _("网格员")
    CLERK = "clerk", _("经办员")
    REVIEWER = "reviewer", _("审核员")
    APPROVER = "approver", _("审批员")
    AUDITOR = "auditor", _("稽查员")
    LEADER = "leader", _("局领导")
    REGISTRAR = "registrar", _("婚姻登记员")
    RESCUE_OFFICER = "rescue_officer", _("救助管理站工作人员")
    CHILDREN_DIRECTOR = "children_director", _("儿童主任")
    SOCIAL_WORKER = "social_worker", _("社工站社工")
    PROVIDER_STAFF = "provider_staff", _("服务机构人员")
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
    HANDLE_STEPS = "handle_steps", _("办理本单位的办件环节")
    HANDLE_ANY_STEP = "handle_any_step", _("办理本单位任一岗位的环节")
    SUPERVISE_CASES = "supervise_cases", _("督办")
    APPLY_ON_BEHALF = "apply_on_behalf", _("代办申请")
    VISIT_HOUSEHOLDS = "visit_households", _("入户走访")
    HANDLE_WARNINGS = "handle_warnings", _("处置低收入人口预警")
    MANAGE_DEPARTMENT_DATA = "manage_department_data", _("接收部门数据并开展比对")
    MANAGE_PERIODIC_WORK = jobs_capabilities.MANAGE_PERIODIC_WORK, _("管理定时任务与工作日历")
    TAKE_ON_RECIPIENTS = "take_on_recipients", _("导入存量保障对象")
    MANAGE_BANK_LAYOUTS = "manage_bank_layouts", _("维护银行文件版式")
    HANDLE_FUNDS = "handle_funds", _("资金发放经办")
    INSPECT = "inspect", _("开展稽查")
    RECTIFY = "rectify", _("整改本单位的稽查问题")
    MANAGE_EVALUATION = "manage_evaluation", _("月度考核计算与公布")
    REPORT_GRID_EVENTS = "report_grid_events", _("上报网格事件")
    HANDLE_GRID_EVENTS = "handle_grid_events", _("分拨处置网格事件和12345工单")
    ASSIGN_WARNINGS = "assign_warnings", _("分派预警、包户联系人")
    VIEW_OWN_EVALUATION = "view_own_evaluation", _("查看本单位及本人的考核结果")


C = Capability
# Staff who handle the steps of cases at their unit (grid workers, auditors and administrators do not).
_HANDLER = {C.HANDLE_STEPS}
ROLE_CAPABILITIES: dict[str, set[str]] = {
    RoleCode.LIVELIHOOD_WORKER: {
        C.ACCEPT_APPLICATIONS,
        *_HANDLER,
        C.APPLY_ON_BEHALF,
        C.VISIT_HOUSEHOLDS,
        C.HANDLE_WARNINGS,
        C.REPORT_GRID_EVENTS,
        C.VIEW_OWN_EVALUATION,
    },
    RoleCode.GRID_WORKER: {
        C.REPORT_GRID_EVENTS,
    },
    RoleCode.CLERK: {
        C.ACCEPT_APPLICATIONS,
        C.UNMASK_PERSONAL_DATA,
        C.VIEW_STAFF,
        *_HANDLER,
        C.HANDLE_WARNINGS,
        C.TAKE_ON_RECIPIENTS,
        C.HANDLE_FUNDS,
        C.RECTIFY,
        C.HANDLE_GRID_EVENTS,
        C.ASSIGN_WARNINGS,
        C.VIEW_OWN_EVALUATION,
    },
    RoleCode.REVIEWER: {
        C.REVIEW,
        C.UNMASK_PERSONAL_DATA,
        C.VIEW_STAFF,
        *_HANDLER,
        C.HANDLE_WARNINGS,
        C.HANDLE_FUNDS,
        C.RECTIFY,
        C.HANDLE_GRID_EVENTS,
        C.ASSIGN_WARNINGS,
        C.VIEW_OWN_EVALUATION,
    },
    RoleCode.APPROVER: {
        C.APPROVE,
        C.UNMASK_PERSONAL_DATA,
        C.VIEW_STAFF,
        *_HANDLER,
        C.HANDLE_WARNINGS,
        C.MANAGE_DEPARTMENT_DATA,
        C.HANDLE_FUNDS,
        C.RECTIFY,
        C.VIEW_OWN_EVALUATION,
    },
    RoleCode.AUDITOR: {
        C.VIEW_AUDIT_LOG,
        C.UNMASK_PERSONAL_DATA,
        C.VIEW_STAFF,
        C.MANAGE_DEPARTMENT_DATA,
        C.INSPECT,
        C.MANAGE_EVALUATION,
    },
    RoleCode.LEADER: {
        C.VIEW_AUDIT_LOG,
        C.VIEW_DASHBOARD,
        C.VIEW_STAFF,
        *_HANDLER,
        C.HANDLE_ANY_STEP,
        C.SUPERVISE_CASES,
        C.MANAGE_EVALUATION,
        C.HANDLE_GRID_EVENTS,
    },
    RoleCode.REGISTRAR: {
        C.ACCEPT_APPLICATIONS,
        *_HANDLER,
    },
    RoleCode.RESCUE_OFFICER: set(),
    RoleCode.CHILDREN_DIRECTOR: set(),
    RoleCode.SOCIAL_WORKER: set(),
    RoleCode.PROVIDER_STAFF: set(),
    RoleCode.ADMIN: {
        C.MANAGE_STAFF,
        C.VIEW_STAFF,
        C.VIEW_AUDIT_LOG,
        C.MANAGE_POLICY,
        C.MANAGE_PERIODIC_WORK,
        C.MANAGE_BANK_LAYOUTS,
    },
}


# Capabilities a business line declares for itself (its own capabilities.py), so a new line adds
# what its roles may do without editing this file: code → label.
_REGISTERED_LABELS: dict[str, str] = {}


def register_capability(code: str, label: str, *, roles) -> str:
    """Declare a business line's capability and the roles that carry it; returns the code, so a
    line writes `MANAGE_MARRIAGES = register_capability("manage_marriages", "婚姻登记", roles=[...])`.
    Idempotent; a code that clashes with a built-in or another line's label is a programming error."""
    known = {str(value): str(label_) for value, label_ in Capability.choices}
    known.update(_REGISTERED_LABELS)
    if code in known and known[code] != str(label):
        raise ValueError(f"capability {code!r} is already declared as {known[code]!r}")
    _REGISTERED_LABELS[code] = str(label)
    for role in roles:
        ROLE_CAPABILITIES.setdefault(str(role), set()).add(code)
    return code


def capability_label(code: str) -> str:
    """The Chinese name of a capability, built-in or declared by a business line."""
    if code in _REGISTERED_LABELS:
        return _REGISTERED_LABELS[code]
    return str(Capability(code).label)


def roles_can(role_codes, capability: str) -> bool:
    """Whether any of these roles carries `capability` (`User.can` also lets a superuser through)."""
    return any(capability in ROLE_CAPABILITIES.get(role, ()) for role in role_codes)


def fills_step_role(user, role: str) -> bool:
    """Whether `user` may act on a step whose definition names `role` (catalogue data: who acts on
    the step): a holder of that role, or whoever may handle any step of their unit."""
    return role in user.role_codes or user.can(Capability.HANDLE_ANY_STEP)


def roles_with(capability: str) -> list[str]:
    """The roles whose holders may do `capability` (for queries that pick a person who may act)."""
    return sorted(code for code, capabilities in ROLE_CAPABILITIES.items() if capability in capabilities)
