"""What each role may do in children's welfare (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

VIEW_CHILDREN = register_capability(
    "view_children",
    "查看困境儿童和留守儿童档案",
    roles=[RoleCode.CHILDREN_DIRECTOR, RoleCode.CLERK, RoleCode.REVIEWER, RoleCode.APPROVER, RoleCode.SOCIAL_WORKER],
)
MANAGE_CHILDREN = register_capability(
    "manage_children", "儿童建档和走访", roles=[RoleCode.CHILDREN_DIRECTOR, RoleCode.CLERK, RoleCode.SOCIAL_WORKER]
)
FILE_CHILD_REPORT = register_capability(
    "file_child_report",
    "填报强制报告",
    roles=[
        RoleCode.CHILDREN_DIRECTOR,
        RoleCode.SOCIAL_WORKER,
        RoleCode.LIVELIHOOD_WORKER,
        RoleCode.GRID_WORKER,
        RoleCode.CLERK,
    ],
)
RECEIVE_CHILD_REPORT = register_capability(
    "receive_child_report",
    "接报和督办强制报告",
    roles=[RoleCode.CLERK, RoleCode.REVIEWER, RoleCode.SOCIAL_WORKER, RoleCode.APPROVER],
)
