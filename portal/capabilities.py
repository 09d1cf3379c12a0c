"""What staff may do with residents' online requests (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

RESIDENT_DESK = register_capability(
    "portal_resident_desk", "处理群众网上办事", roles=[RoleCode.CLERK, RoleCode.REVIEWER]
)
SERVE_BOOKINGS = register_capability(
    "portal_serve_bookings", "上门服务和错时服务", roles=[RoleCode.CLERK, RoleCode.LIVELIHOOD_WORKER]
)
