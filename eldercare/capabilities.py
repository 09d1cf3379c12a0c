"""What the elderly-care line lets each role do (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

MANAGE_ELDERCARE = register_capability(
    "manage_eldercare",
    "养老服务：机构床位、入住和居家养老派单",
    roles=[RoleCode.CLERK, RoleCode.REVIEWER, RoleCode.APPROVER, RoleCode.LEADER],
)
RECORD_HOME_CARE = register_capability("record_home_care", "居家养老服务签到", roles=[RoleCode.PROVIDER_STAFF])
APPLY_ELDERLY_CARE = register_capability(
    "apply_elderly_care",
    "代办经济困难失能老年人护理补贴申请",
    roles=[RoleCode.LIVELIHOOD_WORKER, RoleCode.CLERK],
)
