"""Who exchanges files with the 医保局 (accounts.roles.register_capability): the county bureau."""

from accounts.roles import RoleCode, register_capability

EXCHANGE_MEDICAL = register_capability(
    "exchange_medical", "医疗救助对象报送和支付导入", roles=[RoleCode.APPROVER, RoleCode.AUDITOR]
)
