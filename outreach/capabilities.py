"""What 政策找人 lets each role do (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

FIND_PEOPLE = register_capability(
    "find_eligible_people",
    "政策找人：查看符合条件未享受的居民并走访",
    roles=[RoleCode.LIVELIHOOD_WORKER, RoleCode.CLERK, RoleCode.REVIEWER, RoleCode.APPROVER, RoleCode.LEADER],
)
