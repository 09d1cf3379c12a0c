"""What the funeral line lets each role do (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

MANAGE_DEATHS = register_capability(
    "manage_deaths",
    "死亡信息与殡葬服务",
    roles=[RoleCode.CLERK, RoleCode.REVIEWER, RoleCode.APPROVER],
)
VIEW_DEATHS = register_capability(
    "view_deaths",
    "查看死亡信息",
    roles=[RoleCode.CLERK, RoleCode.REVIEWER, RoleCode.APPROVER, RoleCode.AUDITOR, RoleCode.LEADER],
)
