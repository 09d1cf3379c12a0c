"""What the roles may do in the society line (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

MANAGE_ORGANISATIONS = register_capability(
    "manage_organisations", "社会组织登记管理", roles=[RoleCode.CLERK, RoleCode.APPROVER]
)
MANAGE_NEEDS = register_capability(
    "manage_needs",
    "录入需求与转介帮扶",
    roles=[
        RoleCode.LIVELIHOOD_WORKER,
        RoleCode.GRID_WORKER,
        RoleCode.CHILDREN_DIRECTOR,
        RoleCode.CLERK,
        RoleCode.SOCIAL_WORKER,
        RoleCode.APPROVER,
    ],
)
SERVE_REFERRALS = register_capability(
    "serve_referrals", "接收转介并反馈帮扶", roles=[RoleCode.PROVIDER_STAFF, RoleCode.SOCIAL_WORKER]
)
RECORD_SOCIAL_WORK = register_capability(
    "record_social_work", "社工服务记录", roles=[RoleCode.SOCIAL_WORKER, RoleCode.CLERK, RoleCode.APPROVER]
)
PUBLISH_AFFAIRS = register_capability(
    "publish_village_affairs", "发布村务公开", roles=[RoleCode.LIVELIHOOD_WORKER, RoleCode.CLERK]
)
CHECK_AFFAIRS = register_capability(
    "check_village_affairs",
    "村务公开与自治达标检查",
    roles=[RoleCode.CLERK, RoleCode.REVIEWER, RoleCode.APPROVER, RoleCode.LEADER],
)
