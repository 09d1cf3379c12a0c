"""The partners' line's own capability (accounts.roles.register_capability)."""

from accounts.roles import RoleCode, register_capability

MANAGE_PARTNERS = register_capability("manage_partners", "管理接口客户端、事件通知和数据交换", roles=[RoleCode.ADMIN])
