"""What the rescue line lets each role do (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

RESCUE_WORK = register_capability("rescue_work", "流浪乞讨人员救助", roles=[RoleCode.RESCUE_OFFICER])
# the station head approves an extension of the stay limit; the county approver may too
EXTEND_STAYS = register_capability(
    "rescue_extend", "批准延长救助期限", roles=[RoleCode.RESCUE_OFFICER, RoleCode.APPROVER]
)
VIEW_RESCUE_STATISTICS = register_capability(
    "rescue_statistics", "查看救助管理统计", roles=[RoleCode.RESCUE_OFFICER, RoleCode.LEADER, RoleCode.APPROVER]
)
